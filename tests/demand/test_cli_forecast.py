"""``hinterland forecast`` and ``hinterland assort`` on small files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from hinterland.commands import forecast as cmd
from hinterland.core.errors import InputError


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    cmd.register(app)
    return app


def _history(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 3_000
    days = pd.Timestamp("2025-01-06") + pd.to_timedelta(rng.integers(0, 84, n), "D")
    h = pd.DataFrame(
        {
            "timestamp": days.strftime("%Y-%m-%d"),
            "item": rng.choice(
                [f"SKU{i}" for i in range(30)], n, p=np.r_[[0.2] * 3, [0.4 / 27] * 27]
            ),
            "zip": rng.choice(["59001", "59002", "82001"], n),
            "quantity": 1 + rng.poisson(0.2, n),
        }
    )
    p = tmp_path / "hist.csv"
    h.to_csv(p, index=False)
    pd.DataFrame({"zip": ["59001", "59002", "82001"], "hub": ["MT", "MT", "WY"]}).to_csv(
        tmp_path / "hubs.csv", index=False
    )
    return p


def test_forecast_then_assort(tmp_path: Path) -> None:
    runner = CliRunner()
    hist = _history(tmp_path)
    fc = tmp_path / "fc.parquet"
    res = runner.invoke(
        _app(),
        [
            "forecast", "--history", str(hist), "--zip-hub", str(tmp_path / "hubs.csv"),
            "--freq", "W", "--horizon", "2", "--model", "HistoricAverage,TSB,Naive",
            "--out", str(fc), "--json",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["series"] == 60 and summary["horizon"] == 2
    table = pd.read_parquet(fc)
    assert len(table) == 120 and set(table["hub"]) == {"MT", "WY"}
    plan = tmp_path / "plan.csv"
    res = runner.invoke(
        _app(),
        [
            "assort", "--forecast", str(fc), "--default-cube-l", "2", "--slots", "10",
            "--cube-l", "100", "--out", str(plan), "--json",
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["hubs"] == 2 and out["all_verified"]
    assert 0 < out["same_day_share"] < 1
    p = pd.read_csv(plan)
    assert (p.groupby("hub").size() <= 10).all()


def test_bad_history_reports_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,item,zip,quantity\n2025-01-06,A,59001,1\n2025-01-07,A,59001,-3\n")
    res = CliRunner().invoke(
        _app(), ["forecast", "--history", str(bad), "--out", str(tmp_path / "f.csv")]
    )
    assert isinstance(res.exception, InputError)
    assert "row 2" in str(res.exception) and "quantity" in str(res.exception)
    assert not (tmp_path / "f.csv").exists()


@pytest.mark.slow
def test_forecast_on_dask_matches_in_process(tmp_path: Path) -> None:
    runner = CliRunner()
    hist = _history(tmp_path)
    outs = []
    for extra in ([], ["--workers", "2", "--chunk-size", "25"]):
        out = tmp_path / f"fc{len(extra)}.csv"
        res = runner.invoke(
            _app(),
            [
                "forecast", "--history", str(hist), "--freq", "W", "--horizon", "2",
                "--model", "HistoricAverage,TSB", "--chunk-size", "25", "--out", str(out),
                "--json", *extra,
            ],
        )  # fmt: skip
        assert res.exit_code == 0, res.output
        outs.append(pd.read_csv(out))
    pd.testing.assert_frame_equal(outs[0], outs[1])
