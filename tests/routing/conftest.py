"""Small hand-made routing problems (no data files needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.routing.problem import RoutingParams, Station, build_problem, fleet_defaults

STATION = Station("ST", 45.0, -109.0)
#: The same site, as a kind that launches drones.
DRONE_STATION = Station("ST", 45.0, -109.0, kind="drone_site")


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
    """Two vans of 10 parcels / 200 l and one truck of 40 / 800 per wave; the shift,
    load, break and costs of the operating model's van unless ``over`` sets them (on
    the van row)."""
    f = pd.DataFrame(
        {
            "vehicle_type": ["van", "truck"],
            "count": [2, 1],
            "parcel_capacity": [10, 40],
            "cube_capacity_l": [200.0, 800.0],
        }
    )
    defaults = fleet_defaults()
    for k, v in over.items():
        if k not in f.columns:
            f[k] = defaults[k]
        f[k] = f[k].astype(float) if isinstance(v, float) else f[k]
        f.loc[0, k] = v
    return f


@pytest.fixture
def small_problem():
    """Six stops, two vans and a truck."""
    return build_problem(make_stops(), make_fleet(), STATION, params=RoutingParams())
