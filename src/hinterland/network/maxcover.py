"""Maximal coverage location (MCLP), with count, budget and existing sites.

Choose candidate sites to maximise the weight of demand points covered (a point is
covered when at least one chosen or existing site covers it), subject to at most
``max_count`` new sites and, optionally, total ``cost`` within ``budget``.

Coverage is given as sparse pairs ``(demand row, candidate column)``. The solver:

1. **Reduces** the instance: drops points without weight or without any covering
   candidate, removes points already covered by existing sites (their weight is a
   constant), merges points with identical coverage sets (summing weights), removes
   **dominated** candidates (coverage set contained in that of a candidate no more
   expensive), and merges points again.
2. **Warm-starts** with greedy (largest marginal weight, or weight per cost under a
   budget) followed by best-improvement swap local search, where every
   ``(in, out)`` swap is scored at once from sparse products.
3. After the LP, the LP's fractional sites are grouped into blocks and each block
   solved as a small integer problem at the LP's prices
   (:mod:`hinterland.network.mclp_blocks`); the sites they pick, repaired to the
   count and swapped, are a second incumbent and the block bound a second bound.
   A MILP restricted to the LP's support comes next; then regions where the LP and
   the incumbent disagree are re-solved exactly, one at a time with every other site
   fixed (:mod:`hinterland.network.mclp_regions`).
   After Lagrangian fixing, what is left is merged and reduced again.
4. **Solves** the reduced MILP (binary ``y`` per site, continuous ``z`` per merged
   point, ``z_i <= sum_j a_ij y_j``) with HiGHS from that incumbent, to the requested
   relative gap or time limit. The LP bound HiGHS proves is a valid bound for the
   original instance because every reduction preserves the optimum.
5. With two threads or more, the whole reduced MILP runs from the start in a second
   process (:mod:`hinterland.network.mclp_companion`) for its bound; the first core
   then spends its time on the incumbent (steps 2-3, without step 4), reading the
   companion's latest bound and incumbent as they come, and stops as soon as the
   better incumbent and the lower bound of the two are within the requested gap.

Every result carries a :class:`~hinterland.core.certificate.Certificate`; its ``verified``
flag and ``checks`` come from :func:`hinterland.network.verify.check_coverage`, which
recounts covered weight from the original pairs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from hinterland.core.certificate import Certificate
from hinterland.core.errors import InfeasibleError, InputError
from hinterland.network._highs import solve_lp, solve_milp
from hinterland.network.mclp_blocks import block_bound, fractional_blocks, repair_count
from hinterland.network.mclp_companion import Companion, collect_companion, start_companion
from hinterland.network.mclp_regions import region_search, region_seeds
from hinterland.network.verify import check_coverage

__all__ = ["CoverageResult", "greedy_cover", "reduce_instance", "solve_max_coverage", "swap_cover"]


@dataclass(frozen=True)
class CoverageResult:
    """Solution of a maximal coverage problem.

    Attributes
    ----------
    chosen
        Column indices of chosen candidate sites, in greedy order of marginal value
        (so ``marginal[k]`` is the weight covered by the first ``k`` of them).
    covered
        Boolean per demand row: covered by a chosen or existing site.
    marginal
        Covered weight with the existing sites plus the first ``k`` chosen sites,
        ``k = 0..len(chosen)``.
    certificate
        Objective (covered weight), upper bound, gap, time and the independent recount.
    stats
        Sizes before/after reduction, heuristic value, LP/MILP figures.
    """

    chosen: NDArray[np.int64]
    covered: NDArray[np.bool_]
    marginal: NDArray[np.float64]
    certificate: Certificate
    stats: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Reduced:
    a: sp.csr_matrix  # merged points x kept candidates (0/1)
    weight: NDArray[np.float64]
    cols: NDArray[np.int64]  # original index of each kept candidate
    constant: float  # weight already covered by existing sites


def _merge_rows(
    a: sp.csr_matrix, w: NDArray[np.float64]
) -> tuple[sp.csr_matrix, NDArray[np.float64]]:
    """Merge rows with identical column sets (weights summed); drop empty rows."""
    a = sp.csr_matrix(a)
    a.sort_indices()
    keys: dict[bytes, int] = {}
    group = np.empty(a.shape[0], dtype=np.int64)
    ind, ptr = a.indices, a.indptr
    for r in range(a.shape[0]):
        key = ind[ptr[r] : ptr[r + 1]].tobytes()
        group[r] = keys.setdefault(key, len(keys))
    n_groups = len(keys)
    weight = np.bincount(group, weights=w, minlength=n_groups)
    first = np.full(n_groups, -1, dtype=np.int64)
    first[group[::-1]] = np.arange(a.shape[0])[::-1]
    merged = a[first]
    keep = (np.diff(merged.indptr) > 0) & (weight > 0)
    return sp.csr_matrix(merged[keep]), weight[keep]


def _dominated(a: sp.csr_matrix, cost: NDArray[np.float64], chunk: int = 1024) -> NDArray[np.bool_]:
    """Columns whose row set is contained in that of another column no more expensive.

    The relation uses a strict order (fewer rows, then higher cost, then higher index)
    so that a kept dominator always remains for each removed column.
    """
    csc = sp.csc_matrix(a, dtype=np.int32)
    deg = np.diff(csc.indptr)
    m = csc.shape[1]
    out = deg == 0
    at = sp.csr_matrix(csc.T)
    for s in range(0, m, chunk):
        block = sp.coo_matrix(at[s : s + chunk] @ csc)
        j = block.row + s
        k = block.col
        contained = (block.data == deg[j]) & (k != j) & (cost[k] <= cost[j])
        strict = (deg[k] > deg[j]) | (cost[k] < cost[j]) | (k < j)
        hit = contained & strict
        out[np.unique(j[hit])] = True
    return out


def reduce_instance(
    weight: NDArray[np.float64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    n_candidates: int,
    cost: NDArray[np.float64],
    existing_cover: NDArray[np.bool_] | None = None,
) -> _Reduced:
    """Apply the reductions described in the module docstring (private result type)."""
    n = weight.shape[0]
    a = sp.csr_matrix(
        (np.ones(rows.shape[0], dtype=np.int8), (rows, cols)), shape=(n, n_candidates)
    )
    a.data[:] = 1  # duplicate pairs collapse to 1
    constant = 0.0
    w = weight.astype(np.float64)
    if existing_cover is not None and existing_cover.any():
        constant = float(w[existing_cover].sum())
        w = np.where(existing_cover, 0.0, w)
    a, w, keep_cols = _shrink(a, w, cost)
    return _Reduced(a, w, keep_cols, constant)


def _shrink(
    a: sp.csr_matrix, w: NDArray[np.float64], cost: NDArray[np.float64]
) -> tuple[sp.csr_matrix, NDArray[np.float64], NDArray[np.int64]]:
    """Merge identical rows, drop dominated columns, merge again; returns kept column ids."""
    a, w = _merge_rows(a, w)
    keep_cols = np.nonzero(~_dominated(a, cost))[0]
    a = sp.csr_matrix(a[:, keep_cols])
    a, w = _merge_rows(a, w)
    return a, w, keep_cols


def greedy_cover(
    a: sp.csr_matrix,
    w: NDArray[np.float64],
    max_count: int,
    cost: NDArray[np.float64] | None = None,
    budget: float | None = None,
) -> NDArray[np.int64]:
    """Greedy: add the site with the largest uncovered weight (per cost under a budget)."""
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
    max_swaps: int = 100000,
) -> NDArray[np.int64]:
    """Best-improvement swap local search (one site out, one in) for maximal coverage.

    With ``cnt`` the number of chosen sites covering each point, the gain of swapping
    ``r`` out for ``k`` is ``free[k] + G[k, r] - loss[r]``: ``free`` is uncovered weight
    ``k`` covers, ``loss[r]`` the weight only ``r`` covers and ``G[k, r]`` the part of
    that weight ``k`` would keep.
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
            for r in np.argsort(loss)[: min(p, 50)]:
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


def _model(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    count: int,
    cost: NDArray[np.float64] | None,
    budget: float | None,
) -> tuple[NDArray[np.float64], sp.csr_matrix, NDArray[np.float64], NDArray[np.float64]]:
    """MCLP rows: ``z_i - sum_j a_ij y_j <= 0``, ``sum y <= count``, ``cost @ y <= budget``.

    Columns are ``y`` (one per site) then ``z`` (one per point). Returns
    (objective, matrix, row_lower, row_upper).
    """
    nr, mc = a.shape
    coo = sp.coo_matrix(a)
    rows_m = [coo.row, np.arange(nr), np.full(mc, nr)]
    cols_m = [coo.col, mc + np.arange(nr), np.arange(mc)]
    vals_m = [-np.ones(coo.nnz), np.ones(nr), np.ones(mc)]
    row_hi = [np.zeros(nr), np.asarray([float(count)])]
    n_row = nr + 1
    if budget is not None and cost is not None:
        rows_m.append(np.full(mc, n_row))
        cols_m.append(np.arange(mc))
        vals_m.append(cost)
        row_hi.append(np.asarray([float(budget)]))
        n_row += 1
    mat = sp.csr_matrix(
        (np.concatenate(vals_m), (np.concatenate(rows_m), np.concatenate(cols_m))),
        shape=(n_row, mc + nr),
    )
    obj = np.concatenate([np.zeros(mc), wr])
    return obj, mat, np.full(n_row, -np.inf), np.concatenate(row_hi)


def _milp(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    count: int,
    cost: NDArray[np.float64] | None,
    budget: float | None,
    start: NDArray[np.int64] | None,
    *,
    time_limit: float,
    mip_gap: float,
    threads: int,
    site_value: NDArray[np.float64] | None = None,
    options: dict[str, str | int | float | bool] | None = None,
    on_progress: Callable[[float, NDArray[np.float64] | None], bool | None] | None = None,
) -> tuple[NDArray[np.int64] | None, float, str]:
    """Solve the MCLP MILP; returns (chosen columns or None, bound, status).

    ``site_value`` adds ``site_value @ y`` to the objective (prices on sites);
    ``options`` are further HiGHS options; ``on_progress`` as in ``solve_milp``.
    """
    nr, mc = a.shape
    obj, mat, lo, hi = _model(a, wr, count, cost, budget)
    if site_value is not None:
        obj[:mc] = site_value
    x0 = None
    if start is not None:
        y0 = np.zeros(mc)
        y0[start] = 1.0
        x0 = np.concatenate([y0, ((a @ y0) > 0).astype(float)])
    integer = np.concatenate([np.ones(mc, bool), np.zeros(nr, bool)])
    res = solve_milp(
        obj,
        mat,
        lo,
        hi,
        np.zeros(mc + nr),
        np.ones(mc + nr),
        integer,
        maximize=True,
        time_limit=time_limit,
        mip_rel_gap=mip_gap,
        start=x0,
        threads=threads,
        options=options,
        on_progress=on_progress,
    )
    chosen = None if np.isnan(res.x).any() else np.nonzero(res.x[:mc] > 0.5)[0]
    return chosen, res.bound, res.status


def _lagrange(
    a: sp.csr_matrix, wr: NDArray[np.float64], mu: NDArray[np.float64], count: int
) -> tuple[float, NDArray[np.float64], float]:
    """Lagrangian upper bound for multipliers ``mu`` of the coverage rows (any ``mu >= 0``).

    ``L(mu) = sum_i max(0, w_i - mu_i) + (sum of the count largest positive (A^T mu)_j)``.
    Returns (bound, site values ``A^T mu``, constant part).
    """
    mu = np.clip(mu, 0.0, wr)
    base = float(np.maximum(wr - mu, 0.0).sum())
    v = np.asarray(sp.csc_matrix(a).T @ mu).ravel()
    top = np.sort(np.maximum(v, 0.0))[::-1][:count]
    return base + float(top.sum()), v, base


def _closed(value: float, bound: float) -> str:
    """Status of a solve stopped because the gap closed."""
    return "optimal" if bound - value <= 1e-9 * value else "gap_reached"


def _gap_status(value: float, bound: float, mip_gap: float, otherwise: str) -> str:
    """``_closed`` when the gap is within ``mip_gap`` (or 1e-9), else ``otherwise``."""
    return _closed(value, bound) if bound - value <= max(mip_gap, 1e-9) * value else otherwise


class _GapWatch:
    """Whether the gap is closed, counting the companion's latest bound and incumbent.

    Without a companion this is the plain test ``bound - value <= mip_gap * value``.
    With one, its answer file is read as it changes, so the pipeline stops as soon as
    the best of both incumbents is within ``mip_gap`` of the lower of both bounds.
    """

    def __init__(
        self, a: sp.csr_matrix, wr: NDArray[np.float64], mip_gap: float, companion: Companion | None
    ) -> None:
        self.a, self.wr, self.mip_gap, self.companion = a, wr, mip_gap, companion
        self._answer: object = None
        self._value = -math.inf

    def closed(self, value: float, bound: float) -> bool:
        """``True`` when ``value`` and ``bound``, with the companion's, close the gap."""
        got = self.companion.peek() if self.companion is not None else None
        if got is not None:
            if got is not self._answer:  # a new answer: recount its incumbent once
                self._answer = got
                cand = got[0]
                self._value = -math.inf if cand is None else _covered_weight(self.a, self.wr, cand)
            value, bound = max(value, self._value), min(bound, got[1])
        return bound - value <= self.mip_gap * value


def _restricted_stop(
    w_rows: NDArray[np.float64],
    n_sites: int,
    value: float,
    bound: float,
    watch: _GapWatch,
    *,
    soon: float | None,
) -> Callable[[float, NDArray[np.float64] | None], bool]:
    """Progress callback that stops the restricted MILP early.

    It stops once the gap is closed (``watch``) and, when ``soon`` is given, at the
    first report after ``soon`` seconds at which HiGHS holds a set better than the
    start (``value``). A fixed cut at ``soon`` seconds would land on either side of
    HiGHS's first better set, depending on the machine's load (national p=1000 at
    30 minutes: found at 9.5 s on a quiet machine, not by 10 s on a loaded one).
    """
    t0 = time.perf_counter()
    best = [value]

    def progress(_bound: float, x: NDArray[np.float64] | None) -> bool:
        if x is not None:  # sites, then the covered share of each row
            best[0] = max(best[0], float(w_rows @ x[n_sites:]))
        if watch.closed(best[0], bound):
            return True
        better = best[0] > value + 1e-9 * max(1.0, value)  # not just the start again
        return soon is not None and time.perf_counter() - t0 >= soon and better

    return progress


def _exact(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    count: int,
    cost: NDArray[np.float64] | None,
    budget: float | None,
    chosen: NDArray[np.int64],
    value: float,
    *,
    deadline: float,
    mip_gap: float,
    threads: int,
    stats: dict[str, float],
    watch: _GapWatch,
) -> tuple[NDArray[np.int64], float, float, str]:
    """LP bound, LP-guided restricted MILP, Lagrangian fixing, then the MILP on what remains.

    With a companion proving the bound on another core (the whole MILP; in
    ``watch``), the restricted MILP stops at its first better set after 10 s, and the
    region search takes all the time left, its regions growing once they stop finding
    better sets; there is no fixing step, and every step stops once ``watch`` sees
    the gap closed.
    Otherwise the region search has 60 % of the time left and stops after 25 region
    problems without gain, and Lagrangian fixing and the MILP on what is left follow.
    Returns (chosen, value, bound, status) on the reduced instance.
    """
    t0 = time.perf_counter()
    nr, mc = a.shape
    bound = float(wr.sum())
    has_companion = watch.companion is not None
    if budget is not None:
        # knapsack-coupled: hand the whole model to HiGHS from the incumbent
        cand, bnd, status = _milp(
            a,
            wr,
            count,
            cost,
            budget,
            chosen,
            time_limit=deadline - t0,
            mip_gap=mip_gap,
            threads=threads,
        )
        if cand is not None and _covered_weight(a, wr, cand) > value:
            chosen, value = cand, _covered_weight(a, wr, cand)
        if not math.isnan(bnd):
            bound = min(bound, bnd)
        return chosen, value, bound, status
    obj, mat, lo, hi = _model(a, wr, count, None, None)
    x, duals, lp_obj, _ = solve_lp(
        obj,
        mat,
        lo,
        hi,
        np.zeros(mc + nr),
        np.ones(mc + nr),
        maximize=True,
        time_limit=max(deadline - time.perf_counter(), 0.01),
        threads=threads,
    )
    stats["lp_seconds"] = time.perf_counter() - t0
    if np.isnan(x).any():
        return chosen, value, bound, "time_limit"
    mu = np.abs(duals[:nr])
    lag, v, base = _lagrange(a, wr, mu, count)
    bound = min(bound, lag)
    stats["lp_bound"] = lp_obj
    stats["lagrangian_bound"] = lag
    # LP-guided restricted MILP for a better incumbent
    y = x[:mc]
    # LP rounding: the count largest y, improved by swaps
    remaining = deadline - time.perf_counter()
    rounded = swap_cover(
        a,
        wr,
        np.argsort(-y, kind="stable")[:count],
        deadline=time.perf_counter() + 0.03 * remaining,
    )
    val = _covered_weight(a, wr, rounded)
    stats["rounded_objective"] = val
    if val > value:
        chosen, value = rounded, val
    # block Lagrangian bound: the LP's fractional parts solved as integers
    blocks = fractional_blocks(a, y)
    if blocks and not watch.closed(value, bound):
        remaining = deadline - time.perf_counter()
        bb = block_bound(
            a,
            wr,
            count,
            mu,
            abs(float(duals[nr])),
            blocks,
            deadline=time.perf_counter() + 0.1 * remaining,
            threads=threads,
        )
        bound = min(bound, bb.bound)
        stats["block_bound"] = bb.bound
        stats["blocks"] = float(bb.blocks)
        stats["block_seconds"] = bb.seconds
        guess = swap_cover(
            a,
            wr,
            repair_count(a, wr, bb.picked, count),
            deadline=time.perf_counter() + 0.05 * remaining,
        )
        val = _covered_weight(a, wr, guess)
        stats["block_objective"] = val
        if val > value:
            chosen, value = guess, val
        if watch.closed(value, bound):
            return chosen, value, bound, _gap_status(value, bound, mip_gap, "time_limit")
    support = np.union1d(np.nonzero(y > 1e-2)[0], chosen)
    if support.shape[0] > count and not watch.closed(value, bound):
        sub = sp.csr_matrix(a[:, support])
        rows_keep = np.nonzero(np.diff(sub.indptr) > 0)[0]
        start_local = np.searchsorted(support, chosen)
        remaining = deadline - time.perf_counter()
        t_r = time.perf_counter()
        cand, _, _ = _milp(
            sp.csr_matrix(sub[rows_keep]),
            wr[rows_keep],
            count,
            None,
            None,
            start_local,
            time_limit=min(0.25 * remaining, 30.0),
            mip_gap=1e-6,
            threads=threads,
            on_progress=_restricted_stop(
                wr[rows_keep],
                support.shape[0],
                value,
                bound,
                watch,
                soon=10.0 if has_companion else None,
            ),
        )
        stats["restricted_seconds"] = time.perf_counter() - t_r
        if cand is not None:
            cand = swap_cover(
                a,
                wr,
                support[cand],
                deadline=time.perf_counter() + (0.02 if has_companion else 0.1) * remaining,
            )
            val = _covered_weight(a, wr, cand)
            if val > value:
                chosen, value = cand, val
    stats["restricted_objective"] = value
    if watch.closed(value, bound):
        return chosen, value, bound, _gap_status(value, bound, mip_gap, "time_limit")
    # regions where the LP disagrees with the incumbent, re-solved exactly
    remaining = deadline - time.perf_counter()
    rs = region_search(
        a,
        wr,
        chosen,
        region_seeds(y, chosen),
        deadline=time.perf_counter() + (1.0 if has_companion else 0.6) * remaining,
        patience=100 if has_companion else 25,
        escalate=3 if has_companion else 0,
        stop=lambda v: watch.closed(v, bound),
        threads=threads,
    )
    stats["region_objective"] = rs.value
    stats["regions"] = float(rs.regions)
    stats["regions_improved"] = float(rs.improved)
    stats["region_seconds"] = rs.seconds
    if rs.value > value:
        chosen, value = rs.chosen, rs.value
    stats["incumbent_seconds"] = time.perf_counter() - t0  # LP through regions
    if watch.closed(value, bound):
        return chosen, value, bound, _gap_status(value, bound, mip_gap, "time_limit")
    if has_companion:  # the companion's MILP gives the bound; the regions had the time
        return chosen, value, bound, "time_limit"
    # Lagrangian fixing with a threshold halfway to the target gap
    thr = value * (1.0 + 0.5 * mip_gap)
    vpos = np.maximum(v, 0.0)
    order = np.argsort(-vpos, kind="stable")
    top_sum = float(vpos[order[:count]].sum())
    vp = vpos[order[count - 1]] if count >= 1 else 0.0
    vp1 = vpos[order[count]] if count < mc else 0.0
    in_top = np.zeros(mc, dtype=bool)
    in_top[order[:count]] = True
    bound_in = base + top_sum - vp + vpos  # forcing a non-top site in
    bound_out = base + top_sum - vpos + vp1  # forcing a top site out
    fix0 = ~in_top & (bound_in <= thr)
    fix1 = in_top & (bound_out <= thr)
    stats["fixed_closed"] = float(fix0.sum())
    stats["fixed_open"] = float(fix1.sum())
    fixed_bound = max(
        float(bound_in[fix0].max()) if fix0.any() else -math.inf,
        float(bound_out[fix1].max()) if fix1.any() else -math.inf,
    )
    free = np.nonzero(~fix0 & ~fix1)[0]
    ones = np.nonzero(fix1)[0]
    # rows covered by a forced-open site are constant
    y1 = np.zeros(mc)
    y1[ones] = 1.0
    done = (a @ y1) > 0
    const = float(wr[done].sum())
    # what is left shrinks again: rows now identical merge, columns now dominated go
    pre = sp.csr_matrix(a[~done][:, free])
    sub, w_sub, kept = _shrink(pre, wr[~done], np.zeros(free.shape[0]))
    start_fixed: NDArray[np.int64] | None = None
    rest = np.setdiff1d(chosen, ones)
    if np.isin(rest, free).all() and np.isin(ones, chosen).all():
        start_fixed = np.searchsorted(kept, _to_dominators(pre, np.searchsorted(free, rest), kept))
    free = free[kept]
    stats["milp_sites"] = float(free.shape[0])
    stats["milp_points"] = float(sub.shape[0])
    remaining = deadline - time.perf_counter()
    cand, bnd, status = _milp(
        sub,
        w_sub,
        count - ones.shape[0],
        None,
        None,
        start_fixed,
        time_limit=remaining,
        mip_gap=0.5 * mip_gap,
        threads=threads,
    )
    if cand is not None:
        full = np.concatenate([ones, free[cand]])
        val = _covered_weight(a, wr, full)
        if val > value:
            chosen, value = full, val
    if not math.isnan(bnd):
        bound = min(bound, max(const + bnd, fixed_bound, value))
    stats["milp_seconds"] = time.perf_counter() - t0 - stats["incumbent_seconds"]
    return chosen, value, bound, _gap_status(value, bound, mip_gap, status)


def _merge_companion(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    got: tuple[NDArray[np.int64] | None, float, str],
    chosen: NDArray[np.int64],
    value: float,
    bound: float,
    status: str,
    mip_gap: float,
    stats: dict[str, float],
) -> tuple[NDArray[np.int64], float, float, str]:
    """Keep the better incumbent and the lower bound of the pipeline and its companion."""
    cand, bnd, _ = got
    if cand is not None:
        val = _covered_weight(a, wr, cand)
        stats["companion_objective"] = val
        if val > value:
            chosen, value = cand, val
    if not math.isnan(bnd):
        stats["companion_bound"] = bnd
        bound = min(bound, max(bnd, value))
    return chosen, value, bound, _gap_status(value, bound, mip_gap, status)


def _to_dominators(
    a: sp.csr_matrix, chosen: NDArray[np.int64], kept: NDArray[np.int64]
) -> NDArray[np.int64]:
    """Replace chosen columns not in ``kept`` by a kept column covering all their rows.

    The coverage of the set can only grow, so an incumbent stays an incumbent after
    dominated columns are removed.
    """
    is_kept = np.zeros(a.shape[1], dtype=bool)
    is_kept[kept] = True
    csc = sp.csc_matrix(a, dtype=np.int32)
    out = []
    for j in chosen:
        if is_kept[j]:
            out.append(int(j))
            continue
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        if rows.shape[0] == 0:  # covers nothing left: drop it
            continue
        hits = np.asarray(csc[rows].sum(axis=0)).ravel()
        ok = np.nonzero(is_kept & (hits >= rows.shape[0]))[0]
        if ok.shape[0]:
            out.append(int(ok[0]))
    return np.unique(np.asarray(out, dtype=np.int64))


def _covered_weight(a: sp.csr_matrix, w: NDArray[np.float64], chosen: NDArray[np.int64]) -> float:
    y = np.zeros(a.shape[1])
    y[chosen] = 1.0
    return float(w[(a @ y) > 0].sum())


def solve_max_coverage(
    weight: ArrayLike,
    rows: ArrayLike,
    cols: ArrayLike,
    n_candidates: int,
    *,
    max_count: int,
    cost: ArrayLike | None = None,
    budget: float | None = None,
    existing_rows: ArrayLike | None = None,
    time_limit: float = 60.0,
    mip_gap: float = 1e-4,
    threads: int = 1,
    exact: bool = True,
) -> CoverageResult:
    """Solve a (budgeted) maximal coverage problem to a certified gap.

    Parameters
    ----------
    weight
        Weight of each demand point (population, rurality-weighted population,
        parcels per day), length ``n``, non-negative.
    rows, cols
        Coverage pairs: candidate ``cols[t]`` covers demand point ``rows[t]``.
    n_candidates
        Number of candidate sites (columns ``0..n_candidates-1``).
    max_count
        Most new sites to choose (``>= 0``).
    cost, budget
        Optional cost per candidate (e.g. capital plus years x yearly cost, usd) and
        the total allowed; both or neither.
    existing_rows
        Demand rows already covered by existing sites (always counted).
    time_limit
        Wall seconds for the whole solve.
    mip_gap
        Relative gap at which HiGHS may stop.
    threads
        HiGHS threads.
    exact
        ``False`` stops after greedy + swap (bound then from the LP only if time allows).

    Returns
    -------
    CoverageResult
        Chosen sites, coverage per point, marginal curve and certificate (sense ``"max"``).

    Raises
    ------
    InfeasibleError
        When a budget is given but no candidate is affordable, or ``max_count < 0``.
    InputError
        When indices are out of range or weights/costs negative.
    """
    t0 = time.perf_counter()
    # the recount and marginal curve after the search fit inside the limit too
    deadline = t0 + time_limit - min(1.0, 0.01 * time_limit)
    w = np.asarray(weight, dtype=np.float64)
    r = np.asarray(rows, dtype=np.int64)
    c_idx = np.asarray(cols, dtype=np.int64)
    n = w.shape[0]
    if r.shape != c_idx.shape:
        raise InputError("coverage pairs", "rows and cols differ in length")
    if r.size and (r.min() < 0 or r.max() >= n or c_idx.min() < 0 or c_idx.max() >= n_candidates):
        raise InputError("coverage pairs", "index out of range")
    if (w < 0).any() or not np.isfinite(w).all():
        raise InputError("demand", "weights must be finite and non-negative", column="weight")
    if max_count < 0:
        raise InfeasibleError("max_count must be >= 0")
    if (cost is None) != (budget is None):
        raise InputError("design", "give both cost and budget, or neither")
    cvec = np.zeros(n_candidates) if cost is None else np.asarray(cost, dtype=np.float64)
    if cvec.shape[0] != n_candidates or (cvec < 0).any():
        raise InputError(
            "candidates", "one non-negative cost per candidate required", column="cost"
        )
    if budget is not None and n_candidates and cvec.min() > budget:
        raise InfeasibleError(
            f"budget {budget:,.0f} is below the cheapest candidate site ({cvec.min():,.0f})"
        )
    existing = np.zeros(n, dtype=bool)
    if existing_rows is not None:
        existing[np.asarray(existing_rows, dtype=np.int64)] = True

    red = reduce_instance(w, r, c_idx, n_candidates, cvec, existing)
    stats: dict[str, float] = {
        "points": float(n),
        "candidates": float(n_candidates),
        "pairs": float(r.shape[0]),
        "points_reduced": float(red.a.shape[0]),
        "candidates_reduced": float(red.cols.shape[0]),
        "pairs_reduced": float(red.a.nnz),
        "reduce_seconds": time.perf_counter() - t0,
    }
    a, wr, cost_r = red.a, red.weight, cvec[red.cols]
    total_r = float(wr.sum())
    mc = a.shape[1]
    count = min(max_count, mc)
    if count >= mc and budget is None:
        chosen_r = np.arange(mc, dtype=np.int64)
    else:
        chosen_r = greedy_cover(a, wr, count, cost_r if budget is not None else None, budget)
    stats["greedy_objective"] = red.constant + _covered_weight(a, wr, chosen_r)
    companion = None
    if exact and budget is None and 0 < count < mc and threads >= 2:
        # the whole MILP on the second core, for its bound (mclp_companion)
        companion = start_companion(
            a, wr, count, chosen_r, deadline=deadline - 0.5, mip_gap=mip_gap
        )
        threads -= 1
    watch = _GapWatch(a, wr, mip_gap, companion)
    try:
        # with a companion the LP-guided steps come sooner (the swaps there do more)
        heur_deadline = t0 + (0.15 if companion is None else 0.05) * time_limit
        chosen_r = swap_cover(
            a, wr, chosen_r, cost_r if budget is not None else None, budget, deadline=heur_deadline
        )
        value_r = _covered_weight(a, wr, chosen_r)
        stats["heuristic_objective"] = red.constant + value_r
        stats["heuristic_seconds"] = time.perf_counter() - t0

        bound_r = total_r
        status = "heuristic"
        if value_r >= total_r - 1e-9 * max(1.0, total_r):
            status = "optimal"  # everything coverable is covered
        elif exact and time.perf_counter() < deadline and mc > 0:
            chosen_r, value_r, bound_r, status = _exact(
                a,
                wr,
                count,
                cost_r if budget is not None else None,
                budget,
                chosen_r,
                value_r,
                deadline=deadline,
                mip_gap=mip_gap,
                threads=threads,
                stats=stats,
                watch=watch,
            )
        if companion is not None:
            got = collect_companion(companion, wait=not watch.closed(value_r, bound_r))
            companion = None
            if got is not None:
                chosen_r, value_r, bound_r, status = _merge_companion(
                    a, wr, got, chosen_r, value_r, bound_r, status, mip_gap, stats
                )
    finally:
        if companion is not None:  # an error or interrupt: do not leave it running
            collect_companion(companion, wait=False)
    chosen = red.cols[chosen_r]
    # order chosen sites by greedy marginal value and compute the marginal curve
    order = greedy_cover(a[:, chosen_r], wr, chosen_r.shape[0])
    rest = np.setdiff1d(np.arange(chosen_r.shape[0]), order)
    order = np.concatenate([order, rest]).astype(np.int64)
    chosen = chosen[order]
    marginal = np.empty(chosen.shape[0] + 1)
    cov_r = np.zeros(a.shape[0], dtype=bool)
    csc = sp.csc_matrix(a)
    marginal[0] = red.constant
    acc = red.constant
    for k, j in enumerate(chosen_r[order]):
        rw = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        new = rw[~cov_r[rw]]
        acc += float(wr[new].sum())
        cov_r[new] = True
        marginal[k + 1] = acc
    # coverage per original point (by the solver's own bookkeeping)
    y = np.zeros(n_candidates)
    y[chosen] = 1.0
    covered = existing | (
        np.bincount(r, weights=y[c_idx], minlength=n) > 0 if r.size else np.zeros(n, dtype=bool)
    )
    objective = red.constant + value_r
    bound = red.constant + bound_r
    check = check_coverage(
        w,
        r,
        c_idx,
        chosen,
        claimed=float(objective),
        max_count=max_count,
        site_cost=cvec if budget is not None else None,
        budget=budget,
        existing_rows=np.nonzero(existing)[0],
    )
    seconds = time.perf_counter() - t0
    if bound - objective <= 1e-6 * max(1.0, abs(objective)):
        status = "optimal"
    cert = Certificate(
        objective=float(objective),
        bound=float(bound),
        sense="max",
        seconds=seconds,
        status=status,
        verified=bool(check["ok"]),
        checks=check,
    )
    return CoverageResult(chosen, covered, marginal, cert, stats)
