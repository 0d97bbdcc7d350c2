"""Worked example 3: route a day -- one station's promised orders, routed and verified.

Takes the planner's Vermont sites (``examples/facilities.csv``) on top of the
national demo network, generates one day of Vermont orders, promises every order,
and routes the vans of the planner's hybrid hub ``vt-1``: parcels are ready when
the promise's pick (or line-haul and sort) is done and due at their promise.
Parcels promised for tomorrow wait for tomorrow's routes. The routes are checked
by a verifier that did not build them (on a busy machine a 6 s search may end
without a feasible plan: the certificate then says so). Writes the route sheets
as CSV.

Run from anywhere::

    python examples/route_a_day.py [OUT_DIR]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd

import hinterland as hl

HERE = Path(__file__).resolve().parent


def main(out_dir: Path) -> hl.Plan:
    """Route one day of ``vt-1``; write ``routes.csv``."""
    mine = hl.load_facilities(HERE / "facilities.csv")
    network = pd.concat([hl.default_facilities(), mine], ignore_index=True)
    plan = hl.Plan(existing=network).region(["VT"])
    plan = plan.orders("2026-03-04", seed=0).promise()
    plan = plan.routes("vt-1", time_limit_s=6.0)
    routes, problem = plan.route_plan, plan.route_problem
    assert routes is not None and problem is not None and plan.parcels is not None
    print(f"vt-1: {len(plan.parcels):,} van parcels promised, {problem.n_stops:,} stops "
          f"routed today, {len(routes.unserved):,} left for later")
    print(routes.unserved["reason"].value_counts().to_string())
    by_type = routes.summary.groupby("vehicle_type").agg(
        vans=("vehicle_type", "size"), stops=("stops", "sum"), km=("km", "sum"))
    print(by_type.round(1).to_string())
    cert = routes.certificate
    searched = math.isfinite(float(cert.checks.get("pyvrp_cost_usd", math.nan)))
    print(f"verified={cert.verified} status={cert.status} cost_usd={cert.objective:,.2f} "
          f"search_feasible={searched}")
    if not cert.verified:
        kinds = routes.violations["kind"].value_counts()
        print("violations: " + ", ".join(f"{k}={n}" for k, n in kinds.items()))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = hl.write_table(routes.routes, out_dir / "routes.csv")
    print(f"wrote {path}")
    return plan


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/route_a_day"))
