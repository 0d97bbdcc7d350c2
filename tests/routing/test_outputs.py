"""Route sheets, load plan, KPIs, GeoJSON and the map."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hinterland.routing.outputs import (
    clock,
    kpis,
    load_plan,
    route_map,
    route_sheets,
    routes_geojson,
)
from hinterland.routing.solve import RawRoute, finish_plan


@pytest.fixture
def plan(small_problem):
    raw = [RawRoute("van", ((0, 1, 2),)), RawRoute("truck", ((3, 4, 5),))]
    return finish_plan(small_problem, raw, seconds=0.0, status="feasible")


def test_clock():
    assert clock(480) == "08:00" and clock(754.6) == "12:35"


def test_route_sheets_follow_stop_order(plan):
    rs = route_sheets(plan)
    assert rs["stop_id"].tolist() == ["s0", "s1", "s2", "s3", "s4", "s5"]
    assert (rs.groupby("route_id")["eta_min"].diff().dropna() > 0).all()
    assert rs["eta"].str.match(r"^\d\d:\d\d$").all()


def test_load_plan_reverse_stop_order(plan):
    lp = load_plan(plan, slots_per_bay=3)
    r1 = lp[lp["route_id"] == 1].sort_values("load_seq")
    # loaded first = last stop; the first stop's parcels are loaded last, at the door
    assert r1["stop_seq"].tolist() == [3, 3, 2, 2, 1, 1]
    assert r1.iloc[-1]["bay"] == 1
    assert r1["bay"].max() == 2  # 6 parcels, 3 slots per bay
    assert len(lp) == plan.summary["parcels"].sum()
    assert lp["parcel_id"].is_unique


def test_load_plan_uses_given_parcel_ids(plan):
    parcels = pd.DataFrame({"stop_id": ["s0", "s0"], "parcel_id": ["P1", "P2"]})
    lp = load_plan(plan, parcels)
    assert {"P1", "P2"} <= set(lp["parcel_id"])


def test_kpis(plan, small_problem):
    k = kpis(plan, small_problem)
    assert k["routes"] == 2 and k["stops_routed"] == 6 and k["parcels_routed"] == 12
    assert k["km"] == pytest.approx(plan.certificate.checks["km"], rel=1e-9)
    assert k["cost_per_parcel_usd"] == pytest.approx(k["cost_usd"] / 12)
    assert k["co2_g_per_km"] == pytest.approx(270.0)  # default diesel van factor
    assert k["verified"] is True
    assert k["late_parcels"] == 0 and k["late_minutes_p90"] == 0.0
    assert k["served_before_ready"] == 0


def test_parcel_sheet_iso_times(plan, small_problem):
    from hinterland.routing.outputs import parcel_sheet

    ps = parcel_sheet(plan, small_problem)
    assert len(ps) == 12 and ps["parcel_id"].is_unique
    assert ps["eta"].str.match(r"^2026-03-04T\d\d:\d\d:\d\d-07:00$").all()
    assert (ps["ready_at"] == "2026-03-04T00:00:00-07:00").all()
    assert (ps["due_at"] == "").all()  # no promise given


def test_geojson_and_map(plan, small_problem, tmp_path):
    gj = routes_geojson(plan, small_problem)
    lines = [f for f in gj["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == 2
    assert lines[0]["geometry"]["coordinates"][0] == lines[0]["geometry"]["coordinates"][-1]
    json.dumps(gj)  # serialisable
    png = route_map(plan, small_problem, tmp_path / "m.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
