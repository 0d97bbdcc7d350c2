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


@pytest.mark.parametrize(
    ("kw", "message"),
    [({"name": " "}, "postal partner needs a name"),
     ({"revenue_share_pct": "ten"}, "revenue_share_pct must be a decimal percentage"),
     ({"revenue_share_pct": Decimal("101")}, "revenue_share_pct must be within 0..100, got 101"),
     ({"priority_surcharge_usd": Decimal("-1.00")}, "partner fees must be >= 0"),
     ({"premises_fee_usd": Decimal("-0.01")}, "partner fees must be >= 0"),
     ({"priority_surcharge_usd": "1.001"}, "priority_surcharge_usd: '1.001' has sub-cent"),
     ({"premises_fee_usd": "x"}, "premises_fee_usd: 'x' is not a decimal amount"),
     ({"handoff_cutoff_min": 1441.0},
      "partner handoff_cutoff_min must be within 0..1440 min, got 1441.0"),
     ({"local_radius_km": 130.0},
      "partner radii need 0 <= local_radius_km <= service_radius_km (finite)"),
     ({"priority_radius_km": -1.0}, "partner priority_radius_km must be finite and >= 0, got -1.0"),
     ({"co2_kg_per_parcel": float("nan")},
      "partner co2_kg_per_parcel must be finite and >= 0, got nan")],
)
def test_partner_refusals_name_the_field(kw: dict[str, object], message: str) -> None:
    import re

    from hinterland.core.errors import HinterlandError

    with pytest.raises(HinterlandError, match="^" + re.escape(message)):
        PostalPartner(**kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bands", "message"),
    [((), "fee schedule needs at least one weight band"),
     (((0.0, "1.00"),), "weight band limits must be positive and finite"),
     (((2.0, "1.00"), (1.0, "2.00")), "weight band limits must strictly increase"),
     (((1.0, "3.00"), (2.0, "2.00")), "weight band fees must not decrease with weight"),
     (((1.0, "-1.00"), (2.0, "2.00")), "weight band fees must be >= 0"),
     (((1.0, "1.005"),), "fee of band <= 1.0 kg: '1.005' has sub-cent precision")],
)
def test_schedule_refusals_name_the_rule(bands: tuple[tuple[float, str], ...],
                                         message: str) -> None:
    import re

    from hinterland.core.errors import HinterlandError
    from hinterland.operations import FeeSchedule

    with pytest.raises(HinterlandError, match="^" + re.escape(message)):
        FeeSchedule(bands)  # type: ignore[arg-type]


def test_terms_are_kept_in_exact_cents() -> None:
    from hinterland.operations import FeeSchedule

    p = PostalPartner(priority_surcharge_usd="4", premises_fee_usd="0.3",  # type: ignore[arg-type]
                      revenue_share_pct="12.5")  # type: ignore[arg-type]
    assert (str(p.priority_surcharge_usd), str(p.premises_fee_usd)) == ("4.00", "0.30")
    assert p.revenue_share_pct == Decimal("12.5") and isinstance(p.revenue_share_pct, Decimal)
    s = FeeSchedule(((1, "3.1"), (2.5, "4")))  # type: ignore[arg-type]
    assert s.bands == ((1.0, Decimal("3.10")), (2.5, Decimal("4.00")))
    assert isinstance(s.bands[0][0], float) and str(s.bands[1][1]) == "4.00"
    assert s.fee(2.5) == Decimal("4.00") and s.fee(1.0) == Decimal("3.10")
    assert s.band_index([1.0, 1.0 + 1e-12, 2.5, 2.5 + 1e-9, 0.0, -1.0]).tolist() == [
        0, 1, 1, -1, -1, -1]
    assert s.fee_cents([0.5, 2.0, 3.0]).tolist() == [310, 400, -1]


def _ring() -> tuple[pd.DataFrame, pd.DataFrame]:
    """An office at the origin and ZIP areas due east at known great-circle km."""
    km = np.array([0.0, 10.0, 40.0, 60.0, 130.0])
    zips = pd.DataFrame({"zip": ["00001", "00002", "00003", "00004", "00005"], "lat": 0.0,
                         "lon": km / 111.19492664455873,
                         "rurality": ["metro", "rural", "rural", "metro", "rural"]})
    offices = pd.DataFrame({"id": ["PO-A", "PO-B"], "lat": [0.0, 60.0], "lon": [0.0, 0.0]})
    return zips, offices


def test_service_areas_by_hand() -> None:
    from hinterland.geo import TravelModel
    from hinterland.operations import SERVICE_COLUMNS, service_areas

    zips, offices = _ring()
    tm = TravelModel()
    wide = service_areas(zips, offices, PostalPartner(service_radius_km=1e4), tm)
    road = wide["office_road_km"].to_numpy()  # the exact figures the rule compares
    np.testing.assert_allclose(road, [0.0, 10.0 * 1.35, 40.0 * 1.35, 60.0 * 1.20, 130.0 * 1.35],
                               rtol=1e-5, atol=1e-6)
    partner = PostalPartner(local_radius_km=float(road[2]), service_radius_km=float(road[3]),
                            priority_radius_km=float(road[1]))
    out = service_areas(zips, offices, partner, tm)
    assert list(out.columns) == list(SERVICE_COLUMNS)
    assert out["zip"].tolist() == ["00001", "00002", "00003", "00004"]  # 130 km: not served
    assert out.index.tolist() == [0, 1, 2, 3]
    np.testing.assert_array_equal(out["office_road_km"], road[:4])
    assert out["office"].dtype == np.int64 and out["office"].tolist() == [0, 0, 0, 0]
    assert out["office_id"].tolist() == ["PO-A"] * 4
    assert out["transit_days"].dtype == np.int64
    assert out["transit_days"].tolist() == [0, 0, 0, 1]  # the local radius is inclusive
    assert out["express_24h"].dtype == bool and out["express_24h"].all()
    assert out["priority_same_day"].tolist() == [True, True, False, False]  # inclusive too
    # Just inside each radius (the exact figures above) vs just outside:
    tight = PostalPartner(local_radius_km=float(road[2]) * (1 - 1e-6),
                          service_radius_km=float(road[3]) * (1 - 1e-6),
                          priority_radius_km=float(road[1]) * (1 - 1e-6))
    t = service_areas(zips, offices, tight, tm)
    assert t["zip"].tolist() == ["00001", "00002", "00003"]
    assert t["transit_days"].tolist() == [0, 0, 1]
    assert t["priority_same_day"].tolist() == [True, False, False]


def test_service_areas_defaults_and_empty_inputs() -> None:
    from hinterland.operations import SERVICE_COLUMNS, service_areas

    zips, offices = _ring()
    default = service_areas(zips, offices)  # 120 km, 40 km local, 15 km priority
    assert default["zip"].tolist() == ["00001", "00002", "00003", "00004"]
    one = service_areas(zips.iloc[[1]], offices)
    assert one["zip"].tolist() == ["00002"] and one["transit_days"].tolist() == [0]
    for z, o in ((zips, offices.iloc[:0]), (zips.iloc[:0], offices)):
        empty = service_areas(z, o)
        assert empty.empty and list(empty.columns) == list(SERVICE_COLUMNS)
    plain = service_areas(zips.drop(columns="rurality"), offices)  # small-town circuity
    np.testing.assert_allclose(plain["office_road_km"].iloc[1], 10.0 * 1.30, rtol=1e-5)
