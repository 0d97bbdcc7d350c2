"""``hinterland forecast`` / ``assort`` failing paths: named errors, nothing written, exit 1."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from hinterland.commands import forecast as cmd
from hinterland.core.errors import InputError

HIST = "timestamp,item,zip,quantity\n"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    cmd.register(app)
    return app


def _run(tmp_path: Path, *args: str):
    return CliRunner().invoke(_app(), list(args))


def _file(tmp_path: Path, name: str, text: str | bytes) -> str:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(p)


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({"h.csv": HIST}, ["--history", "h.csv"], "no rows (only a header)"),
        ({"h.csv": HIST + "2025-01-01T10:00+05:00,a,59001,1\n2025-01-02T10:00,a,59001,1\n"},
         ["--history", "h.csv"], "has no UTC offset"),
        ({"h.csv": HIST + "2025-01-01,a,59001,1\n2025-01-02,a,00000,1\n"},
         ["--history", "h.csv"], "unknown ZIP area '00000'"),
        ({"h.csv": HIST + "2025-01-01,a,59001,1\n", "z.csv": "zip,hub\n"},
         ["--history", "h.csv", "--zip-hub", "z.csv"], "no rows"),
        ({"h.csv": HIST + "2025-01-01,a,59001,1\n", "z.csv": "zip,hub\n82001,H\n"},
         ["--history", "h.csv", "--zip-hub", "z.csv"], "no ZIP of the history is mapped"),
        ({"s.csv": "series_id,period,demand\ns,0,1\ns,1,x\n"}, ["--series", "s.csv"],
         "demand must be a finite number >= 0, got 'x'"),
        ({"s.csv": "series_id,period,demand\ns,0,1\ns,0,2\n"}, ["--series", "s.csv"],
         "lists period 0 twice"),
        ({"s.csv": "series_id,period,demand\ns,0,inf\n"}, ["--series", "s.csv"], "finite"),
        ({"h.csv": "timestamp;item;zip;quantity\n2025-01-01;a;59001;1\n"},
         ["--history", "h.csv"], "semicolon"),
        ({}, ["--generate", "--start", "notadate"], "'notadate' is not a date"),
    ],
)
def test_forecast_bad_inputs(tmp_path, monkeypatch, files, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        _file(tmp_path, name, text)
    res = _run(tmp_path, "forecast", "--out", "fc.csv", *args)
    assert isinstance(res.exception, InputError), res.output
    assert message in str(res.exception)
    assert not (tmp_path / "fc.csv").exists()


def test_history_with_offsets_everywhere_keeps_the_local_day(tmp_path) -> None:
    from hinterland.demand.history import validate_history

    df = pd.DataFrame({"timestamp": ["2025-01-01T23:30+05:00", "2025-01-02T00:10-07:00"],
                       "item": ["a", "a"], "zip": ["59001", "59001"], "quantity": ["1", "1"]})
    out = validate_history(df)
    assert out["timestamp"].dt.day.tolist() == [1, 2]
    plain = df.assign(timestamp=["2025-01-01", "2025-01-02"])  # dates: no offset read
    assert len(validate_history(plain)) == 2


def test_zip_hub_drops_unmapped_zips_with_a_warning(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rows = "".join(f"2025-01-{d:02d},a,{z},1\n" for d in range(1, 29) for z in ("59001", "82001"))
    _file(tmp_path, "h.csv", HIST + rows)
    _file(tmp_path, "z.csv", "zip,hub\n59001,H1\n")
    res = _run(tmp_path, "forecast", "--out", "fc.csv", "--history", "h.csv", "--zip-hub",
               "z.csv", "--freq", "D", "--horizon", "2", "--n-windows", "1", "--model", "Naive")
    assert res.exit_code == 0, res.output
    assert "28 order lines of ZIP areas not in z.csv are left out" in res.output
    assert set(pd.read_csv(tmp_path / "fc.csv")["hub"].astype(str)) == {"H1"}


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({"f.parquet": b"garbage"}, ["--forecast", "f.parquet", "--default-cube-l", "1"],
         "not a readable Parquet file"),
        ({"d.csv": "hub,item,units_per_day\nh,a,1\n", "i.csv": "item,cube_l\na,abc\n"},
         ["--demand", "d.csv", "--items", "i.csv"], "not a number: 'abc'"),
        ({"d.csv": "hub,units_per_day\nh,1\n"}, ["--demand", "d.csv", "--default-cube-l", "1"],
         "missing column"),
        ({"d.csv": "hub,item,units_per_day\n"}, ["--demand", "d.csv", "--default-cube-l", "1"],
         "no rows"),
        ({"d.csv": "hub,item,units_per_day\nh,a,-1\n"},
         ["--demand", "d.csv", "--default-cube-l", "1"], "below the minimum"),
        ({"d.csv": "hub,item,units_per_day\nh,a,1\n", "h.csv": "hub,slots,cube_l\nh,1.5,10\n"},
         ["--demand", "d.csv", "--default-cube-l", "1", "--hubs", "h.csv"],
         "not a whole number"),
    ],
)
def test_assort_bad_inputs_write_nothing(tmp_path, monkeypatch, files, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        _file(tmp_path, name, text)
    res = _run(tmp_path, "assort", "--out", "plan.csv", *args)
    assert isinstance(res.exception, InputError), res.output
    assert message in str(res.exception)
    assert not (tmp_path / "plan.csv").exists()  # no 1-byte output


def test_assort_unverified_plans_exit_1(tmp_path, monkeypatch) -> None:
    import hinterland.inventory.assortment as assortment

    real = assortment.plan_assortment

    def unverified(*a, **k):
        plan, summary, certs = real(*a, **k)
        return plan, summary.assign(verified=False), certs

    monkeypatch.setattr(assortment, "plan_assortment", unverified)
    monkeypatch.chdir(tmp_path)
    _file(tmp_path, "d.csv", "hub,item,units_per_day\nh,a,1\n")
    res = _run(tmp_path, "assort", "--out", "plan.csv", "--demand", "d.csv",
               "--default-cube-l", "1", "--time-limit", "5")
    assert res.exit_code == 1, res.output
    assert "do not verify" in res.output and (tmp_path / "plan.csv").exists()
    ok = _run(tmp_path, "assort", "--out", "plan2.csv", "--demand", "d.csv",
              "--default-cube-l", "1", "--time-limit", "5")
    assert ok.exit_code == 1  # still patched: the check, not luck, sets the code
    monkeypatch.setattr(assortment, "plan_assortment", real)
    ok = _run(tmp_path, "assort", "--out", "plan3.csv", "--demand", "d.csv",
              "--default-cube-l", "1", "--time-limit", "5")
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize(("quantity", "ok"), [("inf", False), ("1000000001", False),
                                              ("1000000000", True), ("-1", False)])
def test_history_quantity_bounds(quantity: str, ok: bool) -> None:
    from hinterland.demand.history import validate_history

    df = pd.DataFrame({"timestamp": ["2025-01-01"], "item": ["a"], "zip": ["59001"],
                       "quantity": [quantity]})
    if ok:
        assert validate_history(df)["quantity"].tolist() == [int(quantity)]
    else:
        with pytest.raises(InputError) as info:
            validate_history(df)
        assert info.value.column == "quantity"


@pytest.mark.parametrize(("period", "ok"), [("100000", True), ("100001", False),
                                            ("12345678901234567890", False), ("1.5", False)])
def test_series_period_bounds(period: str, ok: bool) -> None:
    from hinterland.demand.history import validate_series

    df = pd.DataFrame({"series_id": ["s"], "period": [period], "demand": ["1"]})
    if ok:
        assert validate_series(df)["period"].tolist() == [int(period)]
    else:
        with pytest.raises(InputError, match="period must be an integer"):
            validate_series(df)
