"""Thin PyVRP solve adapter: time limit, seed, optional parallel seeded searches.

This module only runs the search; it does not know about stops, vans or
parcels (see :mod:`hinterland.routing.solve`) and never judges feasibility
of the routes it returns for the user (see :mod:`hinterland.routing.verify`).
"""

from __future__ import annotations

import math
import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

#: Above this many clients searches start from :func:`sweep_solution`.
SWEEP_ABOVE = 1500


@dataclass(frozen=True)
class EngineResult:
    """Best solution of one or more PyVRP searches.

    Attributes
    ----------
    solution
        Best ``pyvrp.Solution`` found (feasible ones preferred, then lowest cost).
    cost
        Its PyVRP objective (problem integer units); ``inf`` when infeasible.
    feasible
        PyVRP's own view of feasibility (the user-facing check is separate).
    seconds
        Wall time of the whole call.
    iterations
        Iterations summed over the searches.
    seeds
        Seeds of the searches that ran.
    """

    solution: Any
    cost: float
    feasible: bool
    seconds: float
    iterations: int
    seeds: tuple[int, ...]


def free_cores(limit: int = 2) -> int:
    """Cores idle right now (CPU count minus the 1-minute load average), 1..``limit``.

    Parallel seeded searches only pay when cores are idle: on a loaded machine two
    searches share one core and each gets half the iterations of a single one.
    """
    import os

    cpus = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover - platforms without load average
        load = 0.0
    return max(1, min(limit, int(cpus - load + 0.5)))


def _one(data: Any, seconds: float, seed: int, initial: Any | None) -> tuple[Any, float, int]:
    res = pyvrp.solve(
        data,
        stop=MaxRuntime(max(seconds, 0.01)),
        seed=seed,
        display=False,
        collect_stats=False,
        initial_solution=initial,
    )
    return res.best, float(res.cost()), int(res.num_iterations)


# Problem data handed to forked search processes by inheritance, not by pickling:
# a pickled ProblemData of 15,000 clients is 3.6 GB per search (matrices in full),
# which ran a 2-core, 24 GB machine out of memory. Fork shares the pages instead.
_INHERITED: dict[int, Any] = {}


def _one_inherited(
    key: int, seconds: float, seed: int, initial: Any | None
) -> tuple[Any, float, int]:
    return _one(_INHERITED[key], seconds, seed, initial)


def _parallel(data: Any, seconds: float, seeds: tuple[int, ...], initial: Any | None) -> list[Any]:
    """One search per seed, each in a forked process that inherits ``data``."""
    key = id(data)
    _INHERITED[key] = data
    try:
        ctx = mp.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(seeds), mp_context=ctx) as pool:
            futs = [pool.submit(_one_inherited, key, seconds, s, initial) for s in seeds]
            return [f.result() for f in futs]
    finally:
        _INHERITED.pop(key, None)


def solve_data(
    data: Any,
    *,
    seconds: float,
    seed: int = 0,
    workers: int = 1,
    initial_solution: Any | None = None,
) -> EngineResult:
    """Solve a ``pyvrp.ProblemData`` within ``seconds`` of wall time.

    Parameters
    ----------
    data
        The PyVRP problem.
    seconds
        Wall-time budget of each search (all run at the same time).
    seed
        Seed of the first search; search ``k`` uses ``seed + 7919 * k``.
    workers
        Number of parallel searches (separate processes). Inside a daemon process
        (e.g. a Dask worker) this falls back to one search in-process.
    initial_solution
        Optional starting solution given to every search; above
        :data:`SWEEP_ABOVE` clients :func:`sweep_solution` by default.

    Returns
    -------
    EngineResult
    """
    t0 = time.perf_counter()
    if initial_solution is None and data.num_clients > SWEEP_ABOVE:
        initial_solution = sweep_solution(data)
    seeds = tuple(seed + 7919 * k for k in range(max(workers, 1)))
    if len(seeds) == 1 or mp.current_process().daemon:
        seeds = seeds[:1]
        outs = [_one(data, seconds, seeds[0], initial_solution)]
    else:
        outs = _parallel(data, seconds, seeds, initial_solution)
    return _best(outs, seeds, t0)


def _sub_data(data: Any, clients: np.ndarray, counts: list[int]) -> Any:
    """``data`` restricted to the given client indices (single depot, no groups), with
    ``counts[t]`` vehicles of type ``t`` (types with none are left out)."""
    n_dep = data.num_depots
    depot_locs = [data.depot(d).location for d in range(n_dep)]
    cl = [data.client(int(c)) for c in clients]
    locs_idx = np.array(depot_locs + [c.location for c in cl], dtype=int)
    new_clients = [
        pyvrp.Client(
            n_dep + i,
            delivery=list(c.delivery),
            pickup=list(c.pickup),
            service_duration=c.service_duration,
            tw_early=c.tw_early,
            tw_late=c.tw_late,
            release_time=c.release_time,
            prize=c.prize,
            required=c.required,
            name=c.name,
        )
        for i, c in enumerate(cl)
    ]
    depots = [data.depot(d) for d in range(n_dep)]
    depots = [
        pyvrp.Depot(
            k,
            tw_early=d.tw_early,
            tw_late=d.tw_late,
            service_duration=d.service_duration,
            name=d.name,
        )
        for k, d in enumerate(depots)
    ]
    sel = np.ix_(locs_idx, locs_idx)
    vtypes = [
        data.vehicle_type(t).replace(num_available=int(c)) for t, c in enumerate(counts) if c > 0
    ]
    return data.replace(
        locations=[data.location(int(i)) for i in locs_idx],
        clients=new_clients,
        depots=depots,
        vehicle_types=vtypes,
        distance_matrices=[np.ascontiguousarray(m[sel]) for m in data.distance_matrices()],
        duration_matrices=[np.ascontiguousarray(m[sel]) for m in data.duration_matrices()],
    )


def client_sectors(data: Any, k: int) -> list[np.ndarray]:
    """Client indices cut into ``k`` equal angular sectors around depot 0.

    The cut starts at the widest bearing gap between consecutive clients.
    """
    d = data.location(data.depot(0).location)
    xy = np.array(
        [[data.location(c.location).x, data.location(c.location).y] for c in data.clients()]
    )
    ang = np.mod(np.arctan2(xy[:, 1] - d.y, xy[:, 0] - d.x), 2 * np.pi)
    order = np.argsort(ang, kind="stable")
    a = ang[order]
    gaps = np.diff(np.concatenate([a, [a[0] + 2 * np.pi]]))
    order = np.roll(order, -((int(gaps.argmax()) + 1) % len(order)))
    return [np.sort(p) for p in np.array_split(order, max(1, min(k, len(order))))]


def solve_data_sectors(
    data: Any,
    *,
    seconds: float,
    seed: int = 0,
    n_sectors: int | None = None,
    workers: int = 2,
    repair_share: float = 0.35,
) -> EngineResult:
    """Large instances: angular sectors solved in parallel, then a warm-started repair.

    Meant for one depot, vehicle types with enough vehicles for every sector
    (e.g. CVRP with an unlimited fleet) and no client groups or shipments; the
    station-day path with fleet limits and Dask is
    :func:`hinterland.routing.decompose.plan_routes_decomposed`.

    ``(1 - repair_share)`` of the time goes to ``ceil(k / workers)`` waves of
    sector searches (``k`` default: ``workers * ceil(n / (2000 * workers))``); the
    merged routes then warm-start ``workers`` seeded searches over the whole
    instance for the rest of the time, best kept.
    """
    t0 = time.perf_counter()
    n = data.num_clients
    k = n_sectors or workers * math.ceil(n / (2000 * workers))
    parts = client_sectors(data, k)
    waves = math.ceil(len(parts) / workers)
    part_s = seconds * (1 - repair_share) / waves
    demand = np.array([sum(c.delivery) + sum(c.pickup) for c in data.clients()], dtype=float)
    share = np.array([demand[p].sum() for p in parts]) + 1e-9
    share /= share.sum()
    counts = np.zeros((len(parts), data.num_vehicle_types), dtype=int)
    for t in range(data.num_vehicle_types):
        avail = data.vehicle_type(t).num_available
        exact = avail * share
        base = np.floor(exact).astype(int)
        base[np.argsort(-(exact - base), kind="stable")[: avail - int(base.sum())]] += 1
        counts[:, t] = base
    subs = [
        _sub_data(data, p, counts[j].tolist()) if counts[j].sum() > 0 else None
        for j, p in enumerate(parts)
    ]
    ctx = mp.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futs = [
            pool.submit(_one, s, part_s, seed + j, None) if counts[j].sum() > 0 else None
            for j, s in enumerate(subs)
        ]
        sols = [f.result()[0] if f is not None else None for f in futs]
        routes = []
        for j, (part, sol) in enumerate(zip(parts, sols, strict=True)):
            if sol is None:  # no vehicle left for this sector: the repair inserts its clients
                continue
            tmap = [t for t in range(data.num_vehicle_types) if counts[j, t] > 0]
            for r in sol.routes():
                acts = [
                    pyvrp.Activity(pyvrp.ActivityType.DEPOT, 0)
                    if a.is_depot()
                    else pyvrp.Activity(pyvrp.ActivityType.CLIENT, int(part[a.idx]))
                    for a in r.schedule()[1:-1]
                ]
                routes.append(pyvrp.Route(data, acts, tmap[r.vehicle_type()]))
    init = pyvrp.Solution(data, routes)
    left = max(seconds - (time.perf_counter() - t0), 0.5)
    seeds = tuple(seed + 104729 * (j + 1) for j in range(workers))
    return _best(_parallel(data, left, seeds, init), seeds, t0)


def sweep_solution(data: Any) -> Any:
    """A quick start for large instances: sweep around depot 0, nearest-neighbour order.

    Clients sorted by bearing from the depot are cut into routes that stay within
    the vehicle type's capacity (every load dimension) and, by a rough estimate
    (service + travel between consecutive clients + twice the mean depot leg),
    within its shift duration; each route is then ordered by nearest neighbour
    from the depot. Vehicle types are used in order until their counts run out;
    clients left over stay unplanned. Time windows are ignored: the search that
    starts from this solution repairs them. PyVRP's default start (a random
    solution improved by an exhaustive local search) takes minutes above a few
    thousand clients; this takes a fraction of a second.
    """
    n = data.num_clients
    if n == 0:
        return pyvrp.Solution(data, [])
    depot_loc = data.depot(0).location
    d = data.location(depot_loc)
    cl = data.clients()
    locs = np.array([c.location for c in cl])
    xy = np.array([[data.location(int(i)).x, data.location(int(i)).y] for i in locs])
    ang = np.mod(np.arctan2(xy[:, 1] - d.y, xy[:, 0] - d.x), 2 * np.pi)
    order = np.argsort(ang, kind="stable")
    a = ang[order]
    gaps = np.diff(np.concatenate([a, [a[0] + 2 * np.pi]]))
    order = np.roll(order, -((int(gaps.argmax()) + 1) % n))
    dist = data.distance_matrix(0)
    dur = data.duration_matrix(0)
    loads = np.array(
        [[max(x, y) for x, y in zip(c.delivery, c.pickup, strict=False)] or [0] for c in cl],
        dtype=float,
    )
    service = np.array([c.service_duration for c in cl], dtype=float)
    slots = [
        (t, data.vehicle_type(t))
        for t in range(data.num_vehicle_types)
        for _ in range(min(data.vehicle_type(t).num_available, n))
    ]
    routes: list[Any] = []
    pos = 0
    for t, vt in slots:
        if pos >= n:
            break
        cap = np.array(vt.capacity, dtype=float) if len(vt.capacity) else np.array([np.inf])
        shift = float(min(vt.shift_duration, np.iinfo(np.int64).max // 4))
        members: list[int] = []
        load = np.zeros(loads.shape[1])
        time_used = 0.0
        depot_leg = 0.0
        while pos < n:
            c = int(order[pos])
            add = loads[c][: len(cap)]
            leg = float(dur[locs[members[-1]], locs[c]]) if members else 0.0
            dl = float(dur[depot_loc, locs[c]])
            est = time_used + leg + service[c] + 2 * max(depot_leg, dl)
            if members and ((load[: len(cap)] + add > cap).any() or est > 0.9 * shift):
                break
            members.append(c)
            load[: len(add)] += add
            time_used += leg + service[c]
            depot_leg = (depot_leg * (len(members) - 1) + dl) / len(members)
            pos += 1
        # nearest-neighbour order within the route
        rest = set(members)
        cur = depot_loc
        seq: list[int] = []
        while rest:
            nxt = min(rest, key=lambda m: dist[cur, locs[m]])
            seq.append(nxt)
            rest.remove(nxt)
            cur = int(locs[nxt])
        acts = [pyvrp.Activity(pyvrp.ActivityType.CLIENT, m) for m in seq]
        routes.append(pyvrp.Route(data, acts, t))
    return pyvrp.Solution(data, routes)


def _best(outs: list[Any], seeds: tuple[int, ...], t0: float) -> EngineResult:
    """The best search outcome (feasible first, then cheapest), with totals of all searches."""
    best = min(outs, key=lambda o: (not o[0].is_feasible(), o[1]))
    return EngineResult(
        solution=best[0],
        cost=best[1],
        feasible=bool(best[0].is_feasible()),
        seconds=time.perf_counter() - t0,
        iterations=sum(o[2] for o in outs),
        seeds=seeds,
    )
