"""Delivery drones flying from drone sites.

Defaults, from public specifications where they exist (otherwise stated as
planning assumptions):

* ``payload_kg`` 2.27 (5 lb): the payload class of Amazon Prime Air's MK27-2 and
  MK30 ("packages of 5 pounds or less"), also Wing's order of magnitude.
* ``radius_km`` 12.0 (~7.5 miles): the delivery radius reported for Prime Air
  sites (Lockeford CA, College Station TX); a flight goes out and back.
* ``speed_kmh`` 80 (~50 mph): the top speed reported for MK27-class drones.
* ``prep_min`` 20: pick, pack and load before take-off (assumption), so a
  60-minute promise leaves ~40 min of flight and margin.
* ``open_min``/``close_min`` 08:00-20:00: operating hours (assumption), further
  limited to daylight at the site on the operating date (civil sunrise to sunset
  from the ``astral`` library: 14 CFR 107.29 allows night flight only with
  anti-collision lighting, which we do not assume).
* ``availability`` 0.85: share of operating hours flyable in wind, rain and icing
  (assumption; lower in northern winters). Promises take the per-order
  ``weather_ok`` flag; ``availability`` scales planned capacity.
* ``flights_per_hour`` 4 per site (assumption) for :meth:`DroneFleet.daily_capacity`.
* ``cost_per_delivery_usd`` 6.00 (assumption: amortised craft, remote pilots, site).
* ``co2_kg_per_km`` 0.022: ~0.06 kWh per km for a ~35 kg multirotor at the US
  grid average of ~0.37 kg CO2/kWh (EIA, 2023).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from astral import Observer
from astral.sun import sun
from numpy.typing import ArrayLike, NDArray

from hinterland.core.errors import HinterlandError
from hinterland.core.money import usd

LB_KG = 0.45359237


@dataclass(frozen=True)
class DroneFleet:
    """Drones at drone sites (documented defaults above). Times in minutes of the day."""

    payload_kg: float = round(5 * LB_KG, 2)
    radius_km: float = 12.0
    speed_kmh: float = 80.0
    prep_min: float = 20.0
    open_min: float = 8 * 60.0
    close_min: float = 20 * 60.0
    availability: float = 0.85
    flights_per_hour: float = 4.0
    cost_per_delivery_usd: Decimal = field(default_factory=lambda: Decimal("6.00"))
    co2_kg_per_km: float = 0.022

    def __post_init__(self) -> None:
        for name in ("payload_kg", "radius_km", "speed_kmh", "flights_per_hour"):
            v = getattr(self, name)
            if not np.isfinite(v) or v <= 0:
                raise HinterlandError(f"drone {name} must be > 0, got {v!r}")
        for name in ("prep_min", "co2_kg_per_km"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v >= 0):
                raise HinterlandError(f"drone {name} must be finite and >= 0, got {v!r}")
        if not 0 <= self.open_min < self.close_min <= 24 * 60:
            raise HinterlandError("drone hours need 0 <= open_min < close_min <= 1440")
        if not 0 <= self.availability <= 1:
            raise HinterlandError(
                f"drone availability must be within 0..1, got {self.availability}")
        cost = usd(self.cost_per_delivery_usd, name="drone cost_per_delivery_usd")
        if cost < 0:
            raise HinterlandError(f"drone cost_per_delivery_usd must be >= 0, got {cost}")
        object.__setattr__(self, "cost_per_delivery_usd", cost)

    def flight_min(self, gc_km: ArrayLike) -> NDArray[np.float64]:
        """One-way flight minutes over a great-circle distance (drones fly straight)."""
        return np.asarray(gc_km, dtype=float) / self.speed_kmh * 60.0

    def parcel_co2_kg(self, gc_km: ArrayLike) -> NDArray[np.float64]:
        """CO2 of one delivery: out and back."""
        return 2.0 * np.asarray(gc_km, dtype=float) * self.co2_kg_per_km

    def hours(self, lat: ArrayLike, lon: ArrayLike, zones: ArrayLike, date: dt.date
              ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Flying hours of each site on ``date``: ``open``/``close`` minutes, site clock.

        The configured hours, cut to the time between sunrise and sunset at the site
        (``astral``); where the sun does not rise or set (polar day or night) the
        configured hours, or none, apply.
        """
        la = np.atleast_1d(np.asarray(lat, dtype=float))
        lo = np.atleast_1d(np.asarray(lon, dtype=float))
        zs = np.atleast_1d(np.asarray(zones, dtype=object))
        opens = np.full(len(la), self.open_min)
        closes = np.full(len(la), self.close_min)
        for i, (y, x, z) in enumerate(zip(la, lo, zs, strict=True)):
            try:
                s = sun(Observer(float(y), float(x)), date, tzinfo=ZoneInfo(str(z)))
            except ValueError as exc:  # polar night: never rises; polar day: never sets
                if "never" in str(exc) and "below" in str(exc):
                    continue
                closes[i] = opens[i]
                continue
            rise = s["sunrise"].hour * 60 + s["sunrise"].minute + s["sunrise"].second / 60
            set_ = s["sunset"].hour * 60 + s["sunset"].minute + s["sunset"].second / 60
            opens[i] = max(self.open_min, rise)
            closes[i] = max(min(self.close_min, set_), opens[i])
        return opens, closes

    def daily_capacity(self, open_min: ArrayLike | None = None,
                       close_min: ArrayLike | None = None) -> NDArray[np.float64]:
        """Expected deliveries per site per day: hours x flights/hour x availability.

        ``open_min``/``close_min`` (e.g. from :meth:`hours`) default to the configured
        hours.
        """
        o = np.asarray(self.open_min if open_min is None else open_min, dtype=float)
        c = np.asarray(self.close_min if close_min is None else close_min, dtype=float)
        return np.floor((c - o) / 60.0 * self.flights_per_hour * self.availability)
