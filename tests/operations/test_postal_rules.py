"""Postal partner rules at their edges: a partner's own service table, shares, charges."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.operations import PostalPartner
from hinterland.operations.postal import check_service_table


def _table(**over: object) -> pd.DataFrame:
    t = pd.DataFrame({"zip": ["1001", " 69201 ", "59001"], "office_id": ["PO-1", "PO-2", "PO-3"],
                      "transit_days": [0, 1, 30], "express_24h": [True, True, False],
                      "priority_same_day": [False, True, False]})
    for k, v in over.items():
        t[k] = v
    return t


def test_service_table_is_normalised() -> None:
    out = check_service_table(_table())
    assert out["zip"].tolist() == ["01001", "69201", "59001"]  # padded and stripped
    assert out["transit_days"].tolist() == [0, 1, 30]
    assert out["priority_same_day"].tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("over", "row", "column"),
    [({"transit_days": [0, 31, 1]}, 2, "transit_days"),  # just past the 30-day limit
     ({"transit_days": [0, -1, 1]}, 2, "transit_days"),
     ({"zip": ["01001", "69201", "01001"]}, 3, "zip"),  # listed twice
     ({"zip": ["01001", "692011", "59001"]}, 2, "zip")],
)
def test_service_table_refusals_name_row_and_column(over: dict[str, object], row: int,
                                                   column: str) -> None:
    with pytest.raises(InputError) as err:
        check_service_table(_table(**over), source="svc.csv")
    assert (err.value.row, err.value.column) == (row, column)
    assert "svc.csv" in str(err.value)


def test_service_table_duplicate_message() -> None:
    with pytest.raises(InputError, match="ZIP 01001 listed twice"):
        check_service_table(_table(zip=["1001", "69201", "01001"]))
    with pytest.raises(InputError, match="partner service table"):
        check_service_table(_table(zip=["1001", "69201", "01001"]))
    with pytest.raises(InputError):
        check_service_table(_table().drop(columns="office_id"))


@pytest.mark.parametrize("pct", ["0", "10", "12.5", "7.25", "33.333333", "100"])
def test_revenue_share_half_up_by_plain_decimal(pct: str) -> None:
    p = PostalPartner(revenue_share_pct=Decimal(pct))
    cents = np.array([0, 1, 4, 5, 50, 99, 299, 599, 12345, 10**9])
    want = [int((Decimal(int(c)) * Decimal(pct) / 100).quantize(Decimal(1),
                                                               rounding=ROUND_HALF_UP))
            for c in cents]
    assert p.revenue_share_cents(cents).tolist() == want
    for c, w in zip(cents, want, strict=True):
        assert p.revenue_share(Decimal(int(c)) / 100) == Decimal(w) / 100


def test_revenue_share_finer_than_a_millionth_of_a_percent() -> None:
    p = PostalPartner(revenue_share_pct=Decimal("12.34567891"))
    cents = np.array([[1, 405], [8101, 10**7]])
    got = p.revenue_share_cents(cents)
    assert got.shape == (2, 2)
    want = [[int((Decimal(int(c)) * Decimal("12.34567891") / 100).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)) for c in r] for r in cents]
    assert got.tolist() == want


def test_revenue_share_refuses_negative_and_sub_cent_fees() -> None:
    from hinterland.core.errors import HinterlandError

    with pytest.raises(HinterlandError, match="shipping_fee_usd must be >= 0"):
        PostalPartner().revenue_share(Decimal("-0.01"))
    with pytest.raises(HinterlandError, match="sub-cent"):
        PostalPartner().revenue_share(Decimal("0.001"))


def test_parcel_charges_by_hand() -> None:
    p = PostalPartner(priority_surcharge_usd=Decimal("4.00"), premises_fee_usd=Decimal("0.25"),
                      revenue_share_pct=Decimal("10"))
    # 1 kg = 2.2 lb: the 5-lb band (4.70); 10 % of 5.95 = 0.595 -> 0.60
    plain = p.parcel_charges(1.0, Decimal("5.95"))
    assert plain == {"fee": Decimal("4.70"), "revenue_share": Decimal("0.60"),
                     "premises_fee": Decimal("0.25"), "total": Decimal("5.55")}
    prio = p.parcel_charges(1.0, Decimal("5.95"), priority=True)
    assert prio["fee"] == Decimal("8.70") and prio["total"] == Decimal("9.55")
    assert str(prio["total"]) == "9.55"
