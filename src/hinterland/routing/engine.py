"""Thin PyVRP solve adapter: time limit, seed, optional parallel seeded searches.

This module only runs the search; it does not know about stops, vans or
parcels (see :mod:`hinterland.routing.solve`) and never judges feasibility
of the routes it returns for the user (see :mod:`hinterland.routing.verify`).
"""

from __future__ import annotations

import multiprocessing as mp
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import pyvrp
from pyvrp.stop import MaxRuntime


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
        Optional starting solution given to every search.

    Returns
    -------
    EngineResult
    """
    t0 = time.perf_counter()
    seeds = tuple(seed + 7919 * k for k in range(max(workers, 1)))
    if len(seeds) == 1 or mp.current_process().daemon:
        seeds = seeds[:1]
        outs = [_one(data, seconds, seeds[0], initial_solution)]
    else:
        ctx = mp.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(seeds), mp_context=ctx) as pool:
            futs = [pool.submit(_one, data, seconds, s, initial_solution) for s in seeds]
            outs = [f.result() for f in futs]
    best = min(outs, key=lambda o: (not o[0].is_feasible(), o[1]))
    return EngineResult(
        solution=best[0],
        cost=best[1],
        feasible=bool(best[0].is_feasible()),
        seconds=time.perf_counter() - t0,
        iterations=sum(o[2] for o in outs),
        seeds=seeds,
    )
