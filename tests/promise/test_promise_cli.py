"""``hinterland promise`` / ``settle`` / ``serve`` on a fresh Typer app."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from hinterland.commands import promise as cmd
from hinterland.core.errors import InputError

ORDERS = """order_id,destination_zip,lat,lon,weight_kg,order_time,tier
a1,69201,,,1.2,2025-03-04T13:00,next_day
a2,95240,,,1.0,2025-03-04T13:00-08:00,60min
a3,95240,,,5.0,2025-03-04T13:00,60min
a4,10001,,,1.0,2025-03-04T22:30,same_day
a5,,40.75,-73.99,0.5,2025-03-04T08:00,same_day
a6,88030,,,3.0,2025-03-04T09:00,next_day
"""


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    cmd.register(a)
    return a


def test_promise_then_settle_twice(app: typer.Typer, tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS)
    out, opts, parcels = tmp_path / "choices.csv", tmp_path / "options.csv", tmp_path / "p.csv"
    runner = CliRunner()
    res = runner.invoke(app, ["promise", "--orders", str(orders), "--out", str(out),
                              "--options-out", str(opts), "--parcels-out", str(parcels),
                              "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["orders"] == 6
    assert body["certificate"]["verified"] and body["certificate"]["checks"]["problems"] == 0
    choices = pd.read_csv(out, dtype={"order_id": str})
    assert choices.set_index("order_id").loc["a1", "mode"] == "postal_express_24h"
    assert choices.set_index("order_id").loc["a2", "mode"] == "drone"
    assert choices.set_index("order_id").loc["a3", "reason"] == "MISSES_TIER"
    assert len(pd.read_csv(opts)) == 6 * 5
    p = pd.read_csv(parcels, dtype=str)
    assert set(p["parcel_id"]) == {"a1", "a6"}
    day = p["date"].iloc[0]
    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    st_path = tmp_path / "statements.csv"
    args = ["settle", "--date", day, "--parcels", str(parcels), "--db", db, "--out", str(st_path),
            "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, args)
    assert json.loads(first.stdout) == json.loads(second.stdout)
    stmt = json.loads(second.stdout)
    assert stmt["lines"] == 2 and stmt["reconciled"]
    total = Decimal(stmt["statements"][0]["total_usd"])
    parts = sum(Decimal(stmt["statements"][0][c]) for c in
                ("fee_usd", "revenue_share_usd", "premises_fee_usd"))
    assert total == parts
    assert pd.read_csv(st_path, dtype=str)["total_usd"].iloc[0] == str(total)


def test_promise_bad_file_names_row_and_column(app: typer.Typer, tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS.replace("a3,95240,,,5.0", "a3,95240,,,-5"))
    out = tmp_path / "choices.csv"
    res = CliRunner().invoke(app, ["promise", "--orders", str(orders), "--out", str(out)])
    assert isinstance(res.exception, InputError)
    assert res.exception.row == 3 and res.exception.column == "weight_kg"
    assert not out.exists()  # nothing half-written


def test_settle_bad_date(app: typer.Typer, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["settle", "--date", "2025-02-30", "--db",
                                   f"sqlite:///{tmp_path / 'x.sqlite'}"])
    assert isinstance(res.exception, InputError)


def test_serve_help(app: typer.Typer) -> None:
    res = CliRunner().invoke(app, ["serve", "--help"])
    assert res.exit_code == 0 and "--port" in res.stdout


def test_promise_with_stock_file(app: typer.Typer, tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,destination_zip,weight_kg,order_time,tier,item_id\n"
                      "s1,95240,1.0,2025-03-04T13:00,60min,sku-1\n"
                      "s2,95240,1.0,2025-03-04T13:00,60min,sku-2\n")
    stock = tmp_path / "stock.csv"
    stock.write_text("facility_id,item_id\nDRONE-95237,sku-1\n")
    out = tmp_path / "choices.csv"
    res = CliRunner().invoke(app, ["promise", "--orders", str(orders), "--stock", str(stock),
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    modes = pd.read_csv(out).set_index("order_id")["mode"]
    assert modes["s1"] == "drone" and pd.isna(modes["s2"])


def test_promise_with_own_network_and_partner_table(app: typer.Typer, tmp_path: Path,
                                                    zips: pd.DataFrame) -> None:
    town = zips.set_index("zip").loc["05401"]
    net = tmp_path / "net.csv"
    net.write_text("id,kind,lat,lon\n"
                   f"FC1,fulfillment_center,{town['lat']},{town['lon']}\n"
                   f"PO1,partner_post_office,{town['lat']},{town['lon']}\n")
    svc = tmp_path / "svc.csv"
    svc.write_text("zip,office_id,transit_days,express_24h,priority_same_day\n"
                   "05401,PO1,1,true,true\n")
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,destination_zip,weight_kg,order_time,tier\n"
                      "v1,05401,1.0,2025-03-04T08:00,same_day\n"
                      "v2,05401,1.0,2025-03-04T08:00,two_day\n")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(app, ["promise", "--orders", str(orders), "--facilities", str(net),
                                   "--partner-service", str(svc), "--out", str(out),
                                   "--policy", "cheapest"])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out).set_index("order_id")
    assert got.loc["v1", "mode"] == "postal_priority_same_day"
    assert got.loc["v2", "mode"] == "postal_express_24h"
    assert got.loc["v2", "promised_time"] == "2025-03-06T17:00"  # hand-off day 1 + 1 transit
