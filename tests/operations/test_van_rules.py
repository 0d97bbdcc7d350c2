"""The van rule by hand: a route's stops and last-stop time, stem limits, CO2, boundaries.

Expected values are computed here from the documented formula with plain arithmetic on a
van whose figures are round numbers.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.operations import VanFleet

CLASSES = ("metro", "micropolitan", "small_town", "rural")


def _van(**kw: object) -> VanFleet:
    """Shift 08:00 + 600 min, 30 + 30 min load and break: 540 min on the road; each stop
    1 parcel, 1 + 1 min of service and 3 km at 60 km/h between stops: 5 min a stop."""
    base: dict[str, object] = dict(
        shift_start_min=480.0, shift_min=600.0, load_min=30.0, break_min=30.0,
        waves_min=(510.0, 900.0), delivery_end_min=1260.0, stop_service_min=1.0,
        parcel_service_min=1.0, parcels_per_stop=1.0, capacity_parcels=80, min_route_stops=20,
        stop_spacing_km=dict.fromkeys(CLASSES, 3.0), stop_speed_kmh=dict.fromkeys(CLASSES, 60.0),
        co2_kg_per_km=0.5)
    base.update(kw)
    return VanFleet(**base)  # type: ignore[arg-type]


def test_route_stops_and_last_stop_by_hand() -> None:
    van = _van()
    assert van.per_stop_min() == pytest.approx(5.0)
    # stem 100 min: 540 - 200 = 340 min -> 68 stops; capacity 80
    ok, last, stops = van.route([100.0], [510.0])
    assert ok[0] and stops[0] == 68 and last[0] == pytest.approx(510 + 100 + 68 * 5)
    # stem 10 min: the 80-parcel capacity binds
    ok, last, stops = van.route([10.0], [510.0])
    assert stops[0] == 80 and last[0] == pytest.approx(510 + 10 + 80 * 5)
    # the afternoon wave (15:00) must be done by 21:00: 360 - 50 = 310 min -> 62 stops
    ok, last, stops = van.route([50.0], [900.0])
    assert stops[0] == 62 and last[0] == pytest.approx(900 + 50 + 62 * 5)
    # a departure on the next day's clock keeps that clock
    ok, last, _ = van.route([50.0], [900.0 + 1440.0])
    assert last[0] == pytest.approx(900 + 1440 + 50 + 62 * 5)


def test_route_minimum_stops_edge() -> None:
    van = _van()
    # 20 stops need 100 min: stem (540 - 100) / 2 = 220 is just inside, a hair more is out
    ok, last, stops = van.route([220.0, 220.01], [510.0, 510.0])
    assert ok.tolist() == [True, False]
    assert stops.tolist() == [20.0, 0.0]
    assert last[0] == pytest.approx(510 + 220 + 100) and math.isnan(last[1])
    # unreachable areas (no road): not ok, no stops, no time
    ok, last, stops = van.route([np.inf, np.nan], [510.0, 510.0])
    assert not ok.any() and stops.tolist() == [0.0, 0.0] and np.isnan(last).all()


def test_max_stem_is_the_minimum_route_edge() -> None:
    van = _van()
    assert van.max_stem_min(510.0) == pytest.approx(220.0)  # shift binds
    # 15:00 wave: 1260 - 900 - 100 = 260 > 220: the shift still binds
    assert van.max_stem_min(900.0) == pytest.approx(220.0)
    # 18:00 departure: 1260 - 1080 - 100 = 80 min left for the stem
    assert van.max_stem_min(1080.0) == pytest.approx(80.0)
    assert van.max_stem_min(1080.0 + 1440.0) == pytest.approx(80.0)  # any day's clock
    assert van.max_stem_min(1200.0) == 0.0  # nothing fits: no negative stem
    ok, _, _ = van.route([van.max_stem_min(1080.0)], [1080.0])
    assert ok[0]


def test_co2_and_cost_by_hand() -> None:
    van = _van()
    # stem 40 km out and back shared by 80 parcels + 3 km from the previous stop
    np.testing.assert_allclose(van.parcel_co2_kg([0.0, 40.0]),
                               [3.0 * 0.5, (80.0 / 80 + 3.0) * 0.5])
    two = _van(parcels_per_stop=2.0, capacity_parcels=80)
    np.testing.assert_allclose(two.parcel_co2_kg([40.0]), [(80.0 / 80 + 3.0 / 2) * 0.5])
    # cost: 42 USD/h = 70 cents/min; 45 cents/km; 35 cents/stop; 45 USD/day lease
    per_min, per_km = 4200 / 60, 45.0
    route = (2 * 40 * per_km + (2 * 30 + 60) * per_min + 4500) / 80
    stop = 35 + (1 + 1 + 3) * per_min + 3 * per_km
    assert van.parcel_cost_cents([40.0], [30.0])[0] == math.floor(route + stop + 0.5)
    assert van.parcel_cost_cents([40.0], [30.0]).dtype == np.int64


@pytest.mark.parametrize(
    ("kw", "message"),
    [({"capacity_parcels": 0}, "van capacity_parcels must be > 0, got 0"),
     ({"load_min": -1.0}, "van load_min must be >= 0, got -1.0"),
     ({"shift_start_min": -1.0}, "van shift_start_min must be within 0..1440, got -1.0"),
     ({"load_min": 300.0, "break_min": 300.0}, "van shift_min (600) must exceed load_min + "
                                                 "break_min (600)"),
     ({"waves_min": (1440.0,)}, "van waves_min needs one or more times within 0..1439"),
     ({"waves_min": (500.0,)}, "the first van wave leaves before the shift has loaded "
                               "(500 < shift_start_min + load_min = 510)"),
     ({"waves_min": (1260.0,)}, "the last van wave leaves after deliveries end "
                                "(1260 >= delivery_end_min 1260)"),
     ({"stop_spacing_km": {"metro": 1.0}}, "van stop_spacing_km lacks classes: micropolitan, "
                                           "small_town, rural"),
     ({"stop_speed_kmh": dict.fromkeys(CLASSES, 0.0)}, "van stop_speed_kmh[metro] must be > 0"),
     ({"cost_per_hour_usd": "x"}, "van cost_per_hour_usd: 'x' is not a decimal amount")],
)
def test_refusals_name_the_field(kw: dict[str, object], message: str) -> None:
    with pytest.raises(HinterlandError, match="^" + re.escape(message)):
        _van(**kw)


def test_day_and_wave_edges() -> None:
    assert _van(shift_start_min=0.0, waves_min=(30.0,)).shift_start_min == 0.0
    assert _van(delivery_end_min=1440.0, waves_min=(510.0, 1439.5)).waves_min[-1] == 1439.5
    assert _van(waves_min=(900.0, 510.0)).waves_min == (510.0, 900.0)  # sorted
    zero = _van(shift_start_min=0.0, load_min=0.0, waves_min=(0.0,))
    assert zero.waves_min == (0.0,)
    with pytest.raises(HinterlandError):
        _van(waves_min=(510.0, float("nan")))
    with pytest.raises(HinterlandError):
        _van(delivery_end_min=1440.0 + 1e-9)


def test_rurality_sets_the_stop_gap() -> None:
    van = _van(stop_spacing_km={"metro": 1.0, "micropolitan": 2.0, "small_town": 3.0,
                                "rural": 6.0})
    km, minutes = van.stop_gap(["metro", "rural", "unknown"])
    assert km.tolist() == [1.0, 6.0, 3.0]  # unknown: the small-town default
    np.testing.assert_allclose(minutes, [1.0, 6.0, 3.0])  # 60 km/h
    assert float(van.stop_gap("rural")[0]) == 6.0 and float(van.stop_gap(None)[0]) == 3.0
    assert float(van.stop_gap("elsewhere")[0]) == 3.0
    grid = van.stop_gap(np.array([["metro", "rural"], ["rural", "metro"]]))[0]
    assert grid.shape == (2, 2) and grid.tolist() == [[1.0, 6.0], [6.0, 1.0]]
    np.testing.assert_allclose(van.stop_service([1, 3]), [2.0, 4.0])
