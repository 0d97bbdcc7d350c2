"""HTTP API (FastAPI) over the promise engine; see :mod:`hinterland.api.app`."""

from hinterland.api.app import MAX_BATCH, create_app

__all__ = ["MAX_BATCH", "create_app"]
