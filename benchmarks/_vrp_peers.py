"""Shared machinery of the routing benchmarks (``cvrp.py`` and ``vrptw.py``).

One :class:`Instance` (integer matrices, node 0 = depot) is handed to every solver;
each solver returns plain routes (lists of node indices), and :func:`check_routes`
re-checks them (every customer once, capacity, time windows on the *float*
distances) and prices them, so no solver grades itself.

Every solver call runs in a fresh subprocess with a hard wall-clock timeout
(``python benchmarks/_vrp_peers.py run ...``) so a slow or crashing peer cannot
hang or kill a benchmark run.

Solvers
-------
hinterland
    Ours: :func:`hinterland.routing.engine.solve_data` with
    ``workers=free_cores(2)`` (two PyVRP searches with different seeds for the same
    wall time, best kept, when two cores are idle; else one search); above 2,000
    customers (CVRP)
    :func:`hinterland.routing.engine.solve_data_sectors` (angular sectors solved in
    parallel, then two warm-started repair searches over the whole instance).
pyvrp
    Plain ``pyvrp.solve`` with default parameters, one core, seed 1.
ortools
    OR-Tools routing, PATH_CHEAPEST_ARC first solution then guided local search,
    one core.
vroom
    pyvroom, exploration level 5, one thread, with the same time budget as timeout.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SOLVERS = ("hinterland", "pyvrp", "ortools", "vroom")

#: Integer scale of Solomon distances and times (1/1000 unit).
SOLOMON_SCALE = 1000


@dataclass
class Instance:
    """A CVRP or VRPTW instance with node 0 the depot.

    ``dist`` is the integer cost matrix solvers minimise; ``dur`` the integer travel
    time matrix (ceil-rounded, so integer feasibility implies float feasibility);
    ``true_dist`` the float distance used to report costs (``None``: use ``dist``).
    """

    name: str
    coords: np.ndarray
    demand: np.ndarray
    capacity: int
    num_vehicles: int
    dist: np.ndarray
    dur: np.ndarray
    tw_early: np.ndarray | None = None
    tw_late: np.ndarray | None = None
    service: np.ndarray | None = None
    true_dist: np.ndarray | None = None
    scale: int = 1

    @property
    def n(self) -> int:
        """Number of customers."""
        return len(self.demand) - 1

    @property
    def has_tw(self) -> bool:
        """Whether the instance has time windows."""
        return self.tw_early is not None


def read_cvrp(path: Path) -> Instance:
    """Read a CVRPLIB ``.vrp`` (EUC_2D, rounded distances as in CVRPLIB)."""
    import vrplib

    inst = vrplib.read_instance(str(path))
    from scipy.spatial.distance import cdist

    coords = np.asarray(inst["node_coord"], dtype=float)
    dist = np.round(cdist(coords, coords)).astype(np.int64)
    demand = np.asarray(inst["demand"], dtype=np.int64)
    k = re.search(r"-k(\d+)", path.stem)
    kmin = int(k.group(1)) if k else math.ceil(demand.sum() / int(inst["capacity"]))
    return Instance(
        name=path.stem,
        coords=coords,
        demand=demand,
        capacity=int(inst["capacity"]),
        num_vehicles=max(kmin + max(2, kmin // 5), 1),
        dist=dist,
        dur=dist,
    )


def read_solomon(path: Path) -> Instance:
    """Read a Solomon VRPTW text file; distances and times scaled by 1000."""
    lines = path.read_text().splitlines()
    veh = None
    rows: list[list[float]] = []
    for i, line in enumerate(lines):
        if line.strip().startswith("NUMBER"):
            veh = [int(v) for v in lines[i + 1].split()]
        parts = line.split()
        if len(parts) == 7 and all(re.fullmatch(r"-?\d+(\.\d+)?", p) for p in parts):
            rows.append([float(p) for p in parts])
    if veh is None or not rows:
        raise ValueError(f"{path}: not a Solomon file")
    a = np.asarray(rows)
    coords = a[:, 1:3]
    dx = coords[:, None, :] - coords[None, :, :]
    true = np.sqrt((dx**2).sum(-1))
    s = SOLOMON_SCALE
    return Instance(
        name=path.stem,
        coords=coords,
        demand=a[:, 3].astype(np.int64),
        capacity=veh[1],
        num_vehicles=veh[0],
        dist=np.round(true * s).astype(np.int64),
        dur=np.ceil(true * s - 1e-9).astype(np.int64),
        tw_early=(a[:, 4] * s).astype(np.int64),
        tw_late=(a[:, 5] * s).astype(np.int64),
        service=(a[:, 6] * s).astype(np.int64),
        true_dist=true,
        scale=s,
    )


def read_bks_cost(sol: Path) -> float:
    """The ``Cost`` line of a CVRPLIB ``.sol`` file."""
    for line in sol.read_text().splitlines():
        if line.lower().startswith("cost"):
            return float(line.split()[1])
    raise ValueError(f"{sol}: no Cost line")


# --------------------------------------------------------------------------- solvers


def to_pyvrp(inst: Instance) -> Any:
    """PyVRP ``ProblemData`` of ``inst`` (built directly from the matrices)."""
    import pyvrp

    locs = [pyvrp.Location(float(x), float(y)) for x, y in inst.coords]
    big = np.iinfo(np.int64).max
    if inst.has_tw:
        assert inst.tw_early is not None and inst.tw_late is not None
        assert inst.service is not None
        depot = pyvrp.Depot(0, tw_early=int(inst.tw_early[0]), tw_late=int(inst.tw_late[0]))
        clients = [
            pyvrp.Client(
                i,
                delivery=[int(inst.demand[i])],
                service_duration=int(inst.service[i]),
                tw_early=int(inst.tw_early[i]),
                tw_late=int(inst.tw_late[i]),
            )
            for i in range(1, len(locs))
        ]
        vt = pyvrp.VehicleType(
            inst.num_vehicles,
            capacity=[inst.capacity],
            tw_early=int(inst.tw_early[0]),
            tw_late=int(inst.tw_late[0]),
        )
    else:
        depot = pyvrp.Depot(0)
        clients = [pyvrp.Client(i, delivery=[int(inst.demand[i])]) for i in range(1, len(locs))]
        vt = pyvrp.VehicleType(len(clients), capacity=[inst.capacity], tw_late=big)
    mats: list[Any] = [inst.dist, inst.dur]
    return pyvrp.ProblemData(locs, clients, [depot], [vt], mats[:1], mats[1:])


def _pyvrp_routes(sol: Any) -> list[list[int]]:
    return [[a.idx + 1 for a in r if a.is_client()] for r in sol.routes()]


def solve_hinterland(inst: Instance, secs: float, seed: int) -> list[list[int]]:
    """Our adapter on both cores: two seeded PyVRP searches in parallel, best kept; above
    2,000 customers, angular sectors in parallel then a warm-started repair."""
    from hinterland.routing.engine import free_cores, solve_data, solve_data_sectors

    data = to_pyvrp(inst)
    if inst.n > 2000 and not inst.has_tw:
        out = solve_data_sectors(data, seconds=secs, seed=seed, workers=2)
    else:
        out = solve_data(data, seconds=secs, seed=seed, workers=free_cores(2))
    return _pyvrp_routes(out.solution)


def solve_pyvrp(inst: Instance, secs: float, seed: int) -> list[list[int]]:
    """Plain PyVRP, default parameters."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    res = pyvrp.solve(to_pyvrp(inst), stop=MaxRuntime(secs), seed=seed, display=False)
    return _pyvrp_routes(res.best)


def solve_ortools(inst: Instance, secs: float, seed: int) -> list[list[int]]:
    """OR-Tools routing with guided local search."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(inst.demand)
    mgr = pywrapcp.RoutingIndexManager(n, inst.num_vehicles, 0)
    routing = pywrapcp.RoutingModel(mgr)
    dem = inst.demand.tolist()
    if n <= 2000:
        dist = inst.dist.tolist()

        def dist_cb(i: int, j: int) -> int:
            return dist[mgr.IndexToNode(i)][mgr.IndexToNode(j)]

    else:  # large CVRP: rounded Euclidean on the fly (a dense Python matrix is GBs)
        xy = inst.coords.tolist()

        def dist_cb(i: int, j: int) -> int:
            a, b = xy[mgr.IndexToNode(i)], xy[mgr.IndexToNode(j)]
            return round(math.hypot(a[0] - b[0], a[1] - b[1]))

    cb = routing.RegisterTransitCallback(dist_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(cb)
    dcb = routing.RegisterUnaryTransitCallback(lambda i: dem[mgr.IndexToNode(i)])
    routing.AddDimensionWithVehicleCapacity(dcb, 0, [inst.capacity] * inst.num_vehicles, True, "C")
    if inst.has_tw:
        assert inst.tw_early is not None and inst.tw_late is not None
        assert inst.service is not None
        dur = inst.dur.tolist()
        svc = inst.service.tolist()

        def time_cb(i: int, j: int) -> int:
            a, b = mgr.IndexToNode(i), mgr.IndexToNode(j)
            return svc[a] + dur[a][b]

        tcb = routing.RegisterTransitCallback(time_cb)
        horizon = int(inst.tw_late[0])
        routing.AddDimension(tcb, horizon, horizon, False, "T")
        tdim = routing.GetDimensionOrDie("T")
        for node in range(1, n):
            tdim.CumulVar(mgr.NodeToIndex(node)).SetRange(
                int(inst.tw_early[node]), int(inst.tw_late[node])
            )
        for v in range(inst.num_vehicles):
            tdim.CumulVar(routing.Start(v)).SetRange(int(inst.tw_early[0]), horizon)
            tdim.CumulVar(routing.End(v)).SetRange(int(inst.tw_early[0]), horizon)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(secs * 1000))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        return []
    routes: list[list[int]] = []
    for v in range(inst.num_vehicles):
        idx = routing.Start(v)
        r: list[int] = []
        idx = sol.Value(routing.NextVar(idx))
        while not routing.IsEnd(idx):
            r.append(mgr.IndexToNode(idx))
            idx = sol.Value(routing.NextVar(idx))
        if r:
            routes.append(r)
    return routes


def solve_vroom(inst: Instance, secs: float, seed: int) -> list[list[int]]:
    """pyvroom at exploration level 5, one thread, ``secs`` as its timeout."""
    from datetime import timedelta

    import vroom

    inp = vroom.Input()
    inp.set_durations_matrix("car", inst.dur.astype(np.uint32))
    inp.set_costs_matrix("car", inst.dist.astype(np.uint32))
    tw = None
    if inst.has_tw:
        assert inst.tw_early is not None and inst.tw_late is not None
        tw = vroom.TimeWindow(int(inst.tw_early[0]), int(inst.tw_late[0]))
    for v in range(inst.num_vehicles if inst.has_tw else inst.n):
        kw: dict[str, Any] = {"time_window": tw} if tw is not None else {}
        inp.add_vehicle(vroom.Vehicle(v + 1, start=0, end=0, capacity=[inst.capacity], **kw))
    jobs = []
    for i in range(1, len(inst.demand)):
        kw = {}
        if inst.has_tw:
            assert inst.tw_early is not None and inst.tw_late is not None
            assert inst.service is not None
            kw = {
                "time_windows": [vroom.TimeWindow(int(inst.tw_early[i]), int(inst.tw_late[i]))],
                "default_service": int(inst.service[i]),
            }
        jobs.append(vroom.Job(i, location=i, delivery=[int(inst.demand[i])], **kw))
    inp.add_job(jobs)
    sol = inp.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=secs))
    df = sol.routes
    df = df[df["type"] == "job"]
    return [list(map(int, g["id"])) for _, g in df.groupby("vehicle_id", sort=True)]


SOLVE = {
    "hinterland": solve_hinterland,
    "pyvrp": solve_pyvrp,
    "ortools": solve_ortools,
    "vroom": solve_vroom,
}


# --------------------------------------------------------------------------- checking


def check_routes(inst: Instance, routes: list[list[int]]) -> dict[str, Any]:
    """Independent check and price of ``routes`` (customer node lists).

    Returns ``feasible``, ``cost`` (reported distance units: CVRPLIB integers, Solomon
    floats), ``vehicles`` and ``problems`` (list of words).
    """
    problems: list[str] = []
    seen = np.zeros(len(inst.demand), dtype=int)
    cost = 0.0
    d = inst.true_dist if inst.true_dist is not None else inst.dist
    for r in routes:
        nodes = [0, *r, 0]
        for a, b in itertools.pairwise(nodes):
            cost += float(d[a, b])
        for c in r:
            seen[c] += 1
        if int(inst.demand[r].sum()) > inst.capacity:
            problems.append("capacity")
        if inst.has_tw:
            assert inst.tw_early is not None and inst.tw_late is not None
            assert inst.service is not None and inst.true_dist is not None
            s = inst.scale
            t = inst.tw_early[0] / s
            for a, b in itertools.pairwise(nodes):
                t += (inst.service[a] / s if a else 0.0) + inst.true_dist[a, b]
                if b:
                    t = max(t, inst.tw_early[b] / s)
                if t > inst.tw_late[b] / s + 1e-6:
                    problems.append(f"late at {b}")
                    break
    if (seen[1:] != 1).any():
        problems.append(f"{int((seen[1:] == 0).sum())} missing, {int((seen[1:] > 1).sum())} twice")
    if len(routes) > inst.num_vehicles and inst.has_tw:
        problems.append("too many vehicles")
    return {
        "feasible": not problems,
        "cost": cost,
        "vehicles": len(routes),
        "problems": problems,
    }


# --------------------------------------------------------------------------- driver


def run_one(kind: str, path: Path, solver: str, secs: float, seed: int = 1) -> dict[str, Any]:
    """Read, solve and check one instance in this process."""
    inst = read_cvrp(path) if kind == "cvrp" else read_solomon(path)
    t0 = time.perf_counter()
    routes = SOLVE[solver](inst, secs, seed)
    seconds = time.perf_counter() - t0
    out = check_routes(inst, routes)
    out.update(seconds=seconds, n=inst.n)
    return out


def run_isolated(
    kind: str, path: Path, solver: str, secs: float, hard_timeout: float, seed: int = 1
) -> dict[str, Any]:
    """:func:`run_one` in a subprocess killed after ``hard_timeout`` seconds."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "run",
        kind,
        str(path),
        solver,
        str(secs),
        str(seed),
    ]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=hard_timeout)
    except subprocess.TimeoutExpired:
        return {
            "feasible": False,
            "cost": math.nan,
            "vehicles": 0,
            "seconds": time.perf_counter() - t0,
            "problems": [f"killed after {hard_timeout:.0f} s"],
        }
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {
            "feasible": False,
            "cost": math.nan,
            "vehicles": 0,
            "seconds": time.perf_counter() - t0,
            "problems": [f"failed: {err[:120]}"],
        }
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def parse_common(argv: list[str] | None, budget_flag: str) -> argparse.Namespace:
    """Arguments shared by the two benchmark scripts."""
    p = argparse.ArgumentParser()
    p.add_argument("dir", type=Path)
    p.add_argument(budget_flag, type=float, required=True, dest="budget")
    p.add_argument("--only", default="", help="comma-separated instance names")
    p.add_argument("--solvers", default=",".join(SOLVERS))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--bks", type=Path, default=None)
    args = p.parse_args(argv)
    args.solvers = [s.strip() for s in args.solvers.split(",") if s.strip()]
    bad = [s for s in args.solvers if s not in SOLVERS]
    if bad:
        p.error(f"unknown solver(s) {bad}; choose from {SOLVERS}")
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    return args


def _main(argv: list[str]) -> None:
    if len(argv) >= 6 and argv[0] == "run":
        kind, path, solver, secs, seed = argv[1], Path(argv[2]), argv[3], float(argv[4]), argv[5]
        out = run_one(kind, path, solver, secs, int(seed))
        print(json.dumps(out))
        return
    raise SystemExit("usage: _vrp_peers.py run KIND PATH SOLVER SECS SEED")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    _main(sys.argv[1:])
