"""The default engine (national network, default carriers), built once per process."""

from __future__ import annotations

from functools import cache

from hinterland.data import zip_areas
from hinterland.network.default_network import default_facilities
from hinterland.promise.engine import PromiseEngine


@cache
def default_engine() -> PromiseEngine:
    """Engine over the default national network and all ZIP areas."""
    return PromiseEngine(default_facilities(), zip_areas())
