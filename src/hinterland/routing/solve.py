"""Solve a :class:`~hinterland.routing.problem.RoutingProblem` with PyVRP.

Tables returned (in :class:`RoutePlan`)
----------------------------------------
routes (one row per visit, in driving order)
    ``route_id`` int (1-based), ``vehicle_type`` str, ``trip`` int (1-based; > 1
    after a reload at the station), ``seq`` int (1-based within the route),
    ``stop_id`` str (``"<station_id>"`` for a reload), ``kind`` str (delivery,
    handoff, pickup, reload), ``lat``, ``lon``, ``parcels``, ``cube_l``,
    ``pickup_parcels``, ``pickup_cube_l``, ``arrival_min``, ``start_min`` (service
    start), ``depart_min``, ``wait_min``, ``leg_km``, ``leg_min``.
summary (one row per route)
    ``route_id``, ``vehicle_type``, ``start_min`` (leaves the station),
    ``end_min`` (back at the station), ``stops``, ``parcels``, ``km``,
    ``driver_hours``, ``trips``, ``cost_usd``.
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
    records,
    to_pyvrp,
)

ROUTE_COLUMNS = (
    "route_id",
    "vehicle_type",
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
    "arrival_min",
    "start_min",
    "depart_min",
    "wait_min",
    "leg_km",
    "leg_min",
)
SUMMARY_COLUMNS = (
    "route_id",
    "vehicle_type",
    "start_min",
    "end_min",
    "stops",
    "parcels",
    "km",
    "driver_hours",
    "trips",
    "cost_usd",
)


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


@dataclass(frozen=True)
class RawRoute:
    """A route as stop row positions per trip, before scheduling.

    ``trips`` holds lists of positions in ``problem.stops``; ``start_min`` is when
    the van leaves the station (``None``: earliest).
    """

    vehicle_type: str
    trips: tuple[tuple[int, ...], ...]
    start_min: float | None = None


def raw_routes_from_solution(problem: RoutingProblem, data: Any, solution: Any) -> list[RawRoute]:
    """Routes of a PyVRP solution as :class:`RawRoute` (client ``i`` is stop row ``i``)."""
    out = []
    for r in solution.routes():
        trips: list[list[int]] = [[]]
        for act in r.schedule()[1:-1]:
            if act.is_depot():
                trips.append([])
            elif act.is_client():
                trips[-1].append(int(act.idx))
        name = data.vehicle_type(r.vehicle_type()).name
        out.append(
            RawRoute(
                vehicle_type=name,
                trips=tuple(tuple(t) for t in trips if t),
                start_min=r.start_time() / SEC_PER_MIN,
            )
        )
    return out


def solution_from_raw(problem: RoutingProblem, data: Any, raw: list[RawRoute]) -> Any:
    """A PyVRP ``Solution`` from raw routes (used to warm-start a repair search)."""
    import pyvrp

    names = [data.vehicle_type(k).name for k in range(data.num_vehicle_types)]
    routes = []
    n_clients = data.num_clients
    for r in raw:
        vt = names.index(r.vehicle_type)
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

    Each van leaves at ``start_min`` (or its shift start), drives, waits for a
    window to open, serves, and returns; times use the problem's minute matrix.
    """
    s = records(problem.stops)
    fleet = {str(f["vehicle_type"]): f for f in records(problem.fleet)}
    rows: list[dict[str, Any]] = []
    summ: list[dict[str, Any]] = []
    for rid, r in enumerate(raw, start=1):
        v = fleet[r.vehicle_type]
        t0 = float(v["shift_start_min"]) if r.start_min is None else float(r.start_min)
        t = t0
        prev = 0
        seq = 0
        km_total = 0.0
        parcels = 0
        nstops = 0
        for k, trip in enumerate(r.trips):
            if k > 0:
                leg_km, leg_min = problem.km[prev, 0], problem.minutes[prev, 0]
                t += leg_min
                km_total += leg_km
                seq += 1
                rows.append(
                    dict(
                        route_id=rid,
                        vehicle_type=r.vehicle_type,
                        trip=k + 1,
                        seq=seq,
                        stop_id=problem.station.station_id,
                        kind="reload",
                        lat=problem.station.lat,
                        lon=problem.station.lon,
                        parcels=0,
                        cube_l=0.0,
                        pickup_parcels=0,
                        pickup_cube_l=0.0,
                        arrival_min=t,
                        start_min=t,
                        depart_min=t,
                        wait_min=0.0,
                        leg_km=leg_km,
                        leg_min=leg_min,
                    )
                )
                prev = 0
            for c in trip:
                node = c + 1
                st = s[c]
                leg_km, leg_min = problem.km[prev, node], problem.minutes[prev, node]
                arrive = t + leg_min
                start = max(arrive, float(st["tw_early_min"]))
                depart = start + float(st["service_min"])
                seq += 1
                rows.append(
                    dict(
                        route_id=rid,
                        vehicle_type=r.vehicle_type,
                        trip=k + 1,
                        seq=seq,
                        stop_id=st["stop_id"],
                        kind=st["kind"],
                        lat=st["lat"],
                        lon=st["lon"],
                        parcels=int(st["parcels"]),
                        cube_l=float(st["cube_l"]),
                        pickup_parcels=int(st["pickup_parcels"]),
                        pickup_cube_l=float(st["pickup_cube_l"]),
                        arrival_min=arrive,
                        start_min=start,
                        depart_min=depart,
                        wait_min=start - arrive,
                        leg_km=leg_km,
                        leg_min=leg_min,
                    )
                )
                km_total += leg_km
                parcels += int(st["parcels"])
                nstops += 1
                t = depart
                prev = node
        t += problem.minutes[prev, 0]
        km_total += problem.km[prev, 0]
        hours = (t - t0) / 60.0
        cost = (
            km_total * float(v["cost_per_km_usd"])
            + hours * float(v["cost_per_hour_usd"])
            + float(v["fixed_cost_usd"])
        )
        summ.append(
            dict(
                route_id=rid,
                vehicle_type=r.vehicle_type,
                start_min=t0,
                end_min=t,
                stops=nstops,
                parcels=parcels,
                km=km_total,
                driver_hours=hours,
                trips=len(r.trips),
                cost_usd=cost,
            )
        )
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
    ver = verify_plan(
        problem.raw_stops,
        problem.fleet,
        problem.station,
        routes,
        unserved,
        problem.drone_queue,
        params=problem.params,
        travel=problem.travel,
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
    return RoutePlan(routes, summary, unserved, problem.drone_queue, cert, ver.violations)


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
        Wall-time budget of the search.
    seed
        Random seed (same seed and budget -> same routes, up to timing).
    workers
        Parallel seeded searches (processes); the best is kept.

    Returns
    -------
    RoutePlan
        Routes, summary, unserved stops, drone queue and a
        :class:`~hinterland.core.certificate.Certificate` (``bound`` is ``nan``: PyVRP
        proves none; ``verified`` from :mod:`hinterland.routing.verify`).
    """
    t0 = time.perf_counter()
    if problem.n_stops == 0:
        return finish_plan(problem, [], seconds=time.perf_counter() - t0, status="empty")
    data = to_pyvrp(problem)
    res = solve_data(data, seconds=time_limit_s, seed=seed, workers=workers)
    raw = raw_routes_from_solution(problem, data, res.solution)
    status = "feasible" if res.feasible else "infeasible"
    return finish_plan(
        problem,
        raw,
        seconds=time.perf_counter() - t0,
        status=status,
        extra_checks={
            "solver": "pyvrp",
            "iterations": res.iterations,
            "pyvrp_cost_usd": res.cost / COST_PER_USD if np.isfinite(res.cost) else math.nan,
        },
    )


def with_status(plan: RoutePlan, status: str) -> RoutePlan:
    """Same plan with another certificate status (kept ``infeasible`` if unverified)."""
    cert = replace(plan.certificate, status=status if plan.certificate.verified else "infeasible")
    return replace(plan, certificate=cert)
