"""``hinterland settle`` on failing paths: the ledger commits last, files all or none."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from hinterland.commands import promise as cmd
from hinterland.store import ledger as store
from hinterland.store.db import make_engine

ORDERS = ("order_id,destination_zip,weight_kg,order_time,tier\n"
          "a1,69201,1.2,2025-03-04T13:00,next_day\n"
          "a6,88030,3.0,2025-03-04T09:00,next_day\n")


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    cmd.register(a)
    return a


@pytest.fixture(scope="module")
def parcels(app: typer.Typer, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    d = tmp_path_factory.mktemp("promise")
    (d / "orders.csv").write_text(ORDERS)
    res = CliRunner().invoke(app, ["promise", "--orders", str(d / "orders.csv"),
                                   "--parcels-out", str(d / "p.csv")])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(d / "p.csv", dtype=str)
    assert len(table) >= 1
    return table


def _settle(app, tmp_path: Path, table: pd.DataFrame, *extra: str):
    path = tmp_path / "parcels.csv"
    table.to_csv(path, index=False)
    db = tmp_path / "ledger.sqlite"
    args = ["settle", "--date", str(table["date"].iloc[0]), "--parcels", str(path),
            "--db", f"sqlite:///{db}", *extra]
    return CliRunner().invoke(app, args), db


def _lines(db: Path) -> int:
    return store.count_lines(make_engine(f"sqlite:///{db}")) if db.exists() else 0


def test_good_settle_announces_the_database(app, tmp_path, parcels) -> None:
    res, db = _settle(app, tmp_path, parcels, "--out", str(tmp_path / "st.csv"))
    assert res.exit_code == 0, res.output
    assert "creating the ledger database" in res.output and str(db) in res.output
    assert _lines(db) == len(parcels) and (tmp_path / "st.csv").exists()


def test_unwritable_out_leaves_the_ledger_uncommitted(app, tmp_path, parcels) -> None:
    fifo = tmp_path / "st.csv"
    os.mkfifo(fifo)
    res, db = _settle(app, tmp_path, parcels, "--out", str(tmp_path / "ok.csv"),
                      "--ledger-out", str(fifo))
    assert "FIFO" in str(res.exception)
    assert _lines(db) == 0 and not (tmp_path / "ok.csv").exists()


def test_failing_write_inside_the_transaction_rolls_back(app, tmp_path, parcels,
                                                          monkeypatch) -> None:
    from hinterland.io import OutputError, Outputs

    def broken(self, df, path):
        raise OutputError(path, "no space left on the device")

    monkeypatch.setattr(Outputs, "table", broken)
    res, db = _settle(app, tmp_path, parcels, "--out", str(tmp_path / "st.csv"))
    assert "no space" in str(res.exception)
    assert _lines(db) == 0 and not (tmp_path / "st.csv").exists()


def test_statements_that_do_not_reconcile_exit_1_and_record_nothing(app, tmp_path, parcels,
                                                                     monkeypatch) -> None:
    import hinterland.carriers.settlement as settlement

    monkeypatch.setattr(settlement, "reconcile", lambda *a, **k: ["('x', 'd'): total off"])
    res, db = _settle(app, tmp_path, parcels, "--out", str(tmp_path / "st.csv"))
    assert res.exit_code == 1, res.output
    assert "do not reconcile" in res.output
    assert _lines(db) == 0 and not (tmp_path / "st.csv").exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("shipping_fee_usd", "999999999999999999.99", "above the"),
        ("shipping_fee_usd", "1e400", "not a usable amount"),
        ("zip", "00000", "unknown ZIP area"),
        ("zip", "1001", "write 01001"),
        ("office_id", "PO-NOWHERE", "unknown partner office"),
        ("weight_kg", "nan", "bad weight"),
    ],
)
def test_bad_parcel_values_are_named(app, tmp_path, parcels, column, value, message) -> None:
    bad = parcels.copy()
    bad.loc[0, column] = value
    res, db = _settle(app, tmp_path, bad)
    assert message in str(res.exception), str(res.exception)
    assert res.exception.column == column and res.exception.row == 1
    assert _lines(db) == 0


def test_db_in_a_missing_folder(app, tmp_path, parcels) -> None:
    path = tmp_path / "parcels.csv"
    parcels.to_csv(path, index=False)
    res = CliRunner().invoke(app, ["settle", "--date", "2025-03-04", "--parcels", str(path),
                                   "--db", f"sqlite:///{tmp_path}/nope/ledger.sqlite"])
    assert "does not exist" in str(res.exception)
    assert not (tmp_path / "nope").exists()


def test_postgres_without_driver_names_the_extra(monkeypatch) -> None:
    import sys

    from hinterland.core.errors import HinterlandError

    monkeypatch.setitem(sys.modules, "psycopg", None)  # import fails as if not installed
    with pytest.raises(HinterlandError, match=r"hinterland\[postgres\]") as info:
        make_engine("postgresql+psycopg://user:secret@localhost/h")
    assert "secret" not in str(info.value)  # the password is masked
