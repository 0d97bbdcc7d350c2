"""Block Lagrangian bound: valid for any multipliers, never weaker than the LP at its duals."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp

from hinterland.network._highs import solve_lp
from hinterland.network.mclp.bounds import block_bound, fractional_blocks
from hinterland.network.mclp.heuristics import repair_count
from hinterland.network.mclp.model import model_rows


def _instance(seed: int, n: int = 30, m: int = 10, density: float = 0.25):
    rng = np.random.default_rng(seed)
    dense = rng.random((n, m)) < density
    dense[np.arange(n), rng.integers(0, m, n)] = True  # every point coverable
    return sp.csr_matrix(dense.astype(np.int8)), rng.integers(1, 50, n).astype(float), rng


def _optimum(a: sp.csr_matrix, w: np.ndarray, k: int) -> float:
    dense = a.toarray() > 0
    return max(
        float(w[dense[:, list(s)].any(axis=1)].sum())
        for s in itertools.combinations(range(a.shape[1]), k)
    )


def _lp(a: sp.csr_matrix, w: np.ndarray, k: int):
    nr, mc = a.shape
    obj, mat, lo, hi = model_rows(a, w, k, None, None)
    x, duals, val, _ = solve_lp(
        obj, mat, lo, hi, np.zeros(mc + nr), np.ones(mc + nr), maximize=True, time_limit=10
    )
    return x[:mc], np.abs(duals[:nr]), abs(float(duals[nr])), val


@pytest.mark.parametrize("seed", range(6))
def test_bound_is_valid_for_any_multipliers(seed: int) -> None:
    a, w, rng = _instance(seed)
    k = 3
    best = _optimum(a, w, k)
    perm = rng.permutation(a.shape[1])
    blocks = [np.sort(perm[:4]), np.sort(perm[4:7])]
    for _ in range(5):
        mu = rng.random(a.shape[0]) * w
        lam = float(rng.random() * w.sum() / k)
        bb = block_bound(a, w, k, mu, lam, blocks, deadline=math.inf)
        assert bb.bound >= best - 1e-6


@pytest.mark.parametrize("seed", range(6))
def test_at_lp_duals_no_weaker_than_lp(seed: int) -> None:
    a, w, _ = _instance(10 + seed, n=40, m=12)
    k = 3
    y, mu, lam, lp = _lp(a, w, k)
    blocks = fractional_blocks(a, y, block_size=6)
    bb = block_bound(a, w, k, mu, lam, blocks, deadline=math.inf)
    best = _optimum(a, w, k)
    assert best - 1e-6 <= bb.bound <= lp + 1e-6 * max(1.0, lp)
    fixed = repair_count(a, w, bb.picked, k)
    assert fixed.shape[0] <= k and len(set(fixed.tolist())) == fixed.shape[0]
