"""hinterland: planning and running rural last-mile delivery networks."""

from __future__ import annotations

__version__ = "0.1.0"
