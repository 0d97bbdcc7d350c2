"""Maximal coverage location (MCLP), with count, budget and existing sites: the solve.

Choose candidate sites to maximise the weight of demand points covered (a point is
covered when at least one chosen or existing site covers it), subject to at most
``max_count`` new sites and, optionally, total ``cost`` within ``budget``.

Coverage is given as sparse pairs ``(demand row, candidate column)``. The solver:

1. **Reduces** the instance (:mod:`~hinterland.network.mclp.reduce`): drops points
   without weight or without any covering candidate, removes points already covered
   by existing sites (their weight is a constant), merges points with identical
   coverage sets (summing weights), removes **dominated** candidates (coverage set
   contained in that of a candidate no more expensive), and merges points again.
2. **Warm-starts** with greedy (largest marginal weight, or weight per cost under a
   budget) followed by best-improvement swap local search
   (:mod:`~hinterland.network.mclp.heuristics`).
3. After the LP (:mod:`~hinterland.network.mclp.bounds`), the LP's fractional sites
   are grouped into blocks and each block solved as a small integer problem at the
   LP's prices; the sites they pick, repaired to the count and swapped, are a
   second incumbent and the block bound a second bound. A MILP restricted to the
   LP's support comes next; then regions where the LP and the incumbent disagree are
   re-solved exactly, one at a time with every other site fixed
   (:mod:`~hinterland.network.mclp.regions`). After Lagrangian fixing, what is left
   is merged and reduced again.
4. **Solves** the reduced MILP (binary ``y`` per site, continuous ``z`` per merged
   point, ``z_i <= sum_j a_ij y_j``) with HiGHS from that incumbent, to the requested
   relative gap or time limit. The LP bound HiGHS proves is a valid bound for the
   original instance because every reduction preserves the optimum.
5. With two threads or more, the whole reduced MILP runs from the start in a second
   process (:mod:`~hinterland.network.mclp.companion`) for its bound; the first core
   then spends its time on the incumbent (steps 2-3, without step 4), reading the
   companion's latest bound and incumbent as they come, and stops as soon as the
   better incumbent and the lower bound of the two are within the requested gap.

Every tuning figure is a field of :class:`~hinterland.network.mclp.params.SolveParams`;
what the solve did is a :class:`~hinterland.network.mclp.params.SolveStats`. Every
result carries a :class:`~hinterland.core.certificate.Certificate`; its ``verified``
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
from hinterland.network.mclp.bounds import (
    block_bound,
    fractional_blocks,
    lagrangian_bound,
    lagrangian_fixing,
    lp_relaxation,
)
from hinterland.network.mclp.companion import (
    Answer,
    Companion,
    collect_companion,
    start_companion,
)
from hinterland.network.mclp.heuristics import greedy_cover, repair_count, swap_cover
from hinterland.network.mclp.model import covered_weight, gap_status, milp, setdiff, union
from hinterland.network.mclp.params import DEFAULT_PARAMS, SolveParams, SolveStats
from hinterland.network.mclp.reduce import reduce_instance, shrink, to_dominators
from hinterland.network.mclp.regions import region_search, region_seeds
from hinterland.network.verify import check_coverage

__all__ = ["CoverageResult", "solve_max_coverage"]

#: (chosen sites, covered weight, bound, status) on the reduced instance.
_State = tuple[NDArray[np.int64], float, float, str]


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
        Sizes before/after reduction, heuristic value, LP/MILP figures
        (:meth:`SolveStats.to_dict` for JSON).
    """

    chosen: NDArray[np.int64]
    covered: NDArray[np.bool_]
    marginal: NDArray[np.float64]
    certificate: Certificate
    stats: SolveStats = field(default_factory=SolveStats)


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
                self._value = -math.inf if cand is None else covered_weight(self.a, self.wr, cand)
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


def _exact_budget(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    count: int,
    cost: NDArray[np.float64] | None,
    budget: float,
    chosen: NDArray[np.int64],
    value: float,
    *,
    deadline: float,
    mip_gap: float,
    threads: int,
) -> _State:
    """Knapsack-coupled: hand the whole model to HiGHS from the incumbent."""
    t0 = time.perf_counter()
    bound = float(wr.sum())
    cand, bnd, status = milp(
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
    if cand is not None and covered_weight(a, wr, cand) > value:
        chosen, value = cand, covered_weight(a, wr, cand)
    if not math.isnan(bnd):
        bound = min(bound, bnd)
    return chosen, value, bound, status


def _blocks_step(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    count: int,
    y: NDArray[np.float64],
    duals: NDArray[np.float64],
    chosen: NDArray[np.int64],
    value: float,
    bound: float,
    *,
    deadline: float,
    threads: int,
    params: SolveParams,
    stats: SolveStats,
    watch: _GapWatch,
) -> tuple[NDArray[np.int64], float, float, bool]:
    """Block Lagrangian bound and its pick; returns (chosen, value, bound, ran)."""
    nr = a.shape[0]
    blocks = fractional_blocks(a, y, block_size=params.block_size, tol=params.fractional_tol)
    if not blocks or watch.closed(value, bound):
        return chosen, value, bound, False
    mu = np.abs(duals[:nr])
    remaining = deadline - time.perf_counter()
    bb = block_bound(
        a,
        wr,
        count,
        mu,
        abs(float(duals[nr])),
        blocks,
        deadline=time.perf_counter() + params.block_share * remaining,
        threads=threads,
        mip_gap=params.block_mip_gap,
    )
    bound = min(bound, bb.bound)
    stats.block_bound = bb.bound
    stats.blocks = bb.blocks
    stats.block_seconds = bb.seconds
    guess = swap_cover(
        a,
        wr,
        repair_count(a, wr, bb.picked, count, batch=params.repair_batch),
        deadline=time.perf_counter() + params.block_swap_share * remaining,
        max_swaps=params.max_swaps,
    )
    val = covered_weight(a, wr, guess)
    stats.block_objective = val
    if val > value:
        chosen, value = guess, val
    return chosen, value, bound, True


def _restricted_step(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    count: int,
    y: NDArray[np.float64],
    chosen: NDArray[np.int64],
    value: float,
    bound: float,
    *,
    deadline: float,
    threads: int,
    params: SolveParams,
    stats: SolveStats,
    watch: _GapWatch,
) -> tuple[NDArray[np.int64], float]:
    """The MILP restricted to the LP's support, then swaps; returns (chosen, value)."""
    has_companion = watch.companion is not None
    support = union(np.nonzero(y > params.support_threshold)[0], chosen)
    if support.shape[0] <= count or watch.closed(value, bound):
        return chosen, value
    sub = sp.csr_matrix(a[:, support])
    rows_keep = np.nonzero(np.diff(sub.indptr) > 0)[0]
    start_local = np.searchsorted(support, chosen)
    remaining = deadline - time.perf_counter()
    t_r = time.perf_counter()
    cand, _, _ = milp(
        sp.csr_matrix(sub[rows_keep]),
        wr[rows_keep],
        count,
        None,
        None,
        start_local,
        time_limit=min(params.restricted_share * remaining, params.restricted_max_seconds),
        mip_gap=params.restricted_mip_gap,
        threads=threads,
        on_progress=_restricted_stop(
            wr[rows_keep],
            support.shape[0],
            value,
            bound,
            watch,
            soon=params.restricted_soon_seconds if has_companion else None,
        ),
    )
    stats.restricted_seconds = time.perf_counter() - t_r
    if cand is not None:
        share = (
            params.restricted_swap_share_with_companion
            if has_companion
            else params.restricted_swap_share
        )
        cand = swap_cover(
            a,
            wr,
            support[cand],
            deadline=time.perf_counter() + share * remaining,
            max_swaps=params.max_swaps,
        )
        val = covered_weight(a, wr, cand)
        if val > value:
            chosen, value = cand, val
    return chosen, value


def _fixing_step(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    count: int,
    v: NDArray[np.float64],
    base: float,
    state: _State,
    *,
    deadline: float,
    mip_gap: float,
    threads: int,
    params: SolveParams,
    stats: SolveStats,
    t0: float,
) -> _State:
    """Lagrangian fixing, the fixed problem shrunk again, and its MILP."""
    chosen, value, bound, _ = state
    thr = value * (1.0 + params.fixing_gap_share * mip_gap)
    fix0, fix1, fixed_bound = lagrangian_fixing(v, base, count, thr)
    stats.fixed_closed = int(fix0.sum())
    stats.fixed_open = int(fix1.sum())
    free = np.nonzero(~fix0 & ~fix1)[0]
    ones = np.nonzero(fix1)[0]
    # rows covered by a forced-open site are constant
    y1 = np.zeros(a.shape[1])
    y1[ones] = 1.0
    done = (a @ y1) > 0
    const = float(wr[done].sum())
    # what is left shrinks again: rows now identical merge, columns now dominated go
    pre = sp.csr_matrix(a[~done][:, free])
    sub, w_sub, kept = shrink(pre, wr[~done], np.zeros(free.shape[0]))
    start_fixed: NDArray[np.int64] | None = None
    rest = setdiff(chosen, ones)
    if np.isin(rest, free).all() and np.isin(ones, chosen).all():
        start_fixed = np.searchsorted(kept, to_dominators(pre, np.searchsorted(free, rest), kept))
    free = free[kept]
    stats.milp_sites = int(free.shape[0])
    stats.milp_points = int(sub.shape[0])
    remaining = deadline - time.perf_counter()
    cand, bnd, status = milp(
        sub,
        w_sub,
        count - ones.shape[0],
        None,
        None,
        start_fixed,
        time_limit=remaining,
        mip_gap=params.final_gap_share * mip_gap,
        threads=threads,
    )
    if cand is not None:
        full = np.concatenate([ones, free[cand]])
        val = covered_weight(a, wr, full)
        if val > value:
            chosen, value = full, val
    if not math.isnan(bnd):
        bound = min(bound, max(const + bnd, fixed_bound, value))
    stats.milp_seconds = time.perf_counter() - t0 - (stats.incumbent_seconds or 0.0)
    return chosen, value, bound, gap_status(value, bound, mip_gap, status)


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
    stats: SolveStats,
    watch: _GapWatch,
    params: SolveParams = DEFAULT_PARAMS,
) -> _State:
    """LP bound, LP-guided restricted MILP, Lagrangian fixing, then the MILP on what remains.

    With a companion proving the bound on another core (the whole MILP; in
    ``watch``), the restricted MILP stops at its first better set after
    ``params.restricted_soon_seconds``, and the region search takes all the time
    left, its regions growing once they stop finding better sets; there is no fixing
    step, and every step stops once ``watch`` sees the gap closed.
    Otherwise the region search has ``params.region_share`` of the time left and
    stops after ``params.region_patience`` region problems without gain, and
    Lagrangian fixing and the MILP on what is left follow.
    Returns (chosen, value, bound, status) on the reduced instance.
    """
    t0 = time.perf_counter()
    nr, mc = a.shape
    bound = float(wr.sum())
    has_companion = watch.companion is not None
    if budget is not None:
        return _exact_budget(
            a,
            wr,
            count,
            cost,
            budget,
            chosen,
            value,
            deadline=deadline,
            mip_gap=mip_gap,
            threads=threads,
        )
    x, duals, lp_obj = lp_relaxation(
        a,
        wr,
        count,
        time_limit=max(deadline - time.perf_counter(), 0.01),
        threads=threads,
        method=params.lp_method,
    )
    stats.lp_seconds = time.perf_counter() - t0
    if np.isnan(x).any():
        return chosen, value, bound, "time_limit"
    mu = np.abs(duals[:nr])
    lag, v, base = lagrangian_bound(a, wr, mu, count)
    bound = min(bound, lag)
    stats.lp_bound = lp_obj
    stats.lagrangian_bound = lag
    y = x[:mc]
    # LP rounding: the count largest y, improved by swaps
    remaining = deadline - time.perf_counter()
    rounded = swap_cover(
        a,
        wr,
        np.argsort(-y, kind="stable")[:count],
        deadline=time.perf_counter() + params.rounding_swap_share * remaining,
        max_swaps=params.max_swaps,
    )
    val = covered_weight(a, wr, rounded)
    stats.rounded_objective = val
    if val > value:
        chosen, value = rounded, val
    # block Lagrangian bound: the LP's fractional parts solved as integers
    chosen, value, bound, ran = _blocks_step(
        a, wr, count, y, duals, chosen, value, bound,
        deadline=deadline, threads=threads, params=params, stats=stats, watch=watch,
    )  # fmt: skip
    if ran and watch.closed(value, bound):
        return chosen, value, bound, gap_status(value, bound, mip_gap, "time_limit")
    # LP-guided restricted MILP for a better incumbent
    chosen, value = _restricted_step(
        a, wr, count, y, chosen, value, bound,
        deadline=deadline, threads=threads, params=params, stats=stats, watch=watch,
    )  # fmt: skip
    stats.restricted_objective = value
    if watch.closed(value, bound):
        return chosen, value, bound, gap_status(value, bound, mip_gap, "time_limit")
    # regions where the LP disagrees with the incumbent, re-solved exactly
    remaining = deadline - time.perf_counter()
    share = params.region_share_with_companion if has_companion else params.region_share
    rs = region_search(
        a,
        wr,
        chosen,
        region_seeds(y, chosen),
        deadline=time.perf_counter() + share * remaining,
        max_sites=params.region_max_sites,
        sub_seconds=params.region_sub_seconds,
        patience=(
            params.region_patience_with_companion if has_companion else params.region_patience
        ),
        escalate=(
            params.region_escalate_with_companion if has_companion else params.region_escalate
        ),
        stop=lambda v: watch.closed(v, bound),
        threads=threads,
        mip_gap=params.region_mip_gap,
        presolve=params.region_presolve,
    )
    stats.region_objective = rs.value
    stats.regions = rs.regions
    stats.regions_improved = rs.improved
    stats.region_seconds = rs.seconds
    if rs.value > value:
        chosen, value = rs.chosen, rs.value
    stats.incumbent_seconds = time.perf_counter() - t0  # LP through regions
    if watch.closed(value, bound):
        return chosen, value, bound, gap_status(value, bound, mip_gap, "time_limit")
    if has_companion:  # the companion's MILP gives the bound; the regions had the time
        return chosen, value, bound, "time_limit"
    # Lagrangian fixing with a threshold halfway to the target gap
    return _fixing_step(
        a, wr, count, v, base, (chosen, value, bound, "time_limit"),
        deadline=deadline, mip_gap=mip_gap, threads=threads, params=params, stats=stats, t0=t0,
    )  # fmt: skip


def _merge_companion(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    got: Answer,
    state: _State,
    mip_gap: float,
    stats: SolveStats,
) -> _State:
    """Keep the better incumbent and the lower bound of the pipeline and its companion."""
    chosen, value, bound, status = state
    cand, bnd, _ = got
    if cand is not None:
        val = covered_weight(a, wr, cand)
        stats.companion_objective = val
        if val > value:
            chosen, value = cand, val
    if not math.isnan(bnd):
        stats.companion_bound = bnd
        bound = min(bound, max(bnd, value))
    return chosen, value, bound, gap_status(value, bound, mip_gap, status)


def _search(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    count: int,
    cost_r: NDArray[np.float64] | None,
    budget: float | None,
    *,
    t0: float,
    time_limit: float,
    deadline: float,
    mip_gap: float,
    threads: int,
    exact: bool,
    params: SolveParams,
    stats: SolveStats,
    constant: float,
) -> _State:
    """Greedy, swaps and (``exact``) the bound steps, with a companion when it helps."""
    total_r = float(wr.sum())
    mc = a.shape[1]
    if count >= mc and budget is None:
        chosen_r = np.arange(mc, dtype=np.int64)
    else:
        chosen_r = greedy_cover(a, wr, count, cost_r, budget)
    stats.greedy_objective = constant + covered_weight(a, wr, chosen_r)
    companion = None
    if exact and params.use_companion and budget is None and 0 < count < mc and threads >= 2:
        # the whole MILP on the second core, for its bound (mclp.companion)
        companion = start_companion(
            a,
            wr,
            count,
            chosen_r,
            deadline=deadline - params.companion_margin_seconds,
            mip_gap=mip_gap,
            lp_solver=params.companion_lp_solver,
        )
        threads -= 1
    watch = _GapWatch(a, wr, mip_gap, companion)
    try:
        # with a companion the LP-guided steps come sooner (the swaps there do more)
        share = params.swap_share if companion is None else params.swap_share_with_companion
        chosen_r = swap_cover(
            a,
            wr,
            chosen_r,
            cost_r,
            budget,
            deadline=t0 + share * time_limit,
            max_swaps=params.max_swaps,
            budget_leaving=params.swap_budget_leaving,
        )
        value_r = covered_weight(a, wr, chosen_r)
        stats.heuristic_objective = constant + value_r
        stats.heuristic_seconds = time.perf_counter() - t0

        state: _State = (chosen_r, value_r, total_r, "heuristic")
        if value_r >= total_r - 1e-9 * max(1.0, total_r):
            state = (chosen_r, value_r, total_r, "optimal")  # everything coverable is covered
        elif exact and time.perf_counter() < deadline and mc > 0:
            state = _exact(
                a,
                wr,
                count,
                cost_r,
                budget,
                chosen_r,
                value_r,
                deadline=deadline,
                mip_gap=mip_gap,
                threads=threads,
                stats=stats,
                watch=watch,
                params=params,
            )
        if companion is not None:
            got = collect_companion(
                companion,
                wait=not watch.closed(state[1], state[2]),
                grace=params.companion_grace_seconds,
            )
            companion = None
            if got is not None:
                state = _merge_companion(a, wr, got, state, mip_gap, stats)
    finally:
        if companion is not None:  # an error or interrupt: do not leave it running
            collect_companion(companion, wait=False)
    return state


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
    params: SolveParams | None = None,
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
        Relative gap at which the solve may stop.
    threads
        HiGHS threads (two or more also start the companion MILP).
    exact
        ``False`` stops after greedy + swap (bound then from the LP only if time allows).
    params
        Tuning (default :data:`~hinterland.network.mclp.params.DEFAULT_PARAMS`).

    Returns
    -------
    CoverageResult
        Chosen sites, coverage per point, marginal curve, certificate (sense ``"max"``)
        and :class:`~hinterland.network.mclp.params.SolveStats`.

    Raises
    ------
    InfeasibleError
        When a budget is given but no candidate is affordable, or ``max_count < 0``.
    InputError
        When indices are out of range or weights/costs negative.
    """
    params = params or DEFAULT_PARAMS
    t0 = time.perf_counter()
    # the recount and marginal curve after the search fit inside the limit too
    deadline = t0 + time_limit - min(params.reserve_max_seconds, params.reserve_share * time_limit)
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
    stats = SolveStats(
        points=n,
        candidates=n_candidates,
        pairs=int(r.shape[0]),
        points_reduced=int(red.a.shape[0]),
        candidates_reduced=int(red.cols.shape[0]),
        pairs_reduced=int(red.a.nnz),
        reduce_seconds=time.perf_counter() - t0,
    )
    a, wr = red.a, red.weight
    count = min(max_count, a.shape[1])
    chosen_r, value_r, bound_r, status = _search(
        a,
        wr,
        count,
        cvec[red.cols] if budget is not None else None,
        budget,
        t0=t0,
        time_limit=time_limit,
        deadline=deadline,
        mip_gap=mip_gap,
        threads=threads,
        exact=exact,
        params=params,
        stats=stats,
        constant=red.constant,
    )
    chosen = red.cols[chosen_r]
    # order chosen sites by greedy marginal value and compute the marginal curve
    order = greedy_cover(a[:, chosen_r], wr, chosen_r.shape[0])
    rest = setdiff(np.arange(chosen_r.shape[0]), order)
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
