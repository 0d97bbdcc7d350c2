"""Own vans run by delivery partners: shift, waves, stop service, capacity, cost, CO2.

The one van rule every stage reads (:meth:`VanFleet.route`): a van of wave ``w``
leaves its station at the wave's time, drives the stem out to its delivery area,
serves ``n`` stops, and drives back. It serves the area when a route worth running
(at least ``min_route_stops`` stops) fits both

* the shift: ``load + break + 2 x stem + n x per_stop <= shift``, and
* the delivery day: the last stop is served by ``delivery_end_min``;

``per_stop`` is the service time of a stop (``stop_service_min +
parcel_service_min x parcels_per_stop``) plus the drive from the previous stop
(:meth:`VanFleet.stop_gap_min`). The route then carries ``n = min(capacity,
what the shift allows)`` stops, and its last stop is served at
``departure + stem + n x per_stop``: that is the honest "delivered by" time a
promise gives for the area on that wave. Coverage, design, the promise engine and
the simulation all call this one method.

Defaults (planning assumptions unless a source is named; see ``docs/operations.md``):

* shift 600 min (10 h) starting 08:00, 30 min loading at the station, a 30-min
  meal break; waves leave at 08:30 (line-haul freight and stock) and 15:00
  (same-day from local stock); deliveries end at 21:00.
* stop service 1.5 min a stop + 0.5 min a parcel; 1.35 parcels a stop.
* km between consecutive stops by rurality of the area (0.5 metro, 1.2
  micropolitan, 2.5 small town, 5.0 rural; assumption), driven at the travel
  model's speed for that class.
* capacity 180 parcels and 11,000 litres (a large cargo van).
* ``cost_per_hour_usd`` 42.00 (driver and van), ``cost_per_km_usd`` 0.45 (fuel,
  tyres, maintenance; IRS 2025 rate 0.70 USD/mile = 0.43 USD/km),
  ``cost_per_stop_usd`` 0.35, ``fixed_cost_per_day_usd`` 45.00 (lease: ICCT
  five-year cost of ownership of a diesel van, 82 k USD / (5 x 365 days)).
* ``co2_kg_per_km`` 0.27: a diesel large van (~10 l/100 km x 2.68 kg CO2/l).
* ``max_parcel_kg`` 22.68 (50 lb): heaviest parcel one driver handles alone.
* ``min_route_stops`` 60: the smallest route worth dispatching, about half a full
  route of 133 stops (assumption).
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
from hinterland.geo.travel import DEFAULT_SPEED_KMH

#: Default km between consecutive stops, by rurality class.
STOP_SPACING_KM: dict[str, float] = {"metro": 0.5, "micropolitan": 1.2, "small_town": 2.5,
                                     "rural": 5.0}
DEFAULT_STOP_RURALITY = "small_town"


def _positive(name: str, value: float, *, allow_zero: bool = False) -> None:
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise HinterlandError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")


def _codes(rurality: ArrayLike | str | None, shape: tuple[int, ...]) -> NDArray[np.int64]:
    default = RURALITY_CLASSES.index(DEFAULT_STOP_RURALITY)
    if rurality is None or isinstance(rurality, str):
        code = RURALITY_CLASSES.index(rurality) if rurality in RURALITY_CLASSES else default
        return np.full(shape, code, np.int64)
    raw = np.asarray(rurality)
    if np.issubdtype(raw.dtype, np.integer):  # already codes into RURALITY_CLASSES
        return np.broadcast_to(np.where(raw < 0, default, raw).astype(np.int64), shape)
    arr = np.asarray(rurality, dtype=object)
    codes = np.asarray(pd.Categorical(arr.ravel(), categories=list(RURALITY_CLASSES)).codes,
                       dtype=np.int64)
    codes = np.where(codes < 0, default, codes).reshape(arr.shape)
    return np.broadcast_to(codes, shape)


@dataclass(frozen=True)
class VanFleet:
    """Own delivery vans operated by delivery partners (documented defaults above).

    Times are minutes from local midnight at the station.
    """

    shift_start_min: float = 8 * 60.0
    shift_min: float = 600.0
    load_min: float = 30.0
    break_min: float = 30.0
    waves_min: tuple[float, ...] = (8 * 60.0 + 30.0, 15 * 60.0)
    delivery_end_min: float = 21 * 60.0
    stop_service_min: float = 1.5
    parcel_service_min: float = 0.5
    parcels_per_stop: float = 1.35
    stop_spacing_km: dict[str, float] = field(default_factory=lambda: dict(STOP_SPACING_KM))
    stop_speed_kmh: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEED_KMH))
    capacity_parcels: int = 180
    capacity_cube_l: float = 11_000.0
    min_route_stops: int = 60
    cost_per_hour_usd: Decimal = field(default_factory=lambda: Decimal("42.00"))
    cost_per_km_usd: Decimal = field(default_factory=lambda: Decimal("0.45"))
    cost_per_stop_usd: Decimal = field(default_factory=lambda: Decimal("0.35"))
    fixed_cost_per_day_usd: Decimal = field(default_factory=lambda: Decimal("45.00"))
    co2_kg_per_km: float = 0.27
    max_parcel_kg: float = 22.68

    def __post_init__(self) -> None:
        for name in ("cost_per_hour_usd", "cost_per_km_usd", "cost_per_stop_usd",
                     "fixed_cost_per_day_usd"):
            value = usd(getattr(self, name), name=f"van {name}")
            if value < 0:
                raise HinterlandError(f"van {name} must be >= 0, got {value}")
            object.__setattr__(self, name, value)
        for name in ("capacity_parcels", "capacity_cube_l", "shift_min", "parcels_per_stop",
                     "max_parcel_kg", "min_route_stops"):
            _positive(f"van {name}", getattr(self, name))
        for name in ("load_min", "break_min", "stop_service_min", "parcel_service_min",
                     "co2_kg_per_km"):
            _positive(f"van {name}", getattr(self, name), allow_zero=True)
        for name in ("shift_start_min", "delivery_end_min"):
            v = getattr(self, name)
            if not (np.isfinite(v) and 0 <= v <= 1440):
                raise HinterlandError(f"van {name} must be within 0..1440, got {v!r}")
        if self.load_min + self.break_min >= self.shift_min:
            raise HinterlandError(
                f"van shift_min ({self.shift_min:g}) must exceed load_min + break_min "
                f"({self.load_min + self.break_min:g})")
        waves = tuple(sorted(float(w) for w in self.waves_min))
        if not waves or not all(np.isfinite(w) and 0 <= w < 1440 for w in waves):
            raise HinterlandError("van waves_min needs one or more times within 0..1439")
        if waves[0] < self.shift_start_min + self.load_min:
            raise HinterlandError(
                "the first van wave leaves before the shift has loaded "
                f"({waves[0]:g} < shift_start_min + load_min = "
                f"{self.shift_start_min + self.load_min:g})")
        if waves[-1] >= self.delivery_end_min:
            raise HinterlandError("the last van wave leaves after deliveries end "
                                  f"({waves[-1]:g} >= delivery_end_min {self.delivery_end_min:g})")
        object.__setattr__(self, "waves_min", waves)
        for name, table, zero in (("stop_spacing_km", self.stop_spacing_km, True),
                                  ("stop_speed_kmh", self.stop_speed_kmh, False)):
            missing = [c for c in RURALITY_CLASSES if c not in table]
            if missing:
                raise HinterlandError(f"van {name} lacks classes: {', '.join(missing)}")
            for cls in RURALITY_CLASSES:
                _positive(f"van {name}[{cls}]", table[cls], allow_zero=zero)
            object.__setattr__(self, name, {c: float(table[c]) for c in RURALITY_CLASSES})

    # -- the route rule ---------------------------------------------------------------------

    @property
    def route_time_min(self) -> float:
        """Minutes of a shift left for driving and delivering (shift - load - break)."""
        return self.shift_min - self.load_min - self.break_min

    def stop_service(self, parcels: ArrayLike) -> NDArray[np.float64]:
        """Service minutes at a stop with ``parcels`` parcels (fixed + per parcel)."""
        return self.stop_service_min + self.parcel_service_min * np.asarray(parcels, float)

    def stop_gap(self, rurality: ArrayLike | str | None = None
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Km and drive minutes from the previous stop, by rurality of the area."""
        shape = () if rurality is None or isinstance(rurality, str) else np.shape(rurality)
        c = _codes(rurality, shape)
        spacing = np.array([self.stop_spacing_km[k] for k in RURALITY_CLASSES])[c]
        speed = np.array([self.stop_speed_kmh[k] for k in RURALITY_CLASSES])[c]
        return spacing, spacing / speed * 60.0

    def per_stop_min(self, rurality: ArrayLike | str | None = None) -> NDArray[np.float64]:
        """Minutes a route spends per stop: service of an average stop + the gap drive."""
        _, gap = self.stop_gap(rurality)
        return self.stop_service(self.parcels_per_stop) + gap

    def route(self, stem_min: ArrayLike, departure_min: ArrayLike,
              rurality: ArrayLike | str | None = None
              ) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
        """The van rule: can a route of this wave serve the area, and by when?

        Parameters
        ----------
        stem_min
            One-way drive minutes from the station to the delivery area.
        departure_min
            The wave's departure, minutes on the clock the result is wanted in.
        rurality
            Rurality class of the delivery area (sets the drive between stops): names,
            or integer codes into :data:`~hinterland.data.rurality.RURALITY_CLASSES`.

        Returns
        -------
        ok, last_stop_min, stops
            Whether a route of at least ``min_route_stops`` stops fits the shift and the
            delivery day; the minute its last stop is served (NaN when not ok); the
            stops it carries.
        """
        s = np.asarray(stem_min, dtype=float)
        dep = np.asarray(departure_min, dtype=float)
        per = self.per_stop_min(rurality)
        work = np.minimum(self.route_time_min - 2.0 * s,
                          self.delivery_end_min - (dep % 1440.0) - s)
        with np.errstate(invalid="ignore"):
            fit = np.floor(np.where(np.isfinite(work), work, -1.0) / per + 1e-9)
        stops = np.minimum(fit, np.floor(self.capacity_parcels / self.parcels_per_stop))
        ok = np.isfinite(s) & (stops >= self.min_route_stops)
        last = np.where(ok, dep + s + stops * per, np.nan)
        return ok, last, np.where(ok, stops, 0.0)

    def max_stem_min(self, departure_min: float, rurality: str | None = None) -> float:
        """Longest stem a route of this wave can have (the reach of :meth:`route`)."""
        per = float(self.per_stop_min(rurality))
        need = self.min_route_stops * per
        return max(min((self.route_time_min - need) / 2.0,
                       self.delivery_end_min - departure_min % 1440.0 - need), 0.0)

    # -- cost and CO2 -----------------------------------------------------------------------

    def parcel_cost_cents(self, stem_km: ArrayLike, stem_min: ArrayLike,
                          rurality: ArrayLike | str | None = None) -> NDArray[np.int64]:
        """Cost of one parcel's share of a full route, in whole cents (rounded half up).

        The stem out and back, the van's daily lease, and the driver's load and break
        time are shared by the ``capacity_parcels`` parcels of a full route; each stop
        adds its own service, the drive from the previous stop and the per-stop cost,
        shared by the parcels of that stop.
        """
        per_h = to_cents(self.cost_per_hour_usd) / 60.0
        per_km = float(to_cents(self.cost_per_km_usd))
        km = np.asarray(stem_km, dtype=float)
        mins = np.asarray(stem_min, dtype=float)
        gap_km, gap_min = self.stop_gap(rurality)
        route = (2.0 * km * per_km + (2.0 * mins + self.load_min + self.break_min) * per_h
                 + to_cents(self.fixed_cost_per_day_usd)) / self.capacity_parcels
        stop = ((to_cents(self.cost_per_stop_usd)
                 + (self.stop_service(self.parcels_per_stop) + gap_min) * per_h
                 + gap_km * per_km) / self.parcels_per_stop)
        return np.floor(route + stop + 0.5).astype(np.int64)

    def parcel_co2_kg(self, stem_km: ArrayLike, rurality: ArrayLike | str | None = None
                      ) -> NDArray[np.float64]:
        """CO2 of one parcel's share of a route (stem out and back plus the stop gap)."""
        km = np.asarray(stem_km, dtype=float)
        gap_km, _ = self.stop_gap(rurality)
        return (2.0 * km / self.capacity_parcels + gap_km / self.parcels_per_stop
                ) * self.co2_kg_per_km
