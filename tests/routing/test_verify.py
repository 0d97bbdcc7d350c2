"""The verifier accepts good routes and rejects hand-made broken routes of every kind.

Each rule is re-derived by the verifier from the raw input and the operating model;
these tests break one rule at a time (the tolerance edges are in
``test_verify_tolerance.py``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from hinterland.operations import OperatingModel, VanFleet
from hinterland.routing.problem import (
    RoutingParams,
    build_problem,
    build_problem_from_parcels,
)
from hinterland.routing.solve import (
    RawRoute,
    finish_plan,
    parcel_table,
    plan_routes,
    schedule_routes,
    unserved_table,
)
from hinterland.routing.verify import VIOLATION_KINDS, verify_plan

from .conftest import DRONE_STATION, STATION, make_fleet, make_stops

NONE = pd.DataFrame(columns=["stop_id", "reason"])


def _verify(problem, routes, unserved=None, drone_queue=None, fleet=None, raw=None,
            params=None, late=None, assignment=None, station=None):
    return verify_plan(
        problem.raw_stops if raw is None else raw,
        problem.fleet if fleet is None else fleet,
        problem.station if station is None else station,
        routes,
        unserved if unserved is not None else NONE,
        drone_queue,
        params=problem.params if params is None else params,
        assignment=assignment,
        reported_late=late,
    )


GOOD = [RawRoute("van", ((0, 1, 2),)), RawRoute("van", ((3, 4, 5),))]


def test_good_hand_made_routes_pass(small_problem):
    routes, summary = schedule_routes(small_problem, GOOD)
    v = _verify(small_problem, routes)
    assert v.ok, v.violations
    assert v.checks["served"] == 6
    assert v.checks["km"] == pytest.approx(summary["km"].sum(), rel=1e-9)
    assert v.checks["driver_hours"] == pytest.approx(summary["driver_hours"].sum(), rel=1e-9)
    assert v.checks["cost_usd"] == pytest.approx(summary["cost_usd"].sum(), rel=1e-9)
    assert (routes["wave_min"] == 510.0).all()  # the operating model's first wave


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


def test_legs_are_not_the_builders(small_problem):
    """A builder whose travel matrix is 10 % too fast is caught (the verifier computes
    legs from coordinates and the travel settings, not the builder's matrix)."""
    fast = dataclasses.replace(small_problem, minutes=small_problem.minutes * 0.9)
    routes, _ = schedule_routes(fast, GOOD)
    assert "eta_too_early" in _kinds(_verify(small_problem, routes))


def test_over_capacity_parcels(small_problem):
    routes, _ = schedule_routes(small_problem, [RawRoute("van", ((0, 1, 2, 3, 4, 5),))])
    v = _verify(small_problem, routes)
    assert _kinds(v) == {"over_capacity"}
    assert "parcels" in v.violations["detail"].iloc[0]


def test_over_capacity_cube():
    p = build_problem(make_stops(), make_fleet(cube_capacity_l=50.0), STATION)
    routes, _ = schedule_routes(p, GOOD)
    v = _verify(p, routes)
    assert _kinds(v) == {"over_capacity"}
    assert v.violations["detail"].str.contains("litres").all()


def test_capacity_with_pickups():
    stops = make_stops()
    stops["pickup_parcels"] = [0, 0, 0, 9, 0, 0]
    p = build_problem(stops, make_fleet(), STATION)
    # leaves with 6 parcels; at s3 delivers 2 and collects 9: 13 on board > 10
    routes, _ = schedule_routes(p, GOOD)
    assert "over_capacity" in _kinds(_verify(p, routes))


def test_pickup_service_time_is_rederived():
    """Collected parcels take service time: a plan that leaves it out and so misses a
    promise without reporting it is caught (kills 'pickup service dropped')."""
    stops = make_stops()
    stops["pickup_parcels"] = [0, 0, 4, 0, 0, 0]
    p = build_problem(stops, make_fleet(parcel_capacity=20), STATION)
    routes, _ = schedule_routes(p, GOOD)
    s2 = routes[routes["stop_id"] == "s2"].iloc[0]
    assert s2["depart_min"] - s2["start_min"] == pytest.approx(1.5 + 0.5 * (2 + 4))
    due = float(s2["depart_min"]) - 1.0  # the service of the 4 pickups runs past it
    stops["due_min"] = [np.nan, np.nan, due, np.nan, np.nan, np.nan]
    p = build_problem(stops, make_fleet(parcel_capacity=20), STATION)
    routes, _ = schedule_routes(p, GOOD)
    v = _verify(p, routes)
    assert _kinds(v) == {"late"}
    assert v.late["late_min"].tolist() == pytest.approx([1.0, 1.0])


def test_fleet_exceeded_per_wave(small_problem):
    raw = [RawRoute("van", ((0, 1),)), RawRoute("van", ((2, 3),)), RawRoute("van", ((4, 5),))]
    routes, _ = schedule_routes(small_problem, raw)
    assert _kinds(_verify(small_problem, routes)) == {"fleet_exceeded"}
    # two vans per wave: a third route on the second wave is within the fleet
    raw[2] = RawRoute("van", ((4, 5),), wave_min=900.0)
    routes, _ = schedule_routes(small_problem, raw)
    assert _verify(small_problem, routes).ok


def test_unknown_vehicle_type(small_problem):
    routes, _ = schedule_routes(small_problem, GOOD)
    routes.loc[routes["route_id"] == 1, "vehicle_type"] = "bike"
    assert "unknown_vehicle_type" in _kinds(_verify(small_problem, routes))


def test_unknown_wave(small_problem):
    routes, _ = schedule_routes(small_problem, [RawRoute("van", ((0, 1, 2),), wave_min=600.0),
                                                RawRoute("van", ((3, 4, 5),))])
    assert _kinds(_verify(small_problem, routes)) == {"unknown_wave"}


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


def test_drones_only_where_the_site_launches_them():
    stops = make_stops()
    stops["parcels"] = [2] * 5 + [1]
    stops["drone_eligible"] = [False] * 5 + [True]
    at_site = build_problem(stops, make_fleet(), DRONE_STATION)
    assert at_site.drone_queue["stop_id"].tolist() == ["s5"]
    assert build_problem(stops, make_fleet(), STATION).drone_queue.empty
    raw = [RawRoute("van", ((0, 1, 2),)), RawRoute("van", ((3, 4),))]
    routes, _ = schedule_routes(at_site, raw)
    dq = at_site.drone_queue
    assert _verify(at_site, routes, drone_queue=dq).ok
    v = _verify(at_site, routes, drone_queue=dq, station=STATION)  # a delivery station
    assert _kinds(v) == {"drone_not_eligible"}
    assert "does not launch drones" in v.violations["detail"].iloc[0]


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


def _with(column: str, values: list) -> pd.DataFrame:
    stops = make_stops()
    stops[column] = values
    return stops


def test_loaded_before_ready():
    p = build_problem(_with("ready_min", [0, 0, 0, 0, 0, 600.0]), make_fleet(), STATION)
    on_first = [RawRoute(r.vehicle_type, r.trips, wave_min=510.0) for r in GOOD]
    routes, _ = schedule_routes(p, on_first)  # s5 rides the 08:30 wave, ready at 10:00
    assert _kinds(_verify(p, routes)) == {"loaded_before_ready"}
    routes, _ = schedule_routes(p, [GOOD[0], RawRoute("van", ((3, 4, 5),), wave_min=900.0)])
    assert _verify(p, routes).ok


def test_served_before_ready():
    p = build_problem(_with("ready_min", [0, 600.0, 0, 0, 0, 0]), make_fleet(), STATION)
    routes, _ = schedule_routes(p, [RawRoute(r.vehicle_type, r.trips, wave_min=510.0)
                                    for r in GOOD])
    i = routes.index[routes["stop_id"] == "s1"][0]
    assert routes.loc[i, "start_min"] == pytest.approx(600.0)  # the schedule waits
    routes.loc[i, "start_min"] = routes.loc[i, "arrival_min"]  # claims it served earlier
    v = _verify(p, routes)
    assert _kinds(v) == {"loaded_before_ready", "served_before_ready"}
    assert v.checks["served_before_ready"] == 1


def test_start_time_is_not_taken_as_given(small_problem):
    """A reported service start earlier than the van can be there is rejected even when
    the reported arrival is right (kills ``start = float(x["start_min"])``)."""
    routes, _ = schedule_routes(small_problem, GOOD)
    honest = _verify(small_problem, routes).checks
    i = routes.index[routes["stop_id"] == "s2"][0]
    routes.loc[i, "start_min"] -= 5.0
    v = _verify(small_problem, routes)
    assert _kinds(v) == {"eta_too_early"}
    assert "start_min" in v.violations["detail"].iloc[0]
    # the verifier's own clock does not move with the report
    assert v.checks["driver_hours"] == pytest.approx(honest["driver_hours"], rel=1e-12)
    assert v.checks["cost_usd"] == pytest.approx(honest["cost_usd"], rel=1e-12)


def test_route_leaving_before_its_wave(small_problem):
    routes, _ = schedule_routes(small_problem, GOOD)
    for c in ("arrival_min", "start_min", "depart_min"):
        routes[c] -= 30.0  # as if it left at 08:00 with the wave at 08:30
    assert _kinds(_verify(small_problem, routes)) == {"eta_too_early"}


def test_wrong_day():
    stops = _with("due_min", [np.nan, 1440.0 + 600.0, np.nan, np.nan, np.nan, np.nan])
    today = build_problem(stops, make_fleet(), STATION)
    assert today.pre_unserved.to_dict("records") == [{"stop_id": "s1", "reason": "due_later"}]
    early = build_problem(stops, make_fleet(), STATION, params=RoutingParams(allow_early=True))
    routes, _ = schedule_routes(early, GOOD)
    assert _verify(early, routes).ok
    v = _verify(early, routes, params=RoutingParams())
    assert _kinds(v) == {"wrong_day"} and v.violations["stop_id"].tolist() == ["s1"]


def test_late_is_reported_not_a_violation():
    p0 = build_problem(make_stops(), make_fleet(), STATION)
    routes, _ = schedule_routes(p0, GOOD)
    end = float(routes.loc[routes["stop_id"] == "s2", "depart_min"].iloc[0])
    p = build_problem(_with("due_min", [np.nan, np.nan, end - 7.0, np.nan, np.nan, np.nan]),
                      make_fleet(), STATION)
    routes, _ = schedule_routes(p, GOOD)
    _parcels, late = parcel_table(p, routes, p.drone_queue)
    assert late["parcel_id"].tolist() == ["s2-1", "s2-2"]
    assert late["late_min"].tolist() == pytest.approx([7.0, 7.0])
    v = _verify(p, routes, late=late)
    assert v.ok and v.checks["late_parcels"] == 2
    assert v.checks["late_minutes_p90"] == pytest.approx(7.0)
    v = _verify(p, routes)  # the plan does not say
    assert _kinds(v) == {"late"} and len(v.violations) == 2
    short = late.assign(late_min=late["late_min"] - 1.0)  # says less than the truth
    assert _kinds(_verify(p, routes, late=short)) == {"late"}


def test_after_delivery_end():
    p0 = build_problem(make_stops(), make_fleet(), STATION)
    routes, _ = schedule_routes(p0, GOOD)
    end = float(routes.loc[routes["stop_id"] == "s2", "depart_min"].iloc[0])
    ops = OperatingModel(van=VanFleet(waves_min=(510.0,), delivery_end_min=end - 1.0))
    v = _verify(p0, routes, params=RoutingParams(operations=ops))
    assert _kinds(v) == {"after_delivery_end"}
    assert "s2" in set(v.violations["stop_id"])


def test_hours_of_service_counts_load_and_break(small_problem):
    routes, summary = schedule_routes(small_problem, GOOD)
    route_min = float((summary["end_min"] - summary["start_min"]).max())
    # shift = route + load + break exactly: fits; one minute less of break room: does not
    fits = make_fleet(shift_min=route_min + 60.0)
    assert _verify(small_problem, routes, fleet=small_problem.fleet.assign(
        shift_min=fits["shift_min"].astype(float).iloc[0])).ok
    over = small_problem.fleet.assign(shift_min=route_min + 59.0)
    assert _kinds(_verify(small_problem, routes, fleet=over)) == {"hours_of_service"}
    no_break = small_problem.fleet.assign(shift_min=route_min + 59.0, break_min=29.0)
    assert _verify(small_problem, routes, fleet=no_break).ok


def _parcel_problem():
    parcels = pd.DataFrame({
        "parcel_id": ["a", "b", "c", "d", "e"],
        "lat": [45.01, 45.01, 45.03, 44.98, 45.05],
        "lon": [-109.01, -109.01, -108.97, -109.04, -109.02],
        "ready_min": [0.0, 300.0, 0.0, 0.0, 0.0],
        "due_min": [np.nan, 1200.0, 1100.0, np.nan, np.nan],
    })
    return parcels, build_problem_from_parcels(parcels, make_fleet(), STATION)


def test_parcel_input_is_regrouped():
    parcels, p = _parcel_problem()
    assert p.n_stops == 4 and p.assignment is not None
    plan = plan_routes(p, time_limit_s=0.3, seed=0)
    assert plan.certificate.verified, plan.violations
    assert sorted(plan.parcels["parcel_id"]) == ["a", "b", "c", "d", "e"]
    routes = plan.routes
    ok = _verify(p, routes, unserved=plan.unserved, raw=parcels, assignment=p.assignment)
    assert ok.ok
    # the plan claims a and c share a stop: a grouping the verifier does not make
    wrong = p.assignment.copy()
    wrong.loc[wrong["parcel_id"] == "c", "stop_id"] = wrong.loc[
        wrong["parcel_id"] == "a", "stop_id"].iloc[0]
    kinds = _kinds(_verify(p, routes, unserved=plan.unserved, raw=parcels, assignment=wrong))
    assert "grouping" in kinds
    missing = p.assignment[p.assignment["parcel_id"] != "e"]
    kinds = _kinds(_verify(p, routes, unserved=plan.unserved, raw=parcels, assignment=missing))
    assert "missing_parcel" in kinds
    extra = pd.concat([p.assignment, pd.DataFrame({"parcel_id": ["zz"], "stop_id": ["S00000"]})])
    kinds = _kinds(_verify(p, routes, unserved=plan.unserved, raw=parcels, assignment=extra))
    assert "unknown_parcel" in kinds


def test_parcel_times_come_from_the_raw_parcels():
    """Stops take the latest ready and earliest due of their parcels; the verifier
    re-derives both from the parcels, not from the builder's stop table."""
    parcels, p = _parcel_problem()
    stop = p.assignment.set_index("parcel_id").loc["a", "stop_id"]
    row = p.stops.set_index("stop_id").loc[stop]
    assert row["ready_min"] == 300.0 and row["due_min"] == 1200.0 and row["parcels"] == 2
    plan = plan_routes(p, time_limit_s=0.3, seed=0)
    assert plan.routes.loc[plan.routes["stop_id"] == stop, "wave_min"].iloc[0] == 510.0
    later = parcels.assign(ready_min=[0.0, 600.0, 0.0, 0.0, 0.0])  # b not ready for 08:30
    v = _verify(p, plan.routes, unserved=plan.unserved, raw=later, assignment=p.assignment)
    assert "loaded_before_ready" in _kinds(v)


def test_finish_plan_reports_late_and_verifies(small_problem):
    routes, _ = schedule_routes(small_problem, GOOD)
    end = float(routes.loc[routes["stop_id"] == "s5", "depart_min"].iloc[0])
    p = build_problem(_with("due_min", [np.nan] * 5 + [end - 3.0]), make_fleet(), STATION)
    plan = finish_plan(p, GOOD, seconds=0.0, status="feasible")
    assert plan.certificate.verified
    assert plan.late["late_min"].tolist() == pytest.approx([3.0, 3.0])
    assert plan.certificate.checks["late_parcels"] == 2


def test_every_kind_is_exercised():
    """Guard: each violation kind has a test in this file or the tolerance file."""
    import inspect
    import sys
    from pathlib import Path

    src = inspect.getsource(sys.modules[__name__])
    src += (Path(__file__).parent / "test_verify_tolerance.py").read_text()
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


def test_lateness_is_per_parcel_promise():
    """Two parcels at one door, promised at different times: only the one whose own
    promise passed is late."""
    base = pd.DataFrame({"parcel_id": ["x", "y"], "lat": [45.02, 45.02],
                         "lon": [-109.03, -109.03]})
    p0 = build_problem_from_parcels(base, make_fleet(), STATION)
    first, _ = schedule_routes(p0, [RawRoute("van", ((0,),), 510.0)])
    end = float(first["depart_min"].iloc[0])  # the earliest its service can end
    parcels = base.assign(due_min=[end - 4.0, end + 60.0])
    p = build_problem_from_parcels(parcels, make_fleet(), STATION)
    assert p.n_stops == 1
    plan = plan_routes(p, time_limit_s=0.2, seed=0)
    assert plan.certificate.verified, plan.violations
    assert plan.late["parcel_id"].tolist() == ["x"]
    assert plan.late["late_min"].tolist() == pytest.approx([4.0])
    v = _verify(p, plan.routes, unserved=plan.unserved, raw=parcels, assignment=p.assignment)
    assert v.late["parcel_id"].tolist() == ["x"] and not v.ok  # not reported to it


def test_tomorrows_parcel_at_todays_door():
    parcels = pd.DataFrame({"parcel_id": ["t", "m"], "lat": [45.02, 45.02],
                            "lon": [-109.03, -109.03], "due_min": [1260.0, 1440.0 + 1260.0]})
    p = build_problem_from_parcels(parcels, make_fleet(), STATION)
    assert p.n_stops == 1 and p.pre_unserved["reason"].tolist() == ["due_later"]
    plan = plan_routes(p, time_limit_s=0.2, seed=0)
    assert plan.certificate.verified, plan.violations
    status = plan.parcels.set_index("parcel_id")["status"]
    assert status["t"] == "routed" and status["m"] == "unserved"
    # a plan that puts tomorrow's parcel on today's van at the same door
    merged = p.assignment.assign(stop_id=p.assignment.loc[
        p.assignment["parcel_id"] == "t", "stop_id"].iloc[0])
    v = _verify(p, plan.routes, unserved=plan.unserved.iloc[0:0], raw=parcels,
                assignment=merged)
    assert {"grouping", "wrong_day"} <= _kinds(v)
    assert v.checks["wrong_day"] == 1
    early = build_problem_from_parcels(parcels, make_fleet(), STATION,
                                       params=RoutingParams(allow_early=True))
    assert early.n_stops == 1 and early.pre_unserved.empty


def test_infeasible_search_routes_are_dropped_not_reported(small_problem):
    """A search cut short may end with routes PyVRP itself finds infeasible: those are
    left out (their stops unserved) so the plan that is reported verifies."""
    from hinterland.routing.problem import to_pyvrp
    from hinterland.routing.solve import raw_routes_from_solution, solution_from_raw

    data = to_pyvrp(small_problem)
    over = [RawRoute("van", ((0, 1, 2, 3, 4, 5),), 510.0)]
    sol = solution_from_raw(small_problem, data, over)  # 12 parcels on a 10-parcel van
    assert not sol.is_feasible()
    assert len(raw_routes_from_solution(small_problem, data, sol)) == 1
    kept = raw_routes_from_solution(small_problem, data, sol, feasible_only=True)
    assert kept == []
    plan = finish_plan(small_problem, kept, seconds=0.0, status="repaired")
    assert plan.certificate.verified
    assert set(plan.unserved["reason"]) == {"dropped_by_solver"} and len(plan.unserved) == 6
