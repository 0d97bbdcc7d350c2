"""The default engine (national network, default carriers), built once per process."""

from __future__ import annotations

from functools import cache

from hinterland.data import zip_areas
from hinterland.promise.engine import PromiseEngine
from hinterland.promise.network import default_facilities


@cache
def default_engine() -> PromiseEngine:
    """Engine over :func:`~hinterland.promise.network.default_facilities` and all ZIP areas."""
    return PromiseEngine(default_facilities(), zip_areas())
