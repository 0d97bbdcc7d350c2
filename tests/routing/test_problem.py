"""Problem building: validation, stops from parcels, drone queue, lone-stop reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.routing.engine import solve_data
from hinterland.routing.problem import (
    RoutingParams,
    build_problem,
    default_fleet,
    parcels_to_stops,
    to_pyvrp,
    validate_fleet,
)

from .conftest import STATION, make_fleet, make_stops


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


def test_unknown_tier_rejected():
    stops = make_stops()
    stops["tier"] = "warp_speed"
    with pytest.raises(InputError, match="tier"):
        build_problem(stops, make_fleet(), STATION)


def test_fleet_validation_fills_defaults():
    f = validate_fleet(make_fleet().drop(columns=["shift_min"]))
    assert (f["shift_min"] == 600).all()
    assert (f["cost_per_km_usd"] > 0).all()
    with pytest.raises(InputError):
        validate_fleet(make_fleet().assign(count=0))


def test_service_time_rule_and_tiers():
    stops = make_stops()
    stops["kind"] = ["delivery", "handoff", "delivery", "delivery", "delivery", "delivery"]
    stops["tier"] = ["morning", "handoff", "same_day", "standard", "standard", "standard"]
    params = RoutingParams()
    p = build_problem(stops, make_fleet(), STATION, params=params)
    s = p.stops.set_index("stop_id")
    assert s.loc["s0", "service_min"] == pytest.approx(1.5 + 2 * 0.5)
    assert s.loc["s1", "service_min"] == pytest.approx(10 + 2 * 0.5 / 4)
    assert s.loc["s0", "tw_late_min"] == 12 * 60
    assert s.loc["s2", "tw_early_min"] == 13 * 60


def test_parcels_group_into_stops():
    parcels = pd.DataFrame(
        {
            "parcel_id": ["a", "b", "c", "d"],
            "lat": [45.0, 45.0, 45.1, 45.2],
            "lon": [-109.0, -109.0, -109.1, -109.2],
            "tier": ["standard", "morning", "standard", "standard"],
            "drone_eligible": [True, True, True, False],
        }
    )
    stops = parcels_to_stops(parcels)
    assert len(stops) == 3
    first = stops.iloc[0]
    assert first["parcels"] == 2 and first["tw_late_min"] == 12 * 60
    assert not first["drone_eligible"]  # two parcels: not one drone flight
    assert bool(stops.iloc[1]["drone_eligible"])
    assert sorted(p for ids in stops["parcel_ids"] for p in ids) == ["a", "b", "c", "d"]


def test_drone_queue_takes_only_eligible_within_radius():
    stops = make_stops(4)
    stops["parcels"] = 1
    stops["drone_eligible"] = [True, True, True, False]
    stops.loc[1, "lat"] = 46.0  # ~110 km away: beyond the drone radius
    stops.loc[2, "parcels"] = 3  # more than one parcel
    p = build_problem(stops, make_fleet(), STATION)
    assert p.drone_queue["stop_id"].tolist() == ["s0"]
    assert set(p.stops["stop_id"]) == {"s1", "s2", "s3"}
    p2 = build_problem(stops, make_fleet(), STATION, params=RoutingParams(drone_queue=False))
    assert p2.drone_queue.empty and p2.n_stops == 4


def test_lone_stop_reasons():
    stops = make_stops(4)
    stops.loc[0, "parcels"] = 500  # bigger than any vehicle
    stops.loc[1, "lat"] = 42.0  # ~430 road km: reachable by 15:00 but not back by 18:00
    stops.loc[2, "tw_late_min"] = 400.0  # closes before any shift starts
    p = build_problem(stops, make_fleet(), STATION)
    reasons = dict(zip(p.pre_unserved["stop_id"], p.pre_unserved["reason"], strict=True))
    assert reasons == {
        "s0": "exceeds_vehicle_capacity",
        "s1": "unreachable_in_shift",
        "s2": "time_window_unreachable",
    }
    assert p.stops["stop_id"].tolist() == ["s3"]


def test_matrix_and_pyvrp_units(small_problem):
    p = small_problem
    assert p.km.shape == (7, 7) and np.allclose(np.diag(p.km), 0)
    data = to_pyvrp(p)
    assert data.num_clients == 6 and data.num_vehicles == 3
    assert data.num_load_dimensions == 2
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
