"""End-to-end jobs that chain the stages; ``hinterland demo`` runs :func:`rural_day_demo`.

Each step reads only the previous step's output table:

1. region: the ZIP areas of one state;
2. design: new rural hybrid hubs (stations with local stock) chosen for next-day coverage of
   rurality-weighted population (max coverage MILP, certified);
3. orders: one generated day of orders over a product catalogue;
4. promise: every order promised over the national network plus the new stations;
5. routes: the busiest new station's van parcels planned with PyVRP and verified.

The stages run on a :class:`~hinterland.plan.Plan`, which holds the tables and the
adapters between them (this module renames no column).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from hinterland.data.region import summarise_zip_areas
from hinterland.network.design import DesignSpec
from hinterland.plan import VAN_MODES, Plan
from hinterland.routing.outputs import kpis

__all__ = ["VAN_MODES", "rural_day_demo"]


def _population_by_class(table: pd.DataFrame, column: str) -> dict[str, int]:
    return {
        str(k): int(v) for k, v in table.groupby(column, observed=True)["population"].sum().items()
    }


def rural_day_demo(
    state: str = "MT",
    *,
    new_stations: int = 6,
    date: str = "2026-03-04",
    same_day_share: float = 0.2,
    route_seconds: float = 20.0,
    seed: int = 0,
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Design, promise and route one rural state's day; headline figures of each stage.

    Parameters
    ----------
    state
        Two-letter state code of the study region.
    new_stations
        Most new delivery stations to add.
    date
        The operating day (sets weekday and season of demand).
    same_day_share
        Share of orders that ask for same-day; the rest ask for next-day.
    route_seconds
        Routing time budget.
    seed
        Seed of demand, tiers, delivery points and the routing search.
    say
        Optional progress callback, called with the name of each stage.
    """
    note = say or (lambda _stage: None)
    note("region")
    p = Plan().region([state])
    assert p.zips is not None  # set by region()
    region = summarise_zip_areas(p.zips)

    note("design")
    p = p.design(DesignSpec(max_count=new_stations, target_class="next_day", time_limit=60.0),
                 min_population=1_000, kind="hybrid_hub")

    note("orders")
    p = p.orders(date, seed=seed, same_day_share=same_day_share)

    note("promise")
    p = p.promise()
    choices = p.promises
    assert choices is not None  # set by promise()
    mix = choices["mode"].fillna("none").value_counts()

    note("routes")
    p = p.routes(time_limit_s=route_seconds, seed=seed)
    plan, routes, problem = p.design_result, p.route_plan, p.route_problem
    assert plan is not None and routes is not None and problem is not None  # set by the stages
    assert p.order_table is not None and p.parcels is not None
    route_kpis = kpis(routes, problem)

    return {
        "state": state,
        "region": {k: region[k] for k in ("zip_areas", "population", "nonmetro_population")},
        "design": {
            "new_stations": plan.sites["id"].tolist(),
            "population_by_class_before": _population_by_class(plan.zips, "class_before"),
            "population_by_class_after": _population_by_class(plan.zips, "class_after"),
            "certificate": plan.certificate.to_dict(),
        },
        "orders": len(p.order_table),
        "promise": {
            "chosen_mode": {str(k): int(v) for k, v in mix.items()},
            "tier_met_share": float((choices["reason"] == "OK").mean()) if len(choices) else 0.0,
        },
        "routes": {
            "station": problem.station.station_id,
            "parcels": len(p.parcels),
            "stops": len(problem.raw_stops) - route_kpis["deferred"],  # today's
            **route_kpis,
            "certificate": routes.certificate.to_dict(),
        },
    }
