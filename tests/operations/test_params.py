"""Operating parameters: what is physically meaningless is refused, what is meaningful is not.

Two kinds of test:

* a sweep over every numeric field of :class:`VanFleet`, :class:`DroneFleet` and
  :class:`PostalPartner` (new fields are swept as they are added): a negative value,
  NaN and infinity must each be refused with a :class:`HinterlandError`, one field at a
  time, every other field at its default;
* boundaries per field: zero is refused where a quantity must be positive (speeds,
  capacities, a shift) and accepted where nothing is a meaningful amount (a service
  time, CO2); a small positive value is accepted.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from hinterland.core.errors import HinterlandError
from hinterland.operations import DroneFleet, FeeSchedule, PostalPartner, VanFleet

CLASSES = (VanFleet, DroneFleet, PostalPartner)

#: Fields a sweep value may legitimately take (none today: add one only with a reason).
EXEMPT: dict[tuple[str, str], set[str]] = {}


def _numeric_fields(cls: type) -> Iterator[tuple[str, Any]]:
    """(name, default) of every field holding a number, money, a per-class table or a tuple
    of numbers."""
    obj = cls()
    for f in dataclasses.fields(cls):
        v = getattr(obj, f.name)
        if isinstance(v, bool):
            continue
        values = list(v.values()) if isinstance(v, dict) else list(v) if isinstance(
            v, tuple) else [v]
        if values and all(isinstance(x, int | float | Decimal) and not isinstance(x, bool)
                          for x in values):
            yield f.name, v


def _bad_values(default: Any) -> list[tuple[str, Any]]:
    if isinstance(default, Decimal):
        return [("negative", Decimal("-0.01")), ("nan", Decimal("NaN")),
                ("inf", Decimal("Infinity"))]
    return [("negative", -1.0), ("nan", math.nan), ("inf", math.inf)]


def _sweep() -> Iterator[Any]:
    for cls in CLASSES:
        for name, default in _numeric_fields(cls):
            if isinstance(default, dict):
                for key in default:
                    for label, bad in _bad_values(default[key]):
                        if label in EXEMPT.get((cls.__name__, f"{name}[{key}]"), set()):
                            continue
                        yield pytest.param(cls, name, {**default, key: bad},
                                           id=f"{cls.__name__}.{name}[{key}]={label}")
            elif isinstance(default, tuple):
                for label, bad in _bad_values(default[0]):
                    if label in EXEMPT.get((cls.__name__, name), set()):
                        continue
                    yield pytest.param(cls, name, (bad, *default[1:]),
                                       id=f"{cls.__name__}.{name}[0]={label}")
            else:
                for label, bad in _bad_values(default):
                    if label in EXEMPT.get((cls.__name__, name), set()):
                        continue
                    yield pytest.param(cls, name, bad, id=f"{cls.__name__}.{name}={label}")


@pytest.mark.parametrize(("cls", "name", "value"), list(_sweep()))
def test_meaningless_value_is_refused(cls: type, name: str, value: Any) -> None:
    with pytest.raises(HinterlandError):
        cls(**{name: value})


def test_the_sweep_covers_every_numeric_field() -> None:
    # The sweep must not go empty silently (e.g. if defaults became another type).
    for cls in CLASSES:
        names = {n for n, _ in _numeric_fields(cls)}
        assert len(names) >= 5, (cls.__name__, names)
    assert {"cost_per_hour_usd", "stop_speed_kmh", "max_parcel_kg"} <= {
        n for n, _ in _numeric_fields(VanFleet)}
    assert {"payload_kg", "radius_km", "speed_kmh", "prep_min", "co2_kg_per_km"} <= {
        n for n, _ in _numeric_fields(DroneFleet)}
    assert {"premises_fee_usd", "priority_radius_km", "co2_kg_per_parcel"} <= {
        n for n, _ in _numeric_fields(PostalPartner)}


# -- boundaries: zero and just above it -------------------------------------------------------

#: Fields where zero is meaningless (refused), by class.
ZERO_REFUSED = {
    VanFleet: ["max_parcel_kg", "capacity_parcels", "capacity_cube_l", "parcels_per_stop"],
    DroneFleet: ["payload_kg", "radius_km", "speed_kmh", "flights_per_hour"],
    PostalPartner: [],
}
#: Fields where zero is a meaningful amount (accepted), by class.
ZERO_ACCEPTED = {
    VanFleet: ["cost_per_hour_usd", "cost_per_km_usd", "cost_per_stop_usd",
               "fixed_cost_per_day_usd", "co2_kg_per_km", "load_min", "break_min",
               "stop_service_min", "parcel_service_min"],
    DroneFleet: ["prep_min", "co2_kg_per_km", "cost_per_delivery_usd", "availability"],
    PostalPartner: ["priority_surcharge_usd", "premises_fee_usd", "revenue_share_pct",
                    "priority_radius_km", "co2_kg_per_parcel", "local_radius_km"],
}


def _zero(default: Any) -> Any:
    return Decimal("0.00") if isinstance(default, Decimal) else type(default)(0)


def _tiny(default: Any) -> Any:
    if isinstance(default, Decimal):
        return Decimal("0.01")
    return 1 if isinstance(default, int) else 1e-6


@pytest.mark.parametrize(("cls", "name"),
                         [(c, n) for c, names in ZERO_REFUSED.items() for n in names])
def test_zero_is_refused_where_meaningless(cls: type, name: str) -> None:
    default = getattr(cls(), name)
    with pytest.raises(HinterlandError):
        cls(**{name: _zero(default)})
    assert getattr(cls(**{name: _tiny(default)}), name) == _tiny(default)  # just inside


@pytest.mark.parametrize(("cls", "name"),
                         [(c, n) for c, names in ZERO_ACCEPTED.items() for n in names])
def test_zero_is_accepted_where_meaningful(cls: type, name: str) -> None:
    default = getattr(cls(), name)
    assert getattr(cls(**{name: _zero(default)}), name) == _zero(default)
    with pytest.raises(HinterlandError):  # just outside
        cls(**{name: (Decimal("-0.01") if isinstance(default, Decimal) else -1e-9)})


@pytest.mark.parametrize("table", ["stop_spacing_km", "stop_speed_kmh"])
def test_van_per_class_tables(table: str) -> None:
    default = getattr(VanFleet(), table)
    zero_ok = table == "stop_spacing_km"  # stops next door: no drive; speed 0: no van
    for key in default:
        zero = {**default, key: 0.0}
        if zero_ok:
            assert getattr(VanFleet(**{table: zero}), table)[key] == 0.0
        else:
            with pytest.raises(HinterlandError):
                VanFleet(**{table: zero})
        assert getattr(VanFleet(**{table: {**default, key: 1e-6}}), table)[key] == 1e-6
        with pytest.raises(HinterlandError):
            VanFleet(**{table: {**default, key: -1e-9}})
    missing = dict(default)
    missing.pop(next(iter(missing)))
    with pytest.raises(HinterlandError, match="lacks"):
        VanFleet(**{table: missing})


def test_van_shift_must_exceed_load_and_break() -> None:
    assert VanFleet(load_min=30.0, break_min=30.0, shift_min=60.001).route_time_min > 0
    with pytest.raises(HinterlandError, match="exceed"):
        VanFleet(load_min=30.0, break_min=30.0, shift_min=60.0)
    with pytest.raises(HinterlandError):
        VanFleet(shift_min=0.0)


def test_van_waves_and_day_boundaries() -> None:
    van = VanFleet()
    first = van.shift_start_min + van.load_min
    assert VanFleet(waves_min=(first,)).waves_min == (first,)  # leaves as loading ends
    with pytest.raises(HinterlandError, match="loaded"):
        VanFleet(waves_min=(first - 1e-6,))
    assert VanFleet(waves_min=(van.delivery_end_min - 1e-6,)).waves_min[0] < 1440
    with pytest.raises(HinterlandError, match="after deliveries end"):
        VanFleet(waves_min=(van.delivery_end_min,))
    for name in ("shift_start_min", "delivery_end_min"):
        with pytest.raises(HinterlandError):
            VanFleet(**{name: 1440 + 1e-6})
    with pytest.raises(HinterlandError):
        VanFleet(waves_min=())


def test_drone_hours_and_availability_boundaries() -> None:
    assert DroneFleet(open_min=0, close_min=1440).close_min == 1440
    for bad in ({"open_min": 600, "close_min": 600}, {"open_min": -1e-9},
                {"close_min": 1440 + 1e-9}):
        with pytest.raises(HinterlandError):
            DroneFleet(**bad)
    assert DroneFleet(availability=1).availability == 1
    with pytest.raises(HinterlandError):
        DroneFleet(availability=1 + 1e-9)


def test_partner_times_and_radii_boundaries() -> None:
    for name in ("handoff_cutoff_min", "delivery_end_min", "priority_cutoff_min",
                 "priority_delivery_end_min"):
        assert getattr(PostalPartner(**{name: 0.0}), name) == 0.0
        assert getattr(PostalPartner(**{name: 1440.0}), name) == 1440.0
        for bad in (-1e-9, 1440 + 1e-9):
            with pytest.raises(HinterlandError):
                PostalPartner(**{name: bad})
    assert PostalPartner(local_radius_km=120, service_radius_km=120).local_radius_km == 120
    with pytest.raises(HinterlandError):
        PostalPartner(local_radius_km=120 + 1e-9, service_radius_km=120)
    assert PostalPartner(revenue_share_pct=Decimal(100)).revenue_share_pct == 100
    with pytest.raises(HinterlandError):
        PostalPartner(revenue_share_pct=Decimal("100.001"))
    with pytest.raises(HinterlandError):
        PostalPartner(name="  ")


@pytest.mark.parametrize(
    "bands",
    [
        (),
        ((0.0, Decimal("1.00")),),
        ((-1.0, Decimal("1.00")),),
        ((math.nan, Decimal("1.00")),),
        ((math.inf, Decimal("1.00")),),
        ((1.0, Decimal("-0.01")),),
        ((1.0, Decimal("NaN")),),
        ((1.0, Decimal("1.00")), (1.0, Decimal("2.00"))),
    ],
)
def test_fee_schedule_refuses_meaningless_bands(bands: tuple[tuple[float, Decimal], ...]) -> None:
    with pytest.raises(HinterlandError):
        FeeSchedule(bands)


def test_fee_schedule_accepts_free_light_band() -> None:
    sched = FeeSchedule(((1e-6, Decimal("0.00")), (1.0, Decimal("0.00"))))
    assert sched.fee(1e-6) == Decimal("0.00")
