"""Sector decomposition vs one monolithic PyVRP solve at the same wall time.

Usage::

    python benchmarks/routing_decompose.py --county 30095 --stops 2500,5000 \
        --secs 60 [--seed 1] > benchmarks/results/cvrp_station_day_decompose.csv

For each size a rural station day is generated (real ZIP areas of the county,
:func:`hinterland.routing.station_day` with ready and due times, vans on the operating
model's waves), then solved twice with the same total
wall-time budget on the same machine:

* ``monolithic``: :func:`hinterland.routing.plan_routes` with ``workers=2`` (two
  seeded searches on both cores, best kept);
* ``sectors``: :func:`hinterland.routing.plan_routes_decomposed` on a Dask
  ``LocalCluster`` of 2 worker processes (cluster start-up counted in the time).

Both plans are verified independently; the CSV has
``county,stops,method,seconds,cost_usd,km,routes,unserved,verified,merged_cost_usd``.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys


def main(argv: list[str] | None = None) -> None:
    """Run the comparison and print CSV."""
    from hinterland.routing import (
        build_problem,
        default_fleet,
        plan_routes,
        plan_routes_decomposed,
        station_day,
    )

    ap = argparse.ArgumentParser()
    ap.add_argument("--county", default="30095")
    ap.add_argument("--stops", default="2500")
    ap.add_argument("--secs", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    w = csv.writer(sys.stdout)
    w.writerow(
        [
            "county",
            "stops",
            "method",
            "seconds",
            "cost_usd",
            "km",
            "routes",
            "unserved",
            "verified",
            "merged_cost_usd",
        ]
    )
    for n in (int(x) for x in args.stops.split(",")):
        stops, station = station_day(args.county, n, seed=args.seed, handoffs=3, promises=True)
        vans = max(40, math.ceil(n / 60))
        problem = build_problem(stops, default_fleet(vans, vans // 5), station)
        for method in ("monolithic", "sectors"):
            if method == "monolithic":
                plan = plan_routes(problem, time_limit_s=args.secs, seed=args.seed, workers=2)
            else:
                plan = plan_routes_decomposed(
                    problem, time_limit_s=args.secs, seed=args.seed, workers=2
                )
            c = plan.certificate
            w.writerow(
                [
                    args.county,
                    n,
                    method,
                    f"{c.seconds:.1f}",
                    f"{c.objective:.2f}",
                    f"{c.checks['km']:.1f}",
                    c.checks["routes"],
                    c.checks["unserved"],
                    c.verified,
                    f"{c.checks.get('merged_cost_usd', math.nan):.2f}",
                ]
            )
            sys.stdout.flush()
            print(
                f"{n} {method}: {c.objective:.0f} USD in {c.seconds:.0f}s verified={c.verified}",
                file=sys.stderr,
            )


if __name__ == "__main__":
    main()
