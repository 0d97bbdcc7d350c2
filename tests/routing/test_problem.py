"""Problem building: validation, stops from parcels, drone queue, lone-stop reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.operations import OperatingModel, VanFleet
from hinterland.routing.engine import solve_data
from hinterland.routing.problem import (
    RoutingParams,
    build_problem,
    default_fleet,
    iso_to_minutes,
    minutes_to_iso,
    parcels_to_stops,
    to_pyvrp,
    validate_fleet,
)

from .conftest import DRONE_STATION, STATION, make_fleet, make_stops


def test_missing_column_names_it():
    with pytest.raises(InputError, match="parcels"):
        build_problem(make_stops().drop(columns="parcels"), make_fleet(), STATION)


def test_bad_value_names_row_and_column():
    stops = make_stops()
    stops["parcels"] = stops["parcels"].astype(object)
    stops.loc[3, "parcels"] = "lots"
    with pytest.raises(InputError) as err:
        build_problem(stops, make_fleet(), STATION)
    assert err.value.row == 4 and err.value.column == "parcels"


def test_duplicate_stop_and_bad_kind():
    stops = make_stops()
    stops.loc[2, "stop_id"] = "s1"
    with pytest.raises(InputError, match="duplicate"):
        build_problem(stops, make_fleet(), STATION)
    stops = make_stops()
    stops["kind"] = ["delivery", "teleport", "delivery", "delivery", "delivery", "delivery"]
    with pytest.raises(InputError) as err:
        build_problem(stops, make_fleet(), STATION)
    assert err.value.row == 2


def test_old_window_columns_refused():
    stops = make_stops()
    stops["tw_late_min"] = 600.0
    with pytest.raises(InputError, match="due_min"):
        build_problem(stops, make_fleet(), STATION)
    with pytest.raises(InputError, match="waves"):
        validate_fleet(make_fleet().assign(shift_start_min=480.0))


def test_fleet_validation_fills_defaults_from_the_van():
    van = OperatingModel().van
    f = validate_fleet(make_fleet())
    assert (f["shift_min"] == van.shift_min).all()
    assert (f["load_min"] == van.load_min).all() and (f["break_min"] == van.break_min).all()
    assert (f["cost_per_km_usd"] == float(van.cost_per_km_usd)).all()
    assert (f["fixed_cost_usd"] == float(van.fixed_cost_per_day_usd)).all()
    with pytest.raises(InputError):
        validate_fleet(make_fleet().assign(count=0))
    with pytest.raises(InputError, match="load_min"):
        validate_fleet(make_fleet(shift_min=50.0, load_min=30.0, break_min=30.0))
    other = VanFleet(shift_min=500.0, load_min=20.0)
    assert (validate_fleet(make_fleet(), van=other)["shift_min"] == 500.0).all()


def test_default_fleet_reads_the_operating_model():
    van = VanFleet(capacity_parcels=150, capacity_cube_l=9_000.0, shift_min=540.0)
    f = default_fleet(3, 1, OperatingModel(van=van))
    cargo = f.set_index("vehicle_type").loc["cargo_van"]
    assert cargo["parcel_capacity"] == 150 and cargo["cube_capacity_l"] == 9_000.0
    assert (f["shift_min"] == 540.0).all()


def test_service_time_rule_is_the_vans():
    stops = make_stops()
    stops["kind"] = ["delivery", "handoff", "delivery", "delivery", "delivery", "delivery"]
    stops["pickup_parcels"] = [0, 0, 3, 0, 0, 0]
    p = build_problem(stops, make_fleet(), STATION)
    s = p.stops.set_index("stop_id")
    assert s.loc["s0", "service_min"] == pytest.approx(1.5 + 2 * 0.5)
    assert s.loc["s1", "service_min"] == pytest.approx(10 + 2 * 0.5 / 4)
    assert s.loc["s2", "service_min"] == pytest.approx(1.5 + (2 + 3) * 0.5)
    ops = OperatingModel(van=VanFleet(stop_service_min=2.0, parcel_service_min=1.0))
    q = build_problem(stops, make_fleet(), STATION, params=RoutingParams(operations=ops))
    assert q.stops.set_index("stop_id").loc["s0", "service_min"] == pytest.approx(4.0)


def test_ready_and_due_in_minutes_or_iso():
    stops = make_stops()
    stops["ready_min"] = [0.0, 600.0, None, None, None, None]
    stops["due_at"] = ["2026-03-04T18:00:00", "", None, "2026-03-04T20:00:00-06:00",
                       None, None]
    p = build_problem(stops, make_fleet(), STATION)
    s = p.stops.set_index("stop_id")
    assert s.loc["s1", "ready_min"] == 600.0 and s.loc["s2", "ready_min"] == 0.0
    assert s.loc["s0", "due_min"] == 18 * 60.0
    assert np.isnan(s.loc["s1", "due_min"])
    # 20:00 Central is 19:00 at the Montana station (Mountain time)
    assert s.loc["s3", "due_min"] == 19 * 60.0
    bad = make_stops().assign(ready_at="yesterday-ish")
    with pytest.raises(InputError) as err:
        build_problem(bad, make_fleet(), STATION)
    assert err.value.column == "ready_at"
    inverted = make_stops().assign(ready_min=700.0, due_min=600.0)
    with pytest.raises(InputError, match="due before ready"):
        build_problem(inverted, make_fleet(), STATION)


def test_iso_round_trip():
    date = OperatingModel().date
    text = minutes_to_iso([510.0, 1440.0 + 75.5, np.nan], date, "America/Denver")
    assert text == ["2026-03-04T08:30:00-07:00", "2026-03-05T01:15:30-07:00", ""]
    back = iso_to_minutes(pd.Series(text[:2]), date, "America/Denver", "t", "c")
    assert back.tolist() == [510.0, 1440.0 + 75.5]


def test_tomorrow_and_late_ready_are_not_routed_today():
    stops = make_stops()
    stops["due_min"] = [np.nan, 1440.0 + 600.0, 1439.0, np.nan, np.nan, np.nan]
    stops["ready_min"] = [0, 0, 0, 901.0, 900.0, 0]
    p = build_problem(stops, make_fleet(), STATION)
    reasons = dict(zip(p.pre_unserved["stop_id"], p.pre_unserved["reason"], strict=True))
    assert reasons == {"s1": "due_later", "s3": "ready_after_last_wave"}
    early = build_problem(stops, make_fleet(), STATION, params=RoutingParams(allow_early=True))
    assert "s1" in set(early.stops["stop_id"])


def test_parcels_group_into_stops():
    parcels = pd.DataFrame(
        {
            "parcel_id": ["a", "b", "c", "d"],
            "lat": [45.0, 45.0, 45.1, 45.2],
            "lon": [-109.0, -109.0, -109.1, -109.2],
            "ready_min": [100.0, 300.0, 0.0, 0.0],
            "due_min": [1200.0, 900.0, np.nan, np.nan],
            "drone_eligible": [True, True, True, False],
        }
    )
    stops = parcels_to_stops(parcels)
    assert len(stops) == 3
    first = stops.iloc[0]
    assert first["parcels"] == 2
    assert first["ready_min"] == 300.0 and first["due_min"] == 900.0  # latest / earliest
    assert np.isnan(stops.iloc[1]["due_min"])
    assert not first["drone_eligible"]  # two parcels: not one drone flight
    assert bool(stops.iloc[1]["drone_eligible"])
    assert sorted(p for ids in stops["parcel_ids"] for p in ids) == ["a", "b", "c", "d"]
    with pytest.raises(InputError, match="duplicate parcel_id"):
        parcels_to_stops(parcels.assign(parcel_id=["a", "a", "c", "d"]))


def test_drone_queue_takes_only_eligible_within_radius():
    stops = make_stops(4)
    stops["parcels"] = 1
    stops["drone_eligible"] = [True, True, True, False]
    stops.loc[1, "lat"] = 46.0  # ~110 km away: beyond the drone radius
    stops.loc[2, "parcels"] = 3  # more than one parcel
    p = build_problem(stops, make_fleet(), DRONE_STATION)
    assert p.drone_queue["stop_id"].tolist() == ["s0"]
    assert set(p.stops["stop_id"]) == {"s1", "s2", "s3"}
    p2 = build_problem(stops, make_fleet(), DRONE_STATION,
                       params=RoutingParams(drone_queue=False))
    assert p2.drone_queue.empty and p2.n_stops == 4
    assert build_problem(stops, make_fleet(), STATION).drone_queue.empty  # no drones here


def test_lone_stop_reasons():
    stops = make_stops(4)
    stops.loc[0, "parcels"] = 500  # bigger than any vehicle
    stops.loc[1, "lat"] = 42.0  # ~430 road km: not there and back within the shift
    stops["due_min"] = [np.nan, np.nan, 515.0, np.nan]  # before any van can be there
    p = build_problem(stops, make_fleet(), STATION)
    reasons = dict(zip(p.pre_unserved["stop_id"], p.pre_unserved["reason"], strict=True))
    assert reasons == {"s0": "exceeds_vehicle_capacity", "s1": "unreachable_in_shift"}
    assert p.stops["stop_id"].tolist() == ["s2", "s3"]
    assert p.stops["late_ok"].tolist() == [True, False]  # s2 can only be served late
    strict = build_problem(stops, make_fleet(), STATION, params=RoutingParams(allow_late=False))
    assert "s2" in set(strict.pre_unserved["stop_id"])


def test_matrix_and_pyvrp_units(small_problem):
    p = small_problem
    assert p.km.shape == (7, 7) and np.allclose(np.diag(p.km), 0)
    data = to_pyvrp(p)
    assert data.num_clients == 6 and data.num_vehicles == 6  # 3 vehicles x 2 waves
    assert data.num_load_dimensions == 2
    waves = sorted({data.vehicle_type(k).tw_early for k in range(data.num_vehicle_types)})
    assert waves == [510 * 60, 900 * 60]
    for k in range(data.num_vehicle_types):
        vt = data.vehicle_type(k)
        assert vt.start_late == vt.tw_early  # leaves at its wave
        assert vt.shift_duration == (600 - 30 - 30) * 60
    dur = data.duration_matrix(0)
    assert (dur >= p.minutes * 60 - 1e-6).all()  # rounded up: integer schedule is safe


def test_mixed_fleet_uses_bigger_vehicle_when_needed():
    stops = make_stops(6)
    stops["parcels"] = 6  # 36 parcels: 2 vans of 10 cannot carry them all
    p = build_problem(stops, make_fleet(), STATION)
    from hinterland.routing.solve import plan_routes

    plan = plan_routes(p, time_limit_s=0.5, seed=0)
    assert plan.certificate.verified
    assert "truck" in set(plan.summary["vehicle_type"])
    assert plan.unserved.empty


def test_engine_parallel_searches(small_problem):
    data = to_pyvrp(small_problem)
    res = solve_data(data, seconds=0.3, seed=3, workers=2)
    assert res.feasible and len(res.seeds) == 2
    from hinterland.routing import engine

    assert not engine._INHERITED  # the forked searches' data is released afterwards
    one = solve_data(data, seconds=0.3, seed=3, workers=1)
    assert res.cost <= one.cost + 1e-9


def test_default_fleet_is_mixed():
    f = validate_fleet(default_fleet(3, 1))
    assert f["vehicle_type"].tolist() == ["cargo_van", "step_van"]
    assert f["count"].sum() == 4


def test_free_cores_bounds():
    from hinterland.routing.engine import free_cores

    assert 1 <= free_cores(2) <= 2
    assert free_cores(1) == 1


def test_sector_engine_on_problem_data():
    from hinterland.routing.engine import client_sectors, solve_data_sectors

    stops = make_stops(40, seed=5)
    stops["parcels"] = 1
    p = build_problem(stops, make_fleet(count=6, parcel_capacity=15), STATION)
    data = to_pyvrp(p)
    parts = client_sectors(data, 2)
    assert sorted(np.concatenate(parts).tolist()) == list(range(40))
    res = solve_data_sectors(data, seconds=1.0, seed=0, n_sectors=2, workers=2)
    assert res.feasible
    visited = sorted(a.idx for r in res.solution.routes() for a in r if a.is_client())
    assert visited == list(range(40))


def test_sweep_start_covers_clients_within_capacity():
    from hinterland.routing.engine import sweep_solution

    stops = make_stops(60, seed=6)
    stops["parcels"] = 1
    p = build_problem(stops, make_fleet(count=10, parcel_capacity=8), STATION)
    data = to_pyvrp(p)
    sol = sweep_solution(data)
    assert sol.num_missing_clients() == 0
    assert not sol.has_excess_load()
    res = solve_data(data, seconds=0.3, seed=0, initial_solution=sol)
    assert res.feasible


def test_waves_and_release_times_in_the_solver():
    """A stop ready at 10:00 rides the 15:00 wave; stops ready earlier may ride 08:30;
    nothing is served before it is ready."""
    from hinterland.routing.solve import plan_routes

    stops = make_stops()
    stops["ready_min"] = [0, 0, 600.0, 0, 0, 0]
    p = build_problem(stops, make_fleet(), STATION)
    data = to_pyvrp(p)
    assert data.client(2).release_time == 600 * 60 and data.client(0).release_time == 0
    plan = plan_routes(p, time_limit_s=0.5, seed=0)
    assert plan.certificate.verified, plan.violations
    r = plan.routes.set_index("stop_id")
    assert r.loc["s2", "wave_min"] == 900.0
    assert (plan.routes["start_min"] >= plan.routes["ready_min"] - 1e-9).all()
    assert plan.certificate.checks["served_before_ready"] == 0


def test_unreachable_promise_is_served_late_and_reported():
    from hinterland.routing.solve import plan_routes

    stops = make_stops()
    stops["due_min"] = [np.nan, 511.0, np.nan, np.nan, np.nan, np.nan]
    p = build_problem(stops, make_fleet(), STATION)
    plan = plan_routes(p, time_limit_s=0.5, seed=0)
    assert plan.certificate.verified, plan.violations
    assert plan.unserved.empty
    assert plan.late["parcel_id"].tolist() == ["s1-1", "s1-2"]
    assert (plan.late["late_min"] > 0).all()
    # bounded: served within late_slack_min of the earliest a van can serve it
    first = float(p.stops.set_index("stop_id").loc["s1", "late_until_min"])
    assert first == pytest.approx(p.params.late_slack_min + 510.0 + p.minutes[0, 2]
                                  + p.stops["service_min"].iloc[1])
    assert (plan.late["delivered_min"] <= first + 0.02).all()
    assert plan.certificate.checks["late_parcels"] == 2


def test_late_pass_serves_stops_the_on_time_search_drops():
    """Two stops due at 09:00 far apart: one van can only make one on time; the late
    pass serves the other late instead of dropping it."""
    from hinterland.routing.solve import plan_routes

    stops = pd.DataFrame({
        "stop_id": ["a", "b"],
        "lat": [45.15, 44.85],
        "lon": [-109.0, -109.0],
        "parcels": [1, 1],
        "due_min": [540.0, 540.0],
    })
    fleet = make_fleet(count=1).iloc[:1]
    p = build_problem(stops, fleet, STATION)
    assert not p.stops["late_ok"].any()  # each alone can be on time
    plan = plan_routes(p, time_limit_s=1.0, seed=0)
    assert plan.certificate.verified, plan.violations
    assert plan.unserved.empty
    assert len(plan.late) == 1
    assert plan.certificate.checks["late_pass_stops"] == 1


@pytest.mark.parametrize(("column", "value", "ok"), [
    ("count", 10_000, True), ("count", 10_001, False),
    ("count", 12345678901234567890, False), ("count", -1, False),
    ("parcel_capacity", -5, False), ("cube_capacity_l", float("nan"), False),
    ("cost_per_km_usd", -0.01, False), ("shift_min", float("inf"), False),
])
def test_fleet_values_physically_meaningful(column, value, ok):
    f = make_fleet().astype({column: object}) if column in make_fleet() else make_fleet()
    f[column] = [value, value] if column not in ("count",) else [value, 1]
    if ok:
        assert int(validate_fleet(f)[column].iloc[0]) == value
    else:
        with pytest.raises(InputError) as err:
            validate_fleet(f)
        assert err.value.column == column
