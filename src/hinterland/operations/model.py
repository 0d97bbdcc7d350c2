"""The operating model: one object holding every operating rule the stages read.

:class:`OperatingModel` gathers the travel model, the van rules
(:class:`~hinterland.operations.vans.VanFleet`), line-haul
(:class:`~hinterland.operations.linehaul.LineHaul`), the postal partner
(:class:`~hinterland.operations.postal.PostalPartner`), drones
(:class:`~hinterland.operations.drones.DroneFleet`) and the site operations below,
plus the customer's shipping fee per tier. Coverage, design, the promise engine,
routing and the simulation take one and read their numbers from it; none keeps a
copy. Every default and its source: ``docs/operations.md``.

Site operations (minutes; local time of the site):

* hybrid hub / retail store with stock: pick and pack 30 min, handling 1.80 USD a
  parcel; an order rides the first van wave leaving at least ``pick_min`` after it
  (the wave's cut-off is the wave minus ``pick_min``).
* fulfillment center: pick and pack 60 min, handling 1.20 USD; an order rides the
  first line-haul departure at least ``pick_min`` after it.
* delivery station: line-haul freight is sorted in 60 min after the truck arrives,
  then rides the next van wave; a station sorts at most ``capacity_per_day``
  parcels a day unless its facility row gives ``capacity_per_day``; staffing
  (for jobs per station): one associate per ``parcels_per_associate_day`` (1,000)
  parcels plus ``fixed_staff`` (8), both assumptions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from hinterland.core.clock import DEFAULT_DATE
from hinterland.core.errors import HinterlandError
from hinterland.core.money import usd
from hinterland.core.vocabulary import TIERS
from hinterland.geo.travel import TravelModel
from hinterland.operations.drones import DroneFleet
from hinterland.operations.linehaul import LineHaul
from hinterland.operations.postal import FeeSchedule, PostalPartner
from hinterland.operations.vans import VanFleet

__all__ = [
    "DEFAULT_SHIPPING_FEE_USD",
    "FcOps",
    "HubOps",
    "OperatingModel",
    "StationOps",
]

#: Default shipping fee the customer pays per tier (the partner's revenue share base).
DEFAULT_SHIPPING_FEE_USD: dict[str, str] = {
    "60min": "9.99",
    "same_day": "5.99",
    "next_day": "2.99",
    "two_day": "0.00",
}


def _minutes(name: str, value: float, *, lo: float = 0.0, hi: float = np.inf) -> None:
    if not (np.isfinite(value) and lo <= value <= hi):
        raise HinterlandError(f"{name} must be within {lo:g}..{hi:g} min, got {value!r}")


@dataclass(frozen=True)
class _PickOps:
    """A site that picks and packs from stock: pick minutes and handling per parcel."""

    pick_min: float
    handling_usd: Decimal

    def __post_init__(self) -> None:
        label = type(self).__name__.removesuffix("Ops").lower()
        _minutes(f"{label} pick_min", self.pick_min, hi=1440)
        fee = usd(self.handling_usd, name=f"{label} handling_usd")
        if fee < 0:
            raise HinterlandError(f"{label} handling_usd must be >= 0")
        object.__setattr__(self, "handling_usd", fee)


@dataclass(frozen=True)
class HubOps(_PickOps):
    """Same-day operations of a site holding stock and running vans (hub, store)."""

    pick_min: float = 30.0
    handling_usd: Decimal = field(default_factory=lambda: Decimal("1.80"))


@dataclass(frozen=True)
class FcOps(_PickOps):
    """Fulfillment-center operations: pick and pack before the line-haul leaves."""

    pick_min: float = 60.0
    handling_usd: Decimal = field(default_factory=lambda: Decimal("1.20"))


@dataclass(frozen=True)
class StationOps:
    """Delivery-station operations: sort after the line-haul arrives; daily capacity."""

    sort_min: float = 60.0
    capacity_per_day: float = 9_600.0
    parcels_per_associate_day: float = 1_000.0
    fixed_staff: float = 8.0

    def __post_init__(self) -> None:
        _minutes("station sort_min", self.sort_min, hi=1440)
        if not (self.parcels_per_associate_day > 0 and np.isfinite(self.parcels_per_associate_day)):
            raise HinterlandError("station parcels_per_associate_day must be > 0, got "
                                  f"{self.parcels_per_associate_day!r}")
        if not (self.fixed_staff >= 0 and np.isfinite(self.fixed_staff)):
            raise HinterlandError(f"station fixed_staff must be >= 0, got {self.fixed_staff!r}")
        if not (self.capacity_per_day > 0):
            raise HinterlandError(
                f"station capacity_per_day must be > 0, got {self.capacity_per_day!r}")


_SECTIONS: dict[str, type] = {
    "van": VanFleet,
    "linehaul": LineHaul,
    "partner": PostalPartner,
    "drone": DroneFleet,
    "hub": HubOps,
    "fc": FcOps,
    "station": StationOps,
}


@dataclass(frozen=True)
class OperatingModel:
    """Every operating rule of a run (documented defaults in each part).

    Attributes
    ----------
    travel
        Travel model (road km and drive minutes); the vans' speed between stops is
        the travel model's speed for the area's rurality class.
    van, linehaul, partner, drone, hub, fc, station
        The parts (see their classes).
    shipping_fee_usd
        Shipping fee the customer pays per tier (:data:`DEFAULT_SHIPPING_FEE_USD`).
    date
        Reference operating date: UTC offsets (daylight saving) and drone daylight.
    nearest_sites
        Sites of each kind a destination considers (nearest first, by straight line).
    """

    travel: TravelModel = field(default_factory=TravelModel)
    van: VanFleet = field(default_factory=VanFleet)
    linehaul: LineHaul = field(default_factory=LineHaul)
    partner: PostalPartner = field(default_factory=PostalPartner)
    drone: DroneFleet = field(default_factory=DroneFleet)
    hub: HubOps = field(default_factory=HubOps)
    fc: FcOps = field(default_factory=FcOps)
    station: StationOps = field(default_factory=StationOps)
    shipping_fee_usd: dict[str, Decimal] = field(
        default_factory=lambda: {k: Decimal(v) for k, v in DEFAULT_SHIPPING_FEE_USD.items()}
    )
    date: dt.date = DEFAULT_DATE
    nearest_sites: int = 3

    def __post_init__(self) -> None:
        fees = {k: usd(v, name=f"shipping fee of {k}") for k, v in self.shipping_fee_usd.items()}
        if set(fees) != set(TIERS):
            raise HinterlandError(f"shipping_fee_usd needs exactly the tiers {', '.join(TIERS)}")
        if any(v < 0 for v in fees.values()):
            raise HinterlandError("shipping fees must be >= 0")
        object.__setattr__(self, "shipping_fee_usd", fees)
        if isinstance(self.date, str):
            object.__setattr__(self, "date", dt.date.fromisoformat(self.date))
        if not 1 <= int(self.nearest_sites) <= 16:
            raise HinterlandError("nearest_sites must be within 1..16")
        # One home for speeds: the vans drive between stops at the travel model's speed.
        if self.van.stop_speed_kmh != dict(self.travel.speed_kmh):
            object.__setattr__(self, "van", dataclasses.replace(
                self.van, stop_speed_kmh=dict(self.travel.speed_kmh)))

    # -- derived rules ----------------------------------------------------------------------

    @property
    def hub_cutoffs_min(self) -> tuple[float, ...]:
        """Latest order minute (hub clock) for each van wave from local stock."""
        return tuple(w - self.hub.pick_min for w in self.van.waves_min)

    @property
    def fc_cutoffs_min(self) -> tuple[float, ...]:
        """Latest order minute (FC clock) for each line-haul departure."""
        return tuple(d - self.fc.pick_min for d in self.linehaul.departures_min)

    def replace(self, **changes: Any) -> OperatingModel:
        """Copy with some parts changed."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], travel: TravelModel | None = None
                     ) -> OperatingModel:
        """Build from a plain mapping (a scenario file's ``[operations]`` table).

        Each section (``van``, ``linehaul``, ``partner``, ``drone``, ``hub``, ``fc``,
        ``station``) overrides fields of its part; ``shipping_fee_usd`` overrides
        tiers; ``date`` and ``nearest_sites`` set those fields. Unknown keys raise
        :class:`~hinterland.core.errors.HinterlandError` naming the key.
        """
        kw: dict[str, Any] = {}
        for key, value in values.items():
            if key in _SECTIONS:
                part = _SECTIONS[key]
                if not isinstance(value, Mapping):
                    raise HinterlandError(f"operations.{key} must be a table")
                names = {f.name for f in dataclasses.fields(part)}
                unknown = sorted(set(value) - names)
                if unknown:
                    raise HinterlandError(f"unknown key operations.{key}.{unknown[0]}")
                args = dict(value)
                for name, v in args.items():
                    if isinstance(v, list):
                        args[name] = tuple(v)
                if key == "partner" and "fees" in args:
                    args["fees"] = FeeSchedule(bands=tuple(tuple(b) for b in args["fees"]))
                try:
                    kw[key] = part(**args)
                except (TypeError, ValueError, HinterlandError) as exc:
                    raise HinterlandError(f"operations.{key}: {exc}") from None
            elif key == "shipping_fee_usd":
                kw[key] = {**DEFAULT_SHIPPING_FEE_USD, **dict(value)}
            elif key in ("date", "nearest_sites"):
                kw[key] = dt.date.fromisoformat(str(value)) if key == "date" else int(value)
            else:
                raise HinterlandError(f"unknown key operations.{key}")
        if travel is not None:
            kw["travel"] = travel
        return cls(**kw)
