"""VRPTW benchmark: Solomon-format instances against a best-known CSV, all solvers.

Usage::

    python benchmarks/vrptw.py DIR --bks FILE --secs S [--only NAME,...]
        [--solvers hinterland,pyvrp,ortools,vroom] > results.csv

Every solver minimises total distance (times and distances scaled by 1000 to
integers, travel times rounded up so integer feasibility implies real
feasibility); the distance reported is recomputed in floating point by
``_vrp_peers.check_routes``, which also re-checks time windows and capacity.
``bks_distance`` is the distance-minimising best-known (``dist_min_distance``
column of the CSV). Prints CSV with header
``instance,n,solver,vehicles,distance,bks_distance,gap_pct,seconds,feasible``.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _vrp_peers import parse_common, run_isolated

HEADER = [
    "instance",
    "n",
    "solver",
    "vehicles",
    "distance",
    "bks_distance",
    "gap_pct",
    "seconds",
    "feasible",
]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print CSV."""
    args = parse_common(argv, "--secs")
    if args.bks is None:
        raise SystemExit("--bks FILE is required")
    bks: dict[str, float] = {}
    with args.bks.open() as fh:
        for row in csv.DictReader(fh):
            col = "dist_min_distance" if "dist_min_distance" in row else "distance"
            bks[row["instance"].upper()] = float(row[col])
    files = sorted(p for p in args.dir.iterdir() if p.suffix.lower() in (".txt", ".vrptw"))
    if args.only:
        only = {o.upper() for o in args.only}
        files = [f for f in files if f.stem.upper() in only]
    w = csv.writer(sys.stdout)
    w.writerow(HEADER)
    for f in files:
        ref = bks.get(f.stem.upper(), math.nan)
        for solver in args.solvers:
            out = run_isolated("solomon", f, solver, args.budget, 1.5 * args.budget + 60, args.seed)
            ok = bool(out["feasible"])
            dist = out["cost"] if ok else math.nan
            gap = 100.0 * (dist - ref) / ref if ok else math.nan
            w.writerow(
                [
                    f.stem,
                    out.get("n", ""),
                    solver,
                    out["vehicles"] if ok else "",
                    f"{dist:.2f}" if ok else "",
                    f"{ref:.2f}",
                    f"{gap:.3f}" if ok else "",
                    f"{out['seconds']:.1f}",
                    ok,
                ]
            )
            sys.stdout.flush()
            msg = f"{f.stem} {solver}: gap {gap:.2f}% veh {out['vehicles']} {out['seconds']:.0f}s"
            print(msg + ("" if ok else f" {out.get('problems')}"), file=sys.stderr)


if __name__ == "__main__":
    main()
