"""Settlement: exact ledger lines, daily statements, idempotent persistence."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hinterland.carriers import daily_statements, ledger_lines
from hinterland.carriers.settlement import reconcile
from hinterland.core.errors import HinterlandError, InputError
from hinterland.operations import PostalPartner
from hinterland.store import ledger as store
from hinterland.store.db import database_url, make_engine

PARTNER = PostalPartner()

parcel = st.fixed_dictionaries(
    {
        "date": st.sampled_from(["2025-03-04", "2025-03-05"]),
        "zip": st.sampled_from(["69201", "89049", "88030"]),
        "office_id": st.just("PO-1"),
        "weight_kg": st.floats(0.01, PARTNER.fees.max_kg),
        "service": st.sampled_from(["express_24h", "priority_same_day"]),
        "shipping_fee_usd": st.integers(0, 5000).map(lambda c: f"{c // 100}.{c % 100:02d}"),
    }
)


def _table(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame([{"parcel_id": f"p{i}", **r} for i, r in enumerate(rows)])


@settings(max_examples=60, deadline=None)
@given(st.lists(parcel, min_size=1, max_size=40))
def test_statements_equal_sum_of_lines_exactly(rows: list[dict[str, object]]) -> None:
    lines = ledger_lines(_table(rows), PARTNER)
    stmts = daily_statements(lines)
    assert reconcile(lines, stmts) == []
    for c in ("fee_usd", "revenue_share_usd", "premises_fee_usd", "total_usd"):
        assert sum(stmts[c], Decimal(0)) == sum(lines[c], Decimal(0))
        assert all(isinstance(v, Decimal) and v == v.quantize(Decimal("0.01")) for v in lines[c])
    for line in lines.to_dict(orient="records"):
        expect = PARTNER.parcel_charges(float(line["weight_kg"]),
                                        Decimal(line["shipping_fee_usd"]),
                                        priority=line["service"] == "priority_same_day")
        assert line["total_usd"] == expect["total"]
    assert stmts["parcels"].sum() == len(rows)


def test_reconcile_catches_a_tampered_statement() -> None:
    lines = ledger_lines(_table([{"date": "2025-03-04", "zip": "69201", "office_id": "PO-1",
                                  "weight_kg": 1.0, "service": "express_24h",
                                  "shipping_fee_usd": "2.99"}]))
    stmts = daily_statements(lines)
    tampered = pd.Series([Decimal(str(v)) + Decimal("0.01") for v in stmts["total_usd"]],
                         dtype=object)
    stmts = stmts.assign(total_usd=tampered)
    assert any("total_usd" in p for p in reconcile(lines, stmts))


@pytest.mark.parametrize(
    ("column", "value"),
    [("weight_kg", "40"), ("weight_kg", "x"), ("service", "ground"),
     ("shipping_fee_usd", "1.234"), ("shipping_fee_usd", "-1.00"), ("date", "2025-02-30")],
)
def test_bad_parcel_rows_name_row_and_column(column: str, value: str) -> None:
    good = {"parcel_id": "a", "date": "2025-03-04", "zip": "69201", "office_id": "PO-1",
            "weight_kg": "1", "service": "express_24h", "shipping_fee_usd": "2.99"}
    table = pd.DataFrame([good, {**good, "parcel_id": "b", column: value}])
    with pytest.raises(InputError) as err:
        ledger_lines(table)
    assert err.value.row == 2
    assert err.value.column == column


def test_duplicate_parcel_is_refused() -> None:
    row = {"parcel_id": "a", "date": "2025-03-04", "zip": "69201", "office_id": "PO-1",
           "weight_kg": "1", "service": "express_24h", "shipping_fee_usd": "2.99"}
    with pytest.raises(InputError, match="twice"):
        ledger_lines(pd.DataFrame([row, row]))


def _day_lines(day: str, n: int, start: int = 0) -> pd.DataFrame:
    rows = [{"parcel_id": f"p{i}", "date": day, "zip": "69201", "office_id": "PO-1",
             "weight_kg": 0.3 + (i % 10) * 0.7, "service": "express_24h",
             "shipping_fee_usd": "2.99"}
            for i in range(start, start + n)]
    return ledger_lines(pd.DataFrame(rows))


def test_rerunning_a_day_is_idempotent(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    lines = _day_lines("2025-03-04", 7)
    first = store.settle_day(engine, "2025-03-04", lines)
    second = store.settle_day(engine, "2025-03-04", lines)
    assert store.count_lines(engine) == 7
    pd.testing.assert_frame_equal(first, second)
    assert first.loc[0, "total_usd"] == sum(lines["total_usd"], Decimal(0))
    assert reconcile(store.ledger(engine, "2025-03-04"), first) == []
    # Another day is independent; re-running without lines only rebuilds statements.
    store.settle_day(engine, "2025-03-05", _day_lines("2025-03-05", 3, start=100))
    again = store.settle_day(engine, "2025-03-04")
    pd.testing.assert_frame_equal(first, again)
    assert store.count_lines(engine) == 10
    assert len(store.statements(engine)) == 2
    # The day's list is authoritative: a shorter re-run replaces the day's lines.
    store.settle_day(engine, "2025-03-04", lines.iloc[:2])
    assert store.count_lines(engine) == 5


def test_parcel_settled_on_another_day_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    store.settle_day(engine, "2025-03-04", _day_lines("2025-03-04", 2))
    moved = _day_lines("2025-03-05", 1)
    with pytest.raises(InputError, match="already settled"):
        store.settle_day(engine, "2025-03-05", moved)
    with pytest.raises(InputError, match="while settling"):
        store.settle_day(engine, "2025-03-06", moved)
    assert store.count_lines(engine) == 2  # the failed runs left nothing behind


def test_database_url_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HINTERLAND_DB_URL", "postgresql+psycopg://u:p@localhost/h")
    assert database_url() == "postgresql+psycopg://u:p@localhost/h"
    assert database_url("sqlite://") == "sqlite://"
    with pytest.raises(HinterlandError, match="database URL"):
        make_engine("nosuchdb://x")


def test_several_partners_each_priced_by_their_terms() -> None:
    a = PostalPartner(name="usps_like")
    b = PostalPartner(name="regional", premises_fee_usd=Decimal("0.40"),
                      revenue_share_pct=Decimal("12.5"))
    rows = [{"partner": p, "parcel_id": "x", "date": "2025-03-04", "zip": "69201",
             "office_id": "PO-1", "weight_kg": 1.0, "service": "express_24h",
             "shipping_fee_usd": "2.99"} for p in ("usps_like", "regional")]
    lines = ledger_lines(pd.DataFrame(rows), {"usps_like": a, "regional": b})
    stmts = daily_statements(lines)
    assert list(stmts["partner"]) == ["regional", "usps_like"]
    assert lines.loc[1, "premises_fee_usd"] == Decimal("0.40")
    assert lines.loc[1, "revenue_share_usd"] == Decimal("0.37")  # 12.5 % of 2.99 = 0.37375
    assert reconcile(lines, stmts) == []
    with pytest.raises(InputError, match="no terms"):
        ledger_lines(pd.DataFrame(rows), {"usps_like": a})
