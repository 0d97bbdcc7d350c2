"""The verifier accepts good routes and rejects hand-made broken routes of every kind."""

from __future__ import annotations

import pandas as pd
import pytest

from hinterland.routing.problem import RoutingParams, build_problem
from hinterland.routing.solve import RawRoute, plan_routes, schedule_routes, unserved_table
from hinterland.routing.verify import VIOLATION_KINDS, verify_plan

from .conftest import STATION, make_fleet, make_stops


def _verify(problem, routes, unserved=None, drone_queue=None, fleet=None, raw=None):
    return verify_plan(
        problem.raw_stops if raw is None else raw,
        problem.fleet if fleet is None else fleet,
        problem.station,
        routes,
        unserved if unserved is not None else pd.DataFrame(columns=["stop_id", "reason"]),
        drone_queue,
        params=problem.params,
        travel=problem.travel,
    )


GOOD = [RawRoute("van", ((0, 1, 2),)), RawRoute("van", ((3, 4, 5),))]


def test_good_hand_made_routes_pass(small_problem):
    routes, summary = schedule_routes(small_problem, GOOD)
    v = _verify(small_problem, routes)
    assert v.ok, v.violations
    assert v.checks["served"] == 6
    assert v.checks["km"] == pytest.approx(summary["km"].sum(), rel=1e-9)


def test_solver_plan_is_verified(small_problem):
    plan = plan_routes(small_problem, time_limit_s=0.5, seed=1)
    assert plan.certificate.verified
    assert plan.certificate.sense == "min"
    assert plan.certificate.checks["served"] == 6
    assert plan.certificate.objective == pytest.approx(plan.summary["cost_usd"].sum(), rel=1e-6)


def _kinds(v) -> set[str]:
    assert not v.ok
    assert set(v.violations["kind"]) <= set(VIOLATION_KINDS)
    return v.kinds()


def test_capacity_parcels(small_problem):
    routes, _ = schedule_routes(small_problem, [RawRoute("van", ((0, 1, 2, 3, 4, 5),))])
    assert "capacity_parcels" in _kinds(_verify(small_problem, routes))


def test_capacity_cube():
    p = build_problem(make_stops(), make_fleet(cube_capacity_l=50.0), STATION)
    routes, _ = schedule_routes(p, GOOD)
    assert _kinds(_verify(p, routes)) == {"capacity_cube"}


def test_capacity_with_pickups():
    stops = make_stops()
    stops["pickup_parcels"] = [0, 0, 0, 9, 0, 0]
    p = build_problem(stops, make_fleet(), STATION)
    # leaves with 6 parcels; at s3 delivers 2 and collects 9: 13 on board > 10
    routes, _ = schedule_routes(p, GOOD)
    assert "capacity_parcels" in _kinds(_verify(p, routes))


def test_fleet_exceeded(small_problem):
    raw = [RawRoute("van", ((0, 1),)), RawRoute("van", ((2, 3),)), RawRoute("van", ((4, 5),))]
    routes, _ = schedule_routes(small_problem, raw)
    assert _kinds(_verify(small_problem, routes)) == {"fleet_exceeded"}


def test_unknown_vehicle_type(small_problem):
    routes, _ = schedule_routes(small_problem, GOOD)
    routes.loc[routes["route_id"] == 1, "vehicle_type"] = "bike"
    assert "unknown_vehicle_type" in _kinds(_verify(small_problem, routes))


def test_duplicate_visit(small_problem):
    raw = [RawRoute("van", ((0, 1, 2, 0),)), RawRoute("van", ((3, 4, 5),))]
    routes, _ = schedule_routes(small_problem, raw)
    assert "duplicate_visit" in _kinds(_verify(small_problem, routes))


def test_missing_stop(small_problem):
    raw = [RawRoute("van", ((0, 1, 2),)), RawRoute("van", ((3, 4),))]
    routes, _ = schedule_routes(small_problem, raw)
    v = _verify(small_problem, routes)
    assert _kinds(v) == {"missing_stop"}
    assert v.violations["stop_id"].tolist() == ["s5"]


def test_missing_stop_reported_unserved_is_fine(small_problem):
    raw = [RawRoute("van", ((0, 1, 2),)), RawRoute("van", ((3, 4),))]
    routes, _ = schedule_routes(small_problem, raw)
    un = unserved_table(small_problem, raw)
    assert un["reason"].tolist() == ["dropped_by_solver"]
    assert _verify(small_problem, routes, unserved=un).ok


def test_unserved_without_reason(small_problem):
    raw = [RawRoute("van", ((0, 1, 2),)), RawRoute("van", ((3, 4),))]
    routes, _ = schedule_routes(small_problem, raw)
    un = pd.DataFrame({"stop_id": ["s5"], "reason": [""]})
    assert _kinds(_verify(small_problem, routes, unserved=un)) == {"unserved_without_reason"}


def test_served_and_unserved(small_problem):
    routes, _ = schedule_routes(small_problem, GOOD)
    un = pd.DataFrame({"stop_id": ["s1"], "reason": ["dropped_by_solver"]})
    assert _kinds(_verify(small_problem, routes, unserved=un)) == {"served_and_unserved"}


def test_unknown_stop(small_problem):
    routes, _ = schedule_routes(small_problem, GOOD)
    routes.loc[0, "stop_id"] = "nowhere"
    kinds = _kinds(_verify(small_problem, routes))
    assert {"unknown_stop", "missing_stop"} <= kinds


def test_drone_not_eligible(small_problem):
    raw = [RawRoute("van", ((0, 1, 2),)), RawRoute("van", ((3, 4),))]
    routes, _ = schedule_routes(small_problem, raw)
    dq = pd.DataFrame({"stop_id": ["s5"]})
    assert _kinds(_verify(small_problem, routes, drone_queue=dq)) == {"drone_not_eligible"}


def test_too_many_reloads(small_problem):
    raw = [RawRoute("van", ((0, 1, 2), (3, 4, 5)))]
    routes, _ = schedule_routes(small_problem, raw)
    assert "reload" in set(routes["kind"])
    assert _kinds(_verify(small_problem, routes)) == {"too_many_reloads"}


def test_reloads_allowed_split_capacity():
    p = build_problem(make_stops(), make_fleet(max_reloads=1), STATION)
    raw = [RawRoute("van", ((0, 1, 2), (3, 4, 5)))]
    routes, _ = schedule_routes(p, raw)
    assert _verify(p, routes).ok  # 6 parcels per trip fit 10


def _direct_min(stop: int) -> float:
    """Drive minutes station -> stop alone."""
    return float(build_problem(make_stops(), make_fleet(), STATION).minutes[0, stop + 1])


def test_window_late():
    stops = make_stops()
    stops["tw_late_min"] = [None, None, 480.0 + _direct_min(2) + 0.5, None, None, None]
    p = build_problem(stops, make_fleet(), STATION)
    routes, _ = schedule_routes(p, GOOD)  # s2 is third on its route: too late
    v = _verify(p, routes)
    assert _kinds(v) == {"window_late"}
    assert v.violations["stop_id"].tolist() == ["s2"]


def test_window_by_tier_is_rederived():
    stops = make_stops()
    stops["tier"] = ["standard", "standard", "early_bird", "standard", "standard", "standard"]
    params = RoutingParams(
        tier_windows={"standard": (0.0, 1440.0), "early_bird": (0.0, 480.0 + _direct_min(2) + 0.5)}
    )
    p = build_problem(stops, make_fleet(), STATION, params=params)
    routes, _ = schedule_routes(p, GOOD)
    assert _kinds(_verify(p, routes)) == {"window_late"}


def test_window_early(small_problem):
    stops = make_stops()
    stops["tw_early_min"] = [None, 700.0, None, None, None, None]
    p = build_problem(stops, make_fleet(), STATION)
    routes, _ = schedule_routes(p, GOOD)
    assert _verify(p, routes).ok  # the schedule waits for the window
    i = routes.index[routes["stop_id"] == "s1"][0]
    routes.loc[i, "start_min"] = routes.loc[i, "arrival_min"]  # claims to serve before 700
    assert "window_early" in _kinds(_verify(p, routes))


def test_eta_too_early(small_problem):
    routes, _ = schedule_routes(small_problem, GOOD)
    i = routes.index[routes["stop_id"] == "s2"][0]
    routes.loc[i, "arrival_min"] -= 15.0
    assert _kinds(_verify(small_problem, routes)) == {"eta_too_early"}


def test_start_before_shift(small_problem):
    routes, _ = schedule_routes(small_problem, GOOD)
    for c in ("arrival_min", "start_min", "depart_min"):
        routes[c] -= 120.0
    assert "start_before_shift" in _kinds(_verify(small_problem, routes))


def test_shift_length_and_end():
    p = build_problem(make_stops(), make_fleet(shift_min=20.0), STATION)
    routes, _ = schedule_routes(p, GOOD)
    assert {"shift_length_exceeded", "shift_end_exceeded"} <= _kinds(_verify(p, routes))


def test_shift_end_only(small_problem):
    late = [RawRoute("van", ((0, 1, 2),), start_min=1070.0), RawRoute("van", ((3, 4, 5),))]
    routes, _ = schedule_routes(small_problem, late)
    assert _kinds(_verify(small_problem, routes)) == {"shift_end_exceeded"}


def test_every_kind_is_exercised():
    """Guard: each violation kind above has a test in this file."""
    import inspect
    import sys

    src = inspect.getsource(sys.modules[__name__])
    for kind in VIOLATION_KINDS:
        assert f'"{kind}"' in src, kind


def test_solver_uses_reloads_and_verifies():
    fleet = make_fleet(count=1, parcel_capacity=4, max_reloads=3).iloc[:1]
    p = build_problem(make_stops(), fleet, STATION)
    plan = plan_routes(p, time_limit_s=0.5, seed=0)
    assert plan.certificate.verified, plan.violations
    assert plan.unserved.empty
    assert plan.summary["trips"].sum() >= 3  # 12 parcels, 4 per trip, one van
    assert (plan.routes["kind"] == "reload").sum() >= 2
