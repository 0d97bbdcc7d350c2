"""The Plan: stages chained without renaming, tables cleared downstream, adapters alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import hinterland as hl
from hinterland.core.errors import HinterlandError
from hinterland.demand.catalogue import Catalogue
from hinterland.plan import Plan, network_with, promise_orders, solve_routes, van_stations


def _catalogue(weights: list[float]) -> Catalogue:
    cat = hl.generate_catalogue(len(weights), seed=0)
    items = cat.items.copy()
    items["weight_kg"] = weights
    return Catalogue(**{**cat.__dict__, "items": items})


def test_promise_orders_maps_every_column_and_draws_tiers_by_share() -> None:
    cat = _catalogue([0.5, 2.0, 3.0])
    raw = pd.DataFrame({"order_id": [7, 8, 9], "zip": pd.Categorical(["01001", "05001", "01001"]),
                        "item": [2, 0, 1], "quantity": [1, 3, 2], "minute": [60, 600, 1439]})
    out = promise_orders(raw, cat, same_day_share=0.0)
    assert list(out.columns) == ["order_id", "destination_zip", "item_id", "weight_kg",
                                 "order_min", "tier"]
    assert out["order_id"].tolist() == ["7", "8", "9"]
    assert out["destination_zip"].tolist() == ["01001", "05001", "01001"]
    assert out["weight_kg"].tolist() == pytest.approx([3.0, 1.5, 4.0])
    assert out["order_min"].tolist() == [60.0, 600.0, 1439.0]
    assert set(out["tier"]) == {"next_day"}
    assert set(promise_orders(raw, cat, same_day_share=1.0)["tier"]) == {"same_day"}
    with pytest.raises(HinterlandError, match="same_day_share"):
        promise_orders(raw, cat, same_day_share=1.5)


def test_network_with_replaces_upgraded_stations_and_takes_stock_from_the_kind() -> None:
    existing = hl.facilities_frame([
        {"id": "st-1", "kind": "delivery_station", "lat": 45.0, "lon": -110.0},
        {"id": "st-2", "kind": "delivery_station", "lat": 46.0, "lon": -111.0},
    ])
    sites = pd.DataFrame({"id": ["hub-st-1", "zip-59001"], "kind": ["hybrid_hub",
                          "delivery_station"], "lat": [45.0, 45.5], "lon": [-110.0, -109.0],
                          "cost_usd": [1.0, 2.0], "upgrade_of": ["st-1", None]})
    out = network_with(existing, sites)
    assert out["id"].tolist() == ["st-2", "hub-st-1", "zip-59001"]
    assert out.set_index("id")["holds_inventory"].to_dict() == {
        "st-2": False, "hub-st-1": True, "zip-59001": False}
    assert len(network_with(existing, sites.iloc[:0])) == 2


def test_van_stations_follow_the_mode() -> None:
    choices = pd.DataFrame({
        "mode": ["hub_van", "fc_van", "postal_express_24h", None],
        "source_id": ["hub-a", "FC-1", "FC-1", None],
        "handoff_id": [None, "st-b", "PO-1", None],
    })
    got = van_stations(choices)
    assert got.to_dict() == {0: "hub-a", 1: "st-b"}


def test_stages_need_their_inputs_and_solve_routes_checks_its_choice() -> None:
    with pytest.raises(HinterlandError, match=r"no zips yet: run region\(\) first"):
        Plan().design()
    with pytest.raises(HinterlandError, match=r"no order_table yet: run orders\(\) first"):
        Plan().promise()
    with pytest.raises(HinterlandError, match=r"no promises yet"):
        Plan().routes()
    with pytest.raises(HinterlandError, match="decompose must be"):
        solve_routes(None, decompose="sometimes")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def day() -> Plan:
    """Wyoming: two new hubs, a generated day, promised and one station routed."""
    plan = Plan().region("WY").design(hl.DesignSpec(max_count=2, time_limit=30.0))
    return plan.orders("2026-03-04", seed=3).promise().routes(time_limit_s=1.0, seed=3)


def test_the_plan_chains_every_stage(day: Plan) -> None:
    assert day.zips is not None and set(day.zips["state"]) == {"WY"}
    res = day.design_result
    assert res is not None and res.certificate.verified and 1 <= len(res.sites) <= 2
    assert day.facilities is not None and day.existing is not None
    assert set(res.sites["id"]) <= set(day.facilities["id"])
    # coverage of the designed network is the design's own "after" class, ZIP by ZIP
    assert day.coverage is not None
    assert (day.coverage["promise_class"].to_numpy() == res.zips["class_after"].to_numpy()).all()
    assert day.order_table is not None and day.promises is not None
    assert day.promises["order_id"].tolist() == day.order_table["order_id"].tolist()
    assert day.date is not None and day.model.date == day.date
    # the routed station carries van orders, and every one of them became a parcel
    assert day.route_problem is not None and day.route_plan is not None
    station = day.route_problem.station.station_id
    assert station == day.busiest_station()
    vans = van_stations(day.promises)
    assert day.parcels is not None and len(day.parcels) == int((vans == station).sum())
    assert {"ready_min", "due_min", "tier", "weight_kg"} <= set(day.parcels.columns)
    ready, due = day.parcels["ready_min"].to_numpy(), day.parcels["due_min"].to_numpy()
    assert np.isfinite(ready).all() and (ready < due).all()
    checks = day.route_plan.certificate.checks
    assert checks["served"] + checks["unserved"] + checks["drone_queue"] == checks["stops"]
    assert {"zips", "facilities", "promises", "sites", "routes"} <= set(day.tables())
    assert "promises=" in repr(day)


def test_a_stage_returns_a_new_plan_and_clears_what_came_after(day: Plan) -> None:
    again = day.orders("2026-03-05", seed=4)
    assert again.promises is None and again.route_plan is None and again.parcels is None
    assert again.design_result is day.design_result  # upstream kept
    assert day.promises is not None  # the old plan is unchanged
    redesigned = day.design(hl.DesignSpec(max_count=1, time_limit=30.0))
    assert redesigned.order_table is day.order_table  # orders depend on the region only
    assert redesigned.promises is None and redesigned.route_plan is None
    assert redesigned.design_result is not None and len(redesigned.design_result.sites) == 1
    other = day.region(["DE"])
    assert other.design_result is None and other.facilities is None
    assert other.order_table is None and other.coverage is None


def test_score_takes_a_geodataframe_and_a_new_network_drops_the_design(day: Plan) -> None:
    gpd = pytest.importorskip("geopandas")
    assert day.facilities is not None
    fac = day.facilities
    gdf = gpd.GeoDataFrame(fac.drop(columns=["lat", "lon"]),
                           geometry=gpd.points_from_xy(fac["lon"], fac["lat"]), crs="EPSG:4326")
    scored = day.score(gdf)
    assert scored.design_result is None and scored.promises is None
    assert scored.coverage is not None and day.coverage is not None
    assert scored.coverage["promise_class"].tolist() == day.coverage["promise_class"].tolist()
    kept = day.score()  # same network: only the coverage is recomputed
    assert kept.design_result is day.design_result and kept.promises is day.promises


def test_with_stock_clears_the_promises_made_without_it(day: Plan) -> None:
    assert day.order_table is not None
    hub = day.busiest_station()
    items = day.order_table["item_id"].drop_duplicates().head(50)
    stock = pd.DataFrame({"facility_id": hub, "item_id": items.to_numpy()})
    stocked = day.with_stock(stock)
    assert stocked.promises is None and stocked.route_plan is None
    assert stocked.order_table is day.order_table and stocked.stock is not None
    again = stocked.promise()
    assert again.promises is not None and again.stock is stocked.stock
    hub_van = again.promises["mode"].eq("hub_van") & again.promises["source_id"].eq(hub)
    ordered = day.order_table.set_index("order_id")["item_id"]
    assert hub_van.any() and hub_van.sum() < day.promises["mode"].eq("hub_van").sum()
    assert ordered.reindex(again.promises.loc[hub_van, "order_id"]).isin(items).all()
    with pytest.raises(HinterlandError, match="item_id"):
        day.with_stock(pd.DataFrame({"facility_id": [hub]}))


def test_with_orders_promises_a_given_table() -> None:
    from pathlib import Path

    orders = hl.read_table(Path(__file__).resolve().parents[1] / "examples" / "orders.csv")
    plan = Plan().region(["VT"]).with_orders(orders, date="2026-03-04").promise()
    assert plan.promises is not None and len(plan.promises) == len(orders)
    assert plan.promises["order_id"].tolist() == orders["order_id"].tolist()
    assert plan.model.date.isoformat() == "2026-03-04"
