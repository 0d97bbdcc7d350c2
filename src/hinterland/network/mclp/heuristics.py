"""Incumbents for maximal coverage: greedy, best-improvement swaps, count repair.

* :func:`greedy_cover` adds the site with the largest uncovered weight (per cost
  under a budget);
* :func:`swap_cover` swaps one site out and one in while that gains, every
  ``(in, out)`` pair scored at once from sparse products;
* :func:`repair_count` brings a site set to a given count (drop the least useful,
  or add greedily).
"""

from __future__ import annotations

import math
import time

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hinterland.network.mclp.model import union, unique
from hinterland.network.mclp.params import DEFAULT_PARAMS

__all__ = ["greedy_cover", "repair_count", "swap_cover"]


def greedy_cover(
    a: sp.csr_matrix,
    w: NDArray[np.float64],
    max_count: int,
    cost: NDArray[np.float64] | None = None,
    budget: float | None = None,
) -> NDArray[np.int64]:
    """Greedy: add the site with the largest uncovered weight (per cost under a budget).

    Parameters
    ----------
    a
        Points x sites coverage (0/1).
    w
        Weight per point.
    max_count
        Most sites.
    cost, budget
        Optional cost per site and the total allowed.

    Returns
    -------
    numpy.ndarray
        Chosen sites in the order added (so by marginal value).
    """
    csc = sp.csc_matrix(a)
    csr = sp.csr_matrix(a)
    m = a.shape[1]
    gain = np.asarray(csc.T @ w, dtype=np.float64).ravel()
    covered = np.zeros(a.shape[0], dtype=bool)
    chosen: list[int] = []
    left = math.inf if budget is None else float(budget)
    c = np.zeros(m) if cost is None else cost
    usable = np.ones(m, dtype=bool)
    while len(chosen) < max_count:
        usable &= c <= left + 1e-9
        score = np.where(usable, gain, -1.0)
        if budget is not None:
            score = np.where(usable, gain / np.maximum(c, 1e-12), -1.0)
        j = int(np.argmax(score))
        if score[j] <= 0 or gain[j] <= 0:
            break
        chosen.append(j)
        usable[j] = False
        left -= c[j]
        rws = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        rws = rws[~covered[rws]]
        covered[rws] = True
        sub = csr[rws]
        gain -= np.bincount(
            sub.indices, weights=np.repeat(w[rws], np.diff(sub.indptr)), minlength=m
        )
        gain[j] = 0.0
    return np.asarray(chosen, dtype=np.int64)


def swap_cover(
    a: sp.csr_matrix,
    w: NDArray[np.float64],
    chosen: NDArray[np.int64],
    cost: NDArray[np.float64] | None = None,
    budget: float | None = None,
    *,
    deadline: float = math.inf,
    max_swaps: int = DEFAULT_PARAMS.max_swaps,
    budget_leaving: int = DEFAULT_PARAMS.swap_budget_leaving,
) -> NDArray[np.int64]:
    """Best-improvement swap local search (one site out, one in) for maximal coverage.

    With ``cnt`` the number of chosen sites covering each point, the gain of swapping
    ``r`` out for ``k`` is ``free[k] + G[k, r] - loss[r]``: ``free`` is uncovered weight
    ``k`` covers, ``loss[r]`` the weight only ``r`` covers and ``G[k, r]`` the part of
    that weight ``k`` would keep.

    Parameters
    ----------
    a, w
        Coverage (points x sites) and weight per point.
    chosen
        Start set (same count is returned).
    cost, budget
        Optional cost per site and total allowed (swaps keep within it).
    deadline
        ``time.perf_counter()`` value at which to stop.
    max_swaps
        Most swaps.
    budget_leaving
        Under a budget, the leaving sites (least loss first) tried for a move whose
        entering site shares no point with them.

    Returns
    -------
    numpy.ndarray
        The improved set.
    """
    chosen = np.asarray(chosen, dtype=np.int64).copy()
    p = chosen.shape[0]
    m = a.shape[1]
    if p == 0 or p == m:
        return chosen
    csr = sp.csr_matrix(a, dtype=np.float64)
    csc = sp.csc_matrix(csr)
    c = np.zeros(m) if cost is None else cost
    for _ in range(max_swaps):
        if time.perf_counter() > deadline:
            break
        y = np.zeros(m)
        y[chosen] = 1.0
        cnt = csr @ y
        free = csc.T @ (w * (cnt == 0))
        uniq = np.nonzero(cnt == 1)[0]
        sub = csr[uniq][:, chosen]
        owner = np.asarray(sub.argmax(axis=1)).ravel()  # position in chosen
        loss = np.bincount(owner, weights=w[uniq], minlength=p)
        u = sp.csr_matrix((w[uniq], (uniq, owner)), shape=(a.shape[0], p))
        g = sp.coo_matrix(csc.T @ u)
        is_chosen = np.zeros(m, dtype=bool)
        is_chosen[chosen] = True
        left = math.inf if budget is None else float(budget) - float(c[chosen].sum())
        # candidates with no G entry: best free value among affordable non-chosen
        best_val = -np.inf
        best = (-1, -1)
        if budget is None:
            free_masked = np.where(is_chosen, -np.inf, free)
            kk = int(np.argmax(free_masked))
            val = free_masked[kk] - loss
            r = int(np.argmax(val))
            best_val, best = float(val[r]), (kk, r)
        else:
            # per leaving site the affordable set differs; evaluate the cheapest fit
            for r in np.argsort(loss)[: min(p, budget_leaving)]:
                ok = ~is_chosen & (c <= left + c[chosen[r]] + 1e-9)
                if not ok.any():
                    continue
                fm = np.where(ok, free, -np.inf)
                kk = int(np.argmax(fm))
                val = float(fm[kk] - loss[r])
                if val > best_val:
                    best_val, best = val, (kk, int(r))
        if g.nnz:
            k_, r_ = g.row, g.col
            vals = free[k_] + g.data - loss[r_]
            ok = ~is_chosen[k_]
            if budget is not None:
                ok &= c[k_] <= left + c[chosen[r_]] + 1e-9
            if ok.any():
                idx = np.nonzero(ok)[0]
                t = idx[int(np.argmax(vals[idx]))]
                if vals[t] > best_val:
                    best_val, best = float(vals[t]), (int(k_[t]), int(r_[t]))
        if not best_val > 1e-9 * max(1.0, float(w.sum())) or best[0] < 0:
            break
        chosen[best[1]] = best[0]
    return chosen


def repair_count(
    a: sp.csr_matrix,
    w: NDArray[np.float64],
    sites: NDArray[np.int64],
    count: int,
    *,
    batch: int = DEFAULT_PARAMS.repair_batch,
) -> NDArray[np.int64]:
    """Bring a site set to at most ``count`` sites: drop the least useful, or add greedily.

    Too many sites: per round, drop about ``1 / batch`` of the surplus (at least one),
    those that alone cover the least weight. Too few: add greedily.
    """
    chosen = unique(np.asarray(sites, dtype=np.int64))
    csr = sp.csr_matrix(a, dtype=np.float64)
    while chosen.shape[0] > count:
        y = np.zeros(a.shape[1])
        y[chosen] = 1.0
        cnt = csr @ y
        uniq = cnt == 1
        # weight each chosen site alone covers
        loss = sp.csc_matrix(csr[:, chosen]).T @ (w * uniq)
        drop = np.argsort(loss, kind="stable")[
            : max(1, (chosen.shape[0] - count + batch - 1) // batch)
        ]
        drop = drop[: chosen.shape[0] - count]
        chosen = np.delete(chosen, drop)
    if chosen.shape[0] < count:
        y = np.zeros(a.shape[1])
        y[chosen] = 1.0
        left = np.where(csr @ y > 0, 0.0, w)
        more = greedy_cover(a, left, count - chosen.shape[0])
        chosen = union(chosen, more)
    return chosen.astype(np.int64)
