"""Large days: angular sectors around the station solved in parallel on Dask, then repair.

1. **Sectors**: stops are sorted by bearing from the station, starting at the
   widest empty bearing gap, and cut into ``k`` sectors of equal stop counts.
2. **Fleet split**: each vehicle type's count is shared among sectors in
   proportion to their parcels (largest remainder), so the parts never use
   more vans than the station has.
3. **Parallel solve**: each sector is a sub-problem solved with PyVRP on a Dask
   worker (:class:`dask.distributed.LocalCluster` by default, or a scheduler
   address for a real cluster), or in-process one after another.
4. **Boundary repair**: the merged routes warm-start one PyVRP search over the
   whole day for the remaining time, which moves stops between neighbouring
   sectors' routes, merges half-empty boundary routes and re-inserts any stop a
   sector had to drop.

The time budget is shared: ``(1 - repair_share)`` of it for the sector waves
(``ceil(k / workers)`` waves), the rest for the repair.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from hinterland.routing.engine import solve_data
from hinterland.routing.problem import COST_PER_USD, RoutingProblem, to_pyvrp
from hinterland.routing.solve import (
    LATE_PASS_SHARE,
    RawRoute,
    RoutePlan,
    finish_plan,
    has_promises,
    late_pass,
    raw_routes_from_solution,
    solution_from_raw,
)
from hinterland.scale import dask_client

#: Target stops per sector when choosing the number of sectors.
STOPS_PER_SECTOR = 1000
#: Above this many stops the CLI decomposes by default.
DECOMPOSE_ABOVE = 2000


def bearings(problem: RoutingProblem) -> np.ndarray:
    """Bearing (radians, 0..2π) of each stop seen from the station."""
    lat0 = math.radians(problem.station.lat)
    dx = (problem.stops["lon"].to_numpy() - problem.station.lon) * math.cos(lat0)
    dy = problem.stops["lat"].to_numpy() - problem.station.lat
    return np.mod(np.arctan2(dy, dx), 2 * np.pi)


def sectors(problem: RoutingProblem, k: int) -> list[np.ndarray]:
    """Split stop rows into ``k`` angular sectors of (nearly) equal stop counts.

    The cut starts at the widest bearing gap so no sector straddles a dense
    direction needlessly. Returns arrays of stop row positions.
    """
    n = problem.n_stops
    if n == 0:
        return []
    k = max(1, min(k, n))
    ang = bearings(problem)
    order = np.argsort(ang, kind="stable")
    a = ang[order]
    gaps = np.diff(np.concatenate([a, [a[0] + 2 * np.pi]]))
    start = (int(gaps.argmax()) + 1) % n
    order = np.roll(order, -start)
    return [np.sort(part) for part in np.array_split(order, k)]


def split_fleet(problem: RoutingProblem, parts: list[np.ndarray]) -> list[pd.DataFrame]:
    """Fleet of each part: counts shared by parcel share (largest remainder)."""
    parcels = problem.stops["parcels"].to_numpy(float) + problem.stops["pickup_parcels"].to_numpy(
        float
    )
    share = np.array([parcels[p].sum() for p in parts], dtype=float)
    share = share / share.sum() if share.sum() > 0 else np.full(len(parts), 1 / len(parts))
    counts = np.zeros((len(parts), len(problem.fleet)), dtype=int)
    for j, c in enumerate(problem.fleet["count"].to_numpy(int)):
        exact = c * share
        base = np.floor(exact).astype(int)
        rest = c - int(base.sum())
        base[np.argsort(-(exact - base), kind="stable")[:rest]] += 1
        counts[:, j] = base
    out = []
    for i in range(len(parts)):
        f = problem.fleet.copy()
        f["count"] = counts[i]
        out.append(f)
    return out


def solve_part(sub: RoutingProblem, seconds: float, seed: int) -> list[RawRoute]:
    """Solve one sector; raw routes in the sector's own stop positions."""
    if sub.n_stops == 0 or int(sub.fleet["count"].sum()) == 0:
        return []
    data = to_pyvrp(sub)
    res = solve_data(data, seconds=seconds, seed=seed, workers=1)
    return raw_routes_from_solution(sub, data, res.solution)


def plan_routes_decomposed(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 60.0,
    seed: int = 0,
    n_sectors: int | None = None,
    client: Any | None = None,
    scheduler: str | None = None,
    local_cluster: bool = True,
    workers: int = 2,
    repair_share: float = 0.35,
    progress: Callable[[str, float], None] | None = None,
) -> RoutePlan:
    """Solve a large day by sectors in parallel, then repair boundaries.

    Parameters
    ----------
    problem
        The whole day.
    time_limit_s
        Total wall-time budget (sector waves + repair).
    seed
        Seed; sector ``j`` uses ``seed + j``.
    n_sectors
        Number of sectors; default ``ceil(stops / 1000)`` rounded up to a multiple
        of the worker count.
    client
        An existing ``dask.distributed.Client`` to use.
    scheduler
        Address of a Dask scheduler (``tcp://host:8786``) to connect to.
    local_cluster
        Without ``client``/``scheduler``: start a ``LocalCluster`` of ``workers``
        processes (``True``), or solve sectors in-process one by one (``False``).
    workers
        Worker processes of the local cluster (and parallel sector count).
    repair_share
        Share of the budget for the boundary repair search.
    progress
        Optional ``callback(phase, fraction_done)``.

    Returns
    -------
    RoutePlan
        Certified like :func:`~hinterland.routing.solve.plan_routes`; ``checks``
        add ``sectors``, ``sector_seconds``, ``repair_seconds``, ``merged_cost_usd``.
    """
    t0 = time.perf_counter()
    say = progress or (lambda phase, frac: None)
    with contextlib.ExitStack() as owned:
        if client is None and (scheduler or local_cluster):
            client = owned.enter_context(dask_client(scheduler, workers=workers))
        if client is not None:
            info = client.scheduler_info()
            n_workers = max(1, sum(w.get("nthreads", 1) for w in info["workers"].values()))
        else:
            n_workers = 1
        k = n_sectors or max(n_workers, math.ceil(problem.n_stops / STOPS_PER_SECTOR))
        if n_sectors is None:
            k = math.ceil(k / n_workers) * n_workers
        parts = sectors(problem, k)
        fleets = split_fleet(problem, parts)
        waves = math.ceil(len(parts) / n_workers)
        budget = max(time_limit_s - (time.perf_counter() - t0), 1.0)
        part_s = budget * (1 - repair_share) / waves
        subs = [problem.subset(p, f) for p, f in zip(parts, fleets, strict=True)]
        say("sectors", 0.0)
        results: list[list[RawRoute]] = []
        if client is not None:
            futs = [
                client.submit(solve_part, sub, part_s, seed + j, pure=False)
                for j, sub in enumerate(subs)
            ]
            from dask.distributed import as_completed

            for done, _f in enumerate(as_completed(futs), start=1):
                say("sectors", done / len(futs))
            results = [f.result() for f in futs]
        else:
            for j, sub in enumerate(subs):
                results.append(solve_part(sub, part_s, seed + j))
                say("sectors", (j + 1) / len(subs))
        sector_s = time.perf_counter() - t0
        merged: list[RawRoute] = []
        for part, routes in zip(parts, results, strict=True):
            for r in routes:
                merged.append(
                    RawRoute(r.vehicle_type, tuple(tuple(int(part[c]) for c in t) for t in r.trips),
                             r.wave_min)
                )
        data = to_pyvrp(problem)
        init = solution_from_raw(problem, data, merged)
        merged_cost = (
            float(init.distance_cost() + init.duration_cost() + init.fixed_vehicle_cost())
            / COST_PER_USD
        )
        say("repair", 0.0)
        share = LATE_PASS_SHARE if has_promises(problem) and problem.params.allow_late else 0.0
        repair_s = max((time_limit_s - (time.perf_counter() - t0)) * (1 - share), 0.5)
        res = solve_data(data, seconds=repair_s, seed=seed, workers=1, initial_solution=init)
        raw = raw_routes_from_solution(problem, data, res.solution, feasible_only=True)
        late_info: dict[str, Any] = {}
        if share:
            left = max(time_limit_s - (time.perf_counter() - t0), 0.2 * repair_s)
            problem, raw, late_info = late_pass(problem, raw, seconds=left, seed=seed)
        say("repair", 1.0)
        return finish_plan(
            problem,
            raw,
            seconds=time.perf_counter() - t0,
            status="feasible" if res.feasible else "repaired",
            extra_checks={
                "solver": "pyvrp-sectors",
                "sectors": len(parts),
                "sector_seconds": sector_s,
                "repair_seconds": repair_s,
                "merged_cost_usd": merged_cost,
                "iterations": res.iterations,
                **late_info,
            },
        )
