"""Solve a :class:`~hinterland.routing.problem.RoutingProblem` with PyVRP.

Tables returned (in :class:`RoutePlan`)
----------------------------------------
routes (one row per visit, in driving order)
    ``route_id`` int (1-based), ``vehicle_type`` str, ``wave_min`` (the van's wave:
    it leaves the station then), ``trip`` int (1-based; > 1 after a reload at the
    station), ``seq`` int (1-based within the route), ``stop_id`` str
    (``"<station_id>"`` for a reload), ``kind`` str (delivery, handoff, pickup,
    reload), ``lat``, ``lon``, ``parcels``, ``cube_l``, ``pickup_parcels``,
    ``pickup_cube_l``, ``ready_min``, ``due_min``, ``arrival_min``, ``start_min``
    (service start), ``depart_min``, ``wait_min``, ``late_min`` (service end after
    the promise, 0 if on time), ``leg_km``, ``leg_min``.
summary (one row per route)
    ``route_id``, ``vehicle_type``, ``wave_min``, ``start_min`` (leaves the
    station), ``end_min`` (back at the station), ``stops``, ``parcels``, ``km``,
    ``driver_hours`` (load + driving and serving + break), ``trips``, ``cost_usd``.
parcels (one row per parcel of the day)
    ``parcel_id``, ``stop_id``, ``status`` (``routed``, ``unserved``, ``drone``),
    ``route_id``, ``wave_min``, ``seq``, ``ready_min``, ``due_min``, ``eta_min``
    (arrival at the stop), ``delivered_min`` (end of service), ``late_min``.
late
    The parcels served after their promise: ``parcel_id, stop_id, route_id,
    due_min, delivered_min, late_min``.
unserved
    ``stop_id``, ``reason`` (one of :data:`~hinterland.routing.problem.UNSERVED_REASONS`).

PyVRP proves no lower bound, so the certificate's ``bound`` is ``nan``; its
``verified`` flag and ``checks`` come from :func:`hinterland.routing.verify.verify_plan`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.certificate import Certificate
from hinterland.routing.engine import solve_data
from hinterland.routing.problem import (
    COST_PER_USD,
    SEC_PER_MIN,
    RoutingProblem,
    parse_wave_type,
    records,
    to_pyvrp,
    wave_type_name,
)

ROUTE_COLUMNS = (
    "route_id",
    "vehicle_type",
    "wave_min",
    "trip",
    "seq",
    "stop_id",
    "kind",
    "lat",
    "lon",
    "parcels",
    "cube_l",
    "pickup_parcels",
    "pickup_cube_l",
    "ready_min",
    "due_min",
    "arrival_min",
    "start_min",
    "depart_min",
    "wait_min",
    "late_min",
    "leg_km",
    "leg_min",
)
SUMMARY_COLUMNS = (
    "route_id",
    "vehicle_type",
    "wave_min",
    "start_min",
    "end_min",
    "stops",
    "parcels",
    "km",
    "driver_hours",
    "trips",
    "cost_usd",
)
PARCEL_COLUMNS = (
    "parcel_id",
    "stop_id",
    "status",
    "route_id",
    "wave_min",
    "seq",
    "ready_min",
    "due_min",
    "eta_min",
    "delivered_min",
    "late_min",
)
LATE_COLUMNS = ("parcel_id", "stop_id", "route_id", "due_min", "delivered_min", "late_min")

#: Share of the time budget kept for the late pass when some stop has a promise.
LATE_PASS_SHARE = 0.25


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(columns=list(columns))


@dataclass
class RoutePlan:
    """Routes of one station day and their certificate (tables in the module docstring)."""

    routes: pd.DataFrame
    summary: pd.DataFrame
    unserved: pd.DataFrame
    drone_queue: pd.DataFrame
    certificate: Certificate
    violations: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["kind", "route_id", "stop_id", "detail"])
    )
    parcels: pd.DataFrame = field(default_factory=lambda: _empty(PARCEL_COLUMNS))
    late: pd.DataFrame = field(default_factory=lambda: _empty(LATE_COLUMNS))


@dataclass(frozen=True)
class RawRoute:
    """A route as stop row positions per trip, before scheduling.

    ``trips`` holds lists of positions in ``problem.stops``; ``wave_min`` is the wave
    the van leaves with (``None``: the first wave at or after the latest ready time of
    its first trip).
    """

    vehicle_type: str
    trips: tuple[tuple[int, ...], ...]
    wave_min: float | None = None


def route_wave(problem: RoutingProblem, r: RawRoute) -> float:
    """The wave of a raw route (its own, or the first one its first trip is ready for)."""
    if r.wave_min is not None:
        return float(r.wave_min)
    ready = problem.stops["ready_min"].to_numpy(float)
    first = [c for c in (r.trips[0] if r.trips else ())]
    need = float(ready[first].max()) if first else 0.0
    later = [w for w in problem.params.waves_min if w >= need - 1e-9]
    return later[0] if later else problem.params.waves_min[-1]


def raw_routes_from_solution(problem: RoutingProblem, data: Any, solution: Any,
                             *, feasible_only: bool = False) -> list[RawRoute]:
    """Routes of a PyVRP solution as :class:`RawRoute` (client ``i`` is stop row ``i``).

    With ``feasible_only``, routes PyVRP itself finds infeasible (excess load, time
    warp) are left out: their stops are then unserved (``dropped_by_solver``) rather
    than served by an impossible route.
    """
    out = []
    for r in solution.routes():
        if feasible_only and not r.is_feasible():
            continue
        trips: list[list[int]] = [[]]
        for act in r.schedule()[1:-1]:
            if act.is_depot():
                trips.append([])
            elif act.is_client():
                trips[-1].append(int(act.idx))
        vt, wave = parse_wave_type(data.vehicle_type(r.vehicle_type()).name)
        out.append(RawRoute(vehicle_type=vt, trips=tuple(tuple(t) for t in trips if t),
                            wave_min=wave))
    return out


def solution_from_raw(problem: RoutingProblem, data: Any, raw: list[RawRoute]) -> Any:
    """A PyVRP ``Solution`` from raw routes (used to warm-start a repair search).

    Routes whose (vehicle type, wave) the data does not have are left out (the
    search re-inserts their stops).
    """
    import pyvrp

    names = [data.vehicle_type(k).name for k in range(data.num_vehicle_types)]
    routes = []
    n_clients = data.num_clients
    for r in raw:
        name = wave_type_name(r.vehicle_type, route_wave(problem, r))
        if name not in names:
            continue
        vt = names.index(name)
        acts: list[Any] = []
        for k, trip in enumerate(r.trips):
            if k > 0:
                acts.append(pyvrp.Activity(pyvrp.ActivityType.DEPOT, 0))
            acts.extend(pyvrp.Activity(pyvrp.ActivityType.CLIENT, int(c)) for c in trip)
        if any(c >= n_clients for t in r.trips for c in t):
            raise ValueError("raw route visits a stop outside the problem")
        routes.append(pyvrp.Route(data, acts, vt))
    return pyvrp.Solution(data, routes)


def schedule_routes(
    problem: RoutingProblem, raw: list[RawRoute]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Visit and summary tables of raw routes (forward schedule in minutes).

    Each van leaves at its wave; a reload trip leaves once its parcels are ready;
    service starts on arrival (or once the stop is ready); times use the problem's
    minute matrix.
    """
    s = records(problem.stops)
    ready = problem.stops["ready_min"].to_numpy(float)
    fleet = {str(f["vehicle_type"]): f for f in records(problem.fleet)}
    rows: list[dict[str, Any]] = []
    summ: list[dict[str, Any]] = []
    st = problem.station
    for rid, r in enumerate(raw, start=1):
        v = fleet[r.vehicle_type]
        wave = route_wave(problem, r)
        t0 = wave
        t = t0
        prev = 0
        seq = 0
        km_total = 0.0
        parcels = 0
        nstops = 0
        for k, trip in enumerate(r.trips):
            if k > 0:
                leg_km, leg_min = problem.km[prev, 0], problem.minutes[prev, 0]
                arrive = t + leg_min
                t = max(arrive, float(ready[list(trip)].max()))
                km_total += leg_km
                seq += 1
                rows.append(dict(
                    route_id=rid, vehicle_type=r.vehicle_type, wave_min=wave, trip=k + 1,
                    seq=seq, stop_id=st.station_id, kind="reload", lat=st.lat, lon=st.lon,
                    parcels=0, cube_l=0.0, pickup_parcels=0, pickup_cube_l=0.0,
                    ready_min=math.nan, due_min=math.nan, arrival_min=arrive, start_min=t,
                    depart_min=t, wait_min=t - arrive, late_min=0.0, leg_km=leg_km,
                    leg_min=leg_min))
                prev = 0
            for c in trip:
                node = c + 1
                x = s[c]
                leg_km, leg_min = problem.km[prev, node], problem.minutes[prev, node]
                arrive = t + leg_min
                start = max(arrive, float(x["ready_min"]))
                depart = start + float(x["service_min"])
                due = float(x["due_min"])
                late = max(depart - due, 0.0) if math.isfinite(due) else 0.0
                seq += 1
                rows.append(dict(
                    route_id=rid, vehicle_type=r.vehicle_type, wave_min=wave, trip=k + 1,
                    seq=seq, stop_id=x["stop_id"], kind=x["kind"], lat=x["lat"], lon=x["lon"],
                    parcels=int(x["parcels"]), cube_l=float(x["cube_l"]),
                    pickup_parcels=int(x["pickup_parcels"]),
                    pickup_cube_l=float(x["pickup_cube_l"]), ready_min=float(x["ready_min"]),
                    due_min=due, arrival_min=arrive, start_min=start, depart_min=depart,
                    wait_min=start - arrive, late_min=late, leg_km=leg_km, leg_min=leg_min))
                km_total += leg_km
                parcels += int(x["parcels"])
                nstops += 1
                t = depart
                prev = node
        t += problem.minutes[prev, 0]
        km_total += problem.km[prev, 0]
        hours = (t - t0 + float(v["load_min"]) + float(v["break_min"])) / 60.0
        cost = (
            km_total * float(v["cost_per_km_usd"])
            + hours * float(v["cost_per_hour_usd"])
            + float(v["fixed_cost_usd"])
        )
        summ.append(dict(route_id=rid, vehicle_type=r.vehicle_type, wave_min=wave, start_min=t0,
                         end_min=t, stops=nstops, parcels=parcels, km=km_total,
                         driver_hours=hours, trips=len(r.trips), cost_usd=cost))
    routes = pd.DataFrame(rows, columns=list(ROUTE_COLUMNS))
    summary = pd.DataFrame(summ, columns=list(SUMMARY_COLUMNS))
    return routes, summary


def unserved_table(problem: RoutingProblem, raw: list[RawRoute]) -> pd.DataFrame:
    """Stops in no route (``dropped_by_solver``) plus the problem's ``pre_unserved``."""
    served = {c for r in raw for t in r.trips for c in t}
    missing = [i for i in range(problem.n_stops) if i not in served]
    dropped = pd.DataFrame(
        {
            "stop_id": problem.stops["stop_id"].to_numpy()[missing],
            "reason": ["dropped_by_solver"] * len(missing),
        }
    )
    return pd.concat([problem.pre_unserved, dropped], ignore_index=True)


def _stop_parcels(problem: RoutingProblem) -> pd.DataFrame:
    """``parcel_id, stop_id, ready_min, due_min`` of every parcel (``<stop_id>-<k>`` and
    the stop's times for stop input)."""
    if problem.assignment is not None:
        a = problem.assignment.copy()
        a["parcel_id"] = a["parcel_id"].astype(str)
        a["stop_id"] = a["stop_id"].astype(str)
        return a[["parcel_id", "stop_id", "ready_min", "due_min"]]
    raw = problem.raw_stops
    n = pd.to_numeric(raw["parcels"], errors="coerce").fillna(0).round().astype(int)
    sid = raw["stop_id"].astype(str).to_numpy()
    ids = [(f"{s}-{k + 1}", s) for s, m in zip(sid, n, strict=True) for k in range(int(m))]
    out = pd.DataFrame(ids, columns=["parcel_id", "stop_id"])
    if problem.stop_times is not None:
        t = problem.stop_times.assign(stop_id=problem.stop_times["stop_id"].astype(str))
        out = out.merge(t, on="stop_id", how="left")
    else:
        t = problem.stops.set_index("stop_id")[["ready_min", "due_min"]].reindex(out["stop_id"])
        out["ready_min"] = t["ready_min"].to_numpy()
        out["due_min"] = t["due_min"].to_numpy()
    return out


def parcel_table(problem: RoutingProblem, routes: pd.DataFrame,
                 drone_queue: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The parcels and late tables of a schedule (module docstring).

    A parcel is late by the minutes its stop's service ends after *its own* promise.
    """
    out = _stop_parcels(problem)
    visits = routes[routes["kind"] != "reload"].set_index("stop_id")
    sid = out["stop_id"]
    routed = sid.isin(visits.index)
    out["status"] = np.where(routed, "routed",
                             np.where(sid.isin(drone_queue["stop_id"].astype(str)), "drone",
                                      "unserved"))
    v = visits.reindex(sid)
    out["route_id"] = v["route_id"].to_numpy()
    out["wave_min"] = v["wave_min"].to_numpy()
    out["seq"] = v["seq"].to_numpy()
    out["eta_min"] = v["arrival_min"].to_numpy(dtype=float)
    delivered = v["depart_min"].to_numpy(dtype=float)
    out["delivered_min"] = delivered
    due = pd.to_numeric(out["due_min"]).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        late = np.where(np.isfinite(due) & np.isfinite(delivered), delivered - due, 0.0)
    out["late_min"] = np.maximum(late, 0.0)
    out = out[list(PARCEL_COLUMNS)].reset_index(drop=True)
    late_t = out.loc[out["late_min"] > 0, list(LATE_COLUMNS)].reset_index(drop=True)
    return out, late_t


def finish_plan(
    problem: RoutingProblem,
    raw: list[RawRoute],
    *,
    seconds: float,
    status: str,
    extra_checks: dict[str, Any] | None = None,
) -> RoutePlan:
    """Schedule raw routes, verify them independently and attach the certificate."""
    from hinterland.routing.verify import verify_plan

    routes, summary = schedule_routes(problem, raw)
    unserved = unserved_table(problem, raw)
    parcels, late = parcel_table(problem, routes, problem.drone_queue)
    ver = verify_plan(
        problem.raw_parcels if problem.raw_parcels is not None else problem.raw_stops,
        problem.fleet,
        problem.station,
        routes,
        unserved,
        problem.drone_queue,
        params=problem.params,
        assignment=problem.assignment,
        reported_late=late,
    )
    checks = dict(ver.checks)
    checks.update(extra_checks or {})
    cert = Certificate(
        objective=float(ver.checks.get("cost_usd", math.nan)),
        bound=math.nan,
        sense="min",
        seconds=seconds,
        status=status if ver.ok else "infeasible",
        verified=ver.ok,
        checks=checks,
    )
    return RoutePlan(routes, summary, unserved, problem.drone_queue, cert, ver.violations,
                     parcels, late)


def has_promises(problem: RoutingProblem) -> bool:
    """Whether any stop has a promise (a due time) that could bind."""
    return bool(np.isfinite(problem.stops["due_min"].to_numpy(float)).any())


def late_pass(problem: RoutingProblem, raw: list[RawRoute], *, seconds: float, seed: int
              ) -> tuple[RoutingProblem, list[RawRoute], dict[str, Any]]:
    """Offer again, with their window open to the end of the delivery day, the stops
    with a promise that the on-time search dropped (warm start from ``raw``).

    Returns the problem (with those stops ``late_ok``), the routes and figures for
    the certificate (``late_pass_stops``, ``late_pass_iterations``).
    """
    served = {c for r in raw for t in r.trips for c in t}
    s = problem.stops
    due = s["due_min"].to_numpy(float)
    rows = np.array([i for i in range(problem.n_stops) if i not in served
                     and math.isfinite(due[i]) and not bool(s["late_ok"].iloc[i])], dtype=int)
    info: dict[str, Any] = {"late_pass_stops": len(rows)}
    if not problem.params.allow_late or len(rows) == 0:
        return problem, raw, info
    relaxed = problem.with_late(rows)
    data = to_pyvrp(relaxed)
    init = solution_from_raw(relaxed, data, raw)
    res = solve_data(data, seconds=max(seconds, 0.2), seed=seed, workers=1,
                     initial_solution=init)
    info["late_pass_iterations"] = res.iterations
    return relaxed, raw_routes_from_solution(relaxed, data, res.solution,
                                             feasible_only=True), info


def plan_routes(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    workers: int = 1,
) -> RoutePlan:
    """Solve ``problem`` monolithically with PyVRP and verify the routes.

    Parameters
    ----------
    problem
        From :func:`~hinterland.routing.problem.build_problem`.
    time_limit_s
        Wall-time budget of the search (with promises, :data:`LATE_PASS_SHARE` of it
        is kept for the late pass, used only when the on-time search drops stops).
    seed
        Random seed (same seed and budget -> same routes, up to timing).
    workers
        Parallel seeded searches (processes); the best is kept.

    Returns
    -------
    RoutePlan
        Routes, summary, parcels, late parcels, unserved stops, drone queue and a
        :class:`~hinterland.core.certificate.Certificate` (``bound`` is ``nan``: PyVRP
        proves none; ``verified`` from :mod:`hinterland.routing.verify`).
    """
    t0 = time.perf_counter()
    if problem.n_stops == 0:
        return finish_plan(problem, [], seconds=time.perf_counter() - t0, status="empty")
    share = LATE_PASS_SHARE if has_promises(problem) and problem.params.allow_late else 0.0
    data = to_pyvrp(problem)
    res = solve_data(data, seconds=time_limit_s * (1 - share), seed=seed, workers=workers)
    # A search cut short may end infeasible: keep only its feasible routes (the late
    # pass, warm-started from them, may re-insert the rest).
    raw = raw_routes_from_solution(problem, data, res.solution, feasible_only=True)
    feasible = res.feasible
    extra: dict[str, Any] = {
        "solver": "pyvrp",
        "iterations": res.iterations,
        "pyvrp_cost_usd": res.cost / COST_PER_USD if np.isfinite(res.cost) else math.nan,
    }
    if share:
        left = time_limit_s - (time.perf_counter() - t0)
        problem, raw2, info = late_pass(problem, raw, seconds=left, seed=seed)
        extra.update(info)
        raw = raw2
    extra["search_feasible"] = bool(feasible)
    return finish_plan(
        problem,
        raw,
        seconds=time.perf_counter() - t0,
        status="feasible" if feasible else "repaired",
        extra_checks=extra,
    )


def with_status(plan: RoutePlan, status: str) -> RoutePlan:
    """Same plan with another certificate status (kept ``infeasible`` if unverified)."""
    cert = replace(plan.certificate, status=status if plan.certificate.verified else "infeasible")
    return replace(plan, certificate=cert)


__all__ = [
    "LATE_COLUMNS",
    "PARCEL_COLUMNS",
    "ROUTE_COLUMNS",
    "SEC_PER_MIN",
    "SUMMARY_COLUMNS",
    "RawRoute",
    "RoutePlan",
    "finish_plan",
    "late_pass",
    "parcel_table",
    "plan_routes",
    "raw_routes_from_solution",
    "schedule_routes",
    "solution_from_raw",
    "unserved_table",
    "with_status",
]
