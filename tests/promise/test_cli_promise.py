"""``hinterland promise`` / ``settle`` on failing paths: named errors, exit codes, all or none."""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from hinterland.commands import promise as cmd

HEADER = "order_id,destination_zip,lat,lon,weight_kg,order_time,tier\n"
GOOD = ("a1,69201,,,1.2,2025-03-04T13:00,next_day\n"
        "a2,95240,,,1.0,2025-03-04T13:00-08:00,60min\n"
        "a6,88030,,,3.0,2025-03-04T09:00,next_day\n")


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    cmd.register(a)
    return a


def _promise(app: typer.Typer, tmp_path: Path, body: str, *extra: str):
    orders = tmp_path / "orders.csv"
    orders.write_text(body)
    return CliRunner().invoke(app, ["promise", "--orders", str(orders), *extra])


@pytest.mark.parametrize(
    ("row", "message", "column"),
    [
        ("b1,69201,,,5000,2025-03-04T13:00,next_day\n", "above the 1000 kg", "weight_kg"),
        ("b1,,0,0,1.0,2025-03-04T13:00,next_day\n", "0,0 usually stands for a missing", "lon"),
        ("b1,,40.75,73.99,1.0,2025-03-04T13:00,next_day\n", "flipped sign", "lon"),
        ("a1,69201,,,1.0,2025-03-04T13:00,next_day\n", "appears twice", "order_id"),
        ("b1,1001,,,1.0,2025-03-04T13:00,next_day\n", "write 01001", "destination_zip"),
        ("b1,69201,,,1.0,2025-03-04T13:00,\n", "empty tier", "tier"),
        ("b1,69201,40.75,-73.99,1.0,2025-03-04T13:00,next_day\n", "not both", "lat"),
    ],
)
def test_bad_order_rows_are_named(app, tmp_path, row, message, column) -> None:
    res = _promise(app, tmp_path, HEADER + GOOD + row, "--out", str(tmp_path / "c.csv"))
    assert res.exit_code != 0
    exc = res.exception
    assert message in str(exc), str(exc)
    assert exc.row == 4 and exc.column == column
    assert not (tmp_path / "c.csv").exists()


def test_limits_just_inside_pass(app, tmp_path) -> None:
    row = ("b1,69201,,,1000,2025-03-04T13:00,next_day\n"
           "b2,,64.84,-147.72,1.0,2025-03-04T13:00,two_day\n")  # 1000 kg; Fairbanks, AK
    res = _promise(app, tmp_path, HEADER + GOOD + row, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["orders"] == 5


def test_unknown_column_and_fees(app, tmp_path) -> None:
    res = _promise(app, tmp_path, "order_id,destination_zip,weight_kg,order_time,tier,colour\n"
                   "a,69201,1,2025-03-04T13:00,next_day,red\n")
    assert "unknown column" in str(res.exception) and res.exception.column == "colour"
    for fee in ("1e400", "999999999999999999.99", "10000.01", "abc"):
        res = _promise(app, tmp_path, "order_id,destination_zip,weight_kg,order_time,tier,"
                       f"shipping_fee_usd\na,69201,1,2025-03-04T13:00,next_day,{fee}\n")
        assert res.exception.column == "shipping_fee_usd", fee
    res = _promise(app, tmp_path, "order_id,destination_zip,weight_kg,order_time,tier,"
                   "shipping_fee_usd\na,69201,1,2025-03-04T13:00,next_day,10000.00\n")
    assert res.exit_code == 0, res.output


def test_semicolon_file_gets_a_clear_message(app, tmp_path) -> None:
    res = _promise(app, tmp_path, (HEADER + GOOD).replace(",", ";"))
    assert "semicolon" in str(res.exception)


def test_parcels_out_failing_leaves_out_unwritten(app, tmp_path) -> None:
    fifo = tmp_path / "parcels.csv"
    os.mkfifo(fifo)
    out = tmp_path / "choices.csv"
    res = _promise(app, tmp_path, HEADER + GOOD, "--out", str(out), "--parcels-out", str(fifo))
    assert "FIFO" in str(res.exception)
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv", "parcels.csv"]


def test_a_disagreeing_recheck_keeps_every_answer_and_exits_1(app, tmp_path, monkeypatch
                                                              ) -> None:
    """One order's problem names that order; the others' answers are still written."""
    from hinterland.core.certificate import Certificate
    from hinterland.promise import verify

    def failing_certify(result, seconds, *a, **k):
        return Certificate(objective=0.0, bound=0.0, sense="min", seconds=seconds,
                           status="test", verified=False,
                           checks={"checked": len(result), "first_problems": []})

    def problems(result, *a, **k):
        return SimpleNamespace(problems=["order a2 mode drone: promised 780, reference 781"])

    monkeypatch.setattr(verify, "certify", failing_certify)
    monkeypatch.setattr(verify, "recheck", problems, raising=False)
    monkeypatch.setattr(verify, "verify_choices",
                        lambda *a, **k: ["order a2 mode drone: promised 780, reference 781"])
    out = tmp_path / "choices.csv"
    res = _promise(app, tmp_path, HEADER + GOOD, "--out", str(out))
    assert res.exit_code == 1, res.output
    assert "re-check disagrees on order a2" in res.output
    assert len(pd.read_csv(out)) == 3  # every answer written
    res = _promise(app, tmp_path, HEADER + GOOD, "--json")
    assert res.exit_code == 1
    body = json.loads(res.stdout)
    assert list(body["recheck_disagrees"]) == ["a2"] and len(body["choices"]) == 3


@pytest.mark.slow
def test_100k_random_orders_all_answered_and_rechecked(app, tmp_path, zips) -> None:
    """The acceptance file: 100,000 random orders, each answered, the re-check agrees."""
    rng = np.random.default_rng(17)
    n = 100_000
    pick = rng.integers(0, len(zips), n)
    tiers = np.array(["60min", "same_day", "next_day", "two_day"])
    minutes = rng.integers(0, 1440, n)
    table = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(n)],
        "destination_zip": zips["zip"].to_numpy()[pick],
        "weight_kg": np.round(rng.uniform(0.05, 30.0, n), 2),
        "order_time": [f"2026-03-04T{m // 60:02d}:{m % 60:02d}" for m in minutes],
        "tier": tiers[rng.integers(0, 4, n)],
    })
    orders = tmp_path / "orders.csv"
    table.to_csv(orders, index=False)
    out = tmp_path / "choices.csv"
    res = CliRunner().invoke(app, ["promise", "--orders", str(orders), "--out", str(out)])
    assert res.exit_code == 0, res.output[-2000:]
    got = pd.read_csv(out, dtype={"order_id": str})
    assert len(got) == n and set(got["order_id"]) == set(table["order_id"])
    assert got["reason"].notna().all()  # a choice, or a named reason
