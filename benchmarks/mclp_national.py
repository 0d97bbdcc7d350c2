"""National maximal coverage benchmark: hinterland's MCLP beside PySAL spopt.

Usage::

    python benchmarks/mclp_national.py [DATA_DIR] [--p 50,200,1000] [--radius-min 60,30]
        [--candidates 10000] [--time-limit 120] [--gap 0.001] [--threads 2]
        [--peer-time-limit 300] [--peer-p 50] [--no-peer] [--out results.csv]
        [--coverage radius|promise] [--target next_day,same_day] [--order-time 12:00]
        [--profile-pairs]
    python benchmarks/mclp_national.py [DATA_DIR] --design-mixed [--stations 2000]
        [--budget-usd 300e6] [--capacity 2000] [--target next_day] [--time-limit 300]
        [--gap 0.005]

``DATA_DIR`` is a hinterland data mirror (default ``$HINTERLAND_DATA_DIR``). Demand:
every ZIP area, weighted by population. Candidates: the ``--candidates`` most
populous ZIP-area centroids. A ZIP area is covered by a candidate within the drive
time radius of hinterland's default travel model (great circle x circuity, speed by
the ZIP area's rurality, 5 min access). Prints CSV to stdout
(``radius_min,p,solver,objective,bound,gap,seconds,status,points,candidates,pairs``).

spopt's ``MCLP`` gets the same instance as a dense cost matrix (float32 drive
minutes, pairs outside the radius set beyond it) and solves with HiGHS through
PuLP, in a subprocess killed after ``--peer-time-limit`` plus a build allowance.

``--coverage promise`` builds the pairs as design does
(:func:`hinterland.network.design._coverage_pairs`, called as is): the candidates are
hybrid hubs at the ``--candidates`` most populous ZIP-area centroids, line haul comes
from the default network's fulfillment centers, and a hub covers a ZIP area when the
promise engine's mode rules give an order placed there at ``--order-time`` (local)
the ``--target`` tier or better from that hub alone
(:func:`hinterland.network.coverage.pair_tiers`). ZIP areas the fulfillment centers
already give that tier count as covered by existing sites. It prints
``coverage,target,p,solver,objective,bound,gap,seconds,status,points,candidates,pairs,
pairs_seconds,existing_rows`` (``pairs_seconds``: promise coverage of the existing
sites plus the pair building); ``--profile-pairs`` prints the pair building's
profile (top functions by cumulative time) to stderr. No peer runs in this mode.

``--design-mixed`` runs :func:`hinterland.network.design.design` nationally with a
budget over mixed kinds and a capacity per new site: existing sites are the default
network's fulfillment centers and synthetic stations, hubs and drone sites;
candidates are new delivery stations at the ``--stations`` most populous ZIP-area
centroids, a hybrid-hub upgrade of every existing station, and every partner post
office of the default network. It prints one line
(``target,stations,upgrades,post_offices,budget_usd,capacity_per_day,objective,bound,
gap,solver_seconds,design_seconds,status,chosen_by_kind``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HEADER = "radius_min,p,solver,objective,bound,gap,seconds,status,points,candidates,pairs"
PROMISE_HEADER = (
    "coverage,target,p,solver,objective,bound,gap,seconds,status,points,candidates,pairs,"
    "pairs_seconds,existing_rows"
)


def _instance(n_candidates: int, radius_min: float):
    from hinterland.data import zip_areas
    from hinterland.geo import TravelModel

    z = zip_areas()
    cands = z.nlargest(n_candidates, "population").reset_index(drop=True)
    pairs = TravelModel().within(z, cands, radius_min=radius_min)
    return z, cands, pairs


def _promise_instance(n_candidates: int, target: str, order_min: float, profile: bool):
    """ZIP areas, hub candidates, design's coverage pairs for ``target``, and timings."""
    import cProfile
    import pstats

    import pandas as pd

    from hinterland.data import zip_areas
    from hinterland.network.coverage import PROMISE_CLASSES, promise_coverage
    from hinterland.network.default_network import fulfillment_centers
    from hinterland.network.design import DesignSpec, _coverage_pairs
    from hinterland.operations import OperatingModel

    z = zip_areas().reset_index(drop=True)
    top = z.nlargest(n_candidates, "population")
    cands = pd.DataFrame(
        {
            "id": "zip-" + top["zip"].astype(str),
            "kind": "hybrid_hub",
            "lat": top["lat"].to_numpy(float),
            "lon": top["lon"].to_numpy(float),
            "holds_inventory": True,
        }
    ).reset_index(drop=True)
    fcs = fulfillment_centers()
    model = OperatingModel()
    spec = DesignSpec(target_class=target, weight="population", order_min=order_min)
    prof = cProfile.Profile() if profile else None
    t0 = time.perf_counter()
    if prof is not None:
        prof.enable()
    base = promise_coverage(z, fcs, model, order_min=spec.order_min)
    level = {c: i for i, c in enumerate(PROMISE_CLASSES)}
    before = base["promise_class"].map(level).to_numpy()
    rows, cols, existing_rows = _coverage_pairs(z, cands, fcs, spec, model, before)
    seconds = time.perf_counter() - t0
    if prof is not None:
        prof.disable()
        print(f"# pair building profile, target {target}", file=sys.stderr)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    return z, cands, rows, cols, existing_rows, seconds


def _run_promise(args: argparse.Namespace) -> int:
    """The six cases on the promise engine's coverage (``--coverage promise``)."""
    from hinterland.network.maxcover import solve_max_coverage

    hh, mm = (int(x) for x in args.order_time.split(":"))
    print(PROMISE_HEADER, flush=True)
    for target in (t for t in args.target.split(",") if t):
        z, cands, rows, cols, existing_rows, pair_s = _promise_instance(
            args.candidates, target, hh * 60.0 + mm, args.profile_pairs
        )
        size = f"{len(z)},{len(cands)},{len(rows)}"
        for p in (int(x) for x in args.p.split(",")):
            res = solve_max_coverage(
                z["population"].to_numpy(float),
                rows,
                cols,
                len(cands),
                max_count=p,
                existing_rows=existing_rows,
                time_limit=args.time_limit,
                mip_gap=args.gap,
                threads=args.threads,
            )
            c = res.certificate
            status = c.status if c.verified else f"{c.status}_UNVERIFIED"
            print(
                f"promise,{target},{p},hinterland,{c.objective:.0f},{c.bound:.0f},{c.gap:.6f},"
                f"{c.seconds:.2f},{status},{size},{pair_s:.2f},{len(existing_rows)}",
                flush=True,
            )
            stats = json.dumps(res.stats.to_dict())
            print(f"# stats promise {target} p={p}: {stats}", file=sys.stderr, flush=True)
    return 0


def _run_mixed(args: argparse.Namespace) -> int:
    """The budgeted mixed-kind national design with a capacity (``--design-mixed``)."""
    import pandas as pd

    from hinterland.data import zip_areas
    from hinterland.network.default_network import (
        fulfillment_centers,
        partner_post_offices,
        synthetic_sites,
    )
    from hinterland.network.design import DesignSpec, design, upgrade_candidates

    z = zip_areas().reset_index(drop=True)
    cols = ["id", "kind", "lat", "lon", "holds_inventory"]
    existing = pd.concat([fulfillment_centers()[cols], synthetic_sites(z)[cols]], ignore_index=True)
    top = z.nlargest(args.stations, "population")
    stations = pd.DataFrame(
        {
            "id": "zip-" + top["zip"].astype(str),
            "kind": "delivery_station",
            "lat": top["lat"].to_numpy(float),
            "lon": top["lon"].to_numpy(float),
            "holds_inventory": False,
        }
    )
    upgrades = upgrade_candidates(existing)
    offices = partner_post_offices()[cols]
    cands = pd.concat([stations, upgrades, offices], ignore_index=True)
    target = args.target.split(",")[0]
    spec = DesignSpec(
        target_class=target,
        max_count=len(cands),
        budget_usd=args.budget_usd,
        capacity_per_day=args.capacity,
        time_limit=args.time_limit,
        mip_gap=args.gap,
        threads=args.threads,
    )
    t0 = time.perf_counter()
    res = design(z, cands, existing, spec)
    wall = time.perf_counter() - t0
    c = res.certificate
    status = c.status if c.verified else f"{c.status}_UNVERIFIED"
    kinds = ";".join(f"{k}={v}" for k, v in res.sites["kind"].value_counts().sort_index().items())
    print(
        "target,stations,upgrades,post_offices,budget_usd,capacity_per_day,objective,bound,gap,"
        "solver_seconds,design_seconds,status,chosen_by_kind"
    )
    print(
        f"{target},{len(stations)},{len(upgrades)},{len(offices)},{args.budget_usd:.0f},"
        f"{args.capacity:g},{c.objective:.0f},{c.bound:.0f},{c.gap:.6f},{c.seconds:.2f},"
        f"{wall:.2f},{status},{kinds}",
        flush=True,
    )
    return 0


def _spopt_one(n_candidates: int, radius_min: float, p: int, time_limit: float) -> None:
    """Child process: spopt MCLP on the same instance; prints one JSON line."""
    import numpy as np
    import pulp
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    z, cands, pairs = _instance(n_candidates, radius_min)
    cost = np.full((len(z), len(cands)), radius_min + 1.0, dtype=np.float32)
    cost[pairs["point"].to_numpy(), pairs["centre"].to_numpy()] = pairs["drive_min"].to_numpy()
    model = MCLP.from_cost_matrix(cost, z["population"].to_numpy(float), radius_min, p_facilities=p)
    build = time.perf_counter() - t0
    print(json.dumps({"phase": "built", "seconds": build}), flush=True)
    model.solve(pulp.HiGHS(msg=False, timeLimit=time_limit, threads=1))
    seconds = time.perf_counter() - t0
    status = pulp.LpStatus[model.problem.status]
    value = pulp.value(model.problem.objective)
    print(json.dumps({"objective": value, "status": status, "seconds": seconds, "build": build}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("data_dir", nargs="?")
    ap.add_argument("--p", default="50,200,1000")
    ap.add_argument("--radius-min", default="60,30")
    ap.add_argument("--candidates", type=int, default=10000)
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--gap", type=float, default=0.001)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--peer-time-limit", type=float, default=300.0)
    ap.add_argument("--peer-p", default="50", help="p values spopt is run for")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--coverage", choices=("radius", "promise"), default="radius")
    ap.add_argument("--target", default="next_day,same_day", help="tiers (promise coverage)")
    ap.add_argument("--order-time", default="12:00", help="local order time (promise coverage)")
    ap.add_argument("--profile-pairs", action="store_true")
    ap.add_argument("--design-mixed", action="store_true")
    ap.add_argument("--stations", type=int, default=2000, help="new-station candidates (mixed)")
    ap.add_argument("--budget-usd", type=float, default=300e6, help="budget (mixed)")
    ap.add_argument("--capacity", type=float, default=2000.0, help="parcels/day per new site")
    ap.add_argument("--spopt-one", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.data_dir:
        os.environ["HINTERLAND_DATA_DIR"] = args.data_dir
    if args.spopt_one:
        n_c, rad, p, lim = args.spopt_one
        _spopt_one(int(n_c), float(rad), int(p), float(lim))
        return 0
    if args.design_mixed:
        return _run_mixed(args)
    if args.coverage == "promise":
        return _run_promise(args)
    from hinterland.network.maxcover import solve_max_coverage

    print(HEADER, flush=True)
    peer_p = {int(x) for x in args.peer_p.split(",") if x}
    for rad in (float(x) for x in args.radius_min.split(",")):
        z, cands, pairs = _instance(args.candidates, rad)
        size = f"{len(z)},{len(cands)},{len(pairs)}"
        for p in (int(x) for x in args.p.split(",")):
            res = solve_max_coverage(
                z["population"].to_numpy(float),
                pairs["point"].to_numpy(),
                pairs["centre"].to_numpy(),
                len(cands),
                max_count=p,
                time_limit=args.time_limit,
                mip_gap=args.gap,
                threads=args.threads,
            )
            c = res.certificate
            status = c.status if c.verified else f"{c.status}_UNVERIFIED"
            print(
                f"{rad:g},{p},hinterland,{c.objective:.0f},{c.bound:.0f},{c.gap:.6f},"
                f"{c.seconds:.2f},{status},{size}",
                flush=True,
            )
            if args.no_peer or p not in peer_p:
                continue
            cmd = [
                sys.executable,
                __file__,
                "--spopt-one",
                str(args.candidates),
                str(rad),
                str(p),
                str(args.peer_time_limit),
            ]
            t0 = time.perf_counter()
            try:
                out = subprocess.run(
                    cmd,
                    capture_output=True,
                    text=True,
                    check=False,
                    timeout=args.peer_time_limit + 600,
                )
                lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
                info = json.loads(lines[-1]) if lines else None
                why = (out.stderr.strip().splitlines() or ["no output"])[-1][:80].replace(",", ";")
            except subprocess.TimeoutExpired as exc:
                partial = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout
                phase = "solving" if partial and '"built"' in partial else "building the model"
                info, why = None, f"killed while {phase} after time limit + build allowance"
            wall = time.perf_counter() - t0
            if info is None or "objective" not in info:
                print(f"{rad:g},{p},spopt,,,,{wall:.2f},failed: {why},{size}", flush=True)
                continue
            obj = info["objective"]
            status = (
                "optimal"
                if info["status"] == "Optimal"
                and info["seconds"] - info["build"] < args.peer_time_limit
                else f"{info['status']} (time limit)"
            )
            print(
                f"{rad:g},{p},spopt,{obj:.0f},,,{info['seconds']:.2f},"
                f"{status} build {info['build']:.0f}s,{size}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
