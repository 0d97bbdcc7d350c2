"""Great-circle distances and 3-D unit vectors, vectorised with numpy."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees (numpy broadcasting).

    Examples
    --------
    >>> round(float(haversine_km(0, 0, 0, 1)), 3)
    111.195
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def unit_vectors(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.float64]:
    """Points in degrees as an ``(n, 3)`` array of unit vectors (for cKDTree)."""
    p = np.radians(np.asarray(lat, dtype=float))
    lam = np.radians(np.asarray(lon, dtype=float))
    cos_p = np.cos(p)
    return np.column_stack((cos_p * np.cos(lam), cos_p * np.sin(lam), np.sin(p)))


def km_to_chord(km: ArrayLike) -> NDArray[np.float64]:
    """Great-circle km -> straight chord length between unit vectors."""
    return 2.0 * np.sin(np.minimum(np.asarray(km, dtype=float) / EARTH_RADIUS_KM, np.pi) / 2.0)


def chord_to_km(chord: ArrayLike) -> NDArray[np.float64]:
    """Chord length between unit vectors -> great-circle km."""
    return (
        2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord, dtype=float) / 2.0, 0.0, 1.0))
    )
