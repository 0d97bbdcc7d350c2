"""Clocks and time zones: the local time of every facility and destination.

Every time in the operating model is local wall-clock time of the place it happens
at (a fulfillment center's line-haul leaves at 22:00 *its* time); the promise and
everything after it are on the order's clock, the destination's local time. An
order time without a UTC offset is the destination's local time.

The IANA time zone of a point comes from the ``tzfpy`` library (time-zone
boundary polygons, offline); offsets and daylight saving from the standard
library's :mod:`zoneinfo` (IANA tz database, with ``tzdata`` where the system has
none). Nothing here is a hand-made table.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import tzfpy
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DEFAULT_DATE",
    "clock_shift_min",
    "time_zones",
    "utc_offset_min",
]

#: Operating date used for UTC offsets when a caller gives none (a Wednesday in
#: March, before daylight saving starts on the second Sunday of March).
DEFAULT_DATE = dt.date(2026, 3, 4)


@cache
def _zone_at(lon: float, lat: float) -> str:
    return str(tzfpy.get_tz(lon, lat)) or "UTC"


def time_zones(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.object_]:
    """IANA time-zone name of each point (``tzfpy``; ``"UTC"`` where no zone).

    Points over the sea get the nautical zone ``tzfpy`` returns (``Etc/GMT+5``, ...).
    """
    la = np.atleast_1d(np.asarray(lat, dtype=float))
    lo = np.atleast_1d(np.asarray(lon, dtype=float))
    return np.array([_zone_at(float(x), float(y)) for y, x in zip(la, lo, strict=True)],
                    dtype=object)


@cache
def _offset(zone: str, date: dt.date) -> float:
    noon = dt.datetime(date.year, date.month, date.day, 12, tzinfo=ZoneInfo(zone))
    off = noon.utcoffset()
    return 0.0 if off is None else off.total_seconds() / 60.0


def utc_offset_min(zones: ArrayLike, date: dt.date | str | None = None) -> NDArray[np.float64]:
    """UTC offset in minutes of each zone at local noon of ``date`` (DST included).

    ``date`` defaults to :data:`DEFAULT_DATE`; Mountain Standard Time gives -420.
    """
    day = (DEFAULT_DATE if date is None
           else pd.Timestamp(date).date() if isinstance(date, str) else date)
    z = np.atleast_1d(np.asarray(zones, dtype=object))
    uniq, inv = np.unique(z.astype(str), return_inverse=True)
    return np.array([_offset(u, day) for u in uniq], dtype=float)[inv]


def clock_shift_min(from_offset: ArrayLike, to_offset: ArrayLike) -> NDArray[np.float64]:
    """Minutes to add to a wall-clock time at ``from`` to read it on ``to``'s clock.

    22:00 at a Pacific FC (-480) is 23:00 at a Mountain destination (-420): +60.
    """
    return np.asarray(to_offset, dtype=float) - np.asarray(from_offset, dtype=float)
