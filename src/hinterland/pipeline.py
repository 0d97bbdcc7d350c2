"""End-to-end jobs that chain the stages; ``hinterland demo`` runs :func:`rural_day_demo`.

Each step reads only the previous step's output table:

1. region: the ZIP areas of one state;
2. design: new rural hybrid hubs (stations with local stock) chosen for next-day coverage of
   rurality-weighted population (max coverage MILP, certified);
3. orders: one generated day of orders over a product catalogue;
4. promise: every order promised over the national network plus the new stations;
5. routes: the busiest new station's van parcels planned with PyVRP and verified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from hinterland.data.region import select_zip_areas, summarise_zip_areas
from hinterland.data.zip_areas import zip_areas
from hinterland.demand.catalogue import generate_catalogue
from hinterland.demand.orders import generate_orders
from hinterland.demand.points import scatter_points
from hinterland.network.default_network import default_facilities
from hinterland.network.design import DesignSpec, design, zip_candidates
from hinterland.network.facilities import facilities_frame
from hinterland.promise.engine import PromiseEngine
from hinterland.routing import (
    Station,
    build_problem,
    default_fleet,
    parcels_to_stops,
    plan_routes,
    plan_routes_decomposed,
)
from hinterland.routing.outputs import kpis

#: Van modes whose last mile runs from one of our stations.
VAN_MODES = ("hub_van", "fc_van")


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
    zips = select_zip_areas(zip_areas(), [state]).reset_index(drop=True)
    region = summarise_zip_areas(zips)

    note("design")
    existing = default_facilities()
    spec = DesignSpec(max_count=new_stations, target_class="next_day", time_limit=60.0)
    candidates = zip_candidates(zips, min_population=1_000, kind="hybrid_hub")
    plan = design(zips, candidates, existing=existing, spec=spec)
    new_sites = facilities_frame(
        plan.sites.assign(kind="hybrid_hub", holds_inventory=True)[
            ["id", "kind", "lat", "lon", "holds_inventory"]
        ],
        source="designed hubs",
    )
    network = pd.concat([existing, new_sites], ignore_index=True)

    note("orders")
    rng = np.random.default_rng(seed)
    catalogue = generate_catalogue(5_000, seed=seed)
    orders = generate_orders(zips, catalogue, date, seed=seed)
    items = catalogue.items.set_index("item")
    order_table = pd.DataFrame(
        {
            "order_id": orders["order_id"].astype(str),
            "destination_zip": orders["zip"].astype(str),
            "weight_kg": items["weight_kg"].reindex(orders["item"]).to_numpy() * orders["quantity"],
            "order_min": orders["minute"].astype(float),
            "tier": np.where(rng.random(len(orders)) < same_day_share, "same_day", "next_day"),
        }
    )

    note("promise")
    engine = PromiseEngine(network, zip_areas())
    choices = engine.promise(order_table).choices()
    mix = choices["mode"].fillna("none").value_counts()

    note("routes")
    vans = choices[choices["mode"].isin(VAN_MODES)]
    station_of = np.where(vans["mode"] == "fc_van", vans["handoff_id"], vans["source_id"])
    counts = pd.Series(station_of).value_counts()
    ours = counts[counts.index.isin(new_sites["id"])]
    station_id = str((ours if len(ours) else counts).index[0])
    mine = vans[station_of == station_id]
    rows = pd.Series(np.arange(len(zips)), index=zips["zip"].to_numpy())
    pick = rows.reindex(order_table.set_index("order_id").loc[mine["order_id"], "destination_zip"])
    lat, lon = scatter_points(zips, pick.to_numpy(dtype=np.int64), rng)
    parcels = pd.DataFrame(
        {
            "parcel_id": mine["order_id"].to_numpy(),
            "lat": lat,
            "lon": lon,
            "tier": np.where(mine["mode"] == "hub_van", "same_day", "standard"),
        }
    )
    stops = parcels_to_stops(parcels)
    site = network.loc[network["id"] == station_id].iloc[0]
    station = Station(station_id, float(site["lat"]), float(site["lon"]))
    problem = build_problem(stops, default_fleet(), station)
    solve = plan_routes_decomposed if len(stops) > 2_000 else plan_routes
    routes = solve(problem, time_limit_s=route_seconds, seed=seed)
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
        "orders": len(order_table),
        "promise": {
            "chosen_mode": {str(k): int(v) for k, v in mix.items()},
            "tier_met_share": float((choices["reason"] == "OK").mean()) if len(choices) else 0.0,
        },
        "routes": {
            "station": station_id,
            "parcels": len(parcels),
            "stops": len(stops),
            **route_kpis,
            "certificate": routes.certificate.to_dict(),
        },
    }
