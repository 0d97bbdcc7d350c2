"""Line-haul: trucks from fulfillment centers to stations and partner post offices.

A truck leaves its fulfillment center at a scheduled local time (FC clock), drives
the road distance at the travel model's highway speed, and stops as the federal
hours-of-service rules make it (49 CFR 395.3, property-carrying drivers):

* at most 11 hours driving after 10 consecutive hours off duty;
* no driving after the 14th hour on duty (the 11 hours fit inside it);
* a 30-minute break after 8 cumulative hours of driving.

With a **single driver**, each duty period drives at most 660 min (one 30-min break
when it drives more than 480 min) and is followed by a 600-min rest before the next.
With a **team** (two drivers alternating, the other in the sleeper berth, which
satisfies the break rule), the truck moves up to ``2 x 660`` min between 600-min
stops. Both are the regulation's limits; real dispatch adds fuelling and traffic,
which the travel model's speed stands for.

A truck's cost (per road km, ATRI 2024 operating cost) is shared by the parcels it
carries: ``ceil(volume / capacity)`` trucks run the lane, so a half-empty lane costs
each parcel twice what a full one does.

Defaults (sources in ``docs/operations.md``): departure 22:00 FC time; 2,500 parcels
per 53-ft trailer (assumption); 1.40 USD per truck-km (ATRI 2024: 2.26 USD/mile);
0.976 kg CO2 per truck-km (10.21 kg CO2/gallon of diesel at 6.5 mpg).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hinterland.core.errors import HinterlandError
from hinterland.core.money import to_cents, usd

#: 49 CFR 395.3 limits, minutes.
HOS_DRIVING_MIN = 11 * 60.0
HOS_BREAK_AFTER_MIN = 8 * 60.0
HOS_BREAK_MIN = 30.0
HOS_REST_MIN = 10 * 60.0


def _check(name: str, value: float, *, allow_zero: bool = True) -> None:
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise HinterlandError(
            f"line-haul {name} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")


@dataclass(frozen=True)
class LineHaul:
    """Scheduled trucks from fulfillment centers (documented defaults above).

    Attributes
    ----------
    departures_min
        Departure times at the fulfillment center, minutes from FC-local midnight.
    team
        Team drivers (two alternating) instead of a single driver.
    cost_per_km_usd
        Cost of one truck per road km.
    parcels_per_truck
        Parcels one trailer carries.
    co2_kg_per_km
        CO2 of one truck per road km.
    rurality
        Rurality class whose circuity and speed the travel model uses for line-haul
        (``rural``: highway-like).
    """

    departures_min: tuple[float, ...] = (22 * 60.0,)
    team: bool = False
    cost_per_km_usd: Decimal = field(default_factory=lambda: Decimal("1.40"))
    parcels_per_truck: int = 2500
    co2_kg_per_km: float = 0.976
    rurality: str = "rural"

    def __post_init__(self) -> None:
        object.__setattr__(self, "cost_per_km_usd",
                           usd(self.cost_per_km_usd, name="line-haul cost_per_km_usd"))
        if self.cost_per_km_usd < 0:
            raise HinterlandError("line-haul cost_per_km_usd must be >= 0")
        _check("parcels_per_truck", self.parcels_per_truck, allow_zero=False)
        _check("co2_kg_per_km", self.co2_kg_per_km)
        deps = tuple(sorted(float(d) for d in self.departures_min))
        if not deps or not all(np.isfinite(d) and 0 <= d < 1440 for d in deps):
            raise HinterlandError("line-haul departures_min needs times within 0..1439")
        object.__setattr__(self, "departures_min", deps)

    def transit_min(self, drive_min: ArrayLike) -> NDArray[np.float64]:
        """Door-to-door minutes of a truck driving ``drive_min``, with the rest stops
        hours of service require (see module docstring); ``inf`` stays ``inf``."""
        d = np.asarray(drive_min, dtype=float)
        finite = np.isfinite(d)
        dd = np.where(finite, np.maximum(d, 0.0), 0.0)
        period = HOS_DRIVING_MIN * (2.0 if self.team else 1.0)
        # Whole duty periods before the last one; each is followed by a 10-hour rest.
        rests = np.maximum(np.ceil(dd / period) - 1.0, 0.0)
        last = dd - rests * period
        # A team's sleeper-berth partner covers the 30-minute break.
        breaks = np.zeros_like(dd) if self.team else rests + (last > HOS_BREAK_AFTER_MIN)
        out = dd + breaks * HOS_BREAK_MIN + rests * HOS_REST_MIN
        return np.where(finite, out, np.inf)

    def trucks(self, parcels: ArrayLike) -> NDArray[np.int64]:
        """Trucks a lane of ``parcels`` a day needs (at least one when any parcel)."""
        p = np.asarray(parcels, dtype=float)
        return np.where(p > 0, np.ceil(p / self.parcels_per_truck), 0).astype(np.int64)

    def parcel_cost_cents(self, road_km: ArrayLike, lane_parcels: ArrayLike | None = None
                          ) -> NDArray[np.int64]:
        """One parcel's share of the trucks running a lane of ``road_km``, whole cents.

        ``lane_parcels`` is the lane's daily volume; without it the lane is taken as
        full trucks (the cheapest case: ``km x rate / parcels_per_truck``).
        """
        km = np.asarray(road_km, dtype=float)
        rate = float(to_cents(self.cost_per_km_usd))
        if lane_parcels is None:
            share = km * rate / self.parcels_per_truck
        else:
            vol = np.maximum(np.asarray(lane_parcels, dtype=float), 1.0)
            share = km * rate * self.trucks(vol) / vol
        return np.floor(share + 0.5).astype(np.int64)

    def parcel_co2_kg(self, road_km: ArrayLike, lane_parcels: ArrayLike | None = None
                      ) -> NDArray[np.float64]:
        """One parcel's share of the trucks' CO2 over ``road_km``."""
        km = np.asarray(road_km, dtype=float)
        if lane_parcels is None:
            return km * self.co2_kg_per_km / self.parcels_per_truck
        vol = np.maximum(np.asarray(lane_parcels, dtype=float), 1.0)
        return km * self.co2_kg_per_km * self.trucks(vol) / vol
