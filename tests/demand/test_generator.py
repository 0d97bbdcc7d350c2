"""Demand rates, catalogue and order generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.demand.catalogue import generate_catalogue
from hinterland.demand.orders import expected_parcels, generate_order_stream, generate_orders
from hinterland.demand.rates import RURALITY_ORDER, DemandRates


def _zips(n_per_class: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for k, r in enumerate(RURALITY_ORDER):
        for i in range(n_per_class):
            rows.append(
                {
                    "zip": f"{k}{i:04d}",
                    "population": int(rng.integers(200, 20_000)),
                    "rurality": r,
                    "state": ("MT", "ND", "IA")[i % 3],
                }
            )
    return pd.DataFrame(rows)


def test_rates_defaults_give_about_three_million_per_day() -> None:
    r = DemandRates()
    national = 333e6 * r.base_per_capita_per_day
    assert 2.5e6 < national < 3.3e6
    # factors normalised to mean one over a week and a year
    week = np.mean([[r.day_factor(w, m) for w in range(7)] for m in range(1, 13)])
    assert week == pytest.approx(1.0, rel=1e-9)


def test_rates_override_and_validation() -> None:
    r = DemandRates.from_mapping({"market_share": 0.1, "weekday_factors": [1] * 7})
    assert r.market_share == 0.1 and r.weekday_factors == (1.0,) * 7
    with pytest.raises(HinterlandError):
        DemandRates.from_mapping({"no_such_setting": 1})
    with pytest.raises(HinterlandError):
        DemandRates(month_factors=(1.0,) * 11)
    with pytest.raises(HinterlandError):
        DemandRates(rurality_multiplier={"metro": 1.0})


def test_generator_reproducible_by_seed() -> None:
    z = _zips(50)
    cat = generate_catalogue(2_000, seed=3)
    a = generate_orders(z, cat, "2025-03-04", seed=11)
    b = generate_orders(z, cat, "2025-03-04", seed=11)
    c = generate_orders(z, cat, "2025-03-04", seed=12)
    pd.testing.assert_frame_equal(a, b)
    assert not a["item"].equals(c["item"]) or len(a) != len(c)
    pd.testing.assert_frame_equal(
        generate_catalogue(500, seed=5).items, generate_catalogue(500, seed=5).items
    )


def test_generated_counts_match_configured_rates() -> None:
    z = _zips(300)
    rates = DemandRates(market_share=0.2)
    cat = generate_catalogue(1_000, seed=1)
    day = pd.Timestamp("2025-12-15")  # a December Monday: both factors matter
    orders = generate_orders(z, cat, day, seed=7, rates=rates)
    exp = expected_parcels(z, [day], rates).set_index("zip")["parcels_per_day"]
    got = orders.groupby("zip", observed=False).size().reindex(exp.index, fill_value=0)
    rur = z.set_index("zip")["rurality"]
    for r in RURALITY_ORDER:
        e = exp[rur == r].sum()
        g = got[rur == r].sum()
        # Poisson total: |z| < 4 with overwhelming probability
        assert abs(g - e) / np.sqrt(e) < 4, (r, g, e)
    # per-capita rate ordering follows the multipliers
    per_cap = got.groupby(rur).sum() / z.set_index("zip")["population"].groupby(rur).sum()
    assert per_cap["metro"] > per_cap["rural"]
    # quantity mean matches
    q = orders["quantity"].mean()
    assert abs(q - rates.mean_quantity) < 4 * np.sqrt((rates.mean_quantity - 1) / len(orders))


def test_item_choice_follows_popularity_and_affinity() -> None:
    z = _zips(300)
    cat = generate_catalogue(300, seed=2, state_affinity_sigma=0.0)
    orders = generate_orders(z, cat, "2025-06-03", seed=5, rates=DemandRates(market_share=0.5))
    rural = orders[orders["zip"].astype(str).str[0] == "3"]
    w = cat.weights("rural")
    p = w / w.sum()
    counts = np.bincount(rural["item"], minlength=len(p))
    chi2 = ((counts - len(rural) * p) ** 2 / (len(rural) * p)).sum()
    dof = len(p) - 1
    assert chi2 < dof + 5 * np.sqrt(2 * dof)
    farm = cat.items["category"] == "farm_ranch"
    share_rural = farm.to_numpy()[rural["item"]].mean()
    metro = orders[orders["zip"].astype(str).str[0] == "0"]
    share_metro = farm.to_numpy()[metro["item"]].mean()
    assert share_rural > 2 * share_metro


def test_stream_has_unique_ids_and_days() -> None:
    z = _zips(20)
    cat = generate_catalogue(100, seed=1)
    s = generate_order_stream(z, cat, "2025-01-06", 3, seed=4)
    assert s["order_id"].is_unique
    assert s["date"].nunique() == 3
    assert s["zip"].astype(str).str.len().eq(5).all()
