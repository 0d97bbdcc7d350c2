"""Delivery points inside ZIP areas: addresses scattered around each centroid."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray


def scatter_points(
    zips: pd.DataFrame, rows: NDArray[np.int64], rng: np.random.Generator
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A delivery point for each entry of ``rows`` (row positions in ``zips``).

    Points fall within the radius of a disc of the ZIP area's ``land_km2`` around
    its centroid, denser towards the centre (distance ~ radius x U^1.5), as
    settlement is.

    Returns
    -------
    (lat, lon)
        Degrees, one pair per entry of ``rows``.
    """
    n = len(rows)
    radius_km = np.sqrt(np.maximum(zips["land_km2"].to_numpy(float), 1.0) / np.pi)[rows]
    dist = radius_km * rng.random(n) ** 1.5
    ang = rng.random(n) * 2 * np.pi
    lat0 = zips["lat"].to_numpy(float)[rows]
    lon0 = zips["lon"].to_numpy(float)[rows]
    lat = lat0 + dist * np.cos(ang) / 111.2
    lon = lon0 + dist * np.sin(ang) / (111.2 * np.cos(np.radians(lat0)))
    return lat, lon
