"""Own vans run by delivery partners, and the line-haul trucks that feed stations.

A van's cost per parcel is its share of the route: the stem drive out and back
shared by the parcels on the route, plus the time and distance of one stop.
Defaults are planning assumptions (not quotes), stated here in one place:

* ``cost_per_hour_usd`` 42.00: a delivery-partner driver (about 20-25 USD/h loaded
  wage) plus a leased cargo van, order of magnitude of public DSP figures.
* ``cost_per_km_usd`` 0.45: fuel, tyres and maintenance of a diesel cargo van.
* ``cost_per_stop_usd`` 0.35: scanning, handling and parking per stop.
* ``parcels_per_route`` 150 and ``stop_min`` 2.5 min per parcel at the door.
* ``stop_spacing_km`` driven between consecutive stops, by rurality of the delivery
  area: 0.5 metro, 1.2 micropolitan, 2.5 small town, 5.0 rural (assumption; rural
  stops are spread out, which is what makes rural parcels expensive), driven at
  ``stop_speed_kmh`` 25 / 35 / 45 / 55 km/h.
* ``max_stem_min`` 90 min: farthest drive from the station to the first stop.
* ``route_allowance_min`` 180 min: time from leaving the stem to the last stop,
  used as the "delivered by" bound of a promise.
* ``shift_end_min`` 21:00 (1260): deliveries end.
* ``co2_kg_per_km`` 0.27: a diesel large van (~10 l/100 km x 2.68 kg CO2/l).
* ``max_parcel_kg`` 22.68 (50 lb): heaviest parcel one driver handles alone.

Line-haul (fulfillment center to station or post office, overnight truck):

* ``cost_per_km_usd`` 1.41: ATRI "Operational Costs of Trucking" 2023 (~2.27 USD
  per mile, all-in marginal cost), per truck.
* ``parcels_per_truck`` 2500: a 53 ft trailer of small parcels in gaylords.
* ``co2_kg_per_km`` 1.05: class-8 tractor at ~6.5 mpg x 10.2 kg CO2 per gallon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hinterland.core.errors import HinterlandError
from hinterland.core.money import to_cents, usd
from hinterland.data.rurality import RURALITY_CLASSES

#: Default km between consecutive stops, by rurality class.
STOP_SPACING_KM: dict[str, float] = {"metro": 0.5, "micropolitan": 1.2, "small_town": 2.5,
                                     "rural": 5.0}
#: Default driving speed between stops, by rurality class.
STOP_SPEED_KMH: dict[str, float] = {"metro": 25.0, "micropolitan": 35.0, "small_town": 45.0,
                                    "rural": 55.0}
DEFAULT_STOP_RURALITY = "small_town"


def _positive(name: str, value: float, *, allow_zero: bool = False) -> None:
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise HinterlandError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")


@dataclass(frozen=True)
class VanFleet:
    """Own delivery vans operated by delivery partners (documented defaults above)."""

    cost_per_hour_usd: Decimal = field(default_factory=lambda: Decimal("42.00"))
    cost_per_km_usd: Decimal = field(default_factory=lambda: Decimal("0.45"))
    cost_per_stop_usd: Decimal = field(default_factory=lambda: Decimal("0.35"))
    parcels_per_route: int = 150
    stop_min: float = 2.5
    stop_spacing_km: dict[str, float] = field(default_factory=lambda: dict(STOP_SPACING_KM))
    stop_speed_kmh: dict[str, float] = field(default_factory=lambda: dict(STOP_SPEED_KMH))
    max_stem_min: float = 90.0
    route_allowance_min: float = 180.0
    shift_end_min: float = 21 * 60.0
    co2_kg_per_km: float = 0.27
    max_parcel_kg: float = 22.68

    def __post_init__(self) -> None:
        for name in ("cost_per_hour_usd", "cost_per_km_usd", "cost_per_stop_usd"):
            object.__setattr__(self, name, usd(getattr(self, name), name=f"van {name}"))
        _positive("van parcels_per_route", self.parcels_per_route)
        for name in ("stop_min", "co2_kg_per_km"):
            _positive(f"van {name}", getattr(self, name), allow_zero=True)
        for name, table in (("stop_spacing_km", self.stop_spacing_km),
                            ("stop_speed_kmh", self.stop_speed_kmh)):
            missing = [c for c in RURALITY_CLASSES if c not in table]
            if missing:
                raise HinterlandError(f"van {name} lacks classes: {', '.join(missing)}")
            for cls in RURALITY_CLASSES:
                _positive(f"van {name}[{cls}]", table[cls], allow_zero=name == "stop_spacing_km")
            object.__setattr__(self, name, {c: float(table[c]) for c in RURALITY_CLASSES})
        for name in ("max_stem_min", "route_allowance_min", "shift_end_min", "max_parcel_kg"):
            _positive(f"van {name}", getattr(self, name))

    def _stop(self, rurality: ArrayLike | str | None, shape: tuple[int, ...]
              ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Km and drive minutes from the previous stop, by rurality (broadcast to ``shape``)."""
        if rurality is None or isinstance(rurality, str):
            cls = rurality or DEFAULT_STOP_RURALITY
            km = np.full(shape, self.stop_spacing_km[cls])
            return km, km / self.stop_speed_kmh[cls] * 60.0
        codes = pd.Categorical(np.asarray(rurality, dtype=object).ravel(),
                               categories=list(RURALITY_CLASSES)).codes
        codes = np.where(codes < 0, RURALITY_CLASSES.index(DEFAULT_STOP_RURALITY), codes)
        spacing = np.array([self.stop_spacing_km[c] for c in RURALITY_CLASSES])[codes]
        speed = np.array([self.stop_speed_kmh[c] for c in RURALITY_CLASSES])[codes]
        return (np.broadcast_to(spacing.reshape(np.shape(rurality)), shape),
                np.broadcast_to((spacing / speed * 60.0).reshape(np.shape(rurality)), shape))

    def parcel_cost_cents(self, stem_km: ArrayLike, stem_min: ArrayLike,
                          rurality: ArrayLike | str | None = None) -> NDArray[np.int64]:
        """Cost of one parcel's share of a route, in whole cents (rounded half up).

        Parameters
        ----------
        stem_km, stem_min
            One-way road km and drive minutes from the station to the delivery area.
        rurality
            Rurality class(es) of the delivery area (sets the drive between stops);
            default ``small_town``.
        """
        per_h = to_cents(self.cost_per_hour_usd) / 60.0
        per_km = float(to_cents(self.cost_per_km_usd))
        km = np.asarray(stem_km, dtype=float)
        mins = np.asarray(stem_min, dtype=float)
        gap_km, gap_min = self._stop(rurality, np.broadcast_shapes(km.shape, mins.shape))
        stem = (2.0 * km * per_km + 2.0 * mins * per_h) / self.parcels_per_route
        stop = (to_cents(self.cost_per_stop_usd) + (self.stop_min + gap_min) * per_h
                + gap_km * per_km)
        return np.floor(stem + stop + 0.5).astype(np.int64)

    def parcel_co2_kg(self, stem_km: ArrayLike, rurality: ArrayLike | str | None = None
                      ) -> NDArray[np.float64]:
        """CO2 of one parcel's share of a route (stem out and back plus the drive from the
        previous stop)."""
        km = np.asarray(stem_km, dtype=float)
        gap_km, _ = self._stop(rurality, km.shape)
        return (2.0 * km / self.parcels_per_route + gap_km) * self.co2_kg_per_km


@dataclass(frozen=True)
class LineHaul:
    """Trucks from fulfillment centers to stations and partner post offices."""

    cost_per_km_usd: Decimal = field(default_factory=lambda: Decimal("1.41"))
    parcels_per_truck: int = 2500
    co2_kg_per_km: float = 1.05

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost_per_km_usd",
                           usd(self.cost_per_km_usd, name="line-haul cost_per_km_usd"))
        _positive("line-haul parcels_per_truck", self.parcels_per_truck)
        _positive("line-haul co2_kg_per_km", self.co2_kg_per_km, allow_zero=True)

    def parcel_cost_cents(self, road_km: ArrayLike) -> NDArray[np.int64]:
        """One parcel's share of a truck trip of ``road_km``, in whole cents."""
        km = np.asarray(road_km, dtype=float)
        return np.floor(km * to_cents(self.cost_per_km_usd) / self.parcels_per_truck + 0.5).astype(
            np.int64
        )

    def parcel_co2_kg(self, road_km: ArrayLike) -> NDArray[np.float64]:
        """One parcel's share of the truck's CO2 over ``road_km``."""
        return np.asarray(road_km, dtype=float) * self.co2_kg_per_km / self.parcels_per_truck
