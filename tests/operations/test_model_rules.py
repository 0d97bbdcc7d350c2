"""The operating model's own rules, edge by edge (kills mutants of model.py/linehaul.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.geo import TravelModel
from hinterland.operations import FcOps, HubOps, LineHaul, OperatingModel, StationOps


def test_shipping_fees_need_every_tier_and_no_negative() -> None:
    m = OperatingModel()
    assert m.shipping_fee_usd["same_day"] == Decimal("5.99")
    with pytest.raises(HinterlandError, match="exactly the tiers"):
        OperatingModel(shipping_fee_usd={"same_day": Decimal("1")})
    fees = {t: Decimal("1") for t in ("60min", "same_day", "next_day", "two_day")}
    assert OperatingModel(shipping_fee_usd=fees).shipping_fee_usd["two_day"] == Decimal("1")
    with pytest.raises(HinterlandError, match=">= 0"):
        OperatingModel(shipping_fee_usd={**fees, "two_day": Decimal("-0.01")})


@pytest.mark.parametrize(("k", "ok"), [(0, False), (1, True), (16, True), (17, False)])
def test_nearest_sites_bounds(k: int, ok: bool) -> None:
    if ok:
        assert OperatingModel(nearest_sites=k).nearest_sites == k
    else:
        with pytest.raises(HinterlandError, match="nearest_sites"):
            OperatingModel(nearest_sites=k)


def test_date_and_travel_speeds_have_one_home() -> None:
    m = OperatingModel(date="2026-07-01")  # type: ignore[arg-type]
    assert m.date == dt.date(2026, 7, 1)
    fast = TravelModel(speed_kmh={"metro": 50.0, "micropolitan": 60.0, "small_town": 70.0,
                                  "rural": 90.0})
    m = OperatingModel(travel=fast)
    assert m.van.stop_speed_kmh == {"metro": 50.0, "micropolitan": 60.0, "small_town": 70.0,
                                    "rural": 90.0}
    assert m.replace(nearest_sites=2).van.stop_speed_kmh["rural"] == 90.0


def test_cutoffs_are_derived_not_restated() -> None:
    m = OperatingModel(hub=HubOps(pick_min=45.0), fc=FcOps(pick_min=90.0),
                       linehaul=LineHaul(departures_min=(1200.0, 1380.0)))
    assert m.hub_cutoffs_min == (m.van.waves_min[0] - 45.0, m.van.waves_min[1] - 45.0)
    assert m.fc_cutoffs_min == (1110.0, 1290.0)


def test_from_mapping_sections_and_errors() -> None:
    m = OperatingModel.from_mapping({
        "van": {"shift_min": 540, "waves_min": [510, 840]},
        "linehaul": {"departures_min": [1290], "team": True},
        "partner": {"fees": [[1.0, "2.00"], [31.0, "9.00"]]},
        "hub": {"pick_min": 20}, "fc": {"pick_min": 30}, "station": {"sort_min": 45},
        "drone": {"radius_km": 10}, "shipping_fee_usd": {"same_day": "4.99"},
        "date": "2026-01-15", "nearest_sites": 4,
    })
    assert m.van.shift_min == 540 and m.van.waves_min == (510.0, 840.0)
    assert m.linehaul.departures_min == (1290.0,) and m.linehaul.team
    assert m.partner.fees.fee_cents([0.5])[0] == 200
    assert (m.hub.pick_min, m.fc.pick_min, m.station.sort_min) == (20, 30, 45)
    assert m.drone.radius_km == 10
    assert m.shipping_fee_usd["same_day"] == Decimal("4.99")
    assert m.shipping_fee_usd["next_day"] == Decimal("2.99")  # the rest keep defaults
    assert m.date == dt.date(2026, 1, 15) and m.nearest_sites == 4
    travel = TravelModel(access_min=1.0)
    assert OperatingModel.from_mapping({}, travel=travel).travel is travel
    for bad, text in [({"vans": {}}, "unknown key operations.vans"),
                      ({"van": {"shift": 1}}, "unknown key operations.van.shift"),
                      ({"van": 5}, "operations.van must be a table"),
                      ({"van": {"shift_min": 10}}, "operations.van:"),
                      ({"station": {"capacity_per_day": 0}}, "operations.station:")]:
        with pytest.raises(HinterlandError) as err:
            OperatingModel.from_mapping(bad)
        assert str(err.value).startswith(text), (bad, str(err.value))


@pytest.mark.parametrize("make", [
    lambda: HubOps(pick_min=-1.0), lambda: HubOps(pick_min=1440.5),
    lambda: HubOps(pick_min=float("nan")), lambda: HubOps(handling_usd=Decimal("-0.01")),
    lambda: FcOps(pick_min=-0.5), lambda: FcOps(handling_usd=Decimal("-1")),
    lambda: StationOps(sort_min=-1.0), lambda: StationOps(sort_min=1441.0),
    lambda: StationOps(capacity_per_day=0.0), lambda: StationOps(capacity_per_day=float("nan")),
])
def test_site_operations_refuse_the_impossible(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HinterlandError):
        make()


def test_site_operations_boundaries_pass() -> None:
    assert HubOps(pick_min=0.0).pick_min == 0 and HubOps(pick_min=1440.0).pick_min == 1440
    assert FcOps(handling_usd=Decimal("0")).handling_usd == Decimal("0.00")
    assert StationOps(sort_min=0.0, capacity_per_day=1e-9).capacity_per_day == 1e-9
    with pytest.raises(HinterlandError, match="hub pick_min"):
        HubOps(pick_min=-1.0)
    with pytest.raises(HinterlandError, match="fc handling_usd"):
        FcOps(handling_usd=Decimal("-1"))


@pytest.mark.parametrize("deps", [(), (1440.0,), (-1.0,), (float("nan"),)])
def test_linehaul_departures_must_be_times_of_day(deps: tuple[float, ...]) -> None:
    with pytest.raises(HinterlandError, match="departures_min"):
        LineHaul(departures_min=deps)


def test_linehaul_refusals_and_sorting() -> None:
    assert LineHaul(departures_min=(1380.0, 0.0, 1439.0)).departures_min == (0.0, 1380.0,
                                                                             1439.0)
    for kw in ({"cost_per_km_usd": Decimal("-0.01")}, {"parcels_per_truck": 0},
               {"co2_kg_per_km": -0.1}, {"co2_kg_per_km": float("inf")}):
        with pytest.raises(HinterlandError):
            LineHaul(**kw)  # type: ignore[arg-type]
    assert LineHaul(cost_per_km_usd=Decimal("0"), co2_kg_per_km=0.0).co2_kg_per_km == 0.0


def test_trucks_and_lane_shares() -> None:
    lh = LineHaul()
    assert list(lh.trucks([0, 1, 2500, 2501, 5000, 5001])) == [0, 1, 1, 2, 2, 3]
    assert float(lh.parcel_co2_kg(100.0, lane_parcels=2500)) == pytest.approx(
        100 * 0.976 / 2500)
    assert float(lh.parcel_co2_kg(100.0, lane_parcels=1250)) == pytest.approx(
        2 * 100 * 0.976 / 2500)
    assert float(lh.parcel_co2_kg(100.0, lane_parcels=0)) == pytest.approx(100 * 0.976)
    assert int(lh.parcel_cost_cents(100.0, lane_parcels=1)) == 14000
    assert int(lh.parcel_cost_cents(0.0, lane_parcels=10)) == 0
    # half a cent rounds up
    assert int(LineHaul(cost_per_km_usd=Decimal("0.01"), parcels_per_truck=2
                        ).parcel_cost_cents(1.0)) == 1


@pytest.mark.parametrize(("drive", "single", "team"), [
    (-5.0, 0.0, 0.0),
    (480.0, 480.0, 480.0),
    (1980.0, 1980 + 30 * 3 + 600 * 2, 1980 + 600),
    (2640.0, 2640 + 30 * 4 + 600 * 3, 2640 + 600),
    (2640.5, 2640.5 + 30 * 4 + 600 * 4, 2640.5 + 600 * 2),
])
def test_transit_at_period_edges(drive: float, single: float, team: float) -> None:
    assert float(LineHaul().transit_min(drive)) == pytest.approx(single)
    assert float(LineHaul(team=True).transit_min(drive)) == pytest.approx(team)
    both = LineHaul().transit_min(np.array([drive, np.inf, np.nan]))
    assert np.isinf(both[1]) and np.isinf(both[2])
