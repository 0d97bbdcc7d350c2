"""A plain, scalar re-derivation of every promise option (the verifier's reference).

This module recomputes, for one order at a time, what every delivery mode can promise,
at what cost and why not, from the engine's *raw inputs*: the facility table, the ZIP
table, the partner's service table (or its distance rule) and the *numbers* of the
:class:`~hinterland.operations.OperatingModel`. It is written from the rules as the
documentation states them, by its own path:

* its own great-circle distance (:func:`haversine_km`, ``math``) and its own nearest-site
  search (brute force over the facility table; no k-d tree);
* its own arithmetic of the van rule (a route of a wave fits the shift and the delivery
  day with at least ``min_route_stops`` stops; the last stop is the promise), of
  drivers' hours of service (49 CFR 395.3, restated here: 11 h driving, a 30-min break
  after 8 h, 10 h off duty) and of clock shifts (IANA zones from ``tzfpy``, offsets from
  :mod:`zoneinfo` at local noon of the operating date; drone daylight from ``astral``);
* its own tier deadlines, cost shares (cents, rounded half up) and partner charges
  (exact fractions).

It does not call :meth:`~hinterland.operations.vans.VanFleet.route`,
:meth:`~hinterland.operations.linehaul.LineHaul.transit_min`, :mod:`hinterland.promise.modes`,
the engine's ``Destinations`` or any k-d tree.

Where a decision sits on a knife edge the reference says so instead of guessing: each
option is a list of **acceptable** answers (:class:`Option`), one per legitimate way of
breaking the tie:

* sites at equal distance (within :data:`DIST_TOL_KM`) at the edge of the
  ``nearest_sites`` nearest: every choice of the tied sites is a candidate set;
* (site, slot) pairs whose promises are equal within :data:`TIME_TOL_MIN`: each is an
  acceptable source;
* a promise within :data:`ROUND_TOL_MIN` of a whole minute (the engine rounds
  ``ceil(p - 1e-6)``): both whole minutes are acceptable; a cost share within
  ``1e-6`` cent of a half cent: both roundings are acceptable.

Times are minutes from local midnight of the order's day at the destination.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import tzfpy
from astral import Observer
from astral.sun import sun

from hinterland.core.errors import HinterlandError
from hinterland.core.vocabulary import CAPABILITIES, TIERS, Reason
from hinterland.operations.model import OperatingModel

__all__ = [
    "DIST_TOL_KM",
    "MODE_NAMES",
    "ROUND_TOL_MIN",
    "TIME_TOL_MIN",
    "EngineInputs",
    "Option",
    "RefOrder",
    "Reference",
    "choose",
    "deadline_min",
    "haversine_km",
    "truck_minutes",
]

#: Modes, in the engine's order (the tie rule prefers the lower index).
MODE_NAMES: tuple[str, ...] = ("hub_van", "fc_van", "postal_express_24h",
                               "postal_priority_same_day", "drone")
HUB, FCV, PEX, PPR, DRONE = range(5)

#: Mean Earth radius (IUGG), km.
EARTH_KM = 6371.0088
#: Sites closer to each other in distance than this are a tie.
DIST_TOL_KM = 1e-6
#: Unrounded promises closer than this are a tie between sources.
TIME_TOL_MIN = 1e-6
#: A promise this close to the engine's rounding edge may round either way.
ROUND_TOL_MIN = 1e-7
#: Largest number of tie-break combinations enumerated for one order.
MAX_COMBINATIONS = 256

# 49 CFR 395.3, property-carrying drivers (minutes).
_DRIVE_LIMIT = 11 * 60.0
_BREAK_AFTER = 8 * 60.0
_BREAK = 30.0
_OFF_DUTY = 10 * 60.0
_DAY = 1440.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle km between two points in degrees (``math`` only)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_KM * math.asin(math.sqrt(min(max(a, 0.0), 1.0)))


def _haversine_scan(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """The same formula over many sites at once (a brute-force scan, not a tree)."""
    p1 = math.radians(lat)
    p2 = np.radians(lats)
    a = (np.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2)
    return np.asarray(2.0 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def truck_minutes(drive_min: float, team: bool) -> float:
    """Door-to-door truck minutes for ``drive_min`` of driving, hours of service included.

    A single driver drives at most 11 h per duty period, takes a 30-min break in a
    period that drives more than 8 h, and rests 10 h before the next period; a team
    drives up to 2 x 11 h between 10-h stops (the sleeper berth covers the break).
    """
    if not math.isfinite(drive_min):
        return math.inf
    limit = _DRIVE_LIMIT * (2 if team else 1)
    left = max(drive_min, 0.0)
    total = 0.0
    while left > 0:
        leg = min(left, limit)
        total += leg
        if not team and leg > _BREAK_AFTER:
            total += _BREAK
        left -= leg
        if left > 0:
            total += _OFF_DUTY
    return total


def deadline_min(tier: int, order_min: float) -> float:
    """Latest promised minute meeting tier ``tier`` (index into :data:`TIERS`):
    ``60min`` = order + 60, ``same_day`` = end of the day, ``next_day`` = end of the next
    day, ``two_day`` = end of the day after."""
    name = TIERS[tier]
    if name == "60min":
        return order_min + 60.0
    return {"same_day": 1.0, "next_day": 2.0, "two_day": 3.0}[name] * _DAY


def _cents(d: Decimal) -> int:
    return int((Decimal(d) * 100).to_integral_value())


def _whole(p: float) -> frozenset[int]:
    """Acceptable whole-minute promises for an unrounded promise ``p``."""
    return frozenset({math.ceil(p - 1e-6 - ROUND_TOL_MIN), math.ceil(p - 1e-6 + ROUND_TOL_MIN)})


def _half_up(x: float) -> frozenset[int]:
    """Acceptable whole cents of a float share ``x`` rounded half up."""
    return frozenset({math.floor(x + 0.5 - 1e-6), math.floor(x + 0.5 + 1e-6)})


def _plus(*parts: frozenset[int] | int) -> frozenset[int]:
    sets = [p if isinstance(p, frozenset) else frozenset({p}) for p in parts]
    return frozenset(sum(c) for c in itertools.product(*sets))


@dataclass(frozen=True)
class Option:
    """One acceptable answer for one mode of one order.

    Attributes
    ----------
    promised
        Acceptable whole-minute promises (``None``: infeasible).
    cost
        Acceptable costs in cents (``{-1}`` when infeasible).
    reason
        :class:`~hinterland.core.vocabulary.Reason` code.
    source, handoff
        Facility row the parcel leaves from, and where the last-mile carrier takes over
        (the station for ``fc_van``, the office for postal modes); -1 when none.
    handoff_day
        Days after the order's day of the partner hand-off (postal modes), else ``None``.
    exact
        The unrounded promise (NaN when infeasible), for messages.
    alternatives
        Every (unrounded promise, source, hand-off) the considered sites offer for this
        order (van modes; for checking capacity slips against other sites).
    """

    promised: frozenset[int] | None
    cost: frozenset[int]
    reason: int
    source: int = -1
    handoff: int = -1
    handoff_day: int | None = None
    exact: float = math.nan
    alternatives: tuple[tuple[float, int, int], ...] = field(default=(), compare=False)

    def matches(self, promised: float, cost: int, reason: int, source: int,
                handoff: int) -> bool:
        """Whether an engine answer is this option (exact minutes, cents, ids)."""
        if reason != self.reason or source != self.source or handoff != self.handoff:
            return False
        if self.promised is None:
            return not math.isfinite(promised) and cost == -1
        return (math.isfinite(promised) and float(promised).is_integer()
                and int(promised) in self.promised and int(cost) in self.cost)


def _infeasible(reason: int) -> Option:
    return Option(promised=None, cost=frozenset({-1}), reason=int(reason))


@dataclass(frozen=True)
class EngineInputs:
    """The raw inputs of a promise engine, as the reference reads them.

    Attributes
    ----------
    facilities
        Facility table (``id``, ``kind``, ``lat``, ``lon``, ``holds_inventory``).
    zips
        ZIP table (``zip``, ``lat``, ``lon``, ``rurality``; optional ``time_zone``).
    model
        The operating model whose numbers the reference reads.
    partner_service
        The partner's service table (``zip``, ``office_id``, ``transit_days``,
        ``express_24h``, ``priority_same_day``), or ``None`` for its distance rule.
    stock
        Local stock (``facility_id``, ``item_id`` table, or the engine's
        :class:`~hinterland.promise.engine.StockIndex`), or ``None`` (every site stocks
        what the order's ``in_hub_stock`` flag says).
    capacity
        The batch was promised with site capacities binding (the verifier then accepts
        capacity slips and counts parcels per site and day).
    """

    facilities: pd.DataFrame
    zips: pd.DataFrame
    model: OperatingModel = field(default_factory=OperatingModel)
    partner_service: pd.DataFrame | None = None
    stock: Any = None
    capacity: bool = False

    @classmethod
    def from_engine(cls, engine: Any, *, model: OperatingModel | None = None,
                    partner_service: pd.DataFrame | None = None,
                    stock: Any = None, capacity: bool = False) -> EngineInputs:
        """The inputs an engine was built from (its facility and ZIP tables, its model).

        The engine keeps no copy of a partner service table it was given: pass the same
        ``partner_service`` here (``None`` means the partner's distance rule). ``model``
        overrides the engine's model (the reference then checks against *that* model).
        ``stock`` is the stock table (or :class:`~hinterland.promise.engine.StockIndex`)
        the batch was promised with; ``capacity`` whether capacities were binding.
        """
        return cls(facilities=engine.sites.facilities, zips=engine.zips,
                   model=model if model is not None else engine.model,
                   partner_service=partner_service, stock=stock, capacity=capacity)


@dataclass(frozen=True)
class RefOrder:
    """One order as the reference reads it.

    ``zip_row`` is the destination ZIP area's row in the ZIP table, or -1 for a point
    destination at ``lat``/``lon`` (served as its nearest ZIP area is).
    """

    zip_row: int
    minute: float
    weight_kg: float
    tier: int
    in_stock: bool = True
    weather_ok: bool = True
    shipping_fee_cents: int = 0
    item_id: str | None = None
    lat: float = math.nan
    lon: float = math.nan


@dataclass(frozen=True)
class _Place:
    lat: float
    lon: float
    rurality: str
    offset: float
    zip_row: int


@dataclass(frozen=True)
class _Service:
    office: int
    transit_days: int
    express: bool
    priority: bool


def choose(promised: list[int | None], cost: list[int], tier: int, order_min: float,
           policy: str) -> tuple[list[bool], int]:
    """Which options meet the tier, and the one the policy picks (-1 if none).

    ``fastest``: earliest promise, then cheaper, then the lower mode index;
    ``cheapest``: cheaper, then earlier, then the lower mode index.
    """
    deadline = deadline_min(tier, order_min)
    meets = [p is not None and p <= deadline for p in promised]
    best: tuple[int, int, int] | None = None
    for mode, ok in enumerate(meets):
        if not ok:
            continue
        p, c = promised[mode], cost[mode]
        assert p is not None
        key = (p, c, mode) if policy == "fastest" else (c, p, mode)
        if best is None or key < best:
            best = key
    return meets, (-1 if best is None else best[2])


class Reference:
    """Scalar re-derivation of every mode's option for one order at a time.

    Parameters
    ----------
    inputs
        The engine's raw inputs (:class:`EngineInputs`).
    """

    def __init__(self, inputs: EngineInputs) -> None:
        self.m = inputs.model
        self.capacity_binding = inputs.capacity
        fac = inputs.facilities.reset_index(drop=True)
        self.fac_id = [str(x) for x in fac["id"]]
        self.fac_lat = [float(x) for x in fac["lat"]]
        self.fac_lon = [float(x) for x in fac["lon"]]
        kinds = [str(x) for x in fac["kind"]]
        inv = [bool(x) for x in fac["holds_inventory"]]
        cap = [CAPABILITIES[k] for k in kinds]
        n = len(fac)
        self.rows: dict[str, list[int]] = {
            "hub": [i for i in range(n) if cap[i].runs_vans and cap[i].may_hold_stock
                    and inv[i]],
            "station": [i for i in range(n) if cap[i].runs_vans],
            "office": [i for i in range(n) if cap[i].partner_handoff],
            "fc": [i for i in range(n) if cap[i].sends_linehaul and inv[i]],
            "drone": [i for i in range(n) if cap[i].launches_drones],
        }
        self._scan = {kind: (np.array([self.fac_lat[i] for i in rows], dtype=float),
                             np.array([self.fac_lon[i] for i in rows], dtype=float))
                      for kind, rows in self.rows.items()}
        self._pos = {kind: np.array(rows, dtype=np.int64) for kind, rows in self.rows.items()}
        given = (pd.to_numeric(fac["capacity_per_day"], errors="coerce").tolist()
                 if "capacity_per_day" in fac.columns else [math.nan] * n)
        self._given_capacity = [float(x) for x in given]
        self._drone_rows = set(self.rows["drone"])
        self._van_rows = set(self.rows["station"])
        self._offset_cache: dict[str, float] = {}
        self.fac_offset = [self._offset(self._zone(self.fac_lat[i], self.fac_lon[i]))
                           for i in range(n)]
        z = inputs.zips.reset_index(drop=True)
        self.zip_code = [str(x) for x in z["zip"]]
        self.zip_lat = [float(x) for x in z["lat"]]
        self.zip_lon = [float(x) for x in z["lon"]]
        self.zip_rur = [str(x) for x in z["rurality"]]
        self._zip_zone = ([str(x) for x in z["time_zone"]] if "time_zone" in z.columns
                          else None)
        self._scan["zip"] = (np.array(self.zip_lat), np.array(self.zip_lon))
        self._lat_order: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.zip_position = {c: i for i, c in enumerate(self.zip_code)}
        self._service_table = self._read_service(inputs.partner_service)
        self._stock = None if inputs.stock is None else self._read_stock(inputs.stock)
        self._feeder_cache: dict[int, list[tuple[int, float]]] = {}
        self._service_cache: dict[int, list[_Service | None]] = {}
        self._hours_cache: dict[int, tuple[float, float]] = {}
        self._nearest_cache: dict[tuple[str, float, float, int], list[list[int]]] = {}

    # -- raw lookups -------------------------------------------------------------------------

    @staticmethod
    def _zone(lat: float, lon: float) -> str:
        return str(tzfpy.get_tz(lon, lat)) or "UTC"

    def _offset(self, zone: str) -> float:
        if zone not in self._offset_cache:
            d = self.m.date
            noon = dt.datetime(d.year, d.month, d.day, 12, tzinfo=ZoneInfo(zone))
            off = noon.utcoffset()
            self._offset_cache[zone] = 0.0 if off is None else off.total_seconds() / 60.0
        return self._offset_cache[zone]

    def _zip_offset(self, row: int) -> float:
        zone = (self._zip_zone[row] if self._zip_zone is not None
                else self._zone(self.zip_lat[row], self.zip_lon[row]))
        return self._offset(zone)

    def _read_stock(self, stock: Any) -> set[tuple[str, str]]:
        """(facility id, item id) pairs stocked: a table, or an engine's stock index
        (its sorted keys ``facility row x items + item code`` decoded)."""
        if isinstance(stock, pd.DataFrame):
            return {(str(f), str(i)) for f, i in zip(stock["facility_id"], stock["item_id"],
                                                     strict=True)}
        items = [str(x) for x in stock.items]
        width = max(len(items), 1)
        return {(self.fac_id[int(k) // width], items[int(k) % width]) for k in stock.keys}

    def _read_service(self, table: pd.DataFrame | None) -> dict[str, _Service] | None:
        if table is None:
            return None
        pos = {self.fac_id[i]: i for i in self.rows["office"]}
        out: dict[str, _Service] = {}
        truth = {"true": True, "1": True, "yes": True, "1.0": True,
                 "false": False, "0": False, "no": False, "0.0": False}
        for _, r in table.iterrows():
            office = str(r["office_id"])
            if office not in pos:
                raise HinterlandError(f"partner service office {office!r} is not a partner "
                                      "post office of the facility table")
            out[str(r["zip"]).strip().zfill(5)] = _Service(
                office=pos[office], transit_days=int(float(str(r["transit_days"]))),
                express=truth[str(r["express_24h"]).strip().lower()],
                priority=truth[str(r["priority_same_day"]).strip().lower()])
        return out

    def nearest(self, kind: str, lat: float, lon: float, k: int) -> list[list[int]]:
        """Every legitimate set of the ``k`` nearest sites of ``kind`` (nearest first).

        Brute force over the facility table. One set, unless sites tie in distance
        (within :data:`DIST_TOL_KM`) at the edge of the ``k``: then one set per choice
        of the tied sites.
        """
        key = (kind, lat, lon, k)
        if key in self._nearest_cache:
            return self._nearest_cache[key]
        rows = self.rows[kind]
        if not rows:
            return [[]]
        idx, d = self._band(kind, lat, lon, k)
        pos = self._pos[kind][idx]
        if len(rows) <= k:
            out = [[int(pos[j]) for j in np.argsort(d, kind="stable")]]
        else:
            edge = float(np.partition(d, k - 1)[k - 1])
            sure = np.flatnonzero(d < edge - DIST_TOL_KM)
            sure = sure[np.argsort(d[sure], kind="stable")]
            tied = np.flatnonzero(np.abs(d - edge) <= DIST_TOL_KM)
            tied = tied[np.argsort(d[tied], kind="stable")]
            combos = itertools.islice(
                itertools.combinations([int(pos[j]) for j in tied], k - len(sure)),
                MAX_COMBINATIONS)
            out = [[int(pos[j]) for j in sure] + list(c) for c in combos]
        self._nearest_cache[key] = out
        return out

    def _band(self, kind: str, lat: float, lon: float, k: int
              ) -> tuple[np.ndarray, np.ndarray]:
        """Positions and great-circle km of every site that can be among the ``k``
        nearest (ties included): the sites of a latitude band wide enough that every site
        outside it is farther than the band's ``k``-th nearest (a great circle is never
        shorter than its north-south part, ``R x |dlat|``); all sites when few."""
        lats, lons = self._scan[kind]
        n = len(lats)
        if n <= 2000:
            return np.arange(n), _haversine_scan(lat, lon, lats, lons)
        if kind not in self._lat_order:
            order = np.argsort(lats, kind="stable")
            self._lat_order[kind] = (order, lats[order])
        order, sorted_lats = self._lat_order[kind]
        width = 0.5
        while width < 180.0:
            lo = int(np.searchsorted(sorted_lats, lat - width, side="left"))
            hi = int(np.searchsorted(sorted_lats, lat + width, side="right"))
            idx = order[lo:hi]
            if len(idx) >= k:
                d = _haversine_scan(lat, lon, lats[idx], lons[idx])
                edge = float(np.partition(d, k - 1)[k - 1])
                if edge + DIST_TOL_KM < EARTH_KM * math.radians(width):
                    return idx, d
            width *= 2.0
        return np.arange(n), _haversine_scan(lat, lon, lats, lons)

    def _nearest_zips(self, lat: float, lon: float) -> list[int]:
        idx, d = self._band("zip", lat, lon, 1)
        best = float(d.min())
        return [int(idx[j]) for j in np.flatnonzero(d <= best + DIST_TOL_KM)]

    def feeders(self, row: int) -> list[tuple[int, float]]:
        """Nearest fulfillment center(s) of a site (ties: each), with great-circle km."""
        if row not in self._feeder_cache:
            fcs = self.rows["fc"]
            if not fcs:
                self._feeder_cache[row] = []
            else:
                lat, lon = self.fac_lat[row], self.fac_lon[row]
                d = _haversine_scan(lat, lon, *self._scan["fc"])
                best = float(d.min())
                near = [int(self._pos["fc"][j]) for j in np.flatnonzero(d <= best + DIST_TOL_KM)]
                self._feeder_cache[row] = [
                    (f, haversine_km(lat, lon, self.fac_lat[f], self.fac_lon[f])) for f in near]
        return self._feeder_cache[row]

    def services(self, zip_row: int) -> list[_Service | None]:
        """The partner's service of a ZIP area (``None``: not served); ties: each."""
        if zip_row in self._service_cache:
            return self._service_cache[zip_row]
        out: list[_Service | None]
        if self._service_table is not None:
            out = [self._service_table.get(self.zip_code[zip_row])]
        elif not self.rows["office"]:
            out = [None]
        else:
            p = self.m.partner
            lat, lon = self.zip_lat[zip_row], self.zip_lon[zip_row]
            circ = self.m.travel.circuity[self.zip_rur[zip_row]]
            out = []
            for subset in self.nearest("office", lat, lon, 1):
                office = subset[0]
                road = haversine_km(lat, lon, self.fac_lat[office], self.fac_lon[office]) * circ
                if road > p.service_radius_km:
                    out.append(None)
                else:
                    out.append(_Service(office=office,
                                        transit_days=0 if road <= p.local_radius_km else 1,
                                        express=True, priority=road <= p.priority_radius_km))
        self._service_cache[zip_row] = out
        return out

    def drone_hours(self, row: int) -> tuple[float, float]:
        """Flying hours of a drone site on the operating date (site clock, minutes)."""
        if row not in self._hours_cache:
            dr = self.m.drone
            lat, lon = self.fac_lat[row], self.fac_lon[row]
            zone = self._zone(lat, lon)
            try:
                s = sun(Observer(lat, lon), self.m.date, tzinfo=ZoneInfo(zone))
            except ValueError as exc:
                # Polar day (never sets): the configured hours; polar night: none.
                hours = ((dr.open_min, dr.close_min) if "below" in str(exc)
                         else (dr.open_min, dr.open_min))
            else:
                def minute(x: dt.datetime) -> float:
                    return x.hour * 60 + x.minute + x.second / 60

                opens = max(dr.open_min, minute(s["sunrise"]))
                hours = (opens, max(min(dr.close_min, minute(s["sunset"])), opens))
            self._hours_cache[row] = hours
        return self._hours_cache[row]

    def capacity(self, row: int) -> float:
        """Daily capacity of a site: its ``capacity_per_day`` where the facility table
        gives one; else van parcels at van sites, drone sorties (flying hours x flights
        an hour x availability, whole) at drone sites; ``inf`` elsewhere."""
        given = self._given_capacity[row]
        if row in self._drone_rows:
            if math.isfinite(given):
                return given
            dr = self.m.drone
            opens, closes = self.drone_hours(row)
            return float(math.floor((closes - opens) / 60.0 * dr.flights_per_hour
                                    * dr.availability))
        if row in self._van_rows:
            return given if math.isfinite(given) else self.m.station.capacity_per_day
        return math.inf

    def _stocked(self, order: RefOrder, row: int) -> bool:
        if not order.in_stock:
            return False
        if self._stock is None or order.item_id is None:
            return True
        return (self.fac_id[row], str(order.item_id)) in self._stock

    # -- travel and the van rule ---------------------------------------------------------------

    def _road(self, gc: float, rurality: str) -> tuple[float, float]:
        """Road km and drive minutes (access + km / speed) for a great-circle distance."""
        tr = self.m.travel
        km = gc * tr.circuity[rurality]
        return km, tr.access_min + km / tr.speed_kmh[rurality] * 60.0

    def _per_stop(self, rurality: str) -> tuple[float, float, float]:
        """Minutes per stop (service of an average stop + the drive from the previous
        one), and that drive's km and minutes."""
        van = self.m.van
        rur = rurality if rurality in van.stop_spacing_km else "small_town"
        gap_km = van.stop_spacing_km[rur]
        gap_min = gap_km / self.m.travel.speed_kmh[rur] * 60.0
        service = van.stop_service_min + van.parcel_service_min * van.parcels_per_stop
        return service + gap_min, gap_km, gap_min

    def last_stop(self, stem: float, departure: float, rurality: str) -> float | None:
        """Minute the last stop of a route leaving at ``departure`` is served, or ``None``
        when no route of at least ``min_route_stops`` stops fits the shift and the day."""
        van = self.m.van
        if not math.isfinite(stem):
            return None
        per, _, _ = self._per_stop(rurality)
        shift_left = van.shift_min - van.load_min - van.break_min - 2.0 * stem
        day_left = van.delivery_end_min - math.fmod(departure, _DAY) - stem
        stops = min(math.floor(min(shift_left, day_left) / per + 1e-9),
                    math.floor(van.capacity_parcels / van.parcels_per_stop))
        if stops < van.min_route_stops:
            return None
        return departure + stem + stops * per

    def reach(self, rurality: str) -> float:
        """Longest stem a route of the first wave can have (range of a van site)."""
        van = self.m.van
        per, _, _ = self._per_stop(rurality)
        need = van.min_route_stops * per
        first = min(van.waves_min)
        return max(min((van.shift_min - van.load_min - van.break_min - need) / 2.0,
                       van.delivery_end_min - first - need), 0.0)

    def wave_after(self, ready: float, stem: float, rurality: str) -> float | None:
        """Last stop of the earliest-finishing wave leaving at or after ``ready`` whose
        route fits, over that day and the next three."""
        if not math.isfinite(ready):
            return None
        best: float | None = None
        day0 = math.floor(ready / _DAY)
        for k in range(4):
            for wave in self.m.van.waves_min:
                dep = (day0 + k) * _DAY + wave
                if dep < ready:
                    continue
                last = self.last_stop(stem, dep, rurality)
                if last is not None and (best is None or last < best):
                    best = last
        return best

    def van_cost(self, km: float, minutes: float, rurality: str) -> frozenset[int]:
        """One parcel's share of a full route (stem out and back, lease, load and break
        over ``capacity_parcels``; its stop over ``parcels_per_stop``), cents."""
        van = self.m.van
        per_min = _cents(van.cost_per_hour_usd) / 60.0
        per_km = float(_cents(van.cost_per_km_usd))
        _, gap_km, gap_min = self._per_stop(rurality)
        service = van.stop_service_min + van.parcel_service_min * van.parcels_per_stop
        route = (2.0 * km * per_km + (2.0 * minutes + van.load_min + van.break_min) * per_min
                 + _cents(van.fixed_cost_per_day_usd)) / van.capacity_parcels
        stop = (_cents(van.cost_per_stop_usd) + (service + gap_min) * per_min
                + gap_km * per_km) / van.parcels_per_stop
        return _half_up(route + stop)

    def truck_cost(self, km: float) -> frozenset[int]:
        """One parcel's share of a full truck over ``km`` road km, cents."""
        lh = self.m.linehaul
        return _half_up(km * _cents(lh.cost_per_km_usd) / lh.parcels_per_truck)

    def linehaul(self, fc_gc: float) -> tuple[float, float, float]:
        """Road km, drive minutes and door-to-door truck minutes (hours of service) of a
        line-haul lane of ``fc_gc`` great-circle km."""
        km, drive = self._road(fc_gc, self.m.linehaul.rurality)
        return km, drive, truck_minutes(drive, self.m.linehaul.team)

    def partner_fee(self, weight_kg: float) -> int | None:
        """Partner's fee of a parcel in cents (first band it fits), ``None`` if refused."""
        if not weight_kg > 0:
            return None
        for limit, fee in self.m.partner.fees.bands:
            if weight_kg <= float(limit):
                return _cents(fee)
        return None

    def revenue_share(self, fee_cents: int) -> int:
        """The partner's share of a shipping fee, exact, rounded half up to the cent."""
        x = Fraction(int(fee_cents)) * Fraction(str(self.m.partner.revenue_share_pct)) / 100
        return math.floor(x + Fraction(1, 2))

    # -- places ------------------------------------------------------------------------------

    def places(self, order: RefOrder) -> list[_Place]:
        """The destination (a ZIP centroid; or a point, read as its nearest ZIP area)."""
        if order.zip_row >= 0:
            r = order.zip_row
            return [_Place(self.zip_lat[r], self.zip_lon[r], self.zip_rur[r],
                           self._zip_offset(r), r)]
        return [_Place(order.lat, order.lon, self.zip_rur[r], self._zip_offset(r), r)
                for r in self._nearest_zips(order.lat, order.lon)]

    # -- the modes ---------------------------------------------------------------------------

    def options(self, order: RefOrder) -> list[list[Option]]:
        """Acceptable answers of every mode (index into :data:`MODE_NAMES`) for ``order``."""
        out: list[list[Option]] = [[] for _ in MODE_NAMES]
        for place in self.places(order):
            for mode, opts in enumerate((self.hub_van(order, place), self.fc_van(order, place),
                                         *self.postal(order, place), self.drone(order, place))):
                for o in opts:
                    if o not in out[mode]:
                        out[mode].append(o)
        return out

    def _earliest(self, cands: list[tuple[float, Any]]) -> list[tuple[float, Any]]:
        best = min(c[0] for c in cands)
        return [c for c in cands if c[0] <= best + TIME_TOL_MIN]

    def hub_van(self, order: RefOrder, place: _Place) -> list[Option]:
        """Same-day from a stocked van site's own stock on the next wave it makes."""
        m = self.m
        t = order.minute
        out: list[Option] = []
        for subset in self.nearest("hub", place.lat, place.lon, m.nearest_sites):
            near = False
            cands: list[tuple[float, Any]] = []
            for row in subset:
                gc = haversine_km(place.lat, place.lon, self.fac_lat[row], self.fac_lon[row])
                km, stem = self._road(gc, place.rurality)
                near |= stem <= self.reach(place.rurality)
                shift = place.offset - self.fac_offset[row]
                for wave in m.van.waves_min:
                    last = self.last_stop(stem, wave, place.rurality)
                    if last is None:
                        continue
                    cut = wave - m.hub.pick_min + shift
                    p = last + shift + (0.0 if t <= cut else _DAY)
                    cands.append((p, (row, km, stem)))
            if not near:
                out.append(_infeasible(Reason.NO_SITE))
                continue
            if not cands:
                out.append(_infeasible(Reason.TOO_FAR))
                continue
            alts = tuple((p, c[0], -1) for p, c in cands if self._stocked(order, c[0]))
            for p, (row, km, stem) in self._earliest(cands):
                if order.weight_kg > m.van.max_parcel_kg:
                    out.append(_infeasible(Reason.TOO_HEAVY))
                elif not self._stocked(order, row):
                    out.append(_infeasible(Reason.NOT_IN_STOCK))
                else:
                    cost = _plus(_cents(m.hub.handling_usd),
                                 self.van_cost(km, stem, place.rurality))
                    out.append(Option(_whole(p), cost, Reason.OK, row, -1, exact=p,
                                      alternatives=alts))
        return out

    def fc_van(self, order: RefOrder, place: _Place) -> list[Option]:
        """Fulfillment center -> line-haul -> station sort -> the next van wave."""
        m = self.m
        t = order.minute
        out: list[Option] = []
        for subset in self.nearest("station", place.lat, place.lon, m.nearest_sites):
            choices = [self.feeders(row) or [(-1, math.inf)] for row in subset]
            for feed in itertools.islice(itertools.product(*choices), MAX_COMBINATIONS):
                near = False
                cands: list[tuple[float, Any]] = []
                for row, (fc, fc_gc) in zip(subset, feed, strict=True):
                    if fc < 0:
                        continue
                    gc = haversine_km(place.lat, place.lon, self.fac_lat[row],
                                      self.fac_lon[row])
                    km, stem = self._road(gc, place.rurality)
                    near |= stem <= self.reach(place.rurality)
                    lh_km, _, truck = self.linehaul(fc_gc)
                    st_shift = place.offset - self.fac_offset[row]
                    fc_shift = place.offset - self.fac_offset[fc]
                    for dep in m.linehaul.departures_min:
                        # FC clock -> station clock, then the sort.
                        ready = (dep + truck + (self.fac_offset[row] - self.fac_offset[fc])
                                 + m.station.sort_min)
                        last = self.wave_after(ready, stem, place.rurality)
                        if last is None:
                            continue
                        cut = dep - m.fc.pick_min + fc_shift
                        p = last + st_shift + (0.0 if t <= cut else _DAY)
                        cands.append((p, (fc, row, km, stem, lh_km)))
                if not near:
                    out.append(_infeasible(Reason.NO_SITE))
                    continue
                if not cands:
                    out.append(_infeasible(Reason.TOO_FAR))
                    continue
                alts = tuple((p, c[0], c[1]) for p, c in cands)
                for p, (fc, row, km, stem, lh_km) in self._earliest(cands):
                    if order.weight_kg > m.van.max_parcel_kg:
                        out.append(_infeasible(Reason.TOO_HEAVY))
                        continue
                    cost = _plus(_cents(m.fc.handling_usd), self.truck_cost(lh_km),
                                 self.van_cost(km, stem, place.rurality))
                    out.append(Option(_whole(p), cost, Reason.OK, fc, row, exact=p,
                                      alternatives=alts))
        return out

    def postal(self, order: RefOrder, place: _Place) -> tuple[list[Option], list[Option]]:
        """The partner's ``Express 24h`` and ``Priority same-day`` from the office serving
        the ZIP area, fed by line-haul from that office's nearest FC."""
        m = self.m
        p = m.partner
        t = order.minute
        express: list[Option] = []
        priority: list[Option] = []
        fee = self.partner_fee(order.weight_kg)
        for svc in self.services(place.zip_row):
            feeds = self.feeders(svc.office) if svc is not None else []
            if svc is None or not feeds:
                express.append(_infeasible(Reason.NOT_SERVED))
                priority.append(_infeasible(Reason.NOT_SERVED))
                continue
            office = svc.office
            of_shift = place.offset - self.fac_offset[office]
            for fc, fc_gc in feeds:
                lh_km, shuttle, truck = self.linehaul(fc_gc)
                fc_shift = place.offset - self.fac_offset[fc]
                base = None
                if fee is not None:
                    base = _plus(_cents(m.fc.handling_usd), _cents(p.premises_fee_usd),
                                 self.truck_cost(lh_km), fee,
                                 self.revenue_share(order.shipping_fee_cents))
                # Express 24h.
                if not svc.express:
                    express.append(_infeasible(Reason.NOT_SERVED))
                elif base is None:
                    express.append(_infeasible(Reason.TOO_HEAVY))
                else:
                    cands: list[tuple[float, Any]] = []
                    for dep in m.linehaul.departures_min:
                        arrive = dep + truck + (self.fac_offset[office] - self.fac_offset[fc])
                        hand = 0  # first day whose hand-off cut-off the truck makes
                        while arrive > p.handoff_cutoff_min + hand * _DAY:
                            hand += 1
                        cut = dep - m.fc.pick_min + fc_shift
                        late = 0 if t <= cut else 1
                        prom = ((hand + svc.transit_days + late) * _DAY + p.delivery_end_min
                                + of_shift)
                        cands.append((prom, hand + late))
                    for prom, hday in self._earliest(cands):
                        express.append(Option(_whole(prom), base, Reason.OK, fc, office,
                                              handoff_day=hday, exact=prom))
                # Priority same-day: a direct shuttle leaves the FC when the order is picked
                # and must reach the office by the partner's priority cut-off (office clock).
                cutoff = p.priority_cutoff_min + of_shift  # on the order's clock
                if not svc.priority:
                    priority.append(_infeasible(Reason.NOT_SERVED))
                elif base is None:
                    priority.append(_infeasible(Reason.TOO_HEAVY))
                elif t + m.fc.pick_min > cutoff:
                    priority.append(_infeasible(Reason.AFTER_CUTOFF))
                elif t + m.fc.pick_min + shuttle > cutoff:
                    priority.append(_infeasible(Reason.TOO_FAR))
                else:
                    prom = p.priority_delivery_end_min + of_shift
                    priority.append(Option(_whole(prom),
                                           _plus(base, _cents(p.priority_surcharge_usd)),
                                           Reason.OK, fc, office, handoff_day=0, exact=prom))
        return express, priority

    def drone(self, order: RefOrder, place: _Place) -> list[Option]:
        """A sortie from the nearest drone site, within radius, payload and hours."""
        m = self.m
        dr = m.drone
        out: list[Option] = []
        for subset in self.nearest("drone", place.lat, place.lon, 1):
            if not subset:
                out.append(_infeasible(Reason.NO_SITE))
                continue
            row = subset[0]
            gc = haversine_km(place.lat, place.lon, self.fac_lat[row], self.fac_lon[row])
            if gc > dr.radius_km:
                out.append(_infeasible(Reason.NO_SITE))
            elif order.weight_kg > dr.payload_kg:
                out.append(_infeasible(Reason.TOO_HEAVY))
            elif not self._stocked(order, row):
                out.append(_infeasible(Reason.NOT_IN_STOCK))
            elif not order.weather_ok:
                out.append(_infeasible(Reason.WEATHER))
            else:
                shift = place.offset - self.fac_offset[row]
                opens, closes = self.drone_hours(row)
                flight = gc / dr.speed_kmh * 60.0
                launch = max(order.minute + dr.prep_min, opens + shift)
                if launch + 2.0 * flight > closes + shift:
                    out.append(_infeasible(Reason.OUTSIDE_HOURS))
                else:
                    cost = _cents(dr.cost_per_delivery_usd) + _cents(m.hub.handling_usd)
                    out.append(Option(_whole(launch + flight), frozenset({cost}), Reason.OK,
                                      row, -1, exact=launch + flight))
        return out
