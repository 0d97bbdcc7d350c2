"""Regional search: never worse than its start, regions are exact, and it finds optima."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
import scipy.sparse as sp

from hinterland.network.mclp.heuristics import greedy_cover
from hinterland.network.mclp.model import covered_weight
from hinterland.network.mclp.regions import _region, region_search, region_seeds


def _line_instance(seed: int, n: int = 60, m: int = 20, reach: float = 0.12):
    """Points and sites on a line; a site covers the points within ``reach``."""
    rng = np.random.default_rng(seed)
    xp, xs = rng.random(n), rng.random(m)
    dense = np.abs(xp[:, None] - xs[None, :]) <= reach
    return sp.csr_matrix(dense.astype(np.int8)), rng.integers(1, 100, n).astype(float)


def _optimum(a: sp.csr_matrix, w: np.ndarray, k: int) -> float:
    dense = a.toarray() > 0
    return max(
        float(w[dense[:, list(s)].any(axis=1)].sum())
        for s in itertools.combinations(range(a.shape[1]), k)
    )


@pytest.mark.parametrize("seed", range(6))
def test_region_search_never_worse_and_keeps_count(seed: int) -> None:
    a, w = _line_instance(seed)
    start = np.arange(4, dtype=np.int64)  # a poor start: the first four sites
    before = covered_weight(a, w, start)
    rs = region_search(a, w, start, start, deadline=time.perf_counter() + 30, max_sites=8)
    assert rs.value >= before - 1e-9
    assert rs.value == pytest.approx(covered_weight(a, w, rs.chosen))
    assert rs.chosen.shape[0] <= 4
    assert np.unique(rs.chosen).shape[0] == rs.chosen.shape[0]


@pytest.mark.parametrize("seed", range(6))
def test_one_region_spanning_everything_is_exact(seed: int) -> None:
    # reach 0.5 on the unit line: every site serves a point of every other site,
    # so the region around any chosen site holds all sites
    a, w = _line_instance(seed, n=40, m=12, reach=0.5)
    k = 3
    start = np.arange(k, dtype=np.int64)
    rs = region_search(a, w, start, start[:1], deadline=time.perf_counter() + 30, max_sites=100)
    assert rs.value == pytest.approx(_optimum(a, w, k))


def test_donor_moves_a_site_to_an_island() -> None:
    # island A: 10 points, 3 sites, all chosen; island B: 10 heavy points, 1 site, none chosen
    dense = np.zeros((20, 4), dtype=np.int8)
    dense[0:4, 0] = dense[3:8, 1] = dense[7:10, 2] = 1
    dense[10:20, 3] = 1
    w = np.concatenate([np.ones(10), np.full(10, 5.0)])
    a = sp.csr_matrix(dense)
    start = np.array([0, 1, 2], dtype=np.int64)
    rs = region_search(a, w, start, np.array([3]), deadline=time.perf_counter() + 30)
    assert 3 in rs.chosen and rs.value == pytest.approx(_optimum(a, w, 3))


def test_region_stays_within_max_sites_and_holds_a_chosen_site() -> None:
    a, w = _line_instance(3, n=200, m=80, reach=0.05)
    chosen = greedy_cover(a, w, 10)
    is_chosen = np.zeros(a.shape[1], dtype=bool)
    is_chosen[chosen] = True
    csr, csc = sp.csr_matrix(a), sp.csc_matrix(a)
    for s in range(a.shape[1]):
        free, inner = _region(csr, csc, s, is_chosen, 15)
        assert inner.size >= 1 and is_chosen[inner].all()
        assert np.isin(inner, free).all()
        # fixed chosen sites are never free
        assert not (is_chosen[free] & ~np.isin(free, inner)).any()
        if inner.size > 1:
            assert free.shape[0] <= 15


def test_seeds_put_lp_disagreements_first() -> None:
    y = np.array([1.0, 0.5, 0.0, 1.0, 0.02])
    seeds = region_seeds(y, np.array([0, 2, 3]))
    assert list(seeds[:2]) == [2, 1]  # |y - x| = 1.0, then 0.5
    assert set(seeds) == {0, 1, 2, 3, 4}


def test_patience_stops_after_idle_regions() -> None:
    a, w = _line_instance(2, n=80, m=30, reach=0.1)
    chosen = greedy_cover(a, w, 5)
    for _ in range(20):  # until a whole pass improves nothing
        best = region_search(
            a, w, chosen, np.arange(30), deadline=time.perf_counter() + 30, patience=10**6
        )
        chosen = best.chosen
        if best.improved == 0:
            break
    # from a set no region improves, patience=2 stops after two region problems
    again = region_search(
        a, w, best.chosen, np.arange(30), deadline=time.perf_counter() + 30, patience=2
    )
    assert again.improved == 0 and again.regions <= 2
    assert again.value == pytest.approx(best.value)


@pytest.mark.parametrize("seed", range(4))
def test_escalation_grows_regions_until_they_span_everything(seed: int) -> None:
    a, w = _line_instance(seed, n=40, m=12, reach=0.2)
    k = 3
    start = np.arange(k, dtype=np.int64)
    # regions of 2 sites cannot reach the optimum in general; 2 -> 4 -> 8 -> 16 can
    rs = region_search(
        a, w, start, start, deadline=time.perf_counter() + 30, max_sites=2, escalate=3
    )
    assert rs.value == pytest.approx(_optimum(a, w, k))
    # without escalation the same search stops at whatever 2-site regions reach
    small = region_search(a, w, start, start, deadline=time.perf_counter() + 30, max_sites=2)
    assert small.value <= rs.value + 1e-9


def test_stop_predicate_ends_the_search_before_any_region() -> None:
    a, w = _line_instance(7)
    start = np.arange(3, dtype=np.int64)
    seen: list[float] = []

    def stop(value: float) -> bool:
        seen.append(value)
        return True

    rs = region_search(a, w, start, start, deadline=time.perf_counter() + 30, stop=stop)
    assert rs.regions == 0 and seen == [rs.value]
    assert np.array_equal(rs.chosen, start)
