"""Vans, line-haul and drones: documented defaults and cost/CO2 arithmetic."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.operations import DroneFleet, LineHaul, VanFleet


def test_van_cost_is_stop_share_plus_route_share() -> None:
    van = VanFleet()
    gap = van.stop_spacing_km["rural"]
    gap_min = gap / van.stop_speed_kmh["rural"] * 60
    per_min = 4200 / 60  # cents a minute
    service = van.stop_service_min + van.parcel_service_min * van.parcels_per_stop
    stop = (35 + (service + gap_min) * per_min + gap * 45) / van.parcels_per_stop
    fixed = ((van.load_min + van.break_min) * per_min + 4500) / van.capacity_parcels
    at_door = van.parcel_cost_cents([0.0], [0.0], "rural")[0]
    assert at_door == int(np.floor(stop + fixed + 0.5))
    far = van.parcel_cost_cents([60.0], [60.0], ["rural"])[0]
    stem = (2 * 60 * 45 + 2 * 60 * per_min) / van.capacity_parcels
    assert far == int(np.floor(stop + fixed + stem + 0.5))
    assert (np.diff(van.parcel_cost_cents(np.arange(10.0), np.arange(10.0))) >= 0).all()
    # Spread-out rural stops cost more than dense metro ones.
    by_class = van.parcel_cost_cents(np.zeros(4), np.zeros(4),
                                     ["metro", "micropolitan", "small_town", "rural"])
    assert (np.diff(by_class) > 0).all()
    assert van.parcel_co2_kg([0.0], "rural")[0] > van.parcel_co2_kg([0.0], "metro")[0]


def test_linehaul_share_per_parcel() -> None:
    lh = LineHaul()
    assert lh.parcel_cost_cents([2500.0])[0] == 140  # a 2500 km trip / 2500 parcels = 1 km
    assert lh.parcel_co2_kg([2500.0])[0] == pytest.approx(0.976)


def test_drone_defaults_follow_public_5_lb_class() -> None:
    d = DroneFleet()
    assert d.payload_kg == pytest.approx(2.27)
    assert d.flight_min([12.0])[0] == pytest.approx(9.0)
    assert d.daily_capacity() == 40  # floor(12 h x 4 flights x 0.85)
    assert d.cost_per_delivery_usd == Decimal("6.00")


@pytest.mark.parametrize(
    "make",
    [
        lambda: VanFleet(cost_per_hour_usd=Decimal("-1")),
        lambda: VanFleet(capacity_parcels=0),
        lambda: VanFleet(cost_per_km_usd=0.45),  # type: ignore[arg-type]  # float money refused
        lambda: DroneFleet(payload_kg=0),
        lambda: DroneFleet(open_min=600, close_min=500),
        lambda: DroneFleet(availability=1.5),
        lambda: LineHaul(parcels_per_truck=0),
        lambda: VanFleet(stop_spacing_km={"metro": 1.0}),
    ],
)
def test_invalid_parameters_are_refused(make: Callable[[], object]) -> None:
    with pytest.raises(HinterlandError):
        make()
