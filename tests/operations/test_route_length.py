"""Route length and van reach: bounds, limits, monotonicity, a small PyVRP cross-check."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.operations import route_length as rl

K = rl.CALIBRATED


def _est(**kw: object) -> rl.RouteEstimate:
    base: dict[str, object] = dict(
        stops=100, parcels=135, area_km2=400.0, stem_km=10.0, speed_kmh=50.0, circuity=1.3
    )
    base.update(kw)
    return rl.route_estimate(**base)  # type: ignore[arg-type]


def test_capacity_bound_when_the_shift_does_not_bind() -> None:
    # dense, near: the shift is slack; 1000 parcels / 180 -> 6 routes (5.56 up)
    e = _est(stops=700, parcels=1000, area_km2=20.0, stem_km=2.0, shift_min=10_000.0)
    assert not e.shift_binds and e.feasible
    assert e.routes == e.capacity_bound == math.ceil(1000 / 180)
    # just inside / just outside a capacity multiple
    assert _est(parcels=360, shift_min=10_000.0).routes == 2
    assert _est(parcels=361, shift_min=10_000.0).routes == 3


def test_shift_bound_when_the_shift_binds() -> None:
    # sparse and far: the capacity bound is 1, the route-time budget needs more
    e = _est(stops=150, parcels=170, area_km2=3000.0, stem_km=30.0)
    assert e.capacity_bound == 1 and e.shift_binds and e.routes == e.shift_bound > 1
    # every route within the budget on average, one route fewer would not be
    m = int(e.routes)
    assert e.minutes / m <= K.fill * 600.0 + 1e-6
    n, a, c, v, r = 150, 3000.0, 1.3, 50.0, 30.0
    service = 1.5 * n + 0.5 * 170
    local = 60 * float(rl.local_tour_km(n, a, m - 1, circuity=c)) / v
    assert (m - 1) * 2 * 60 * r / v + service + local > K.fill * 600.0 * (m - 1)


def test_closed_form_shift_bound_matches_a_search() -> None:
    rng = np.random.default_rng(1)
    n = rng.integers(5, 400, 200)
    p = n + rng.integers(0, 200, 200)
    a = rng.uniform(5, 5000, 200)
    r = rng.uniform(0, 80, 200)
    e = rl.route_estimate(n, p, a, r, speed_kmh=55.0, circuity=1.3, capacity=1e9)
    ms = np.arange(1, 200)[:, None]
    local = 60 * rl.local_tour_km(n, a, ms, circuity=1.3) / 55.0
    t = ms * 2 * 60 * r / 55.0 + 1.5 * n + 0.5 * p + local
    fits = t <= K.fill * 600.0 * ms + 1e-6
    first = 1 + fits.argmax(axis=0)
    ok = e.feasible & fits.any(axis=0)
    assert ok.sum() > 150
    np.testing.assert_array_equal(e.routes[ok], first[ok])


def test_monotone_in_stops_area_stem_and_shift() -> None:
    n = np.arange(10, 400, 10)
    e = _est(stops=n, parcels=1.35 * n)
    assert (np.diff(e.km) > 0).all() and (np.diff(e.routes) >= 0).all()
    a = np.linspace(10, 5000, 40)
    e = _est(area_km2=a)
    assert (np.diff(e.km) > 0).all() and (np.diff(e.routes) >= 0).all()
    r = np.linspace(0, 100, 40)
    e = _est(stem_km=r)
    assert (np.diff(e.routes) >= 0).all() and (np.diff(e.km) >= 0).all()
    s = np.linspace(300, 900, 40)
    assert (np.diff(_est(shift_min=s, stops=200, parcels=250).routes) <= 0).all()


def test_limits() -> None:
    zero = _est(stops=0, parcels=0)
    assert zero.routes == 0 and zero.km == 0 and zero.feasible
    # one stop alone: out and back on the stem only
    one = _est(stops=1, parcels=1, stem_km=25.0, area_km2=1.0)
    assert one.routes == 1 and one.km == pytest.approx(
        2 * 25.0 + float(rl.local_tour_km(1, 1.0, 1, circuity=1.3))
    )
    # a stem longer than half the shift: no route fits
    far = _est(stem_km=0.51 * 600 / 60 * 50 + 50)
    assert not far.feasible and np.isnan(far.km) and far.shift_bound == rl.NO_FIT


def test_equivalent_area() -> None:
    assert rl.equivalent_area_km2([10, 10], [50, 50]) == pytest.approx(100)
    # clustered demand: less than the total area (Cauchy-Schwarz)
    assert rl.equivalent_area_km2([19, 1], [50, 50]) < 100
    assert rl.equivalent_area_km2([0, 0], [50, 50]) == 0
    both = rl.equivalent_area_km2(np.array([[10, 10], [19, 1]]), np.full((2, 2), 50.0))
    assert both.shape == (2,)


def test_van_reach_is_the_route_time_budget() -> None:
    d, s = 0.5, 60
    reach = float(rl.van_reach(d, s, parcels_per_stop=1.35, speed_kmh=50.0, circuity=1.3))
    local = 60 * K.k_local * 1.3 * s / math.sqrt(d) * float(K.factor(s, 1)) / 50.0
    assert reach == pytest.approx((K.fill * 600 - s * (1.5 + 0.5 * 1.35) - local) / 2)
    kw: dict[str, Any] = dict(parcels_per_stop=1.35, speed_kmh=50.0, circuity=1.3)
    assert rl.route_fits(reach - 1e-6, d, s, **kw)
    assert not rl.route_fits(reach + 1e-3, d, s, **kw)
    # denser areas and shorter routes reach farther; load time shortens reach
    assert (np.diff(rl.van_reach(np.linspace(0.05, 5, 20), s, **kw)) > 0).all()
    assert (np.diff(rl.van_reach(d, np.arange(1, 200), **kw)) < 0).all()
    assert float(rl.van_reach(d, s, load_min=30.0, **kw)) == pytest.approx(reach - 15.0)


def test_stops_within_shift_inverts_van_reach() -> None:
    kw: dict[str, Any] = dict(parcels_per_stop=1.35, speed_kmh=50.0, circuity=1.3)
    stem = np.array([0.0, 30.0, 90.0, 200.0, 299.0])
    d = np.array([0.02, 0.1, 0.5, 2.0, 2.0])
    s = rl.stops_within_shift(stem, d, max_stops=400, **kw)
    for i in range(len(stem)):
        if s[i] > 0:  # s stops fit, s + 1 do not
            assert stem[i] <= float(rl.van_reach(d[i], s[i], **kw)) + 1e-9
        if s[i] < 400:
            assert stem[i] > float(rl.van_reach(d[i], s[i] + 1, **kw))
    assert s[-1] == 0  # 2 x 299 min of stem leaves no room for a stop
    assert (np.diff(rl.stops_within_shift(np.linspace(0, 250, 30), 0.3, **kw)) <= 0).all()
    assert rl.stops_within_shift(0.0, 100.0, max_stops=50, **kw) == 50


def test_local_tour_factors() -> None:
    n, m = np.array([10.0, 100.0]), np.array([2.0, 3.0])
    legs = rl.RouteConstants(k_local=1.0, correction="legs")
    fig = rl.RouteConstants(k_local=1.0, correction="figliozzi")
    none = rl.RouteConstants(k_local=1.0, correction="none")
    np.testing.assert_allclose(legs.factor(n, m), (n + m) / (n - 1))
    np.testing.assert_allclose(fig.factor(n, m), (n - m) / n)
    np.testing.assert_allclose(none.factor(n, m), 1.0)
    for k in (legs, fig, none):  # the closed form relies on f being linear in m
        np.testing.assert_allclose(k.factor(n, m + 1) - k.factor(n, m), k.slope(n))
    # the local tour is k c sqrt(nA) f
    got = rl.local_tour_km(100, 400.0, 3, circuity=1.2, constants=legs)
    assert float(got) == pytest.approx(1.2 * math.sqrt(100 * 400) * 103 / 99)


def test_mst_spread_of_uniform_stops_is_their_area() -> None:
    rng = np.random.default_rng(3)
    n = 10_000
    x, y = rng.uniform(0, 100, n), rng.uniform(0, 100, n)  # km
    lat = 45.0 + y / 111.2
    lon = -100.0 + x / (111.2 * math.cos(math.radians(45.0)))
    km, area = rl.mst_spread(lat, lon)
    # the MST constant 0.6331 (plus a small boundary effect at finite n)
    assert 0.63 < km / math.sqrt(n * 100 * 100) < 0.665
    assert 0.98 * 100 * 100 < area < 1.1 * 100 * 100
    # clustered stops (half in one town) have a smaller equivalent area
    half = n // 2
    x2, y2 = x.copy(), y.copy()
    x2[:half], y2[:half] = 50 + rng.normal(0, 1, half), 50 + rng.normal(0, 1, half)
    lon2 = -100.0 + x2 / (111.2 * math.cos(math.radians(45.0)))
    _, clustered = rl.mst_spread(45.0 + y2 / 111.2, lon2)
    assert clustered < 0.7 * area
    assert rl.mst_spread([45.0], [-100.0]) == (0.0, 0.0)
    # three collinear stops: the MST is the segment
    km3, _ = rl.mst_spread([45.0, 45.0, 45.0], [-100.0, -99.9, -99.8])
    assert km3 == pytest.approx(0.2 * 111.2 * math.cos(math.radians(45.0)), rel=1e-6)


def test_stem_to_area() -> None:
    a = math.pi * 10.0**2
    assert float(rl.stem_to_area_km(30.0, a)) == pytest.approx(20.0)
    assert float(rl.stem_to_area_km(30.0, a, circuity=1.5)) == pytest.approx(15.0)
    assert float(rl.stem_to_area_km(5.0, a)) == 0.0


def test_inputs_are_checked() -> None:
    with pytest.raises(HinterlandError):
        _est(stops=-1)
    with pytest.raises(HinterlandError):
        _est(capacity=0)
    with pytest.raises(HinterlandError):
        rl.van_reach(0.0, 10)
    with pytest.raises(HinterlandError):
        rl.van_reach(1.0, 0)
    with pytest.raises(HinterlandError):
        rl.RouteConstants(k_local=0.7, fill=1.2)


def test_small_pyvrp_cross_check() -> None:
    """A 2-second PyVRP day (uniform stops, station off the area): within 10 %, same routes."""
    pytest.importorskip("pyvrp")
    from hinterland.routing import RoutingParams, Station, build_problem, default_fleet, plan_routes

    rng = np.random.default_rng(7)
    n = 60
    # uniform stops on a 30 x 30 km square 25 km east of the station
    x = rng.uniform(25, 55, n)
    y = rng.uniform(-15, 15, n)
    lat0, lon0 = 45.0, -100.0
    stops = pd.DataFrame(
        {
            "stop_id": [f"S{i}" for i in range(n)],
            "lat": lat0 + y / 111.2,
            "lon": lon0 + x / (111.2 * math.cos(math.radians(lat0))),
            "parcels": 1 + rng.poisson(0.35, n),
            "rurality": "rural",
        }
    )
    fleet = default_fleet(vans=5, step_vans=0)
    fleet = fleet[fleet["vehicle_type"] == "cargo_van"]
    prob = build_problem(stops, fleet, Station("DS", lat0, lon0, "rural"),
                         params=RoutingParams(drone_queue=False))
    plan = plan_routes(prob, time_limit_s=2.0, seed=0)
    # every stop routed (the verifier's promise rules are the routing tests' business)
    assert len(plan.unserved) == 0 and int(plan.summary["stops"].sum()) == n
    e = rl.route_estimate(
        n,
        int(stops["parcels"].sum()),
        900.0,
        float(0.5 * (prob.km[0, 1:] + prob.km[1:, 0]).min()),  # stem to the nearest stop
        speed_kmh=70.0,
        circuity=1.35,
    )
    km = float(plan.summary["km"].sum())
    assert abs(float(e.km) / km - 1) < 0.10
    assert int(e.routes) == len(plan.summary)
