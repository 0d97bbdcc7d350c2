"""Settlement: exact ledger lines, daily statements, independent reconciliation, persistence.

The expected charges in the property tests are computed here, with plain Decimal
arithmetic over the terms written out below, never with the pricing helpers of
:mod:`hinterland.operations.postal` or :mod:`hinterland.carriers.settlement`.
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hinterland.carriers import daily_statements, ledger_lines, settlement
from hinterland.carriers.settlement import (
    LEDGER_COLUMNS,
    MONEY_COLUMNS,
    STATEMENT_COLUMNS,
    billable_pounds,
    check_places,
    reconcile,
)
from hinterland.core.errors import HinterlandError, InputError
from hinterland.operations import FeeSchedule, PostalPartner
from hinterland.store import ledger as store
from hinterland.store.db import database_url, make_engine

PARTNER = PostalPartner()
#: Examples per property test (``tools/mutation.py`` lowers it: one run per mutant).
EXAMPLES = int(os.environ.get("HINTERLAND_PROPERTY_EXAMPLES", "80"))
KG_PER_LB = Decimal("0.45359237")  # exact, by definition of the pound
CENT = Decimal("0.01")

#: Each partner's terms written out as plain data: bands (max whole pounds, fee),
#: priority surcharge, revenue share in percent, premises fee. Premises fees differ
#: between every two partners, so a line priced by the wrong partner never adds up.
TERMS: dict[str, dict[str, object]] = {
    "usps_like": {"bands": [(1, "3.10"), (2, "3.60"), (5, "4.70"), (10, "6.90"), (20, "9.80"),
                            (70, "15.40")],
                  "surcharge": "4.00", "pct": "10", "premises": "0.25"},
    "regional": {"bands": [(1, "2.50"), (3, "3.75"), (10, "5.10"), (40, "11.00")],
                 "surcharge": "3.25", "pct": "12.5", "premises": "0.40"},
    "coop": {"bands": [(2, "3.00"), (5, "4.05"), (20, "8.50"), (70, "19.99")],
             "surcharge": "5.50", "pct": "7.25", "premises": "0.00"},
}


def _partner(name: str) -> PostalPartner:
    t = TERMS[name]
    bands = tuple((float(lb * KG_PER_LB), Decimal(fee)) for lb, fee in t["bands"])  # type: ignore[attr-defined]
    return PostalPartner(name=name, fees=FeeSchedule(bands),
                         priority_surcharge_usd=Decimal(str(t["surcharge"])),
                         revenue_share_pct=Decimal(str(t["pct"])),
                         premises_fee_usd=Decimal(str(t["premises"])))


PARTNERS = {name: _partner(name) for name in TERMS}


def _expected_line(row: dict[str, object]) -> dict[str, Decimal]:
    """One parcel's charges by plain Decimal arithmetic on :data:`TERMS`."""
    t = TERMS[str(row["partner"])]
    pounds = Decimal(str(row["weight_lb"])).to_integral_value(rounding=ROUND_CEILING)
    fee = next(Decimal(f) for lb, f in t["bands"] if pounds <= lb)  # type: ignore[attr-defined]
    if row["service"] == "priority_same_day":
        fee += Decimal(str(t["surcharge"]))
    ship = Decimal(str(row["shipping_fee_usd"]))
    share = (ship * Decimal(str(t["pct"])) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    premises = Decimal(str(t["premises"]))
    return {"shipping_fee_usd": ship, "fee_usd": fee, "revenue_share_usd": share,
            "premises_fee_usd": premises, "total_usd": fee + share + premises}


@st.composite
def parcel_rows(draw: st.DrawFn) -> dict[str, object]:
    """A parcel of one of several partners, offices and days; weight in 1/1000 lb.

    Whole-pound weights (band edges) are drawn often: the fee of a parcel of exactly
    ``k`` lb is the band holding ``k``, one more thousandth of a pound is the next band.
    """
    partner = draw(st.sampled_from(sorted(TERMS)))
    heaviest = TERMS[partner]["bands"][-1][0]  # type: ignore[index]
    milli_lb = draw(st.integers(1, heaviest * 1000)
                    | st.integers(1, heaviest).map(lambda k: k * 1000)
                    | st.integers(1, heaviest - 1).map(lambda k: k * 1000 + 1))
    weight_lb = Decimal(milli_lb) / 1000
    cents = draw(st.integers(0, 5000) | st.integers(0, 10**9))
    return {
        "partner": partner,
        "date": draw(st.sampled_from(["2025-03-04", "2025-03-05", "2025-03-31"])),
        "zip": draw(st.sampled_from(["69201", "89049", "88030", "59001"])),
        "office_id": draw(st.sampled_from(["PO-1", "PO-2", "PO-7", "PO-12"])),
        "weight_lb": weight_lb,
        "weight_kg": float(weight_lb * KG_PER_LB),
        "service": draw(st.sampled_from(["express_24h", "priority_same_day"])),
        "shipping_fee_usd": f"{cents // 100}.{cents % 100:02d}",
    }


def _table(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame([{"parcel_id": f"p{i}", **{k: v for k, v in r.items() if k != "weight_lb"}}
                         for i, r in enumerate(rows)])


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(parcel_rows(), min_size=1, max_size=40))
def test_lines_and_statements_equal_an_independent_computation(
    rows: list[dict[str, object]],
) -> None:
    lines = ledger_lines(_table(rows), PARTNERS)
    stmts = daily_statements(lines)
    assert list(lines.columns) == list(LEDGER_COLUMNS)
    assert list(stmts.columns) == list(STATEMENT_COLUMNS)
    sums: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(MONEY_COLUMNS, Decimal(0)))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for i, (row, line) in enumerate(zip(rows, lines.to_dict(orient="records"), strict=True)):
        want = _expected_line(row)
        assert line["parcel_id"] == f"p{i}" and line["partner"] == row["partner"]
        assert line["office_id"] == row["office_id"] and line["date"] == row["date"]
        for c in MONEY_COLUMNS:
            assert isinstance(line[c], Decimal) and line[c] == want[c], (c, row)
            sums[(str(row["partner"]), str(row["date"]))][c] += want[c]
        counts[(str(row["partner"]), str(row["date"]))] += 1
    assert [(r["partner"], r["date"]) for r in stmts.to_dict(orient="records")] == sorted(sums)
    for s in stmts.to_dict(orient="records"):
        key = (s["partner"], s["date"])
        assert s["parcels"] == counts[key]
        for c in MONEY_COLUMNS:
            assert s[c] == sums[key][c], (key, c)
    assert reconcile(lines, stmts, PARTNERS) == []


def _tamper_cases() -> st.SearchStrategy[tuple[str, str, int]]:
    return st.tuples(
        st.sampled_from(["line", "statement", "parcels", "drop", "extra", "twice",
                         "wrong_partner"]),
        st.sampled_from(MONEY_COLUMNS),
        st.sampled_from([-1, 1]),
    )


@settings(max_examples=int(EXAMPLES * 1.5), deadline=None)
@given(st.lists(parcel_rows(), min_size=1, max_size=12), _tamper_cases(), st.data())
def test_any_single_tampered_field_is_caught(
    rows: list[dict[str, object]], case: tuple[str, str, int], data: st.DataObject
) -> None:
    kind, column, step = case
    lines = ledger_lines(_table(rows), PARTNERS)
    stmts = daily_statements(lines)
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    j = data.draw(st.integers(0, len(stmts) - 1), label="statement")
    line = f"line {lines.at[i, 'partner']}/{lines.at[i, 'parcel_id']}: "
    key = f"{(stmts.at[j, 'partner'], stmts.at[j, 'date'])}: "
    cent = Decimal(step) / 100
    if kind == "line":  # one line's money column off by a cent
        lines.at[i, column] = lines.at[i, column] + cent
        if column != "shipping_fee_usd":
            # A charge is re-derived from the terms: caught even with statements rebuilt
            # from the tampered line. The shipping fee is an input (nothing to re-derive
            # it from): caught by the statement it no longer adds up to.
            stmts = daily_statements(lines)
            expect = line + column
        else:
            # (or, tampered below zero, by the line itself)
            expect = (f"{(lines.at[i, 'partner'], lines.at[i, 'date'])}: shipping_fee_usd",
                      line + "shipping_fee_usd")
    elif kind == "statement":
        stmts.at[j, column] = stmts.at[j, column] + cent
        expect = key + column
    elif kind == "parcels":
        stmts.at[j, "parcels"] = int(stmts.at[j, "parcels"]) + step
        expect = key + "parcels"
    elif kind == "drop":
        stmts = stmts.drop(index=j).reset_index(drop=True)
        expect = key + "no statement for ledger lines"
    elif kind == "extra":
        stmts = pd.concat([stmts, stmts.iloc[[j]].assign(date="2025-04-01")], ignore_index=True)
        expect = f"{(stmts.at[j, 'partner'], '2025-04-01')}: statement without ledger lines"
    elif kind == "twice":
        stmts = pd.concat([stmts, stmts.iloc[[j]]], ignore_index=True)
        expect = key + "statement listed twice"
    else:  # the line is priced by another partner's terms but filed under its own
        own = str(lines.at[i, "partner"])
        pounds = Decimal(str(rows[i]["weight_lb"])).to_integral_value(rounding=ROUND_CEILING)
        others = [n for n in sorted(set(TERMS) - {own})
                  if pounds <= TERMS[n]["bands"][-1][0]]  # type: ignore[index]
        other = data.draw(st.sampled_from(others), label="other")  # never empty: 2 take 70 lb
        moved = ledger_lines(_table(rows).iloc[[i]].assign(partner=other), PARTNERS)
        lines.loc[i, ["fee_usd", "revenue_share_usd", "premises_fee_usd", "total_usd"]] = (
            moved.loc[0, ["fee_usd", "revenue_share_usd", "premises_fee_usd", "total_usd"]])
        stmts = daily_statements(lines)
        expect = line + "premises_fee_usd"  # premises fees differ between every two partners
    problems = reconcile(lines, stmts, PARTNERS)
    assert any(p.startswith(expect) for p in problems), (expect, problems)  # str or tuple


def _one_line(weight_kg: float, partner: str = "usps_like", **kw: object) -> dict[str, object]:
    return {"partner": partner, "parcel_id": "a", "date": "2025-03-04", "zip": "69201",
            "office_id": "PO-1", "weight_kg": weight_kg, "service": "express_24h",
            "shipping_fee_usd": "2.99", **kw}


def test_a_fee_from_the_wrong_partners_schedule_is_caught() -> None:
    # 4.5 lb: usps_like charges 4.70 (band <= 5 lb), regional 5.10 (band <= 10 lb).
    w = float(Decimal("4.5") * KG_PER_LB)
    lines = ledger_lines(pd.DataFrame([_one_line(w)]), PARTNERS)
    other = ledger_lines(pd.DataFrame([_one_line(w, "regional")]), PARTNERS)
    assert lines.at[0, "fee_usd"] == Decimal("4.70") and other.at[0, "fee_usd"] == Decimal("5.10")
    lines.at[0, "fee_usd"] = other.at[0, "fee_usd"]
    lines.at[0, "total_usd"] = (lines.at[0, "fee_usd"] + lines.at[0, "revenue_share_usd"]
                                + lines.at[0, "premises_fee_usd"])
    problems = reconcile(lines, daily_statements(lines), PARTNERS)
    assert any("fee_usd 5.10 != 4.70" in p for p in problems)
    assert any("total_usd" in p for p in problems)


@pytest.mark.parametrize(("pounds", "band_fee"),
                         [("1", "3.10"), ("1.001", "3.60"), ("2", "3.60"), ("2.001", "4.70"),
                          ("5", "4.70"), ("5.001", "6.90"), ("70", "15.40")])
def test_band_edges_bill_whole_pounds(pounds: str, band_fee: str) -> None:
    w = float(Decimal(pounds) * KG_PER_LB)
    assert billable_pounds(w) == int(Decimal(pounds).to_integral_value(rounding=ROUND_CEILING))
    lines = ledger_lines(pd.DataFrame([_one_line(w)]), PARTNERS)
    assert lines.at[0, "fee_usd"] == Decimal(band_fee)
    assert reconcile(lines, daily_statements(lines), PARTNERS) == []
    # The neighbouring band's fee on the same line is a discrepancy.
    fees = [Decimal(f) for _, f in TERMS["usps_like"]["bands"]]  # type: ignore[attr-defined]
    k = fees.index(Decimal(band_fee))
    for n in (k - 1, k + 1):
        if 0 <= n < len(fees):
            bad = lines.copy()
            bad.at[0, "fee_usd"] = fees[n]
            bad.at[0, "total_usd"] = fees[n] + bad.at[0, "revenue_share_usd"] + Decimal("0.25")
            assert reconcile(bad, daily_statements(bad), PARTNERS) != []


def test_billable_pounds_refuses_non_weights() -> None:
    for w in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="is not a positive finite number"):
            billable_pounds(w)


def _two_days() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A line on 2025-03-04 (parcel a) and one on 2025-03-05 (parcel b), and their statements."""
    rows = [_one_line(1.0), _one_line(2.0, parcel_id="b", date="2025-03-05")]
    lines = ledger_lines(pd.DataFrame(rows), PARTNERS)
    return lines, daily_statements(lines)


NO_LINES_A = "('usps_like', '2025-03-04'): statement without ledger lines"


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("partner", "nobody", "line nobody/a: no terms for partner 'nobody'"),
        ("weight_kg", 40.0, "line usps_like/a: billable weight 89 lb is above the partner's "
                            "heaviest band"),
        ("weight_kg", -1.0, "line usps_like/a: bad weight: weight -1.0 kg is not a positive "
                            "finite number"),
        ("service", "ground", "line usps_like/a: service 'ground' is not one of express_24h, "
                              "priority_same_day"),
        ("fee_usd", Decimal("3.605"), "line usps_like/a: fee_usd not a whole number of cents"),
        ("fee_usd", 3.6, "line usps_like/a: fee_usd not a whole number of cents"),
        ("fee_usd", None, "line usps_like/a: fee_usd not a whole number of cents"),
        ("shipping_fee_usd", Decimal("-2.99"), "line usps_like/a: shipping_fee_usd -2.99 < 0"),
    ],
)
def test_a_line_that_cannot_be_repriced_is_named_and_the_rest_still_checked(
    column: str, value: object, problem: str
) -> None:
    lines, stmts = _two_days()
    assert reconcile(lines, stmts, PARTNERS) == []
    bad = lines.astype({column: object})
    bad.at[0, column] = value
    # The bad line is named; its day then has a statement without (usable) lines; the
    # other day's line is still re-priced and its statement still checked (no more).
    assert reconcile(bad, stmts, PARTNERS) == [problem, NO_LINES_A]


def test_reconcile_messages_name_every_bad_column() -> None:
    lines, stmts = _two_days()
    bad = lines.astype({"fee_usd": object, "total_usd": object})
    bad.at[0, "fee_usd"] = Decimal("3.105")
    bad.at[0, "total_usd"] = Decimal("3.605")
    assert reconcile(bad, stmts, PARTNERS) == [
        "line usps_like/a: fee_usd, total_usd not a whole number of cents", NO_LINES_A]
    assert reconcile(lines.drop(columns=["fee_usd", "total_usd"]), stmts, PARTNERS) == [
        "ledger lines lack column(s): fee_usd, total_usd"]
    assert reconcile(lines, stmts.drop(columns="parcels"), PARTNERS) == [
        "statements lack column(s): parcels"]


def test_reconcile_statement_messages() -> None:
    lines, stmts = _two_days()
    b = "('usps_like', '2025-03-05')"
    twice = pd.concat([stmts, stmts.iloc[[1]]], ignore_index=True)
    assert reconcile(lines, twice, PARTNERS) == [f"{b}: statement listed twice"]
    assert reconcile(lines, stmts.iloc[[0]], PARTNERS) == [f"{b}: no statement for ledger lines"]
    off = stmts.astype({"parcels": object, "fee_usd": object})
    off.at[1, "parcels"] = 2
    off.at[1, "fee_usd"] = Decimal("3.70")
    assert reconcile(lines, off, PARTNERS) == [f"{b}: parcels 2 != 1",
                                               f"{b}: fee_usd 3.70 != 4.70"]  # 2 kg: 5 lb
    for parcels in (1.5, "1.5", "one"):
        odd = stmts.astype({"parcels": object})
        odd.at[1, "parcels"] = parcels
        assert reconcile(lines, odd, PARTNERS) == [f"{b}: parcels {parcels} != 1"]
    assert reconcile(lines, stmts.assign(parcels=[1.0, 1.0]), PARTNERS) == []
    line = lines.astype({"total_usd": object})
    line.at[1, "total_usd"] = Decimal("4.00")
    assert reconcile(line, daily_statements(line), PARTNERS) == [
        "line usps_like/b: total_usd 4.00 != 5.25 by the terms",  # 4.70 + 0.30 + 0.25
        f"{b}: total_usd 4.00 != 5.25"]  # its statement, rebuilt from the line, too


def test_a_parcel_listed_twice_and_empty_tables() -> None:
    lines, stmts = _two_days()
    twice = pd.concat([lines, lines.iloc[[1]]], ignore_index=True)
    b = "('usps_like', '2025-03-05')"
    assert reconcile(twice, daily_statements(twice), PARTNERS) == [
        "line usps_like/b: parcel listed twice"]
    # the same parcel id under two partners is two parcels
    other = pd.concat([lines, lines.iloc[[1]].assign(partner="coop")], ignore_index=True)
    assert reconcile(other, daily_statements(other), PARTNERS) == [
        "line coop/b: fee_usd 4.70 != 4.05 by the terms",  # 2 kg = 4.4 lb: coop's 5-lb band
        "line coop/b: revenue_share_usd 0.30 != 0.22 by the terms",
        "line coop/b: premises_fee_usd 0.25 != 0.00 by the terms",
        "line coop/b: total_usd 5.25 != 4.27 by the terms",
        "('coop', '2025-03-05'): fee_usd 4.70 != 4.05",
        "('coop', '2025-03-05'): revenue_share_usd 0.30 != 0.22",
        "('coop', '2025-03-05'): premises_fee_usd 0.25 != 0.00",
        "('coop', '2025-03-05'): total_usd 5.25 != 4.27",
    ]
    empty = daily_statements(lines.iloc[:0])
    assert list(empty.columns) == list(STATEMENT_COLUMNS) and empty.empty
    assert reconcile(lines.iloc[:0], empty, PARTNERS) == []
    assert reconcile(lines.iloc[:0], stmts, PARTNERS) == [
        NO_LINES_A, f"{b}: statement without ledger lines"]


def test_reconcile_takes_one_partner_or_several() -> None:
    lines = ledger_lines(pd.DataFrame([_one_line(1.0, "postal_partner")]))  # default terms
    stmts = daily_statements(lines)
    assert reconcile(lines, stmts) == []
    assert reconcile(lines, stmts, PostalPartner()) == []
    assert reconcile(lines, stmts, {"postal_partner": PostalPartner()}) == []
    other = PostalPartner(name="postal_partner", premises_fee_usd=Decimal("0.26"))
    assert reconcile(lines, stmts, other) == [  # 1 kg = 2.2 lb: 4.70 + 0.30 + 0.25
        "line postal_partner/a: premises_fee_usd 0.25 != 0.26 by the terms",
        "line postal_partner/a: total_usd 5.25 != 5.26 by the terms",
        "('postal_partner', '2025-03-04'): premises_fee_usd 0.25 != 0.26",
        "('postal_partner', '2025-03-04'): total_usd 5.25 != 5.26",
    ]


def test_priority_surcharge_and_share_rounding_by_the_terms() -> None:
    free = PostalPartner(name="free", priority_surcharge_usd=Decimal("0.00"),
                         revenue_share_pct=Decimal("12.5"), premises_fee_usd=Decimal("0.00"))
    rows = [_one_line(1.0, "free", service="priority_same_day", shipping_fee_usd="0.04"),
            _one_line(1.0, "free", parcel_id="b", shipping_fee_usd="0.03")]
    lines = ledger_lines(pd.DataFrame(rows), {"free": free})
    # 12.5 % of 0.04 = 0.005 -> 0.01 (half up); of 0.03 = 0.00375 -> 0.00
    assert lines["revenue_share_usd"].tolist() == [Decimal("0.01"), Decimal("0.00")]
    assert lines["fee_usd"].tolist() == [Decimal("4.70"), Decimal("4.70")]  # 2.2 lb: 5 lb
    assert reconcile(lines, daily_statements(lines), {"free": free}) == []
    down = lines.astype({"revenue_share_usd": object, "total_usd": object})
    down.at[0, "revenue_share_usd"] = Decimal("0.00")
    down.at[0, "total_usd"] = Decimal("4.70")
    assert reconcile(down, daily_statements(down), {"free": free}) == [
        "line free/a: revenue_share_usd 0.00 != 0.01 by the terms",
        "line free/a: total_usd 4.70 != 4.71 by the terms",
        "('free', '2025-03-04'): revenue_share_usd 0.00 != 0.01",
        "('free', '2025-03-04'): total_usd 9.40 != 9.41"]


def test_whole_pound_billing_tolerance_is_a_billionth_of_a_pound() -> None:
    lb = float(KG_PER_LB)
    assert billable_pounds(3 * lb) == 3
    assert billable_pounds((3 + 0.5e-9) * lb) == 3  # binary noise of a 3-lb figure
    assert billable_pounds((3 + 1.5e-9) * lb) == 4
    assert billable_pounds((3 - 1e-6) * lb) == 3
    assert billable_pounds(1e-9) == 1  # any positive weight bills at least 1 lb
    assert settlement._band_pounds(3 * lb) == 3
    assert settlement._band_pounds((3 - 0.5e-9) * lb) == 3
    assert settlement._band_pounds((3 - 1.5e-9) * lb) == 2
    assert settlement._band_pounds(2.995 * lb) == 2  # a 2.995-lb band holds 2 whole pounds
    assert settlement._band_pounds(1.0) == 2  # 1 kg = 2.2 lb


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


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [("weight_kg", "40", "bad weight: parcel of 40 kg is above the partner's maximum of "
                         "31.75 kg"),
     ("weight_kg", "x", "bad weight: could not convert string to float: 'x'"),
     ("weight_kg", "-1", "bad weight: '-1' is not a weight > 0 kg"),
     ("weight_kg", "inf", "bad weight: 'inf' is not a weight > 0 kg"),
     ("weight_kg", "0", "bad weight: '0' is not a weight > 0 kg"),
     ("service", "ground", "service 'ground' is not one of express_24h, priority_same_day"),
     ("shipping_fee_usd", "1.234", "shipping_fee_usd: '1.234' has sub-cent precision"),
     ("shipping_fee_usd", "-1.00", "shipping_fee_usd must be >= 0"),
     ("shipping_fee_usd", "1e400", "shipping_fee_usd '1e400' is not a usable amount"),
     ("date", "2025-02-30", "'2025-02-30' is not a date YYYY-MM-DD"),
     ("parcel_id", "", "empty parcel id")],
)
def test_bad_parcel_rows_say_file_row_column_and_why(column: str, value: str,
                                                    reason: str) -> None:
    good = {"parcel_id": "a", "date": "2025-03-04", "zip": "69201", "office_id": "PO-1",
            "weight_kg": "1", "service": "express_24h", "shipping_fee_usd": "2.99"}
    table = pd.DataFrame([good, {**good, "parcel_id": "b", column: value}])
    with pytest.raises(InputError) as err:
        ledger_lines(table, source="p.csv")
    assert str(err.value) == f"p.csv, row 2, column '{column}': {reason}"
    assert (err.value.row, err.value.column) == (2, column)


def test_missing_columns_and_terms_are_named() -> None:
    good = {"parcel_id": "a", "date": "2025-03-04", "zip": "69201", "office_id": "PO-1",
            "weight_kg": "1", "service": "express_24h", "shipping_fee_usd": "2.99"}
    with pytest.raises(InputError) as err:
        ledger_lines(pd.DataFrame([good]).drop(columns=["zip", "service"]), source="p.csv")
    assert str(err.value) == "p.csv, column 'zip': missing column(s): zip, service"
    with pytest.raises(InputError, match=r"^parcels, "):
        ledger_lines(pd.DataFrame([good]).drop(columns=["zip"]))
    with pytest.raises(HinterlandError, match=r"^no partner terms given$"):
        ledger_lines(pd.DataFrame([good]), {})


def test_unknown_zip_or_office_is_named() -> None:
    table = pd.DataFrame({"zip": ["69201", " 89049", "69201"],
                          "office_id": ["PO-1", "PO-2 ", "PO-1"]})
    check_places(table, {"69201", "89049"}, {"PO-1", "PO-2"})  # stripped before the look-up
    with pytest.raises(InputError) as err:
        check_places(table.assign(zip=["69201", "69201", "00000"]), {"69201"},
                     {"PO-1", "PO-2"}, source="p.csv")
    assert str(err.value) == "p.csv, row 3, column 'zip': unknown ZIP area '00000'"
    with pytest.raises(InputError) as err:
        check_places(table, {"69201", "89049"}, {"PO-1"})
    assert str(err.value) == ("parcels, row 2, column 'office_id': unknown partner office "
                              "'PO-2 ' (not a partner_post_office of the network)")
    assert (err.value.row, err.value.column) == (2, "office_id")
    check_places(table.iloc[:0], set(), set())  # nothing to check: nothing refused


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
    assert reconcile(lines, stmts, {"usps_like": a, "regional": b}) == []
    # Re-priced by the other partner's terms, the regional line does not reconcile.
    assert any("line regional/x" in p for p in reconcile(lines, stmts, {"usps_like": a,
                                                                        "regional": a}))
    with pytest.raises(InputError, match="no terms"):
        ledger_lines(pd.DataFrame(rows), {"usps_like": a})
