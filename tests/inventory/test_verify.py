"""The assortment re-check at its edges: just inside passes, just outside fails.

Expected fill rates here come from a direct sum over the demand distribution written in
the test (scipy pmfs, no code of :mod:`hinterland.inventory`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from hinterland.inventory.verify import check_plan, recheck_fill


def _direct_fill(s: int, mu: float, vmr: float, review: float, lead: float) -> float:
    """Fill of one review cycle by direct summation: 1 - (E(D_rl - s)+ - E(D_l - s)+)/E(D_r)."""
    k = np.arange(2000)

    def loss(mean: float) -> float:
        if vmr <= 1.0:
            pmf = stats.poisson.pmf(k, mean)
        else:
            p = 1.0 / vmr
            pmf = stats.nbinom.pmf(k, mean * p / (1.0 - p), p)
        return float((np.clip(k - s, 0, None) * pmf).sum())

    return 1.0 - (loss(mu * (review + lead)) - loss(mu * lead)) / (mu * review)


@pytest.mark.parametrize(("s", "mu", "vmr"), [(1, 0.3, 1.0), (4, 1.5, 1.0), (7, 2.0, 2.5),
                                              (25, 9.0, 1.7), (3, 0.05, 3.0)])
def test_recheck_fill_equals_a_direct_sum(s: int, mu: float, vmr: float) -> None:
    got = recheck_fill(np.array([s]), np.array([mu]), np.array([vmr]), 2.0, 1.0)[0]
    assert got == pytest.approx(_direct_fill(s, mu, vmr, 2.0, 1.0), abs=1e-9)


def test_recheck_fill_edges() -> None:
    assert recheck_fill(np.array([0]), np.array([0.0]), np.array([1.0]), 1.0, 1.0)[0] == 1.0
    assert recheck_fill(np.array([0]), np.array([2.0]), np.array([1.0]), 1.0, 1.0)[0] == 0.0
    f = recheck_fill(np.arange(0, 12), np.full(12, 3.0), np.full(12, 1.0), 1.0, 1.0)
    assert (np.diff(f) >= 0).all() and f.min() >= 0.0 and f.max() <= 1.0


ITEMS = pd.DataFrame({"item": ["a", "b", "c"], "units_per_day": [2.0, 1.0, 0.5],
                      "orders_per_day": [1.8, 1.0, 0.5], "vmr": [1.0, 2.0, 1.0],
                      "cube_l": [3.0, 5.0, 2.0]})


def _plan(stock: tuple[int, ...] = (6, 5, 3)) -> pd.DataFrame:
    s = np.array(stock, dtype=float)
    fill = np.array([_direct_fill(int(x), float(m), float(v), 1.0, 2.0)
                     for x, m, v in zip(s, ITEMS["units_per_day"], ITEMS["vmr"], strict=True)])
    return pd.DataFrame({"item": ITEMS["item"], "base_stock": s,
                         "served_per_day": ITEMS["orders_per_day"].to_numpy() * fill,
                         "review_days": 1.0, "lead_days": 2.0})


def test_true_plan_passes_with_recounted_figures() -> None:
    plan = _plan()
    out = check_plan(plan, ITEMS, 3, 6 * 3 + 5 * 5 + 3 * 2, 0.0)
    assert out["ok"], out["violations"]
    assert out["slots_used"] == 3 and out["cube_used_l"] == 49.0
    assert out["objective"] == pytest.approx(plan["served_per_day"].sum(), rel=1e-9)


def test_slot_edge() -> None:
    assert check_plan(_plan(), ITEMS, 3, 1e6, 0.0)["ok"]
    out = check_plan(_plan(), ITEMS, 2, 1e6, 0.0)
    assert out["violations"] == ["3 items exceed 2 slots"]


def test_cube_edge() -> None:
    assert check_plan(_plan(), ITEMS, 3, 49.0, 0.0)["ok"]
    assert check_plan(_plan(), ITEMS, 3, 49.0 * (1 - 0.5e-6), 0.0)["ok"]  # within 1e-6
    out = check_plan(_plan(), ITEMS, 3, 49.0 * (1 - 1e-5), 0.0)
    assert len(out["violations"]) == 1 and out["violations"][0].startswith("cube 49.000 l")


def test_fill_target_edge() -> None:
    plan = _plan()
    lowest = check_plan(plan, ITEMS, 3, 1e6, 0.0)["min_fill_rate"]
    assert check_plan(plan, ITEMS, 3, 1e6, lowest)["ok"]
    assert check_plan(plan, ITEMS, 3, 1e6, lowest + 0.5e-7)["ok"]
    out = check_plan(plan, ITEMS, 3, 1e6, lowest + 2e-7)
    assert len(out["violations"]) == 1 and out["violations"][0].startswith("fill rate")


def test_claimed_objective_edge() -> None:
    plan = _plan()
    total = float(plan["served_per_day"].sum())
    near = plan.assign(served_per_day=plan["served_per_day"] * (1 + 0.5e-6))
    assert check_plan(near, ITEMS, 3, 1e6, 0.0)["ok"]
    far = plan.assign(served_per_day=plan["served_per_day"] * (1 + 2e-6))
    out = check_plan(far, ITEMS, 3, 1e6, 0.0)
    assert len(out["violations"]) == 1 and out["violations"][0].startswith("claimed")
    assert total > 0


@pytest.mark.parametrize(("stock", "message"), [((0, 5, 3), "base stock must be a positive "
                                                            "integer"),
                                                 ((6, 5.5, 3), "base stock must be a positive "
                                                               "integer")])
def test_base_stock_must_be_a_positive_integer(stock: tuple[float, ...], message: str) -> None:
    plan = _plan().assign(base_stock=np.array(stock, dtype=float))
    assert message in check_plan(plan, ITEMS, 3, 1e6, 0.0)["violations"]
    assert check_plan(_plan((1, 1, 1)), ITEMS, 3, 1e6, 0.0)["ok"]


def test_duplicate_and_unknown_items() -> None:
    plan = _plan()
    twice = pd.concat([plan, plan.iloc[[0]]], ignore_index=True)
    assert "an item appears twice" in check_plan(twice, ITEMS, 9, 1e6, 0.0)["violations"]
    stranger = plan.assign(item=["a", "b", "z"])
    out = check_plan(stranger, ITEMS, 9, 1e6, 0.0)
    assert "1 planned items have no demand row" in out["violations"]
    assert out["slots_used"] == 2
