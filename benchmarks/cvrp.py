"""CVRP benchmark: gap to best-known on CVRPLIB-format instances, all solvers same run.

Usage::

    python benchmarks/cvrp.py DIR --secs-per-100 S [--only NAME,...]
        [--solvers hinterland,pyvrp,ortools,vroom] [--secs T] [--no-header] > results.csv

Reads every ``.vrp`` with its ``.sol`` in ``DIR``; each solver gets
``S * customers / 100`` seconds (``T`` seconds per instance with ``--secs``), runs
in its own subprocess with a hard timeout (``1.5 x budget + 60 s``) and its routes
are re-checked and priced by ``_vrp_peers.check_routes``. Prints CSV on stdout with header
``instance,n,bks,solver,cost,gap_pct,seconds,feasible``; progress goes to stderr.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _vrp_peers import parse_common, read_bks_cost, run_isolated

HEADER = ["instance", "n", "bks", "solver", "cost", "gap_pct", "seconds", "feasible"]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print CSV."""
    import argparse

    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--secs", type=float, default=None)
    extra.add_argument("--no-header", action="store_true")
    opts, rest = extra.parse_known_args(argv)
    if opts.secs is not None and "--secs-per-100" not in rest:
        rest += ["--secs-per-100", "0"]
    args = parse_common(rest, "--secs-per-100")
    files = sorted(args.dir.glob("*.vrp"))
    if args.only:
        files = [f for f in files if f.stem in args.only]
    w = csv.writer(sys.stdout)
    if not opts.no_header:
        w.writerow(HEADER)
    for f in files:
        sol = f.with_suffix(".sol")
        if not sol.exists():
            print(f"skip {f.name}: no .sol", file=sys.stderr)
            continue
        bks = read_bks_cost(sol)
        with f.open() as fh:
            dim = next(int(ln.split(":")[1]) for ln in fh if ln.startswith("DIMENSION"))
        n = dim - 1
        secs = opts.secs if opts.secs is not None else args.budget * n / 100.0
        for solver in args.solvers:
            out = run_isolated("cvrp", f, solver, secs, 1.5 * secs + 60, args.seed)
            cost = out["cost"] if out["feasible"] else math.nan
            gap = 100.0 * (cost - bks) / bks if out["feasible"] else math.nan
            w.writerow(
                [
                    f.stem,
                    n,
                    f"{bks:.0f}",
                    solver,
                    f"{cost:.0f}" if out["feasible"] else "",
                    f"{gap:.3f}" if out["feasible"] else "",
                    f"{out['seconds']:.1f}",
                    out["feasible"],
                ]
            )
            sys.stdout.flush()
            msg = f"{f.stem} {solver}: gap {gap:.2f}% in {out['seconds']:.0f}s"
            print(msg + ("" if out["feasible"] else f" {out.get('problems')}"), file=sys.stderr)


if __name__ == "__main__":
    main()
