"""Small hand-made routing problems (no data files needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.routing.problem import FLEET_DEFAULTS, RoutingParams, Station, build_problem

STATION = Station("ST", 45.0, -109.0)


def make_stops(n: int = 6, seed: int = 0) -> pd.DataFrame:
    """``n`` stops within ~10 km of the station, 2 parcels (24 l) each."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "stop_id": [f"s{i}" for i in range(n)],
            "lat": 45.0 + rng.uniform(-0.08, 0.08, n),
            "lon": -109.0 + rng.uniform(-0.1, 0.1, n),
            "parcels": 2,
        }
    )


def make_fleet(**over: object) -> pd.DataFrame:
    """Two vans of 10 parcels / 200 l, shift 08:00 + 600 min, and one truck."""
    f = pd.DataFrame(
        {
            "vehicle_type": ["van", "truck"],
            "count": [2, 1],
            "parcel_capacity": [10, 40],
            "cube_capacity_l": [200.0, 800.0],
            "shift_start_min": [480.0, 480.0],
            "shift_min": [600.0, 600.0],
        }
    )
    for k, v in over.items():
        if k not in f.columns:
            f[k] = FLEET_DEFAULTS[k]
        f.loc[0, k] = v
    return f


@pytest.fixture
def small_problem():
    """Six stops, two vans and a truck."""
    return build_problem(make_stops(), make_fleet(), STATION, params=RoutingParams())
