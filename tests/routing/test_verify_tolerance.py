"""Verifier thresholds at their edges: just inside passes, just outside fails.

The verifier allows ``TOL_MIN`` (0.02 min) of slack on every time comparison and none
on loads. Each test breaks one rule by half the slack (accepted) and by one and a half
times the slack (rejected), so a loosened or tightened tolerance, a flipped comparison
or a dropped check fails here, not only a rule broken by a wide margin.
"""

from __future__ import annotations

import pandas as pd
import pytest

from hinterland.operations import DroneFleet
from hinterland.routing.problem import RoutingParams, build_problem
from hinterland.routing.solve import RawRoute, schedule_routes
from hinterland.routing.verify import TOL_MIN, verify_plan

from .conftest import STATION, make_fleet, make_stops

INSIDE, OUTSIDE = 0.01, 0.03  # minutes: half and 1.5 x the documented 0.02-min slack
GOOD = [RawRoute("van", ((0, 1, 2),)), RawRoute("van", ((3, 4, 5),))]
ONE = [RawRoute("van", ((0, 1, 2, 3, 4, 5),))]


def _verify(problem, routes, drone_queue=None):
    return verify_plan(problem.raw_stops, problem.fleet, problem.station, routes,
                       pd.DataFrame(columns=["stop_id", "reason"]), drone_queue,
                       params=problem.params, travel=problem.travel)


def _kinds(problem, routes, drone_queue=None) -> set[str]:
    return _verify(problem, routes, drone_queue).kinds()


def test_tolerance_is_the_documented_one() -> None:
    assert TOL_MIN == 0.02


@pytest.mark.parametrize(("delta", "expect"), [(INSIDE, set()), (OUTSIDE, {"eta_too_early"})])
def test_reported_arrival_earlier_than_possible(small_problem, delta, expect) -> None:
    routes, _ = schedule_routes(small_problem, GOOD)
    i = routes.index[routes["stop_id"] == "s2"][0]
    routes.loc[i, "arrival_min"] -= delta
    assert _kinds(small_problem, routes) == expect


@pytest.mark.parametrize(("delta", "expect"), [(INSIDE, set()), (OUTSIDE, {"window_late"})])
def test_service_after_the_window_closes(small_problem, delta, expect) -> None:
    routes, _ = schedule_routes(small_problem, GOOD)
    start = float(routes.loc[routes["stop_id"] == "s2", "start_min"].iloc[0])
    stops = make_stops()
    stops["tw_late_min"] = [None, None, start - delta, None, None, None]
    p = build_problem(stops, make_fleet(), STATION)
    routes, _ = schedule_routes(p, GOOD)
    assert _kinds(p, routes) == expect


@pytest.mark.parametrize(("delta", "expect"), [(INSIDE, set()), (OUTSIDE, {"window_early"})])
def test_service_before_the_window_opens(delta, expect) -> None:
    stops = make_stops()
    stops["tw_early_min"] = [None, 700.0, None, None, None, None]
    p = build_problem(stops, make_fleet(), STATION)
    routes, _ = schedule_routes(p, GOOD)
    i = routes.index[routes["stop_id"] == "s1"][0]
    assert routes.loc[i, "start_min"] == pytest.approx(700.0)
    routes.loc[i, "start_min"] = 700.0 - delta
    assert _kinds(p, routes) == expect


@pytest.mark.parametrize(("delta", "expect"),
                         [(INSIDE, set()), (OUTSIDE, {"start_before_shift"})])
def test_leaving_before_the_shift_starts(small_problem, delta, expect) -> None:
    routes, _ = schedule_routes(small_problem, GOOD)
    for c in ("arrival_min", "start_min", "depart_min"):
        routes[c] -= delta
    assert _kinds(small_problem, routes) == expect


def _route_minutes() -> float:
    p = build_problem(make_stops(), make_fleet(parcel_capacity=20), STATION)
    routes, _ = schedule_routes(p, ONE)
    v = _verify(p, routes)
    assert v.ok, v.violations
    return float(v.checks["driver_hours"]) * 60.0


@pytest.mark.parametrize(("delta", "expect"),
                         [(INSIDE, set()),
                          (OUTSIDE, {"shift_end_exceeded", "shift_length_exceeded"})])
def test_back_after_the_shift_ends(delta, expect) -> None:
    minutes = _route_minutes()  # leaves at the shift start, so length = end - start
    p = build_problem(make_stops(), make_fleet(parcel_capacity=20, shift_min=minutes - delta),
                      STATION)
    routes, _ = schedule_routes(p, ONE)
    assert _kinds(p, routes) == expect


@pytest.mark.parametrize(("delta", "expect"),
                         [(INSIDE, set()),
                          (OUTSIDE, {"start_before_shift", "shift_length_exceeded"})])
def test_working_longer_than_the_shift(delta, expect) -> None:
    # Leaves ``delta`` before the shift starts and is back exactly at its end: the shift
    # end holds, the length is exceeded by ``delta`` (only possible by leaving early).
    minutes = _route_minutes()
    p = build_problem(make_stops(), make_fleet(parcel_capacity=20, shift_min=minutes - delta),
                      STATION)
    routes, _ = schedule_routes(p, [RawRoute("van", ONE[0].trips, start_min=480.0 - delta)])
    assert _kinds(p, routes) == expect


@pytest.mark.parametrize(("cap", "expect"), [(6, set()), (5, {"capacity_parcels"})])
def test_parcel_capacity_edge(cap, expect) -> None:
    p = build_problem(make_stops(), make_fleet(parcel_capacity=cap), STATION)
    routes, _ = schedule_routes(p, GOOD)  # 3 stops x 2 parcels per route
    assert _kinds(p, routes) == expect


def test_cube_capacity_edge() -> None:
    p = build_problem(make_stops(), make_fleet(), STATION)
    cube = 3 * 2 * p.params.default_cube_l  # 3 stops x 2 parcels per route
    ok = build_problem(make_stops(), make_fleet(cube_capacity_l=cube), STATION)
    assert _kinds(ok, schedule_routes(ok, GOOD)[0]) == set()
    tight = build_problem(make_stops(), make_fleet(cube_capacity_l=cube * (1 - 1e-4)), STATION)
    assert _kinds(tight, schedule_routes(tight, GOOD)[0]) == {"capacity_cube"}


def _drone_case(radius_km: float, payload_kg: float, weight_kg: float):
    stops = make_stops()
    stops["drone_eligible"] = [False] * 5 + [True]
    stops["parcels"] = [2] * 5 + [1]
    stops["weight_kg"] = [1.0] * 5 + [weight_kg]
    params = RoutingParams(drone=DroneFleet(radius_km=radius_km, payload_kg=payload_kg))
    p = build_problem(stops, make_fleet(), STATION, params=params)
    routes, _ = schedule_routes(p, [RawRoute("van", ((0, 1, 2),)), RawRoute("van", ((3, 4),))])
    return p, routes


def _stop5_km() -> float:
    from hinterland.geo import haversine_km

    s = make_stops().iloc[5]
    return float(haversine_km(STATION.lat, STATION.lon, s["lat"], s["lon"]))


@pytest.mark.parametrize(("scale", "expect"), [(1.0, set()), (1 - 1e-6, {"drone_not_eligible"})])
def test_drone_radius_edge(scale, expect) -> None:
    p, routes = _drone_case(_stop5_km() * scale, 2.27, 1.0)
    assert _kinds(p, routes, pd.DataFrame({"stop_id": ["s5"]})) == expect


@pytest.mark.parametrize(("weight", "expect"), [(2.27, set()), (2.28, {"drone_not_eligible"})])
def test_drone_payload_edge(weight, expect) -> None:
    p, routes = _drone_case(50.0, 2.27, weight)
    assert _kinds(p, routes, pd.DataFrame({"stop_id": ["s5"]})) == expect
