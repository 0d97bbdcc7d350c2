"""p-median solver: exhaustive search on tiny instances, OR-Library reader and pmed1."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from hinterland.core.errors import InfeasibleError
from hinterland.network.pmedian import (
    greedy_pmedian,
    local_search_pmedian,
    read_orlib_pmedian,
    solve_pmedian,
)
from hinterland.network.verify import check_pmedian

PMED = Path(__file__).resolve().parents[3] / "shared" / "bench" / "location" / "pmed"


def _brute(cost: np.ndarray, p: int) -> float:
    return min(
        float(cost[:, list(s)].min(axis=1).sum())
        for s in itertools.combinations(range(cost.shape[1]), p)
    )


@pytest.mark.parametrize("seed", range(6))
def test_matches_exhaustive_search(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m, p = 14, 9, 1 + seed % 4
    pts = rng.random((n, 2))
    cand = pts[rng.choice(n, m, replace=False)]
    cost = np.round(np.hypot(*(pts[:, None, :] - cand[None, :, :]).transpose(2, 0, 1)) * 100)
    cost *= rng.integers(1, 4, size=(n, 1))  # client weights
    res = solve_pmedian(cost, p, time_limit=20)
    assert res.certificate.objective == pytest.approx(_brute(cost, p))
    assert res.certificate.proven_optimal and res.certificate.verified
    assert len(res.open) == p
    assert np.array_equal(res.assignment, res.open[np.argmin(cost[:, res.open], axis=1)])


def test_fractional_costs_proven() -> None:
    rng = np.random.default_rng(7)
    cost = rng.random((20, 12)) * 10
    res = solve_pmedian(cost, 3, time_limit=20)
    assert res.certificate.objective == pytest.approx(_brute(cost, 3))
    assert res.certificate.proven_optimal


def test_local_search_never_worse_than_greedy() -> None:
    rng = np.random.default_rng(3)
    cost = rng.random((40, 30))
    start = greedy_pmedian(cost, 5)
    greedy_val = float(cost[:, start].min(axis=1).sum())
    _, val = local_search_pmedian(cost, start)
    assert val <= greedy_val + 1e-12


def test_reader_last_duplicate_edge_wins(tmp_path: Path) -> None:
    f = tmp_path / "tiny.txt"
    # edge 1-2 listed twice (reversed the second time): the last cost (5) wins
    f.write_text("3 3 1\n1 2 9\n2 3 4\n2 1 5\n")
    dist, p = read_orlib_pmedian(f)
    assert p == 1
    assert dist[0, 1] == 5 and dist[1, 0] == 5
    assert dist[0, 2] == 9  # 1-2-3
    res = solve_pmedian(dist, 1)
    assert res.open.tolist() == [1] and res.certificate.objective == 9


def test_bad_p_and_bad_costs() -> None:
    with pytest.raises(InfeasibleError):
        solve_pmedian(np.ones((3, 2)), 3)
    from hinterland.core.errors import InputError

    with pytest.raises(InputError):
        solve_pmedian(-np.ones((3, 2)), 1)


def test_verifier_rejects_wrong_claim() -> None:
    cost = np.arange(12, dtype=float).reshape(4, 3)
    assert check_pmedian(cost, 1, np.array([0]), claimed=18.0)["ok"]
    assert not check_pmedian(cost, 1, np.array([0]), claimed=17.0)["ok"]
    assert not check_pmedian(cost, 2, np.array([0, 0]), claimed=18.0)["ok"]


@pytest.mark.skipif(not (PMED / "pmed1.txt").exists(), reason="shared benchmark files absent")
@pytest.mark.parametrize(("name", "optimum"), [("pmed1", 5819), ("pmed4", 3034)])
def test_orlib_optimum_proven(name: str, optimum: int) -> None:
    dist, p = read_orlib_pmedian(PMED / f"{name}.txt")
    res = solve_pmedian(dist, p, time_limit=60)
    assert res.certificate.objective == optimum
    assert res.certificate.proven_optimal and res.certificate.verified
