"""Capacitated coverage: exhaustive search on tiny instances, verifier, design wiring."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from hinterland.core.errors import HinterlandError, InfeasibleError, InputError
from hinterland.network.capacitated import solve_capacitated_coverage
from hinterland.network.coverage import filter_states
from hinterland.network.default_network import fulfillment_centers
from hinterland.network.design import DesignSpec, design, zip_candidates
from hinterland.network.maxcover import solve_max_coverage
from hinterland.network.verify import check_capacitated_coverage


def _instance(seed: int, n: int = 8, m: int = 6, density: float = 0.45):
    rng = np.random.default_rng(seed)
    rows, cols = np.nonzero(rng.random((n, m)) < density)
    w = rng.integers(1, 100, size=n).astype(float)
    q = rng.integers(0, 40, size=n).astype(float)  # some zero-parcel areas
    cap = rng.integers(10, 60, size=m).astype(float)
    return w, q, rows, cols, m, cap, rng


def _assignment_lp(w, q, rows, cols, cap, sites, existing) -> float:
    """Best covered weight with ``sites`` open (scipy's LP, written independently)."""
    sel = np.nonzero(np.isin(cols, list(sites)) & ~existing[rows])[0]
    base = float(w[existing].sum())
    if sel.size == 0:
        return base
    n, k = w.shape[0], sel.shape[0]
    a_rows = np.zeros((n, k))
    a_rows[rows[sel], np.arange(k)] = 1.0
    a_cap = np.zeros((len(sites), k))
    for s, j in enumerate(sites):
        on = cols[sel] == j
        a_cap[s, on] = q[rows[sel]][on]
    res = linprog(
        -w[rows[sel]],
        A_ub=np.vstack([a_rows, a_cap]),
        b_ub=np.concatenate([np.ones(n), cap[list(sites)]]),
        bounds=(0, 1),
        method="highs",
    )
    assert res.status == 0
    return base - float(res.fun)


def _brute(w, q, rows, cols, m, cap, p, cost=None, budget=None, existing=None) -> float:
    ex = np.zeros(w.shape[0], dtype=bool) if existing is None else existing
    best = float(w[ex].sum())
    for size in range(1, p + 1):
        for s in itertools.combinations(range(m), size):
            if cost is not None and cost[list(s)].sum() > budget:
                continue
            best = max(best, _assignment_lp(w, q, rows, cols, cap, s, ex))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_matches_exhaustive(seed: int) -> None:
    w, q, rows, cols, m, cap, _ = _instance(seed)
    res = solve_capacitated_coverage(
        w, q, rows, cols, m, capacity=cap, max_count=2, mip_gap=1e-9, time_limit=20
    )
    cert = res.certificate
    assert cert.objective == pytest.approx(_brute(w, q, rows, cols, m, cap, 2), rel=1e-6)
    assert cert.verified and cert.proven_optimal
    assert len(res.chosen) <= 2
    # loads within capacity, covered shares consistent with the objective and the curve
    assert np.all(res.load <= cap[res.chosen] * (1 + 1e-9))
    assert float(w @ res.covered) == pytest.approx(cert.objective)
    assert np.all(np.diff(res.marginal) >= -1e-9)
    assert res.marginal[-1] == pytest.approx(cert.objective)
    assert res.marginal_covered @ w == pytest.approx(res.marginal)


@pytest.mark.parametrize("seed", range(3))
def test_all_sites_allowed_is_the_assignment_lp(seed: int) -> None:
    w, q, rows, cols, m, cap, _ = _instance(30 + seed)
    res = solve_capacitated_coverage(w, q, rows, cols, m, capacity=cap, max_count=m)
    want = _assignment_lp(w, q, rows, cols, cap, tuple(range(m)), np.zeros(len(w), bool))
    assert res.certificate.objective == pytest.approx(want, rel=1e-6)
    assert res.certificate.verified and res.certificate.proven_optimal


@pytest.mark.parametrize("seed", range(5))
def test_budget_existing_and_per_site_capacity_match_exhaustive(seed: int) -> None:
    w, q, rows, cols, m, cap, rng = _instance(50 + seed)
    cost = rng.integers(1, 5, size=m).astype(float)
    budget = float(rng.integers(3, 7))
    existing = np.zeros(w.shape[0], dtype=bool)
    existing[rng.choice(w.shape[0], 2, replace=False)] = True
    res = solve_capacitated_coverage(
        w,
        q,
        rows,
        cols,
        m,
        capacity=cap,
        max_count=3,
        cost=cost,
        budget=budget,
        existing_rows=np.nonzero(existing)[0],
        mip_gap=1e-9,
        time_limit=20,
    )
    want = _brute(w, q, rows, cols, m, cap, 3, cost, budget, existing)
    assert res.certificate.objective == pytest.approx(want, rel=1e-6)
    assert res.certificate.verified
    assert cost[res.chosen].sum() <= budget
    assert not res.assignment["row"].isin(np.nonzero(existing)[0]).any()


@pytest.mark.parametrize("seed", range(4))
def test_large_capacity_equals_uncapacitated(seed: int) -> None:
    w, q, rows, cols, m, _, _ = _instance(200 + seed, n=18, m=9, density=0.25)
    k = 1 + seed % 3
    plain = solve_max_coverage(w, rows, cols, m, max_count=k, time_limit=20)
    for cap in (np.inf, 1e9):
        res = solve_capacitated_coverage(
            w, q, rows, cols, m, capacity=cap, max_count=k, mip_gap=1e-9, time_limit=20
        )
        assert res.certificate.objective == pytest.approx(plain.certificate.objective)
        assert res.certificate.verified


def _tiny():
    """3 areas, 2 sites: site 0 covers areas 0, 1; site 1 covers areas 1, 2."""
    w = np.array([10.0, 20.0, 30.0])
    q = np.array([5.0, 5.0, 5.0])
    rows = np.array([0, 1, 1, 2])
    cols = np.array([0, 0, 1, 1])
    return w, q, rows, cols


def _check(assign, chosen=(0, 1), claimed=None, capacity=(5.0, 7.0), **kw):
    w, q, rows, cols = _tiny()
    a = np.asarray(assign, dtype=float)
    if claimed is None:
        row_sum = np.bincount(a[:, 0].astype(int), weights=a[:, 2], minlength=3)
        claimed = float(w @ np.minimum(row_sum, 1.0))
    return check_capacitated_coverage(
        w,
        q,
        rows,
        cols,
        np.asarray(chosen),
        a[:, 0].astype(int),
        a[:, 1].astype(int),
        a[:, 2],
        capacity=np.asarray(capacity),
        claimed=claimed,
        **kw,
    )


def test_verifier_accepts_valid_and_rejects_broken() -> None:
    good = [(0, 0, 1.0), (1, 1, 0.4), (2, 1, 1.0)]  # site 1 load 2 + 5 = 7 = capacity
    out = _check(good, claimed=48.0)
    assert out["ok"], out
    assert not _check(good, claimed=49.0)["ok"]  # wrong claimed objective
    over = _check([(0, 0, 1.0), (1, 1, 0.6), (2, 1, 1.0)])
    assert not over["ok"] and not over["capacity_ok"]
    unopened = _check(good, chosen=(1,))
    assert not unopened["ok"] and not unopened["open_ok"]
    split = _check([(1, 0, 0.7), (1, 1, 0.6)], capacity=(100.0, 100.0))
    assert not split["ok"] and not split["row_share_ok"]
    no_pair = _check([(0, 1, 1.0)], capacity=(100.0, 100.0))
    assert not no_pair["ok"] and not no_pair["pairs_ok"]
    assert not _check(good, max_count=1)["ok"]
    assert not _check(good, site_cost=np.array([3.0, 3.0]), budget=5.0)["ok"]
    assert _check(good, site_cost=np.array([3.0, 3.0]), budget=6.0)["ok"]


def test_errors() -> None:
    w, q, rows, cols, m, cap, _ = _instance(1)
    cost = np.full(m, 5.0)
    with pytest.raises(InfeasibleError, match="below the cheapest"):
        solve_capacitated_coverage(
            w, q, rows, cols, m, capacity=cap, max_count=2, cost=cost, budget=4.0
        )
    with pytest.raises(InputError, match="parcels"):
        solve_capacitated_coverage(w, -q - 1, rows, cols, m, capacity=cap, max_count=2)
    with pytest.raises(InputError, match="capacity"):
        solve_capacitated_coverage(w, q, rows, cols, m, capacity=-1.0, max_count=2)
    with pytest.raises(InputError, match="capacity"):
        solve_capacitated_coverage(w, q, rows, cols, m, capacity=cap[:-1], max_count=2)
    with pytest.raises(InputError, match="range"):
        solve_capacitated_coverage(w, q, rows, cols + 1, m, capacity=cap, max_count=2)
    with pytest.raises(InputError, match="range"):
        solve_capacitated_coverage(
            w, q, rows, cols, m, capacity=cap, max_count=2, existing_rows=[len(w)]
        )
    none = solve_capacitated_coverage(w, q, rows, cols, m, capacity=cap, max_count=0)
    assert none.certificate.objective == 0.0 and len(none.chosen) == 0
    assert none.certificate.verified


def _state(zips: pd.DataFrame, code: str = "WY") -> tuple[pd.DataFrame, pd.DataFrame]:
    region = filter_states(zips, [code])
    return region, zip_candidates(region, 3000)


def test_design_with_tight_capacity(zips: pd.DataFrame) -> None:
    region, cands = _state(zips)
    fcs = fulfillment_centers()  # the stations' line haul (coverage is the promise engine's)
    plain = design(region, cands, fcs, DesignSpec(max_count=3, time_limit=20))
    assert (plain.zips["covered_share"] == plain.zips["covered"].astype(float)).all()
    spec = DesignSpec(max_count=3, capacity_per_day=800.0, time_limit=20)
    res = design(region, cands, fcs, spec)
    cert = res.certificate
    assert cert.verified and cert.proven_optimal
    assert not res.sites["over_capacity"].any()
    assert (res.sites["parcels_per_day"] <= 800.0 * (1 + 1e-9)).all()
    assert res.sites["parcels_per_day"].sum() > 0
    assert cert.objective <= plain.certificate.objective + 1e-6
    assert plain.sites["parcels_per_day"].max() > 800.0  # the capacity binds
    # per-ZIP shares recount the objective; the curve ends at it
    shares = res.zips["covered_share"].to_numpy()
    assert ((shares >= 0) & (shares <= 1 + 1e-9)).all()
    assert float(res.zips["weight"] @ shares) == pytest.approx(cert.objective)
    assert res.marginal["objective"].iloc[-1] == pytest.approx(cert.objective)
    assert res.summary["sites_over_capacity"] == 0


def test_design_capacity_errors(zips: pd.DataFrame) -> None:
    region, cands = _state(zips)
    with pytest.raises(InfeasibleError, match="below the cheapest"):
        design(region, cands, None, DesignSpec(capacity_per_day=500.0, budget_usd=1000.0))
    with pytest.raises(HinterlandError, match="coverage objective only"):
        DesignSpec(objective="pmedian", capacity_per_day=500.0)
    with pytest.raises(HinterlandError, match=">= 0"):
        DesignSpec(capacity_per_day=-1.0)
