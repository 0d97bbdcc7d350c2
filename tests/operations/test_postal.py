"""Postal partner: fee schedule (property tests), revenue share, service areas."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hinterland.core.errors import HinterlandError
from hinterland.core.money import usd
from hinterland.operations import FeeSchedule, PostalPartner, service_areas
from hinterland.operations.postal import LB_KG

SCHEDULE = FeeSchedule()
weights = st.floats(min_value=1e-6, max_value=SCHEDULE.max_kg, allow_nan=False)


@given(weights, weights)
def test_fee_never_decreases_with_weight(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert SCHEDULE.fee(lo) <= SCHEDULE.fee(hi)


@given(weights)
def test_fee_is_the_first_band_holding_the_weight(w: float) -> None:
    fee = SCHEDULE.fee(w)
    band = next(i for i, (limit, _) in enumerate(SCHEDULE.bands) if w <= limit)
    assert fee == SCHEDULE.bands[band][1]
    assert band == 0 or w > SCHEDULE.bands[band - 1][0]
    assert fee == fee.quantize(Decimal("0.01"))


@given(st.lists(st.floats(min_value=-5, max_value=40) | st.just(float("nan")), min_size=1,
                max_size=50))
def test_vectorised_fee_matches_scalar_fee(ws: list[float]) -> None:
    cents = SCHEDULE.fee_cents(np.array(ws))
    for w, c in zip(ws, cents, strict=True):
        if not (w > 0) or w > SCHEDULE.max_kg:
            assert c == -1
            with pytest.raises(HinterlandError):
                SCHEDULE.fee(w)
        else:
            assert Decimal(int(c)) / 100 == SCHEDULE.fee(w)


@given(
    st.lists(st.tuples(st.floats(0.01, 100), st.integers(0, 5000)), min_size=1, max_size=8,
             unique_by=lambda t: round(t[0], 6))
)
def test_any_valid_schedule_is_monotone(bands: list[tuple[float, int]]) -> None:
    limits = sorted(round(kg, 6) for kg, _ in bands)
    fees = sorted(c for _, c in bands)
    sched = FeeSchedule(tuple((kg, Decimal(c) / 100) for kg, c in zip(limits, fees, strict=True)))
    probe = np.linspace(0.001, limits[-1], 50)
    cents = sched.fee_cents(probe)
    assert (np.diff(cents) >= 0).all()
    assert sched.fee_cents([limits[-1] * 1.0001])[0] == -1


def test_schedule_rejects_bad_bands() -> None:
    with pytest.raises(HinterlandError, match="increase"):
        FeeSchedule(((2.0, Decimal("1.00")), (1.0, Decimal("2.00"))))
    with pytest.raises(HinterlandError, match="decrease"):
        FeeSchedule(((1.0, Decimal("3.00")), (2.0, Decimal("2.00"))))
    with pytest.raises(HinterlandError, match="sub-cent"):
        FeeSchedule(((1.0, Decimal("3.001")),))
    with pytest.raises(HinterlandError):
        FeeSchedule(((1.0, 3.0),))  # type: ignore[arg-type]  # floats are refused


def test_default_bands_are_pound_breaks_up_to_70_lb() -> None:
    assert SCHEDULE.max_kg == pytest.approx(70 * LB_KG)
    assert SCHEDULE.fee(LB_KG) == SCHEDULE.bands[0][1]  # exactly 1 lb is the first band
    assert SCHEDULE.fee(LB_KG * 1.0001) == SCHEDULE.bands[1][1]


@settings(max_examples=200)
@given(st.integers(0, 10**7), st.decimals(min_value=0, max_value=100, places=3))
def test_revenue_share_vectorised_equals_decimal(cents: int, pct: Decimal) -> None:
    partner = PostalPartner(revenue_share_pct=pct)
    exact = (Decimal(cents) / 100 * pct / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert partner.revenue_share(Decimal(cents) / 100) == exact
    assert int(partner.revenue_share_cents(np.array([cents]))[0]) == int(exact * 100)


def test_parcel_charges_add_up() -> None:
    p = PostalPartner()
    ch = p.parcel_charges(1.0, Decimal("5.99"), priority=True)
    assert ch["fee"] == p.fees.fee(1.0) + p.priority_surcharge_usd
    assert ch["revenue_share"] == Decimal("0.60")  # 10 % of 5.99 = 0.599 -> 0.60
    assert ch["total"] == ch["fee"] + ch["revenue_share"] + ch["premises_fee"]


def test_partner_validation() -> None:
    with pytest.raises(HinterlandError):
        PostalPartner(revenue_share_pct=Decimal("120"))
    with pytest.raises(HinterlandError):
        PostalPartner(local_radius_km=200, service_radius_km=100)
    with pytest.raises(HinterlandError):
        usd("1.005")


def test_service_areas_on_real_zip_areas(zips: pd.DataFrame) -> None:
    nb = zips[zips["state"] == "NE"].reset_index(drop=True)
    # One office at the Valentine NE (69201) centroid.
    row = nb[nb["zip"] == "69201"].iloc[0]
    offices = pd.DataFrame({"id": ["PO-1"], "lat": [row["lat"]], "lon": [row["lon"]]})
    partner = PostalPartner()
    table = service_areas(nb, offices, partner)
    assert "69201" in set(table["zip"])
    own = table[table["zip"] == "69201"].iloc[0]
    assert own["transit_days"] == 0 and own["priority_same_day"] and own["office_road_km"] == 0
    assert (table["office_road_km"] <= partner.service_radius_km).all()
    assert ((table["office_road_km"] <= partner.local_radius_km)
            == (table["transit_days"] == 0)).all()
    # Omaha (68102) is far beyond the service radius.
    assert "68102" not in set(table["zip"])
