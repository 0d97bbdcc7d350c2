"""Travel model: hand-computed distances, properties, sparse radius queries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hinterland.core.errors import HinterlandError
from hinterland.geo import EARTH_RADIUS_KM, TravelModel, haversine_km

lat = st.floats(-89.9, 89.9)
lon = st.floats(-180, 180)


def _spherical_law_of_cosines(p1, l1, p2, l2):
    p1, l1, p2, l2 = map(math.radians, (p1, l1, p2, l2))
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(l2 - l1)
    return EARTH_RADIUS_KM * math.acos(max(-1.0, min(1.0, c)))


def test_hand_computed_distances():
    # One degree of longitude on the equator: 2 pi R / 360.
    assert haversine_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360, rel=1e-12)
    # Pole to equator: a quarter meridian.
    assert haversine_km(90, 0, 0, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM / 2, rel=1e-12)
    # Billings MT (45.7833, -108.5007) to Absarokee MT (45.5205, -109.4429): about 78.5 km.
    d = float(haversine_km(45.7833, -108.5007, 45.5205, -109.4429))
    assert d == pytest.approx(
        _spherical_law_of_cosines(45.7833, -108.5007, 45.5205, -109.4429), rel=1e-9
    )
    assert 77 < d < 80


@settings(max_examples=200, deadline=None)
@given(lat, lon, lat, lon, lat, lon)
def test_metric_properties(a1, o1, a2, o2, a3, o3):
    d12 = float(haversine_km(a1, o1, a2, o2))
    d21 = float(haversine_km(a2, o2, a1, o1))
    d13 = float(haversine_km(a1, o1, a3, o3))
    d23 = float(haversine_km(a2, o2, a3, o3))
    assert d12 == pytest.approx(d21, abs=1e-9)
    # Near antipodal points haversine's asin loses digits: about 1e-5 km of 20,000 km
    # (hypothesis found (0, 180) via (-1, 0) to (0, 0)); a metre of slack covers it.
    assert d13 <= d12 + d23 + 1e-3
    assert 0 <= d12 <= math.pi * EARTH_RADIUS_KM + 1e-3
    assert float(haversine_km(a1, o1, a1, o1)) == pytest.approx(0, abs=1e-9)


def test_road_and_drive_time_by_rurality():
    tm = TravelModel()
    assert tm.road_km(100, "rural") == pytest.approx(135.0)
    assert tm.road_km(100, "metro") == pytest.approx(120.0)
    # 70 km at 70 km/h is 60 min, plus 5 min access.
    assert tm.drive_min(70, "rural") == pytest.approx(65.0)
    with pytest.raises(HinterlandError):
        TravelModel(circuity={"metro": 0.9, "micropolitan": 1, "small_town": 1, "rural": 1})


def _pts(n, seed):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "lat": rng.uniform(44, 49, n),
            "lon": rng.uniform(-116, -104, n),
            "rurality": rng.choice(["metro", "rural", "small_town"], n),
        }
    )


def test_matrix_matches_scalar_formula():
    tm = TravelModel()
    o, d = _pts(5, 1), _pts(7, 2)
    km, minutes = tm.matrix(o, d)
    assert km.shape == minutes.shape == (5, 7)
    for i in range(5):
        for j in range(7):
            gc = float(haversine_km(o.lat[i], o.lon[i], d.lat[j], d.lon[j]))
            road = gc * tm.circuity[d.rurality[j]]
            assert km[i, j] == pytest.approx(road, rel=1e-12)
            assert minutes[i, j] == pytest.approx(5 + road / tm.speed_kmh[d.rurality[j]] * 60)


@pytest.mark.parametrize("kw", [{"radius_km": 80.0}, {"radius_min": 45.0}])
def test_within_equals_brute_force(kw):
    tm = TravelModel()
    pts, ctr = _pts(400, 3), _pts(60, 4)
    pairs = tm.within(pts, ctr, **kw)
    km, minutes = tm.matrix(ctr, pts)  # centre x point; points carry rurality
    value = km.T if "radius_km" in kw else minutes.T
    limit = next(iter(kw.values()))
    expected = set(zip(*np.nonzero(value <= limit), strict=True))
    got = set(zip(pairs["point"], pairs["centre"], strict=True))
    assert got == expected
    assert np.allclose(pairs["road_km"], km.T[pairs["point"], pairs["centre"]])
    assert np.allclose(pairs["drive_min"], minutes.T[pairs["point"], pairs["centre"]])


def test_within_edge_cases():
    tm = TravelModel()
    pts = _pts(10, 5)
    empty = tm.within(pts, pts.iloc[0:0], radius_km=10)
    assert empty.empty and list(empty.columns) == [
        "point",
        "centre",
        "gc_km",
        "road_km",
        "drive_min",
    ]
    # Below the access time nothing is reachable.
    assert tm.within(pts, pts, radius_min=4.0).empty
    with pytest.raises(HinterlandError, match="exactly one"):
        tm.within(pts, pts, radius_km=1, radius_min=1)
    with pytest.raises(HinterlandError, match="unknown rurality"):
        tm.within(pts.assign(rurality="suburb"), pts, radius_km=1)


def test_nearest_matches_brute_force():
    tm = TravelModel()
    pts, ctr = _pts(300, 6), _pts(40, 7)
    near = tm.nearest(pts, ctr, k=2)
    gc = haversine_km(
        pts.lat.to_numpy()[:, None],
        pts.lon.to_numpy()[:, None],
        ctr.lat.to_numpy()[None, :],
        ctr.lon.to_numpy()[None, :],
    )
    best = np.sort(gc, axis=1)[:, :2].ravel()
    assert np.allclose(near["gc_km"], best, atol=1e-6)


@pytest.mark.slow
def test_national_within_is_sparse_and_fast(zips):
    import time

    rng = np.random.default_rng(0)
    sites = zips.sample(10_000, random_state=1)[["lat", "lon"]].to_numpy()
    sites = pd.DataFrame(
        {
            "lat": sites[:, 0] + rng.normal(0, 0.05, 10_000),
            "lon": sites[:, 1] + rng.normal(0, 0.05, 10_000),
        }
    )
    t = time.perf_counter()
    pairs = TravelModel().within(zips, sites, radius_km=60)
    elapsed = time.perf_counter() - t
    assert len(pairs) > len(zips)
    assert pairs["road_km"].max() <= 60 + 1e-9
    assert elapsed < 60  # generous: the benchmark records the real time
