"""Maximal coverage solve: exhaustive search on tiny instances, reductions, certificates."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from hinterland.core.errors import InfeasibleError
from hinterland.network.mclp.reduce import reduce_instance, to_dominators
from hinterland.network.mclp.solve import solve_max_coverage
from hinterland.network.verify import check_coverage


def _instance(seed: int, n: int = 18, m: int = 9, density: float = 0.25):
    rng = np.random.default_rng(seed)
    a = rng.random((n, m)) < density
    rows, cols = np.nonzero(a)
    w = rng.integers(1, 100, size=n).astype(float)
    return w, rows, cols, m, rng


def _brute(w, rows, cols, m, k, cost=None, budget=None, existing=None):
    base = np.zeros(w.shape[0], dtype=bool) if existing is None else existing.copy()
    best = float(w[base].sum())
    for size in range(1, k + 1):
        for s in itertools.combinations(range(m), size):
            if cost is not None and cost[list(s)].sum() > budget:
                continue
            cov = base.copy()
            cov[rows[np.isin(cols, s)]] = True
            best = max(best, float(w[cov].sum()))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_cardinality_matches_exhaustive(seed: int) -> None:
    w, rows, cols, m, _ = _instance(seed)
    k = 1 + seed % 4
    res = solve_max_coverage(w, rows, cols, m, max_count=k, time_limit=20)
    cert = res.certificate
    assert cert.objective == pytest.approx(_brute(w, rows, cols, m, k))
    assert cert.proven_optimal and cert.verified
    assert len(res.chosen) <= k
    # marginal curve: from the first site to the whole set, non-decreasing, ends at objective
    assert np.all(np.diff(res.marginal) >= -1e-9)
    assert res.marginal[-1] == pytest.approx(cert.objective)


@pytest.mark.parametrize("seed", range(6))
def test_budget_and_existing_match_exhaustive(seed: int) -> None:
    w, rows, cols, m, rng = _instance(100 + seed)
    cost = rng.integers(1, 6, size=m).astype(float)
    budget = float(rng.integers(4, 10))
    existing = np.zeros(w.shape[0], dtype=bool)
    existing[rng.choice(w.shape[0], 3, replace=False)] = True
    res = solve_max_coverage(
        w,
        rows,
        cols,
        m,
        max_count=3,
        cost=cost,
        budget=budget,
        existing_rows=np.nonzero(existing)[0],
        time_limit=20,
    )
    best = _brute(w, rows, cols, m, 3, cost, budget, existing)
    assert res.certificate.objective == pytest.approx(best)
    assert res.certificate.proven_optimal and res.certificate.verified
    assert cost[res.chosen].sum() <= budget
    assert res.covered[existing].all()


def test_reductions_keep_the_optimum() -> None:
    w, rows, cols, m, _ = _instance(5, n=30, m=10, density=0.3)
    # add a duplicate of column 0 and a column dominated by column 1
    c1 = rows[cols == 1]
    rows2 = np.concatenate([rows, rows[cols == 0], c1[:1]])
    cols2 = np.concatenate([cols, np.full((cols == 0).sum(), m), [m + 1]])
    red = reduce_instance(w, rows2, cols2, m + 2, np.zeros(m + 2))
    assert red.cols.shape[0] <= m
    assert float(red.weight.sum()) == pytest.approx(float(w[np.unique(rows2)].sum()))
    for k in (1, 2, 3):
        res = solve_max_coverage(w, rows2, cols2, m + 2, max_count=k, time_limit=20)
        assert res.certificate.objective == pytest.approx(_brute(w, rows2, cols2, m + 2, k))


def test_budget_below_cheapest_site() -> None:
    w, rows, cols, m, _ = _instance(1)
    with pytest.raises(InfeasibleError, match="cheapest"):
        solve_max_coverage(w, rows, cols, m, max_count=2, cost=np.full(m, 10.0), budget=5.0)


def test_recount_catches_a_wrong_claim() -> None:
    w = np.array([1.0, 2.0, 4.0])
    rows = np.array([0, 1, 2])
    cols = np.array([0, 0, 1])
    assert check_coverage(w, rows, cols, np.array([0]), claimed=3.0)["ok"]
    assert not check_coverage(w, rows, cols, np.array([0]), claimed=7.0)["ok"]
    assert not check_coverage(w, rows, cols, np.array([0, 1]), claimed=7.0, max_count=1)["ok"]


@pytest.mark.parametrize("seed", range(4))
def test_fixing_and_shrinking_path_matches_exhaustive(seed: int) -> None:
    # large enough that the LP bound is fractional, so the solve goes through
    # Lagrangian fixing, the second shrink and the final MILP
    w, rows, cols, m, _ = _instance(200 + seed, n=70, m=14, density=0.22)
    res = solve_max_coverage(w, rows, cols, m, max_count=4, time_limit=20, mip_gap=0.0)
    assert res.certificate.objective == pytest.approx(_brute(w, rows, cols, m, 4))
    assert res.certificate.proven_optimal and res.certificate.verified


def test_dominated_incumbent_sites_map_to_a_kept_dominator() -> None:
    import scipy.sparse as sp

    # column 0 covers rows {0,1}; column 2 covers {0,1,2}; column 1 covers {3}; column 3 none
    a = sp.csr_matrix(np.array([[1, 0, 1, 0], [1, 0, 1, 0], [0, 0, 1, 0], [0, 1, 0, 0]]))
    out = to_dominators(a, np.array([0, 1, 3]), kept=np.array([1, 2]))
    assert out.tolist() == [1, 2]
