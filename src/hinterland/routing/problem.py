"""Problem building: a station's stops and fleet for one day -> a routing problem.

Tables
------
parcels (input of :func:`parcels_to_stops`)
    ``parcel_id`` str, ``lat``, ``lon`` float; optional ``address_id`` (parcels with
    the same address, or else the same coordinates to 5 decimals, share one stop),
    ``tier`` str (key of :attr:`RoutingParams.tier_windows`, default ``"standard"``),
    ``cube_l`` float litres (default :attr:`RoutingParams.default_cube_l`),
    ``weight_kg`` float, ``drone_eligible`` bool, ``rurality`` str.

stops (input of :func:`build_problem`; one row per delivery point)
    ``stop_id`` str (unique), ``lat``, ``lon`` float, ``parcels`` int >= 0; optional
    ``cube_l`` float (litres to deliver), ``pickup_parcels`` int and
    ``pickup_cube_l`` float (collected from a small business on the route),
    ``kind`` str (``delivery`` | ``handoff`` | ``pickup``; a handoff is a bundle
    handed to a partner post office), ``tier`` str, ``tw_early_min`` /
    ``tw_late_min`` float (override the tier window), ``service_min`` float
    (overrides the service-time rule), ``drone_eligible`` bool, ``weight_kg``
    float (heaviest parcel), ``rurality`` str (sets circuity and speed).

fleet (input of :func:`build_problem`; one row per vehicle type, mixed fleets allowed)
    ``vehicle_type`` str, ``count`` int, ``parcel_capacity`` int, ``cube_capacity_l``
    float; optional ``shift_start_min`` (default 480 = 08:00), ``shift_min`` (shift
    length including the return to the station, default 600), ``cost_per_hour_usd``,
    ``cost_per_km_usd``, ``fixed_cost_usd`` (per van used), ``co2_kg_per_km``,
    ``max_reloads`` int (extra trips back to the station to reload, default 0).

Times are minutes from midnight of the operating day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError, InputError
from hinterland.geo import TravelModel, haversine_km
from hinterland.operations.drones import DroneFleet
from hinterland.operations.vans import VanFleet

STOP_KINDS = ("delivery", "handoff", "pickup")

_VANS = VanFleet()

#: Defaults of the fleet table's optional columns (costs and CO2 follow
#: :class:`hinterland.operations.vans.VanFleet`: 42 USD/h, 0.45 USD/km, 270 g CO2/km).
FLEET_DEFAULTS: dict[str, float] = {
    "shift_start_min": 8 * 60.0,
    "shift_min": 10 * 60.0,
    "cost_per_hour_usd": float(_VANS.cost_per_hour_usd),
    "cost_per_km_usd": float(_VANS.cost_per_km_usd),
    "fixed_cost_usd": 0.0,
    "co2_kg_per_km": float(_VANS.co2_kg_per_km),
    "max_reloads": 0.0,
}

#: Default delivery windows by service tier, minutes from midnight.
DEFAULT_TIER_WINDOWS: dict[str, tuple[float, float]] = {
    "standard": (0.0, 24 * 60.0),
    "next_day": (0.0, 20 * 60.0),
    "same_day": (13 * 60.0, 21 * 60.0),
    "morning": (0.0, 12 * 60.0),
    "handoff": (0.0, 15 * 60.0),
}

UNSERVED_REASONS = (
    "exceeds_vehicle_capacity",
    "unreachable_in_shift",
    "time_window_unreachable",
    "dropped_by_solver",
)


@dataclass(frozen=True)
class Station:
    """The depot vans leave from and return to."""

    station_id: str
    lat: float
    lon: float
    rurality: str | None = None


@dataclass(frozen=True)
class RoutingParams:
    """Service-time rule, tier windows and solver policy.

    Service minutes of a stop (unless its row gives ``service_min``)::

        stop_service_min + parcel_service_min * parcels
            + pickup_service_min * pickup_parcels          (delivery, pickup)
        handoff_service_min + parcel_service_min / 4 * parcels   (handoff)

    Attributes
    ----------
    stop_service_min
        Parking, walking to the door and back (1.5 min).
    parcel_service_min
        Per parcel handed over (0.5 min).
    pickup_service_min
        Per parcel collected (0.5 min).
    handoff_service_min
        Fixed time of a hand-off at a partner post office (10 min).
    tier_windows
        ``tier -> (earliest, latest)`` service start, minutes from midnight.
    allow_unserved
        When the fleet cannot serve every stop, drop the fewest (each costs
        ``unserved_penalty_usd``) instead of returning infeasible routes.
    unserved_penalty_usd
        Penalty per dropped stop in the objective (not in reported cost).
    drone_queue
        Move drone-eligible delivery stops (one light parcel, within the drone
        radius of the station) to the drone queue.
    drone
        Drone limits used for that test.
    """

    stop_service_min: float = 1.5
    parcel_service_min: float = 0.5
    pickup_service_min: float = 0.5
    handoff_service_min: float = 10.0
    tier_windows: dict[str, tuple[float, float]] = field(
        default_factory=lambda: dict(DEFAULT_TIER_WINDOWS)
    )
    allow_unserved: bool = True
    unserved_penalty_usd: float = 500.0
    drone_queue: bool = True
    drone: DroneFleet = field(default_factory=DroneFleet)
    default_cube_l: float = 12.0


def default_travel() -> TravelModel:
    """The routing travel model: :class:`TravelModel` with ``access_min=0``.

    Parking time is part of a stop's service time, so no fixed access time is
    added to every leg between neighbouring doors.
    """
    return TravelModel(access_min=0.0)


def default_fleet(vans: int = 40, step_vans: int = 8) -> pd.DataFrame:
    """A mixed fleet: cargo vans (180 parcels, 11 m³) and step vans (300, 18 m³)."""
    return pd.DataFrame(
        {
            "vehicle_type": ["cargo_van", "step_van"],
            "count": [vans, step_vans],
            "parcel_capacity": [180, 300],
            "cube_capacity_l": [11_000.0, 18_000.0],
            "shift_start_min": [480.0, 480.0],
            "shift_min": [600.0, 600.0],
            "cost_per_hour_usd": [FLEET_DEFAULTS["cost_per_hour_usd"], 48.0],
            "cost_per_km_usd": [FLEET_DEFAULTS["cost_per_km_usd"], 0.62],
            "fixed_cost_usd": [0.0, 0.0],
            "co2_kg_per_km": [FLEET_DEFAULTS["co2_kg_per_km"], 0.40],
            "max_reloads": [0, 0],
        }
    )


@dataclass
class RoutingProblem:
    """A station's routing day, ready to solve.

    Attributes
    ----------
    station
        The depot.
    stops
        Stops to route (validated, with derived ``service_min``, ``tw_early_min``,
        ``tw_late_min``, ``cube_l``, ``pickup_parcels``, ``pickup_cube_l``, ``kind``),
        row ``i`` is node ``i + 1`` of the matrices.
    fleet
        Validated fleet table with all optional columns filled.
    km, minutes
        Road km / drive minutes between nodes (node 0 = station), square.
    params
        Rules used.
    travel
        Travel model used.
    raw_stops
        The stops table as given (the verifier works from it).
    drone_queue
        Stops moved to the drone queue: ``stop_id, lat, lon, parcels, gc_km``.
    pre_unserved
        Stops no vehicle could serve on its own: ``stop_id, reason``.
    """

    station: Station
    stops: pd.DataFrame
    fleet: pd.DataFrame
    km: np.ndarray
    minutes: np.ndarray
    params: RoutingParams
    travel: TravelModel
    raw_stops: pd.DataFrame
    drone_queue: pd.DataFrame
    pre_unserved: pd.DataFrame

    @property
    def n_stops(self) -> int:
        """Number of stops to route."""
        return len(self.stops)

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


def validate_stops(
    stops: pd.DataFrame, params: RoutingParams, source: str = "stops"
) -> pd.DataFrame:
    """Check the stops table and fill optional columns (see module docstring)."""
    for col in ("stop_id", "lat", "lon", "parcels"):
        if col not in stops.columns:
            raise InputError(source, f"missing column '{col}'")
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
    for col in ("pickup_parcels",):
        df[col] = _num(df, col, source).round().astype(int) if col in df.columns else 0
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
    if "tier" not in df.columns:
        df["tier"] = np.where(df["kind"] == "handoff", "handoff", "standard")
    df["tier"] = df["tier"].fillna("standard").astype(str)
    unknown = ~df["tier"].isin(list(params.tier_windows))
    has_tw = {"tw_early_min", "tw_late_min"} <= set(df.columns)
    if unknown.any() and not has_tw:
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(
            source,
            f"unknown tier {df['tier'].iloc[row]!r}; known: {', '.join(params.tier_windows)}",
            row=row + 1,
            column="tier",
        )
    early, late = stop_windows(df, params)
    for col in ("tw_early_min", "tw_late_min"):
        if col in df.columns:
            given = pd.to_numeric(df[col], errors="coerce")
            bad = df[col].notna() & given.isna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise InputError(
                    source, f"expected minutes, got {df[col].iloc[row]!r}", row=row + 1, column=col
                )
            if col == "tw_early_min":
                early = np.where(given.notna(), given, early)
            else:
                late = np.where(given.notna(), given, late)
    df["tw_early_min"], df["tw_late_min"] = early, late
    inverted = df["tw_early_min"] > df["tw_late_min"]
    if inverted.any():
        row = int(np.flatnonzero(inverted.to_numpy())[0])
        raise InputError(
            source, "tw_early_min is after tw_late_min", row=row + 1, column="tw_late_min"
        )
    if "service_min" in df.columns and df["service_min"].notna().any():
        svc = pd.to_numeric(df["service_min"], errors="coerce")
        df["service_min"] = np.where(svc.notna(), svc, stop_service_min(df, params))
        _num(df, "service_min", source)
    else:
        df["service_min"] = stop_service_min(df, params)
    df["drone_eligible"] = _bool(df, "drone_eligible")
    return df


def stop_windows(df: pd.DataFrame, params: RoutingParams) -> tuple[np.ndarray, np.ndarray]:
    """Tier windows ``(early, late)`` of each stop (unknown tier: whole day)."""
    tiers = df["tier"].astype(str)
    early = tiers.map(lambda t: params.tier_windows.get(t, (0.0, 1440.0))[0]).to_numpy(float)
    late = tiers.map(lambda t: params.tier_windows.get(t, (0.0, 1440.0))[1]).to_numpy(float)
    return early, late


def stop_service_min(df: pd.DataFrame, params: RoutingParams) -> np.ndarray:
    """Service minutes by the rule in :class:`RoutingParams`."""
    parcels = df["parcels"].to_numpy(float)
    pick = df["pickup_parcels"].to_numpy(float)
    regular = (
        params.stop_service_min
        + params.parcel_service_min * parcels
        + params.pickup_service_min * pick
    )
    handoff = params.handoff_service_min + params.parcel_service_min / 4 * parcels
    return np.where(df["kind"].to_numpy() == "handoff", handoff, regular)


def validate_fleet(fleet: pd.DataFrame, source: str = "fleet") -> pd.DataFrame:
    """Check the fleet table and fill optional columns with :data:`FLEET_DEFAULTS`."""
    for col in ("vehicle_type", "count", "parcel_capacity", "cube_capacity_l"):
        if col not in fleet.columns:
            raise InputError(source, f"missing column '{col}'")
    if fleet.empty:
        raise InputError(source, "no vehicle types")
    df = fleet.reset_index(drop=True).copy()
    df["vehicle_type"] = df["vehicle_type"].astype(str)
    if df["vehicle_type"].duplicated().any():
        raise InputError(source, "duplicate vehicle_type", column="vehicle_type")
    for col, default in FLEET_DEFAULTS.items():
        if col not in df.columns:
            df[col] = default
    for col in ("count", "parcel_capacity", "cube_capacity_l", *FLEET_DEFAULTS):
        df[col] = _num(df, col, source)
    for col in ("count", "parcel_capacity", "max_reloads"):
        df[col] = df[col].round().astype(int)
    if (df["shift_min"] <= 0).any():
        raise InputError(source, "shift_min must be > 0", column="shift_min")
    if int(df["count"].sum()) == 0:
        raise InputError(source, "the fleet has no vehicles", column="count")
    return df


# --------------------------------------------------------------------------- building


def parcels_to_stops(parcels: pd.DataFrame, params: RoutingParams | None = None) -> pd.DataFrame:
    """Group parcels into stops (one per delivery point).

    Parcels share a stop when they share ``address_id`` (or, without it, the same
    coordinates rounded to 5 decimals, ~1 m). A stop takes the tightest window of
    its parcels' tiers (latest early, earliest late), the sum of cubes, the
    heaviest weight, and is drone-eligible only with one eligible parcel.

    Returns
    -------
    pandas.DataFrame
        A stops table (module docstring) with ``parcel_ids`` (list of str) added.
    """
    params = params or RoutingParams()
    for col in ("parcel_id", "lat", "lon"):
        if col not in parcels.columns:
            raise InputError("parcels", f"missing column '{col}'")
    df = parcels.copy()
    df["parcel_id"] = df["parcel_id"].astype(str)
    if "address_id" in df.columns:
        key = df["address_id"].astype(str)
    else:
        key = pd.Series(
            [f"{a:.5f},{b:.5f}" for a, b in zip(df["lat"], df["lon"], strict=True)],
            index=df.index,
        )
    df["_key"] = key
    if "tier" not in df.columns:
        df["tier"] = "standard"
    if "cube_l" not in df.columns:
        df["cube_l"] = params.default_cube_l
    if "weight_kg" not in df.columns:
        df["weight_kg"] = 1.0
    df["drone_eligible"] = _bool(df, "drone_eligible")
    win = df["tier"].map(lambda t: params.tier_windows.get(str(t), (0.0, 1440.0)))
    df["_early"] = [w[0] for w in win]
    df["_late"] = [w[1] for w in win]
    g = df.groupby("_key", sort=False)
    out = pd.DataFrame(
        {
            "stop_id": [f"S{i:05d}" for i in range(g.ngroups)],
            "lat": g["lat"].first().to_numpy(),
            "lon": g["lon"].first().to_numpy(),
            "parcels": g.size().to_numpy(),
            "cube_l": g["cube_l"].sum().to_numpy(),
            "weight_kg": g["weight_kg"].max().to_numpy(),
            "tw_early_min": g["_early"].max().to_numpy(),
            "tw_late_min": g["_late"].min().to_numpy(),
            "tier": g["tier"].first().to_numpy(),
            "drone_eligible": (g["drone_eligible"].all() & (g.size() == 1)).to_numpy(),
            "parcel_ids": g["parcel_id"].agg(list).to_numpy(),
        }
    )
    if "rurality" in df.columns:
        out["rurality"] = g["rurality"].first().to_numpy()
    return out


def split_drone_queue(
    stops: pd.DataFrame, station: Station, params: RoutingParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Move drone-eligible delivery stops within the drone radius to the drone queue.

    A stop goes to drones when ``drone_eligible`` is true, it is a delivery of one
    parcel with nothing to collect, its ``weight_kg`` (if given) is within the drone
    payload, and it lies within the drone radius (great circle) of the station.
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
    if not params.drone_queue:
        mask[:] = False
    queue = stops.loc[mask, ["stop_id", "lat", "lon", "parcels"]].copy()
    queue["gc_km"] = gc[mask]
    return stops.loc[~mask].reset_index(drop=True), queue.reset_index(drop=True)


def _lone_reasons(
    df: pd.DataFrame,
    fleet: pd.DataFrame,
    km_out: np.ndarray,
    min_out: np.ndarray,
    min_back: np.ndarray,
) -> np.ndarray:
    """Reason each stop cannot be served even alone by any vehicle ("" if it can)."""
    reasons = np.full(len(df), "", dtype=object)
    cap_ok = np.zeros(len(df), bool)
    time_ok = np.zeros(len(df), bool)
    tw_ok = np.zeros(len(df), bool)
    parcels = np.maximum(df["parcels"].to_numpy(float), df["pickup_parcels"].to_numpy(float))
    cube = np.maximum(df["cube_l"].to_numpy(float), df["pickup_cube_l"].to_numpy(float))
    for v in records(fleet):
        if v["count"] <= 0:
            continue
        fits = (parcels <= v["parcel_capacity"]) & (cube <= v["cube_capacity_l"])
        arrive = v["shift_start_min"] + min_out
        start = np.maximum(arrive, df["tw_early_min"].to_numpy())
        in_window = start <= df["tw_late_min"].to_numpy() + 1e-9
        back = start + df["service_min"].to_numpy() + min_back
        in_shift = back <= v["shift_start_min"] + v["shift_min"] + 1e-9
        cap_ok |= fits
        tw_ok |= fits & in_window
        time_ok |= fits & in_window & in_shift
    reasons[~time_ok] = "unreachable_in_shift"
    reasons[~tw_ok] = "time_window_unreachable"
    reasons[~cap_ok] = "exceeds_vehicle_capacity"
    return reasons


def build_problem(
    stops: pd.DataFrame,
    fleet: pd.DataFrame,
    station: Station,
    *,
    params: RoutingParams | None = None,
    travel: TravelModel | None = None,
    source: str = "stops",
) -> RoutingProblem:
    """Build a :class:`RoutingProblem` from a stops table, a fleet table and a station.

    Validates both tables (errors name the row and column), moves drone-eligible
    stops to the drone queue, reports stops no vehicle can serve even alone
    (``pre_unserved`` with a reason) and computes road km and drive minutes between
    the station and every stop with ``travel`` (default :func:`default_travel`).
    """
    params = params or RoutingParams()
    travel = travel or default_travel()
    df = validate_stops(stops, params, source)
    fl = validate_fleet(fleet)
    df, queue = split_drone_queue(df, station, params)
    st = pd.DataFrame({"lat": [station.lat], "lon": [station.lon]})
    if station.rurality is not None:
        st["rurality"] = station.rurality
    cols = ["lat", "lon"] + (["rurality"] if "rurality" in df.columns else [])
    km_out, min_out = travel.matrix(st, df[cols])
    _km_back, min_back = travel.matrix(df[cols], st)
    reasons = _lone_reasons(df, fl, km_out[0], min_out[0], min_back[:, 0])
    bad = reasons != ""
    pre = pd.DataFrame({"stop_id": df.loc[bad, "stop_id"].to_numpy(), "reason": reasons[bad]})
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
        travel=travel,
        raw_stops=stops.reset_index(drop=True).copy(),
        drone_queue=queue,
        pre_unserved=pre,
    )


# --------------------------------------------------------------------------- PyVRP model

#: Integer units of the PyVRP model: distance in 10 m, time in seconds, cost in 1e-4 USD.
DIST_PER_KM = 100
SEC_PER_MIN = 60
COST_PER_USD = 10_000


def to_pyvrp(problem: RoutingProblem) -> Any:
    """The PyVRP ``ProblemData`` of ``problem``.

    Load dimensions are ``[parcels, litres]``. Drive times are rounded *up* to whole
    seconds so a schedule feasible in the integer model is feasible in minutes.
    Each vehicle type's objective is ``cost_per_km * km + cost_per_hour * hours +
    fixed_cost``; with ``allow_unserved`` stops are optional with a prize equal to
    ``unserved_penalty_usd`` so the solver drops stops only when it must.
    """
    import pyvrp

    p = problem
    s = p.stops
    coords = np.vstack([[p.station.lon, p.station.lat], s[["lon", "lat"]].to_numpy()])
    locs = [pyvrp.Location(float(x), float(y)) for x, y in coords]
    dist = np.round(p.km * DIST_PER_KM).astype(np.int64)
    dur = np.ceil(p.minutes * SEC_PER_MIN - 1e-6).astype(np.int64)
    day_start = int(p.fleet["shift_start_min"].min() * SEC_PER_MIN)
    day_end = int(((p.fleet["shift_start_min"] + p.fleet["shift_min"]).max()) * SEC_PER_MIN)
    depots = [pyvrp.Depot(0, tw_early=day_start, tw_late=day_end)]
    prize = int(p.params.unserved_penalty_usd * COST_PER_USD)
    clients = [
        pyvrp.Client(
            i + 1,
            delivery=[int(r["parcels"]), math.ceil(r["cube_l"])],
            pickup=[int(r["pickup_parcels"]), math.ceil(r["pickup_cube_l"])],
            service_duration=math.ceil(r["service_min"] * SEC_PER_MIN),
            tw_early=math.ceil(r["tw_early_min"] * SEC_PER_MIN),
            tw_late=math.floor(r["tw_late_min"] * SEC_PER_MIN),
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
        start = math.ceil(v["shift_start_min"] * SEC_PER_MIN)
        shift = math.floor(v["shift_min"] * SEC_PER_MIN)
        reload_kw: dict[str, Any] = {}
        if int(v["max_reloads"]) > 0:
            reload_kw = {"reload_depots": [0], "max_reloads": int(v["max_reloads"])}
        vtypes.append(
            pyvrp.VehicleType(
                int(v["count"]),
                capacity=[int(v["parcel_capacity"]), math.floor(v["cube_capacity_l"])],
                fixed_cost=round(v["fixed_cost_usd"] * COST_PER_USD),
                tw_early=start,
                tw_late=start + shift,
                shift_duration=shift,
                unit_distance_cost=round(v["cost_per_km_usd"] * COST_PER_USD / DIST_PER_KM),
                unit_duration_cost=round(v["cost_per_hour_usd"] * COST_PER_USD / 3600),
                name=str(v["vehicle_type"]),
                **reload_kw,
            )
        )
    if not vtypes:
        raise HinterlandError("the fleet has no vehicles")
    mats: list[Any] = [dist, dur]
    return pyvrp.ProblemData(locs, clients, depots, vtypes, mats[:1], mats[1:])
