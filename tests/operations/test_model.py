"""The operating model: one home for every rule; scenario sections; impossible values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hinterland.core.errors import HinterlandError, InputError
from hinterland.operations import LineHaul, OperatingModel, VanFleet
from hinterland.scenario import load_scenario


def test_defaults_are_one_model() -> None:
    m = OperatingModel()
    assert m.van.stop_speed_kmh == dict(m.travel.speed_kmh)  # speeds have one home
    assert m.hub_cutoffs_min == (480.0, 870.0)  # waves 08:30 / 15:00 minus 30 min pick
    assert m.fc_cutoffs_min == (1260.0,)  # 22:00 line-haul minus 60 min pick


def test_van_rule_fits_shift_and_delivery_day() -> None:
    van = VanFleet()
    per = float(van.per_stop_min("rural"))
    reach = van.max_stem_min(van.waves_min[0], "rural")
    # just inside the reach: a route of min_route_stops fits; just outside: none
    ok, last, stops = van.route(reach - 0.01, van.waves_min[0], "rural")
    assert bool(ok) and stops >= van.min_route_stops
    assert float(last) <= van.waves_min[0] + van.route_time_min - (reach - 0.01) + 1e-9
    ok, _, _ = van.route(reach + 0.01, van.waves_min[0], "rural")
    assert not bool(ok)
    # the shift binds: load + break + 2 stem + n x per_stop <= shift
    ok, _, stops = van.route(60.0, van.waves_min[0], "rural")
    assert bool(ok) and float(stops) < np.floor(van.capacity_parcels / van.parcels_per_stop)
    assert van.load_min + van.break_min + 120 + float(stops) * per <= van.shift_min + 1e-9
    assert van.load_min + van.break_min + 120 + (float(stops) + 1) * per > van.shift_min
    # near the station the capacity binds instead
    ok, _, stops = van.route(0.0, van.waves_min[0], "metro")
    assert float(stops) == np.floor(van.capacity_parcels / van.parcels_per_stop)
    # the second wave must finish by the delivery end
    ok, last, _ = van.route(10.0, van.waves_min[1], "metro")
    assert bool(ok) and float(last) <= van.delivery_end_min


@pytest.mark.parametrize(("drive", "single", "team"), [
    (0.0, 0.0, 0.0),
    (480.0, 480.0, 480.0),          # 8 h exactly: no break yet
    (480.5, 510.5, 480.5),          # just past 8 h: a 30-min break
    (660.0, 690.0, 660.0),          # the 11-h limit
    (660.5, 660.5 + 30 + 600, 660.5),  # past it: break, 10-h rest, then on
    (1320.0, 1320 + 60 + 600, 1320.0),
    (1320.5, 1320.5 + 60 + 1200, 1320.5 + 600),
])
def test_hours_of_service(drive: float, single: float, team: float) -> None:
    assert float(LineHaul().transit_min(drive)) == pytest.approx(single)
    assert float(LineHaul(team=True).transit_min(drive)) == pytest.approx(team)
    assert np.isinf(LineHaul().transit_min(np.inf))


def test_linehaul_cost_is_shared_by_the_lane_volume() -> None:
    lh = LineHaul()
    full = int(lh.parcel_cost_cents(100.0, lane_parcels=2500))
    half = int(lh.parcel_cost_cents(100.0, lane_parcels=1250))
    over = int(lh.parcel_cost_cents(100.0, lane_parcels=2501))  # two trucks
    assert half == pytest.approx(2 * full, abs=1) and over == pytest.approx(2 * full, abs=1)
    assert int(lh.parcel_cost_cents(100.0)) == full


@pytest.mark.parametrize("kw", [
    {"shift_min": 50.0},                     # shorter than load + break
    {"waves_min": (400.0,)},                 # before the shift has loaded
    {"waves_min": (1300.0,)},                # after deliveries end
    {"capacity_parcels": 0},
    {"cost_per_km_usd": "-0.1"},
    {"stop_service_min": float("nan")},
])
def test_impossible_van_values_are_refused(kw: dict[str, object]) -> None:
    with pytest.raises(HinterlandError):
        VanFleet(**kw)  # type: ignore[arg-type]


def test_scenario_sets_and_checks_the_operating_model(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[operations.van]\nshift_min = 540\nwaves_min = [510, 840]\n'
                    '[operations.linehaul]\ndepartures_min = [1290]\nteam = true\n'
                    '[travel]\nspeed_kmh = { rural = 80 }\n')
    m = load_scenario(good).operating_model()
    assert m.van.shift_min == 540 and m.van.waves_min == (510.0, 840.0)
    assert m.linehaul.team and m.linehaul.departures_min == (1290.0,)
    assert m.van.stop_speed_kmh["rural"] == 80.0  # travel's speed, one home
    for body, key in [('[operations.van]\nshift_mins = 540\n', "operations.van.shift_mins"),
                      ('[operations.vans]\nshift_min = 540\n', "operations.vans"),
                      ('[operations.van]\nshift_min = 40\n', "operations.van"),
                      ('[operations.van]\nwaves_min = [1300]\n', "operations.van")]:
        bad = tmp_path / "bad.toml"
        bad.write_text(body)
        with pytest.raises(InputError) as err:
            load_scenario(bad)
        assert err.value.column == key, (body, err.value)
