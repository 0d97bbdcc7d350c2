"""Problem building: a station's parcels, stops and fleet for one day -> a routing problem.

Every operating rule comes from an :class:`~hinterland.operations.OperatingModel`
(:attr:`RoutingParams.operations`): the van waves, shift, load and break times,
the stop service rule, capacities, costs and CO2 (:class:`~hinterland.operations.
vans.VanFleet`), drone radius and payload, and the travel model's circuity and
speeds. Routing restates none of them.

Clock
-----
Times are minutes on the station's clock of the operating day
(:attr:`OperatingModel.date`): ``0`` is local midnight, times of the next day are
``>= 1440``. ISO 8601 local times (``ready_at``/``due_at``: ``2026-03-04T15:30``,
optionally with a UTC offset, which is then converted to the station's zone) are
accepted instead of minutes.

Tables
------
parcels (input of :func:`parcels_to_stops` / :func:`build_problem_from_parcels`)
    ``parcel_id`` str, ``lat``, ``lon`` float; optional ``address_id`` (parcels with
    the same address, or else the same coordinates to 5 decimals, ~1 m, share one
    stop), ``ready_min`` or ``ready_at`` (when the parcel is at the station and
    sorted; default 0: there at the start of the day), ``due_min`` or ``due_at``
    (its promise; default none), ``cube_l`` float litres (default
    :attr:`RoutingParams.default_cube_l`), ``weight_kg`` float, ``drone_eligible``
    bool, ``rurality`` str. A ``tier`` column is carried along but not read: the
    promise is ``due_min``.

stops (input of :func:`build_problem`; one row per delivery point)
    ``stop_id`` str (unique), ``lat``, ``lon`` float, ``parcels`` int >= 0; optional
    ``cube_l`` float (litres to deliver), ``pickup_parcels`` int and
    ``pickup_cube_l`` float (collected from a small business on the route),
    ``kind`` str (``delivery`` | ``handoff`` | ``pickup``; a handoff is a bundle
    handed to a partner post office), ``ready_min``/``ready_at`` (latest ready time
    of its parcels), ``due_min``/``due_at`` (earliest promise of its parcels),
    ``service_min`` float (overrides the service rule), ``drone_eligible`` bool,
    ``weight_kg`` float (heaviest parcel), ``rurality`` str (sets circuity and speed).

fleet (input of :func:`build_problem`; one row per vehicle type, mixed fleets allowed)
    ``vehicle_type`` str, ``count`` int (vans available **per wave**),
    ``parcel_capacity`` int, ``cube_capacity_l`` float; optional ``shift_min``,
    ``load_min``, ``break_min`` (default: the operating model's van shift),
    ``cost_per_hour_usd``, ``cost_per_km_usd``, ``fixed_cost_usd`` (per van used:
    the van's daily lease), ``co2_kg_per_km``, ``max_reloads`` int (extra trips back
    to the station to reload, default 0). A van of wave ``w`` starts its shift at
    ``w - load_min``, leaves the station at ``w`` and must be back by
    ``w + shift_min - load_min - break_min`` (the break is taken on the road).

Rules
-----
* A stop is ready at the latest ready time of its parcels and due at the earliest
  promise; its service may not start before it is ready (the van cannot leave with
  a parcel not yet sorted: PyVRP's ``release_time``), should end by its due time,
  and must end by the van fleet's ``delivery_end_min``.
* Stops due tomorrow or later (``due_min >= 1440``) are not routed today unless
  :attr:`RoutingParams.allow_early` (reason ``due_later``); stops ready after the
  day's last wave wait for tomorrow (``ready_after_last_wave``).
* PyVRP's client windows are hard (a solution with time warp is infeasible), so
  lateness is modelled in two passes: first every stop must be served on time (or
  is dropped at a prize); the stops that pass drops are offered again with their
  window open to the end of the delivery day (:attr:`RoutingParams.allow_late`),
  and every parcel served after its promise is reported late with its minutes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError, InputError
from hinterland.core.vocabulary import DAY_MIN, kinds_with
from hinterland.geo import TravelModel, haversine_km
from hinterland.operations.drones import DroneFleet
from hinterland.operations.model import OperatingModel
from hinterland.operations.vans import VanFleet

STOP_KINDS = ("delivery", "handoff", "pickup")

#: Fleet columns whose defaults come from the operating model's van (see
#: :func:`fleet_defaults`).
FLEET_COLUMNS = (
    "shift_min",
    "load_min",
    "break_min",
    "cost_per_hour_usd",
    "cost_per_km_usd",
    "fixed_cost_usd",
    "co2_kg_per_km",
    "max_reloads",
)

#: Most vehicles of one type a fleet table may give (a station's yard, not a country's).
MAX_VEHICLES = 10_000

#: Second vehicle type of :func:`default_fleet`: a step van (assumption: ~1.7x the
#: cargo van's parcels and cube, higher hourly, per-km cost and CO2).
STEP_VAN = {"parcels": 300, "cube_l": 18_000.0, "cost_per_hour_usd": 48.0,
            "cost_per_km_usd": 0.62, "co2_kg_per_km": 0.40}

#: Reasons a stop is not routed today that are not failures: its promise is for a
#: later day, or it is ready after the day's last wave.
DEFERRED_REASONS = ("due_later", "ready_after_last_wave")

UNSERVED_REASONS = (
    "exceeds_vehicle_capacity",
    "unreachable_in_shift",
    "due_later",
    "ready_after_last_wave",
    "dropped_by_solver",
)


@dataclass(frozen=True)
class Station:
    """The depot vans leave from and return to.

    ``kind`` is a facility kind of :data:`~hinterland.core.vocabulary.FACILITY_KINDS`:
    drones fly only from kinds that launch drones
    (``kinds_with("launches_drones")``).
    """

    station_id: str
    lat: float
    lon: float
    rurality: str | None = None
    kind: str = "delivery_station"

    @property
    def launches_drones(self) -> bool:
        """Whether the operating model lets drones fly from this kind of site."""
        return self.kind in kinds_with("launches_drones")

    @property
    def time_zone(self) -> str:
        """IANA time zone of the station (:func:`hinterland.core.clock.time_zones`)."""
        from hinterland.core.clock import time_zones

        return str(time_zones(self.lat, self.lon)[0])


@dataclass(frozen=True)
class RoutingParams:
    """The operating model routing reads, and the solver policy.

    Service minutes of a stop (unless its row gives ``service_min``), from the van
    rule :meth:`~hinterland.operations.vans.VanFleet.stop_service`::

        van.stop_service_min + van.parcel_service_min * (parcels + pickup_parcels)
        handoff_service_min + van.parcel_service_min / 4 * parcels   (handoff)

    Attributes
    ----------
    operations
        The operating model (van waves, shift, service, capacity, costs, drones,
        travel settings).
    handoff_service_min
        Fixed time of a hand-off at a partner post office (10 min, assumption).
    allow_unserved
        When the fleet cannot serve every stop, drop the fewest (each costs
        ``unserved_penalty_usd``) instead of returning infeasible routes.
    unserved_penalty_usd
        Prize of a stop in the objective (not in reported cost).
    allow_early
        Route today parcels promised for tomorrow or later.
    allow_late
        Serve after its promise a stop that cannot be served on time (reported late)
        rather than drop it.
    late_slack_min
        A stop that no van can serve on time even alone must be served within this
        many minutes of the earliest time a van could serve it (60, assumption);
        stops the on-time search drops may then be served until the delivery end.
    drone_queue
        Move drone-eligible delivery stops (one light parcel, within the drone
        radius of a station that launches drones) to the drone queue.
    default_cube_l
        Litres of a parcel without ``cube_l``.
    """

    operations: OperatingModel = field(default_factory=OperatingModel)
    handoff_service_min: float = 10.0
    allow_unserved: bool = True
    unserved_penalty_usd: float = 500.0
    allow_early: bool = False
    allow_late: bool = True
    late_slack_min: float = 60.0
    drone_queue: bool = True
    default_cube_l: float = 12.0

    def __post_init__(self) -> None:
        for name in ("handoff_service_min", "unserved_penalty_usd", "default_cube_l",
                     "late_slack_min"):
            v = float(getattr(self, name))
            if not (math.isfinite(v) and v >= 0):
                raise HinterlandError(f"routing {name} must be >= 0, got {v!r}")

    @property
    def van(self) -> VanFleet:
        """The van rules (:attr:`OperatingModel.van`)."""
        return self.operations.van

    @property
    def drone(self) -> DroneFleet:
        """The drone rules (:attr:`OperatingModel.drone`)."""
        return self.operations.drone

    @property
    def travel(self) -> TravelModel:
        """The operating model's travel model without its access time (parking is part
        of a stop's service time, so no fixed time is added to legs between doors)."""
        return dataclasses.replace(self.operations.travel, access_min=0.0)

    @property
    def waves_min(self) -> tuple[float, ...]:
        """Van waves of the day (:attr:`VanFleet.waves_min`)."""
        return tuple(float(w) for w in self.van.waves_min)


def default_travel(params: RoutingParams | None = None) -> TravelModel:
    """The routing travel model (:attr:`RoutingParams.travel`)."""
    return (params or RoutingParams()).travel


def fleet_defaults(van: VanFleet | None = None) -> dict[str, float]:
    """Defaults of the fleet table's optional columns, from the van rules."""
    v = van or VanFleet()
    return {
        "shift_min": float(v.shift_min),
        "load_min": float(v.load_min),
        "break_min": float(v.break_min),
        "cost_per_hour_usd": float(v.cost_per_hour_usd),
        "cost_per_km_usd": float(v.cost_per_km_usd),
        "fixed_cost_usd": float(v.fixed_cost_per_day_usd),
        "co2_kg_per_km": float(v.co2_kg_per_km),
        "max_reloads": 0.0,
    }


def default_fleet(vans: int = 40, step_vans: int = 8,
                  operations: OperatingModel | None = None) -> pd.DataFrame:
    """A mixed fleet: cargo vans (the operating model's van) and step vans.

    The cargo van's capacity, shift, costs and CO2 are the operating model's
    (:class:`~hinterland.operations.vans.VanFleet`); the step van has the same shift
    and lease with the figures of :data:`STEP_VAN`. Counts are vans per wave.
    """
    van = (operations or OperatingModel()).van
    d = fleet_defaults(van)
    rows = [
        {"vehicle_type": "cargo_van", "count": vans, "parcel_capacity": int(van.capacity_parcels),
         "cube_capacity_l": float(van.capacity_cube_l), **d},
        {"vehicle_type": "step_van", "count": step_vans,
         "parcel_capacity": int(STEP_VAN["parcels"]), "cube_capacity_l": STEP_VAN["cube_l"],
         **d, "cost_per_hour_usd": STEP_VAN["cost_per_hour_usd"],
         "cost_per_km_usd": STEP_VAN["cost_per_km_usd"],
         "co2_kg_per_km": STEP_VAN["co2_kg_per_km"]},
    ]
    out = pd.DataFrame(rows)
    out["max_reloads"] = out["max_reloads"].astype(int)
    return out


@dataclass
class RoutingProblem:
    """A station's routing day, ready to solve.

    Attributes
    ----------
    station
        The depot.
    stops
        Stops to route (validated, with derived ``service_min``, ``ready_min``,
        ``due_min``, ``late_ok``, ``cube_l``, ``pickup_parcels``, ``pickup_cube_l``,
        ``kind``), row ``i`` is node ``i + 1`` of the matrices.
    fleet
        Validated fleet table with all optional columns filled.
    km, minutes
        Road km / drive minutes between nodes (node 0 = station), square.
    params
        Rules used (with the operating model).
    raw_stops
        The stops table as given.
    drone_queue
        Stops moved to the drone queue: ``stop_id, lat, lon, parcels, gc_km``.
    pre_unserved
        Stops not routed today: ``stop_id, reason``.
    raw_parcels
        The parcels table as given, when the stops were grouped from parcels (the
        verifier regroups it by its own code).
    assignment
        ``parcel_id, stop_id, ready_min, due_min`` of every parcel (``None`` for
        stop input).
    stop_times
        ``stop_id, ready_min, due_min`` of every stop of the input (routed or not).
    """

    station: Station
    stops: pd.DataFrame
    fleet: pd.DataFrame
    km: np.ndarray
    minutes: np.ndarray
    params: RoutingParams
    raw_stops: pd.DataFrame
    drone_queue: pd.DataFrame
    pre_unserved: pd.DataFrame
    raw_parcels: pd.DataFrame | None = None
    assignment: pd.DataFrame | None = None
    stop_times: pd.DataFrame | None = None

    @property
    def n_stops(self) -> int:
        """Number of stops to route."""
        return len(self.stops)

    @property
    def travel(self) -> TravelModel:
        """Travel model of the matrices (:attr:`RoutingParams.travel`)."""
        return self.params.travel

    def subset(self, positions: np.ndarray, fleet: pd.DataFrame | None = None) -> RoutingProblem:
        """Sub-problem over stop rows ``positions`` (e.g. one sector), same station."""
        pos = np.asarray(positions, dtype=int)
        nodes = np.concatenate([[0], pos + 1])
        return replace(
            self,
            stops=self.stops.iloc[pos].reset_index(drop=True),
            fleet=self.fleet if fleet is None else fleet,
            km=self.km[np.ix_(nodes, nodes)],
            minutes=self.minutes[np.ix_(nodes, nodes)],
            drone_queue=self.drone_queue.iloc[0:0],
            pre_unserved=self.pre_unserved.iloc[0:0],
        )

    def with_late(self, rows: np.ndarray) -> RoutingProblem:
        """Same problem with stop ``rows`` allowed to be served after their promise."""
        s = self.stops.copy()
        rows = np.asarray(rows, dtype=int)
        s.loc[rows, "late_ok"] = True
        s.loc[rows, "late_until_min"] = float(self.params.van.delivery_end_min)
        return replace(self, stops=s)


# --------------------------------------------------------------------------- validation


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` as plain dicts (column -> value)."""
    return [{str(k): v for k, v in row.items()} for row in df.to_dict("records")]


def _num(df: pd.DataFrame, col: str, source: str, *, minimum: float | None = 0.0) -> pd.Series:
    values = pd.to_numeric(df[col], errors="coerce")
    bad = values.isna() | ~np.isfinite(values)
    if minimum is not None:
        bad |= values < minimum
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        what = "a finite number" + (f" >= {minimum:g}" if minimum is not None else "")
        raise InputError(
            source, f"expected {what}, got {df[col].iloc[row]!r}", row=row + 1, column=col
        )
    return values.astype(float)


def _bool(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series(False, index=df.index)
    s = df[col]
    if s.dtype == bool:
        return s
    return s.astype(str).str.strip().str.lower().isin(["1", "true", "yes", "y", "t"])


def iso_to_minutes(values: pd.Series, date: dt.date, zone: str | None, source: str,
                   column: str) -> np.ndarray:
    """Minutes on the station's clock of ``date`` of ISO 8601 local times.

    A time without an offset is the station's local time; one with an offset is
    converted to ``zone`` first. Empty cells give NaN; unreadable ones an
    :class:`~hinterland.core.errors.InputError` naming the row and column.
    """
    from zoneinfo import ZoneInfo

    out = np.full(len(values), np.nan)
    for i, v in enumerate(values.tolist()):
        if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "":
            continue
        try:
            ts = pd.Timestamp(str(v).strip())
        except (ValueError, TypeError):
            raise InputError(source, f"expected an ISO 8601 time, got {v!r}", row=i + 1,
                             column=column) from None
        if ts is pd.NaT:
            continue
        if ts.tzinfo is not None and zone:
            ts = ts.tz_convert(ZoneInfo(zone))
        out[i] = ((ts.date() - date).days * DAY_MIN + ts.hour * 60.0 + ts.minute
                  + ts.second / 60.0)
    return out


def minutes_to_iso(minutes: Any, date: dt.date, zone: str | None) -> list[str]:
    """ISO 8601 local times (with the zone's UTC offset) of minutes on ``date``'s clock.

    NaN gives ``""``.
    """
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone) if zone else None
    base = dt.datetime(date.year, date.month, date.day)
    out: list[str] = []
    for m in np.atleast_1d(np.asarray(minutes, dtype=float)):
        if not math.isfinite(m):
            out.append("")
            continue
        t = base + dt.timedelta(seconds=round(m * 60.0))
        if tz is not None:
            t = t.replace(tzinfo=tz)
        out.append(t.isoformat(timespec="seconds"))
    return out


def _clock_column(df: pd.DataFrame, name: str, params: RoutingParams, zone: str | None,
                  source: str, default: float) -> np.ndarray:
    """``<name>_min`` or ``<name>_at`` of each row (minutes), ``default`` where empty."""
    mins, at = f"{name}_min", f"{name}_at"
    out = np.full(len(df), np.nan)
    if mins in df.columns:
        given = pd.to_numeric(df[mins], errors="coerce")
        bad = df[mins].notna() & (given.isna() | ~np.isfinite(given.fillna(0.0)))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(source, f"expected minutes, got {df[mins].iloc[row]!r}",
                             row=row + 1, column=mins)
        out = given.to_numpy(float)
    if at in df.columns:
        iso = iso_to_minutes(df[at], params.operations.date, zone, source, at)
        out = np.where(np.isnan(out), iso, out)
    return np.where(np.isnan(out), default, out)


def validate_stops(stops: pd.DataFrame, params: RoutingParams, source: str = "stops",
                   zone: str | None = None) -> pd.DataFrame:
    """Check the stops table and fill optional columns (see module docstring)."""
    for col in ("stop_id", "lat", "lon", "parcels"):
        if col not in stops.columns:
            raise InputError(source, f"missing column '{col}'")
    for col in ("tw_early_min", "tw_late_min"):
        if col in stops.columns:
            raise InputError(source, f"column '{col}' is no longer read: give ready_min/"
                             "ready_at and due_min/due_at (the promise)", column=col)
    df = stops.reset_index(drop=True).copy()
    df["stop_id"] = df["stop_id"].astype(str)
    dup = df["stop_id"].duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(
            source, f"duplicate stop_id {df['stop_id'].iloc[row]!r}", row=row + 1, column="stop_id"
        )
    df["lat"] = _num(df, "lat", source, minimum=-90)
    df["lon"] = _num(df, "lon", source, minimum=-180)
    for col, hi in (("lat", 90), ("lon", 180)):
        over = df[col] > hi
        if over.any():
            row = int(np.flatnonzero(over.to_numpy())[0])
            raise InputError(source, f"{col} out of range", row=row + 1, column=col)
    df["parcels"] = _num(df, "parcels", source).round().astype(int)
    kind = df["kind"].astype(str).str.lower() if "kind" in df.columns else "delivery"
    df["kind"] = kind
    bad_kind = ~df["kind"].isin(STOP_KINDS)
    if bad_kind.any():
        row = int(np.flatnonzero(bad_kind.to_numpy())[0])
        raise InputError(
            source, f"kind must be one of {', '.join(STOP_KINDS)}", row=row + 1, column="kind"
        )
    df["pickup_parcels"] = (
        _num(df, "pickup_parcels", source).round().astype(int)
        if "pickup_parcels" in df.columns else 0
    )
    df["cube_l"] = (
        _num(df, "cube_l", source)
        if "cube_l" in df.columns
        else df["parcels"] * params.default_cube_l
    )
    df["pickup_cube_l"] = (
        _num(df, "pickup_cube_l", source)
        if "pickup_cube_l" in df.columns
        else df["pickup_parcels"] * params.default_cube_l
    )
    empty = (df["parcels"] + df["pickup_parcels"]) == 0
    if empty.any():
        row = int(np.flatnonzero(empty.to_numpy())[0])
        raise InputError(
            source, "stop has no parcels to deliver or collect", row=row + 1, column="parcels"
        )
    df["ready_min"] = _clock_column(df, "ready", params, zone, source, 0.0)
    df["due_min"] = _clock_column(df, "due", params, zone, source, np.nan)
    inverted = df["due_min"] < df["ready_min"]
    if inverted.any():
        row = int(np.flatnonzero(inverted.to_numpy())[0])
        raise InputError(source, "due before ready", row=row + 1, column="due_min")
    if "service_min" in df.columns and df["service_min"].notna().any():
        svc = pd.to_numeric(df["service_min"], errors="coerce")
        df["service_min"] = np.where(svc.notna(), svc, stop_service_min(df, params))
        _num(df, "service_min", source)
    else:
        df["service_min"] = stop_service_min(df, params)
    df["drone_eligible"] = _bool(df, "drone_eligible")
    df["late_ok"] = False
    return df


def stop_service_min(df: pd.DataFrame, params: RoutingParams) -> np.ndarray:
    """Service minutes by the van rule (see :class:`RoutingParams`)."""
    van = params.van
    parcels = df["parcels"].to_numpy(float)
    pick = df["pickup_parcels"].to_numpy(float)
    regular = van.stop_service(parcels + pick)
    handoff = params.handoff_service_min + van.parcel_service_min / 4 * parcels
    return np.where(df["kind"].to_numpy() == "handoff", handoff, regular)


def validate_fleet(fleet: pd.DataFrame, source: str = "fleet",
                   van: VanFleet | None = None) -> pd.DataFrame:
    """Check the fleet table and fill optional columns from :func:`fleet_defaults`."""
    for col in ("vehicle_type", "count", "parcel_capacity", "cube_capacity_l"):
        if col not in fleet.columns:
            raise InputError(source, f"missing column '{col}'")
    if "shift_start_min" in fleet.columns:
        raise InputError(source, "column 'shift_start_min' is no longer read: vans leave at "
                         "the operating model's waves (operations.van.waves_min) and start "
                         "their shift load_min before", column="shift_start_min")
    if fleet.empty:
        raise InputError(source, "no vehicle types")
    df = fleet.reset_index(drop=True).copy()
    df["vehicle_type"] = df["vehicle_type"].astype(str)
    if df["vehicle_type"].duplicated().any():
        raise InputError(source, "duplicate vehicle_type", column="vehicle_type")
    if df["vehicle_type"].str.contains("@").any():
        raise InputError(source, "vehicle_type may not contain '@'", column="vehicle_type")
    defaults = fleet_defaults(van)
    for col, default in defaults.items():
        if col not in df.columns:
            df[col] = default
        else:
            df[col] = df[col].where(df[col].notna(), default)
    for col in ("count", "parcel_capacity", "cube_capacity_l", *defaults):
        df[col] = _num(df, col, source)
    for col, most in (("count", MAX_VEHICLES), ("parcel_capacity", 1e9), ("max_reloads", 1e4)):
        over = df[col] > most
        if over.any():
            row = int(np.flatnonzero(over.to_numpy())[0])
            raise InputError(source, f"{col} must be at most {most:g}, got {df[col].iloc[row]:g}",
                             row=row + 1, column=col)
        df[col] = df[col].round().astype(int)
    room = df["shift_min"] - df["load_min"] - df["break_min"]
    if (room <= 0).any():
        raise InputError(source, "shift_min must exceed load_min + break_min",
                         row=int(np.flatnonzero((room <= 0).to_numpy())[0]) + 1,
                         column="shift_min")
    if int(df["count"].sum()) == 0:
        raise InputError(source, "the fleet has no vehicles", column="count")
    return df


def route_time_min(vehicle: dict[str, Any]) -> float:
    """Minutes from leaving the station to being back: shift - load - break."""
    return float(vehicle["shift_min"]) - float(vehicle["load_min"]) - float(vehicle["break_min"])


# --------------------------------------------------------------------------- building


def parcels_to_stops(parcels: pd.DataFrame, params: RoutingParams | None = None,
                     zone: str | None = None, source: str = "parcels") -> pd.DataFrame:
    """Group parcels into stops (one per delivery point).

    Parcels share a stop when they share ``address_id`` (or, without it, the same
    coordinates rounded to 5 decimals, ~1 m) and, unless
    :attr:`RoutingParams.allow_early`, whether they are due today or on a later day
    (tomorrow's parcels at today's door wait for tomorrow). A stop is ready at the latest ready
    time of its parcels and due at the earliest promise; it takes the sum of cubes,
    the heaviest weight, and is drone-eligible only with one eligible parcel.

    Returns
    -------
    pandas.DataFrame
        A stops table (module docstring) with ``parcel_ids`` (list of str) added.
    """
    params = params or RoutingParams()
    for col in ("parcel_id", "lat", "lon"):
        if col not in parcels.columns:
            raise InputError(source, f"missing column '{col}'")
    df = parcels.reset_index(drop=True).copy()
    df["parcel_id"] = df["parcel_id"].astype(str)
    dup = df["parcel_id"].duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(source, f"duplicate parcel_id {df['parcel_id'].iloc[row]!r}",
                         row=row + 1, column="parcel_id")
    df["lat"] = _num(df, "lat", source, minimum=-90)
    df["lon"] = _num(df, "lon", source, minimum=-180)
    if "address_id" in df.columns:
        key = df["address_id"].astype(str)
    else:
        key = pd.Series(
            [f"{a:.5f},{b:.5f}" for a, b in zip(df["lat"], df["lon"], strict=True)],
            index=df.index,
        )
    df["_ready"] = _clock_column(df, "ready", params, zone, source, 0.0)
    df["_due"] = _clock_column(df, "due", params, zone, source, np.inf)
    if not params.allow_early:  # tomorrow's parcels never share today's stop
        key = key + np.where(np.isfinite(df["_due"]) & (df["_due"] >= DAY_MIN), "|later", "")
    df["_key"] = key
    df["cube_l"] = (_num(df, "cube_l", source) if "cube_l" in df.columns
                    else params.default_cube_l)
    df["weight_kg"] = _num(df, "weight_kg", source) if "weight_kg" in df.columns else 1.0
    df["drone_eligible"] = _bool(df, "drone_eligible")
    g = df.groupby("_key", sort=False)
    due = g["_due"].min().to_numpy()
    out = pd.DataFrame(
        {
            "stop_id": [f"S{i:05d}" for i in range(g.ngroups)],
            "lat": g["lat"].first().to_numpy(),
            "lon": g["lon"].first().to_numpy(),
            "parcels": g.size().to_numpy(),
            "cube_l": g["cube_l"].sum().to_numpy(),
            "weight_kg": g["weight_kg"].max().to_numpy(),
            "ready_min": g["_ready"].max().to_numpy(),
            "due_min": np.where(np.isfinite(due), due, np.nan),
            "drone_eligible": (g["drone_eligible"].all() & (g.size() == 1)).to_numpy(),
            "parcel_ids": g["parcel_id"].agg(list).to_numpy(),
        }
    )
    if "rurality" in df.columns:
        out["rurality"] = g["rurality"].first().to_numpy()
    if "tier" in df.columns:
        out["tier"] = g["tier"].first().to_numpy()
    return out


def split_drone_queue(
    stops: pd.DataFrame, station: Station, params: RoutingParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Move drone-eligible delivery stops within the drone radius to the drone queue.

    Only at a station whose kind launches drones. A stop goes to drones when
    ``drone_eligible`` is true, it is a delivery of one parcel with nothing to
    collect, its ``weight_kg`` (if given) is within the drone payload, and it lies
    within the drone radius (great circle) of the station.
    """
    gc = haversine_km(station.lat, station.lon, stops["lat"].to_numpy(), stops["lon"].to_numpy())
    weight_ok = (
        stops["weight_kg"].fillna(0).to_numpy(float) <= params.drone.payload_kg
        if "weight_kg" in stops.columns
        else np.ones(len(stops), bool)
    )
    mask = (
        stops["drone_eligible"].to_numpy(bool)
        & (stops["kind"].to_numpy() == "delivery")
        & (stops["parcels"].to_numpy() == 1)
        & (stops["pickup_parcels"].to_numpy() == 0)
        & weight_ok
        & (gc <= params.drone.radius_km)
    )
    if not (params.drone_queue and station.launches_drones):
        mask[:] = False
    queue = stops.loc[mask, ["stop_id", "lat", "lon", "parcels"]].copy()
    queue["gc_km"] = gc[mask]
    return stops.loc[~mask].reset_index(drop=True), queue.reset_index(drop=True)


def _lone_reasons(
    df: pd.DataFrame,
    fleet: pd.DataFrame,
    params: RoutingParams,
    min_out: np.ndarray,
    min_back: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reason each stop cannot be served alone by any vehicle of any wave ("" if it
    can), whether it can only be served late, and the earliest end of its service."""
    n = len(df)
    reasons = np.full(n, "", dtype=object)
    cap_ok = np.zeros(n, bool)
    time_ok = np.zeros(n, bool)
    on_time = np.zeros(n, bool)
    first_done = np.full(n, np.inf)
    parcels = np.maximum(df["parcels"].to_numpy(float), df["pickup_parcels"].to_numpy(float))
    cube = np.maximum(df["cube_l"].to_numpy(float), df["pickup_cube_l"].to_numpy(float))
    ready = df["ready_min"].to_numpy(float)
    due = df["due_min"].to_numpy(float)
    svc = df["service_min"].to_numpy(float)
    end_day = float(params.van.delivery_end_min)
    for v in records(fleet):
        if v["count"] <= 0:
            continue
        fits = (parcels <= v["parcel_capacity"]) & (cube <= v["cube_capacity_l"])
        cap_ok |= fits
        for wave in params.waves_min:
            done = wave + min_out + svc
            ok = (fits & (wave >= ready - 1e-9) & (done <= end_day + 1e-9)
                  & (done + min_back <= wave + route_time_min(v) + 1e-9))
            time_ok |= ok
            on_time |= ok & ~(done > due + 1e-9)
            first_done = np.where(ok, np.minimum(first_done, done), first_done)
    reasons[~time_ok] = "unreachable_in_shift"
    reasons[~cap_ok] = "exceeds_vehicle_capacity"
    return reasons, time_ok & ~on_time, first_done


def build_problem(
    stops: pd.DataFrame,
    fleet: pd.DataFrame,
    station: Station,
    *,
    params: RoutingParams | None = None,
    source: str = "stops",
) -> RoutingProblem:
    """Build a :class:`RoutingProblem` from a stops table, a fleet table and a station.

    Validates both tables (errors name the row and column), sets aside the stops
    not routed today (due tomorrow, ready after the last wave), moves drone-eligible
    stops to the drone queue at a station that launches drones, reports stops no
    vehicle can serve even alone (``pre_unserved`` with a reason), marks stops that
    can only be served after their promise (``late_ok``, with
    :attr:`RoutingParams.allow_late`) and computes road km and drive minutes between
    the station and every stop with :attr:`RoutingParams.travel`.
    """
    params = params or RoutingParams()
    travel = params.travel
    zone = station.time_zone if _needs_zone(stops) else None
    df = validate_stops(stops, params, source, zone)
    stop_times = df[["stop_id", "ready_min", "due_min"]].copy()
    fl = validate_fleet(fleet, van=params.van)
    due = df["due_min"].to_numpy(float)
    later = np.isfinite(due) & (due >= DAY_MIN) & (not params.allow_early)
    after = df["ready_min"].to_numpy(float) > max(params.waves_min) + 1e-9
    pre_rows = [
        pd.DataFrame({"stop_id": df.loc[later, "stop_id"].to_numpy(), "reason": "due_later"}),
        pd.DataFrame({"stop_id": df.loc[after & ~later, "stop_id"].to_numpy(),
                      "reason": "ready_after_last_wave"}),
    ]
    df = df.loc[~(later | after)].reset_index(drop=True)
    df, queue = split_drone_queue(df, station, params)
    st = pd.DataFrame({"lat": [station.lat], "lon": [station.lon]})
    if station.rurality is not None:
        st["rurality"] = station.rurality
    cols = ["lat", "lon"] + (["rurality"] if "rurality" in df.columns else [])
    _km_out, min_out = travel.matrix(st, df[cols])
    _km_back, min_back = travel.matrix(df[cols], st)
    reasons, late_only, first_done = _lone_reasons(df, fl, params, min_out[0], min_back[:, 0])
    if not params.allow_late:
        reasons = np.where((reasons == "") & late_only, "unreachable_in_shift", reasons)
    df["late_ok"] = late_only & params.allow_late
    df["late_until_min"] = np.where(df["late_ok"], first_done + params.late_slack_min, np.nan)
    bad = reasons != ""
    pre_rows.append(pd.DataFrame({"stop_id": df.loc[bad, "stop_id"].to_numpy(),
                                  "reason": reasons[bad]}))
    pre = pd.concat(pre_rows, ignore_index=True)
    df = df.loc[~bad].reset_index(drop=True)
    nodes = pd.concat(
        [
            st.assign(rurality=station.rurality or travel.default_rurality)
            if "rurality" in df.columns
            else st,
            df[cols],
        ],
        ignore_index=True,
    )
    if len(nodes) > 30_000:
        raise HinterlandError(f"{len(df)} stops: too many for one dense matrix; split the day")
    km, minutes = travel.matrix(nodes, nodes)
    np.fill_diagonal(km, 0.0)
    np.fill_diagonal(minutes, 0.0)
    return RoutingProblem(
        station=station,
        stops=df,
        fleet=fl,
        km=km,
        minutes=minutes,
        params=params,
        raw_stops=stops.reset_index(drop=True).copy(),
        drone_queue=queue,
        pre_unserved=pre,
        stop_times=stop_times,
    )


def _needs_zone(table: pd.DataFrame) -> bool:
    return any(c in table.columns for c in ("ready_at", "due_at"))


def build_problem_from_parcels(
    parcels: pd.DataFrame,
    fleet: pd.DataFrame,
    station: Station,
    *,
    params: RoutingParams | None = None,
    source: str = "parcels",
) -> RoutingProblem:
    """:func:`parcels_to_stops` then :func:`build_problem`, keeping the raw parcels and
    the parcel -> stop assignment for the verifier and the parcel table."""
    params = params or RoutingParams()
    zone = station.time_zone if _needs_zone(parcels) else None
    stops = parcels_to_stops(parcels, params, zone, source)
    problem = build_problem(stops.drop(columns=["parcel_ids"]), fleet, station, params=params,
                            source=f"stops grouped from {source}")
    assignment = (stops[["stop_id", "parcel_ids"]].explode("parcel_ids")
                  .rename(columns={"parcel_ids": "parcel_id"})[["parcel_id", "stop_id"]]
                  .reset_index(drop=True))
    raw = parcels.reset_index(drop=True)
    times = pd.DataFrame({
        "parcel_id": raw["parcel_id"].astype(str),
        "ready_min": _clock_column(raw, "ready", params, zone, source, 0.0),
        "due_min": _clock_column(raw, "due", params, zone, source, np.nan),
    })
    assignment = assignment.merge(times, on="parcel_id", how="left")
    problem.raw_parcels = parcels.reset_index(drop=True).copy()
    problem.assignment = assignment
    problem.raw_stops = stops
    return problem


# --------------------------------------------------------------------------- PyVRP model

#: Integer units of the PyVRP model: distance in 10 m, time in seconds, cost in 1e-4 USD.
DIST_PER_KM = 100
SEC_PER_MIN = 60
COST_PER_USD = 10_000


def wave_type_name(vehicle_type: str, wave_min: float) -> str:
    """Name of the PyVRP vehicle type of a fleet type on one wave."""
    return f"{vehicle_type}@{wave_min:g}"


def parse_wave_type(name: str) -> tuple[str, float]:
    """Inverse of :func:`wave_type_name`."""
    vt, wave = name.rsplit("@", 1)
    return vt, float(wave)


def stop_windows(problem: RoutingProblem) -> tuple[np.ndarray, np.ndarray]:
    """Service start window ``(earliest, latest)`` of each stop, minutes.

    Earliest: ready. Latest: the service ends by the promise and by the end of the
    delivery day; a ``late_ok`` stop by its ``late_until_min`` (within
    :attr:`RoutingParams.late_slack_min` of the earliest a van can serve it, or the
    end of the delivery day after the late pass).
    """
    s = problem.stops
    svc = s["service_min"].to_numpy(float)
    early = s["ready_min"].to_numpy(float)
    end_day = float(problem.params.van.delivery_end_min) - svc
    due = s["due_min"].to_numpy(float) - svc
    until = (s["late_until_min"].to_numpy(float) if "late_until_min" in s.columns
             else np.full(len(s), np.inf)) - svc
    late_ok = s["late_ok"].to_numpy(bool)
    limit = np.where(late_ok, np.where(np.isfinite(until), until, end_day), due)
    late = np.where(np.isfinite(limit), np.minimum(limit, end_day), end_day)
    return early, np.maximum(late, early)


def to_pyvrp(problem: RoutingProblem) -> Any:
    """The PyVRP ``ProblemData`` of ``problem``.

    Load dimensions are ``[parcels, litres]``. One vehicle type per fleet row and van
    wave (``count`` vans each, named :func:`wave_type_name`): it leaves exactly at
    the wave and must be back within the shift's route time. A stop's ready time
    is its ``release_time`` (the van may not leave before it) and the start of its
    window. Drive times are rounded *up* to whole seconds so a schedule feasible in
    the integer model is feasible in minutes. Each vehicle type's objective is
    ``cost_per_km * km + cost_per_hour * hours + fixed_cost`` (load and break time
    paid in the fixed part); with ``allow_unserved`` stops are optional with a prize
    of ``unserved_penalty_usd``.
    """
    import pyvrp

    p = problem
    s = p.stops
    coords = np.vstack([[p.station.lon, p.station.lat], s[["lon", "lat"]].to_numpy()])
    locs = [pyvrp.Location(float(x), float(y)) for x, y in coords]
    dist = np.round(p.km * DIST_PER_KM).astype(np.int64)
    dur = np.ceil(p.minutes * SEC_PER_MIN - 1e-6).astype(np.int64)
    ready = s["ready_min"].to_numpy(float)
    waves = [w for w in p.params.waves_min if (ready <= w + 1e-9).any() or not len(s)]
    if not waves:
        waves = list(p.params.waves_min)
    longest = float((p.fleet["shift_min"] - p.fleet["load_min"] - p.fleet["break_min"]).max())
    depots = [pyvrp.Depot(0, tw_early=math.ceil(min(waves) * SEC_PER_MIN),
                          tw_late=math.floor((max(waves) + longest) * SEC_PER_MIN))]
    prize = int(p.params.unserved_penalty_usd * COST_PER_USD)
    early, late = stop_windows(p)
    clients = [
        pyvrp.Client(
            i + 1,
            delivery=[int(r["parcels"]), math.ceil(r["cube_l"])],
            pickup=[int(r["pickup_parcels"]), math.ceil(r["pickup_cube_l"])],
            service_duration=math.ceil(r["service_min"] * SEC_PER_MIN - 1e-6),
            tw_early=math.ceil(early[i] * SEC_PER_MIN - 1e-6),
            tw_late=max(math.floor(late[i] * SEC_PER_MIN + 1e-6),
                        math.ceil(early[i] * SEC_PER_MIN - 1e-6)),
            release_time=math.ceil(early[i] * SEC_PER_MIN - 1e-6),
            required=not p.params.allow_unserved,
            prize=prize if p.params.allow_unserved else 0,
            name=str(r["stop_id"]),
        )
        for i, r in enumerate(records(s))
    ]
    vtypes = []
    for v in records(p.fleet):
        if int(v["count"]) <= 0:
            continue
        room = route_time_min(v)
        paid_idle = (float(v["load_min"]) + float(v["break_min"])) / 60.0
        fixed = float(v["fixed_cost_usd"]) + paid_idle * float(v["cost_per_hour_usd"])
        reload_kw: dict[str, Any] = {}
        if int(v["max_reloads"]) > 0:
            reload_kw = {"reload_depots": [0], "max_reloads": int(v["max_reloads"])}
        for wave in waves:
            start = math.ceil(wave * SEC_PER_MIN - 1e-6)
            shift = math.floor(room * SEC_PER_MIN + 1e-6)
            vtypes.append(
                pyvrp.VehicleType(
                    int(v["count"]),
                    capacity=[int(v["parcel_capacity"]), math.floor(v["cube_capacity_l"])],
                    fixed_cost=round(fixed * COST_PER_USD),
                    tw_early=start,
                    start_late=start,
                    tw_late=start + shift,
                    shift_duration=shift,
                    unit_distance_cost=round(v["cost_per_km_usd"] * COST_PER_USD / DIST_PER_KM),
                    unit_duration_cost=round(v["cost_per_hour_usd"] * COST_PER_USD / 3600),
                    name=wave_type_name(str(v["vehicle_type"]), wave),
                    **reload_kw,
                )
            )
    if not vtypes:
        raise HinterlandError("the fleet has no vehicles")
    mats: list[Any] = [dist, dur]
    return pyvrp.ProblemData(locs, clients, depots, vtypes, mats[:1], mats[1:])
