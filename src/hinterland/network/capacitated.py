"""Capacitated maximal coverage: sites that can serve only so many parcels a day.

Each candidate site ``j`` serves at most ``capacity_j`` parcels per day. A demand
area ``i`` (weight ``w_i``, ``parcels_i`` per day) may be split between the open
sites that cover it, or left partly unserved. The model (splittable capacitated
maximal covering location problem)::

    max   sum_ij w_i x_ij
    s.t.  sum_j x_ij <= 1                          every area i
          x_ij <= y_j                              every coverage pair (i, j)
          sum_i parcels_i x_ij <= capacity_j y_j   every site j (finite capacity)
          sum_j y_j <= max_count,  cost @ y <= budget (optional)
          y binary, 0 <= x_ij <= min(1, capacity_j / parcels_i)

``x_ij`` is the share of area ``i``'s parcels served by site ``j``; ``x`` exists only
for coverage pairs. Areas already covered by existing sites count in full as a
constant and are not in the model (existing sites' capacity is not modelled).

The solver:

1. **Reduces** the instance: drops areas covered by existing sites, areas without
   weight, duplicate pairs, candidates over the budget on their own, and pairs a
   zero-capacity site cannot serve; candidates without pairs left disappear.
2. **Warm-starts** greedily: repeatedly open the site whose capacity, filled with
   the still-unserved parcels of its areas in order of weight per parcel (the best
   fill for one site), adds the most weight (weight per cost under a budget).
3. **Solves** the MILP with HiGHS from that start to the requested gap or time
   limit, then re-solves the assignment LP for the chosen sites (best split for
   that set) and scales shares down where solver tolerances left a row or site a
   hair over its limit, so the returned assignment is exactly feasible.

The certificate's ``verified`` and ``checks`` come from
:func:`hinterland.network.verify.check_capacitated_coverage`, which recounts the
objective and every constraint from the original inputs and the assignment table.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from hinterland.core.certificate import Certificate
from hinterland.core.errors import InfeasibleError, InputError
from hinterland.network._highs import solve_lp, solve_milp
from hinterland.network.verify import check_capacitated_coverage

__all__ = ["CapacitatedResult", "solve_capacitated_coverage"]

_TINY = 1e-10  # shares below this are dropped from the assignment


@dataclass(frozen=True)
class CapacitatedResult:
    """Solution of a capacitated maximal coverage problem.

    Attributes
    ----------
    chosen
        Column indices of the chosen sites in greedy order of marginal value.
    assignment
        One row per positive share: ``row`` (demand area), ``col`` (chosen site),
        ``share`` (fraction of the area's parcels that site serves, in (0, 1]).
    covered
        Covered share per demand row (1.0 for rows covered by existing sites).
    load
        Parcels per day assigned to each site of ``chosen`` (same order).
    marginal
        Best covered weight with the existing sites plus the first ``k`` chosen
        sites (assignment re-optimised for each ``k``), ``k = 0..len(chosen)``;
        the last entry is the objective.
    marginal_covered
        Covered share per demand row behind each entry of ``marginal``, shape
        ``(len(chosen) + 1, n)``.
    certificate
        Objective (covered weight), upper bound, gap, seconds, status and the recount.
    stats
        Sizes before/after reduction, greedy value, MILP figures.
    """

    chosen: NDArray[np.int64]
    assignment: pd.DataFrame
    covered: NDArray[np.float64]
    load: NDArray[np.float64]
    marginal: NDArray[np.float64]
    marginal_covered: NDArray[np.float64]
    certificate: Certificate
    stats: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _Instance:
    """Reduced instance: pairs in local indices (areas ``0..n_r-1``, sites ``0..m_r-1``)."""

    pr: NDArray[np.int64]  # local area of each pair
    pc: NDArray[np.int64]  # local site of each pair
    pw: NDArray[np.float64]  # weight of the pair's area
    pq: NDArray[np.float64]  # parcels of the pair's area
    areas: NDArray[np.int64]  # original row of each local area
    sites: NDArray[np.int64]  # original column of each local site
    cap: NDArray[np.float64]  # capacity per local site (may be inf)
    cost: NDArray[np.float64]  # cost per local site
    weight: NDArray[np.float64]  # weight per local area

    @property
    def n_areas(self) -> int:
        return int(self.areas.shape[0])

    @property
    def n_sites(self) -> int:
        return int(self.sites.shape[0])

    @property
    def upper(self) -> NDArray[np.float64]:
        """Upper bound per pair share: ``min(1, capacity / parcels)``."""
        lim = np.ones(self.pq.shape[0])
        pos = self.pq > 0
        lim[pos] = self.cap[self.pc[pos]] / self.pq[pos]
        return np.minimum(1.0, lim)


# ----------------------------------------------------------------------------- inputs


def _as_vector(
    values: ArrayLike, n: int, what: str, source: str, column: str
) -> NDArray[np.float64]:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise InputError(
            source, f"one {what} per row required ({n}), got {arr.shape}", column=column
        )
    return arr


def _validate(
    weight: ArrayLike,
    parcels: ArrayLike,
    rows: ArrayLike,
    cols: ArrayLike,
    n_candidates: int,
    capacity: ArrayLike,
    max_count: int,
    cost: ArrayLike | None,
    budget: float | None,
    existing_rows: ArrayLike | None,
) -> tuple[
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.bool_],
]:
    """Check and convert inputs; returns (w, q, r, c, cap, cost, existing mask)."""
    w = np.asarray(weight, dtype=np.float64).ravel()
    n = w.shape[0]
    if (w < 0).any() or not np.isfinite(w).all():
        raise InputError("demand", "weights must be finite and non-negative", column="weight")
    q = _as_vector(parcels, n, "parcels value", "demand", "parcels")
    if (q < 0).any() or not np.isfinite(q).all():
        raise InputError("demand", "parcels must be finite and non-negative", column="parcels")
    r = np.asarray(rows, dtype=np.int64).ravel()
    c = np.asarray(cols, dtype=np.int64).ravel()
    if r.shape != c.shape:
        raise InputError("coverage pairs", "rows and cols differ in length")
    if n_candidates < 0:
        raise InputError("candidates", "n_candidates must be >= 0")
    if r.size and (r.min() < 0 or r.max() >= n or c.min() < 0 or c.max() >= n_candidates):
        raise InputError("coverage pairs", "index out of range")
    cap = _as_vector(capacity, n_candidates, "capacity", "candidates", "capacity")
    if np.isnan(cap).any() or (cap < 0).any():
        raise InputError("candidates", "capacity must be non-negative", column="capacity")
    if max_count < 0:
        raise InfeasibleError("max_count must be >= 0")
    if (cost is None) != (budget is None):
        raise InputError("design", "give both cost and budget, or neither")
    cvec = np.zeros(n_candidates) if cost is None else np.asarray(cost, dtype=np.float64)
    if cvec.shape != (n_candidates,) or (cvec < 0).any() or not np.isfinite(cvec).all():
        raise InputError(
            "candidates", "one finite non-negative cost per candidate required", column="cost"
        )
    if budget is not None:
        if not math.isfinite(budget) or budget < 0:
            raise InfeasibleError(f"budget must be finite and >= 0, not {budget}")
        if n_candidates and cvec.min() > budget:
            raise InfeasibleError(
                f"budget {budget:,.0f} is below the cheapest candidate site ({cvec.min():,.0f})"
            )
    existing = np.zeros(n, dtype=bool)
    if existing_rows is not None:
        ex = np.asarray(existing_rows, dtype=np.int64).ravel()
        if ex.size and (ex.min() < 0 or ex.max() >= n):
            raise InputError("existing rows", "index out of range")
        existing[ex] = True
    return w, q, r, c, cap, cvec, existing


def _reduce(
    w: NDArray[np.float64],
    q: NDArray[np.float64],
    r: NDArray[np.int64],
    c: NDArray[np.int64],
    cap: NDArray[np.float64],
    cost: NDArray[np.float64],
    existing: NDArray[np.bool_],
    budget: float | None,
    n_candidates: int,
) -> _Instance:
    """Drop pairs that cannot add weight; renumber areas and sites locally."""
    keep = ~existing[r] & (w[r] > 0) & ((cap[c] > 0) | (q[r] == 0))
    if budget is not None:
        keep &= cost[c] <= budget
    key = np.unique(r[keep] * max(n_candidates, 1) + c[keep])
    rr = key // max(n_candidates, 1)
    cc = key % max(n_candidates, 1)
    areas, pr = np.unique(rr, return_inverse=True)
    sites, pc = np.unique(cc, return_inverse=True)
    return _Instance(
        pr=pr.astype(np.int64),
        pc=pc.astype(np.int64),
        pw=w[rr],
        pq=q[rr],
        areas=areas.astype(np.int64),
        sites=sites.astype(np.int64),
        cap=cap[sites],
        cost=cost[sites],
        weight=w[areas],
    )


# ----------------------------------------------------------------------------- greedy


def _greedy(
    inst: _Instance,
    count: int,
    budget: float | None,
    allowed: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Greedy opening with capacity-limited marginal weight; returns (order, share per pair).

    A site's marginal value is the best fill of its capacity with the unserved shares
    of its areas, taken in order of weight per parcel (zero-parcel areas first).
    """
    m, npairs = inst.n_sites, inst.pr.shape[0]
    with np.errstate(divide="ignore"):
        ratio = np.where(inst.pq > 0, inst.pw / np.maximum(inst.pq, 1e-300), np.inf)
    order = np.lexsort((-ratio, inst.pc))
    spr, spc, spw, spq = inst.pr[order], inst.pc[order], inst.pw[order], inst.pq[order]
    first = np.searchsorted(spc, np.arange(m))
    last = np.searchsorted(spc, np.arange(m), side="right")
    resid = np.ones(inst.n_areas)
    x_sorted = np.zeros(npairs)
    usable = np.ones(m, dtype=bool) if allowed is None else allowed.copy()
    left = math.inf if budget is None else float(budget)
    chosen: list[int] = []
    while len(chosen) < count:
        usable &= inst.cost <= left + 1e-9
        if not usable.any():
            break
        need = resid[spr] * spq
        excl = np.cumsum(need) - need
        excl = excl - excl[first[spc]]  # exclusive cumulative need within each site
        room = inst.cap[spc] - excl
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(need > 0, np.clip(room / np.where(need > 0, need, 1.0), 0.0, 1.0), 1.0)
        take = resid[spr] * frac
        gain = np.bincount(spc, weights=spw * take, minlength=m)
        score = gain if budget is None else gain / np.maximum(inst.cost, 1e-12)
        score = np.where(usable, score, -1.0)
        j = int(np.argmax(score))
        if score[j] <= 0 or gain[j] <= 1e-12:
            break
        chosen.append(j)
        usable[j] = False
        left -= float(inst.cost[j])
        sl = slice(int(first[j]), int(last[j]))
        x_sorted[sl] = take[sl]
        resid[spr[sl]] = np.maximum(resid[spr[sl]] - take[sl], 0.0)
    x = np.zeros(npairs)
    x[order] = x_sorted
    return np.asarray(chosen, dtype=np.int64), x


# ----------------------------------------------------------------------------- models


def _clean(
    inst: _Instance, open_mask: NDArray[np.bool_], x: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Make shares exactly feasible: bounds, open sites, row sums <= 1, loads <= capacity."""
    x = np.clip(np.nan_to_num(x, nan=0.0), 0.0, inst.upper)
    x = np.where(open_mask[inst.pc] & (x > _TINY), x, 0.0)
    rowsum = np.bincount(inst.pr, weights=x, minlength=inst.n_areas)
    x = x * np.where(rowsum > 1.0, 1.0 / np.maximum(rowsum, 1.0), 1.0)[inst.pr]
    load = np.bincount(inst.pc, weights=inst.pq * x, minlength=inst.n_sites)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(load > inst.cap, inst.cap / np.where(load > 0, load, 1.0), 1.0)
    return x * scale[inst.pc]


def _value(inst: _Instance, x: NDArray[np.float64]) -> float:
    return float(inst.pw @ x)


def _assignment_rows(
    inst: _Instance, pairs: NDArray[np.int64], sites: NDArray[np.int64]
) -> tuple[sp.csr_matrix, NDArray[np.float64]]:
    """Area rows (sum of shares <= 1) and finite-capacity site rows for ``pairs``."""
    k = pairs.shape[0]
    area_rows = sp.csr_matrix((np.ones(k), (inst.pr[pairs], np.arange(k))), shape=(inst.n_areas, k))
    finite = np.isfinite(inst.cap[sites])
    fin_sites = sites[finite]
    pos = np.full(inst.n_sites, -1, dtype=np.int64)
    pos[fin_sites] = np.arange(fin_sites.shape[0])
    sel = pos[inst.pc[pairs]] >= 0
    cap_rows = sp.csr_matrix(
        (inst.pq[pairs][sel], (pos[inst.pc[pairs]][sel], np.arange(k)[sel])),
        shape=(fin_sites.shape[0], k),
    )
    return sp.csr_matrix(sp.vstack([area_rows, cap_rows])), inst.cap[fin_sites]


def _assign_lp(
    inst: _Instance, open_sites: NDArray[np.int64], *, time_limit: float, threads: int
) -> NDArray[np.float64] | None:
    """Best shares with ``open_sites`` open (assignment LP, simplex); ``None`` on failure."""
    open_mask = np.zeros(inst.n_sites, dtype=bool)
    open_mask[open_sites] = True
    pairs = np.nonzero(open_mask[inst.pc])[0]
    x = np.zeros(inst.pr.shape[0])
    if pairs.shape[0] == 0:
        return x
    mat, cap = _assignment_rows(inst, pairs, np.asarray(open_sites, dtype=np.int64))
    hi = np.concatenate([np.ones(inst.n_areas), cap])
    sol, _, _, status = solve_lp(
        inst.pw[pairs],
        mat,
        np.full(mat.shape[0], -np.inf),
        hi,
        np.zeros(pairs.shape[0]),
        inst.upper[pairs],
        maximize=True,
        time_limit=time_limit,
        threads=threads,
        method="simplex",
    )
    if np.isnan(sol).any() or status != "optimal":
        return None
    x[pairs] = sol
    return _clean(inst, open_mask, x)


def _milp_model(
    inst: _Instance, count: int, budget: float | None
) -> tuple[sp.csr_matrix, NDArray[np.float64], NDArray[np.float64]]:
    """Constraint matrix over ``[y (sites), x (pairs)]`` and row upper bounds."""
    m, k = inst.n_sites, inst.pr.shape[0]
    assign, cap = _assignment_rows(inst, np.arange(k), np.arange(m))
    finite = np.nonzero(np.isfinite(inst.cap))[0]
    # capacity rows get -cap_j y_j; area rows have no y
    y_part = sp.csr_matrix(
        (-cap, (inst.n_areas + np.arange(finite.shape[0]), finite)),
        shape=(assign.shape[0], m),
    )
    link = sp.hstack(
        [sp.csr_matrix((-np.ones(k), (np.arange(k), inst.pc)), shape=(k, m)), sp.eye(k)]
    )
    blocks = [
        sp.hstack([y_part, assign]),
        link,
        sp.hstack([np.ones((1, m)), sp.csr_matrix((1, k))]),
    ]
    hi = [np.ones(inst.n_areas), np.zeros(finite.shape[0]), np.zeros(k), np.array([float(count)])]
    if budget is not None:
        blocks.append(sp.hstack([inst.cost[None, :], sp.csr_matrix((1, k))]))
        hi.append(np.array([float(budget)]))
    return sp.csr_matrix(sp.vstack(blocks)), np.concatenate(hi), inst.upper


def _milp(
    inst: _Instance,
    count: int,
    budget: float | None,
    start: tuple[NDArray[np.int64], NDArray[np.float64]],
    *,
    time_limit: float,
    mip_gap: float,
    threads: int,
) -> tuple[NDArray[np.int64] | None, NDArray[np.float64] | None, float, str]:
    """Solve the MILP; returns (open sites, shares, bound, status)."""
    m, k = inst.n_sites, inst.pr.shape[0]
    mat, hi, upper = _milp_model(inst, count, budget)
    y0 = np.zeros(m)
    y0[start[0]] = 1.0
    res = solve_milp(
        np.concatenate([np.zeros(m), inst.pw]),
        mat,
        np.full(mat.shape[0], -np.inf),
        hi,
        np.zeros(m + k),
        np.concatenate([np.ones(m), upper]),
        np.concatenate([np.ones(m, dtype=bool), np.zeros(k, dtype=bool)]),
        maximize=True,
        time_limit=time_limit,
        mip_rel_gap=mip_gap,
        start=np.concatenate([y0, start[1]]),
        threads=threads,
    )
    if np.isnan(res.x).any():
        return None, None, res.bound, res.status
    open_sites = np.nonzero(res.x[:m] > 0.5)[0].astype(np.int64)
    mask = np.zeros(m, dtype=bool)
    mask[open_sites] = True
    return open_sites, _clean(inst, mask, res.x[m:]), res.bound, res.status


# ----------------------------------------------------------------------------- solve


def _search(
    inst: _Instance,
    count: int,
    budget: float | None,
    *,
    deadline: float,
    mip_gap: float,
    threads: int,
    stats: dict[str, float],
) -> tuple[NDArray[np.int64], NDArray[np.float64], float, str]:
    """Greedy, MILP and LP polish on the reduced instance; returns (open, shares, bound, status)."""
    t0 = time.perf_counter()
    total = float(inst.weight.sum())
    if count >= inst.n_sites and budget is None:
        open_sites = np.arange(inst.n_sites, dtype=np.int64)
        x = _assign_lp(inst, open_sites, time_limit=max(deadline - t0, 1.0), threads=threads)
        if x is not None:
            return open_sites, x, _value(inst, x), "optimal"
    open_sites, x = _greedy(inst, count, budget)
    value = _value(inst, x)
    stats["greedy_objective"] = value
    stats["greedy_seconds"] = time.perf_counter() - t0
    if value >= total - 1e-9 * max(1.0, total):
        return open_sites, x, total, "optimal"
    t1 = time.perf_counter()
    cand, xm, bound, status = _milp(
        inst,
        count,
        budget,
        (open_sites, x),
        time_limit=max(deadline - t1, 0.01),
        mip_gap=mip_gap,
        threads=threads,
    )
    stats["milp_seconds"] = time.perf_counter() - t1
    if cand is not None and xm is not None and _value(inst, xm) > value:
        open_sites, x, value = cand, xm, _value(inst, xm)
    stats["milp_objective"] = value
    polished = _assign_lp(
        inst, open_sites, time_limit=max(deadline - time.perf_counter(), 1.0), threads=threads
    )
    if polished is not None and _value(inst, polished) > value:
        x = polished
    bound = total if math.isnan(bound) else min(bound, total)
    return open_sites, x, bound, status


def _order_and_curve(
    inst: _Instance,
    open_sites: NDArray[np.int64],
    x: NDArray[np.float64],
    *,
    deadline: float,
    threads: int,
) -> tuple[NDArray[np.int64], list[NDArray[np.float64]]]:
    """Greedy order of the open sites and the best shares with each prefix of that order."""
    allowed = np.zeros(inst.n_sites, dtype=bool)
    allowed[open_sites] = True
    order, _ = _greedy(inst, open_sites.shape[0], None, allowed)
    order = np.concatenate([order, np.setdiff1d(open_sites, order)]).astype(np.int64)
    prefixes = [np.zeros_like(x)]
    for k in range(1, order.shape[0]):
        sub = order[:k]
        left = deadline - time.perf_counter()
        # past the time limit, prefixes take the final plan restricted to them (a lower
        # bound of the best split) instead of an LP each
        px = _assign_lp(inst, sub, time_limit=left, threads=threads) if left > 0.05 else None
        if px is None:  # fall back: the final plan restricted to the prefix
            px = np.where(np.isin(inst.pc, sub), x, 0.0)
        prefixes.append(px)
    if order.shape[0]:
        prefixes.append(x)
    return order, prefixes


def _covered_rows(
    inst: _Instance, x: NDArray[np.float64], existing: NDArray[np.bool_]
) -> NDArray[np.float64]:
    out = existing.astype(np.float64)
    out[inst.areas] += np.bincount(inst.pr, weights=x, minlength=inst.n_areas)
    return np.minimum(out, 1.0)


def solve_capacitated_coverage(
    weight: ArrayLike,
    parcels: ArrayLike,
    rows: ArrayLike,
    cols: ArrayLike,
    n_candidates: int,
    *,
    capacity: ArrayLike,
    max_count: int,
    cost: ArrayLike | None = None,
    budget: float | None = None,
    existing_rows: ArrayLike | None = None,
    time_limit: float = 60.0,
    mip_gap: float = 1e-4,
    threads: int = 1,
) -> CapacitatedResult:
    """Solve a splittable capacitated maximal coverage problem to a certified gap.

    Parameters
    ----------
    weight
        Weight of each demand area (length ``n``, finite, non-negative).
    parcels
        Parcels per day of each demand area (length ``n``, finite, non-negative).
    rows, cols
        Coverage pairs: candidate ``cols[t]`` can serve demand area ``rows[t]``.
    n_candidates
        Number of candidate sites (columns ``0..n_candidates-1``).
    capacity
        Parcels per day one site can serve: a scalar for every candidate or one value
        per candidate (``inf`` allowed).
    max_count
        Most new sites (``>= 0``).
    cost, budget
        Optional cost per candidate and total allowed; both or neither.
    existing_rows
        Areas already covered by existing sites (counted in full, not in the model).
    time_limit, mip_gap, threads
        HiGHS wall seconds for the whole solve, relative gap and threads.

    Returns
    -------
    CapacitatedResult
        Chosen sites, assignment table, covered share per area, loads, marginal
        curve and certificate (sense ``"max"``).

    Raises
    ------
    InfeasibleError
        Budget below the cheapest candidate, or ``max_count < 0``.
    InputError
        Negative or non-finite weights, parcels, costs; negative capacity; indices
        out of range; cost without budget.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    w, q, r, c, cap, cvec, existing = _validate(
        weight, parcels, rows, cols, n_candidates, capacity, max_count, cost, budget, existing_rows
    )
    inst = _reduce(w, q, r, c, cap, cvec, existing, budget, n_candidates)
    constant = float(w[existing].sum())
    stats: dict[str, float] = {
        "points": float(w.shape[0]),
        "candidates": float(n_candidates),
        "pairs": float(r.shape[0]),
        "points_reduced": float(inst.n_areas),
        "candidates_reduced": float(inst.n_sites),
        "pairs_reduced": float(inst.pr.shape[0]),
    }
    count = min(max_count, inst.n_sites)
    if count == 0 or inst.pr.shape[0] == 0:
        # no site may open, or none can serve anything: the existing cover is optimal
        open_sites, x = np.zeros(0, dtype=np.int64), np.zeros(inst.pr.shape[0])
        bound_r, status = 0.0, "optimal"
    else:
        open_sites, x, bound_r, status = _search(
            inst, count, budget, deadline=deadline, mip_gap=mip_gap, threads=threads, stats=stats
        )
    # sites serving nothing add nothing: drop them
    served = np.bincount(inst.pc, weights=x, minlength=inst.n_sites) > 0
    open_sites = open_sites[served[open_sites]]
    order, prefixes = _order_and_curve(inst, open_sites, x, deadline=deadline, threads=threads)
    marginal = np.array([constant + _value(inst, px) for px in prefixes])
    marginal_covered = np.vstack([_covered_rows(inst, px, existing) for px in prefixes])
    objective = float(marginal[-1])
    bound = max(constant + bound_r, objective)
    chosen = inst.sites[order]
    nz = np.nonzero(x > 0)[0]
    assignment = pd.DataFrame(
        {"row": inst.areas[inst.pr[nz]], "col": inst.sites[inst.pc[nz]], "share": x[nz]}
    ).sort_values(["row", "col"], ignore_index=True)
    load_local = np.asarray(
        np.bincount(inst.pc, weights=inst.pq * x, minlength=inst.n_sites), dtype=np.float64
    )
    check = check_capacitated_coverage(
        w,
        q,
        r,
        c,
        chosen,
        assignment["row"].to_numpy(),
        assignment["col"].to_numpy(),
        assignment["share"].to_numpy(),
        capacity=cap,
        claimed=objective,
        max_count=max_count,
        site_cost=cvec if budget is not None else None,
        budget=budget,
        existing_rows=np.nonzero(existing)[0],
    )
    if bound - objective <= 1e-6 * max(1.0, abs(objective)):
        status = "optimal"
    elif status == "optimal":  # HiGHS stopped at the requested gap
        status = "gap_reached"
    cert = Certificate(
        objective=objective,
        bound=float(bound),
        sense="max",
        seconds=time.perf_counter() - t0,
        status=status,
        verified=bool(check["ok"]),
        checks=check,
    )
    return CapacitatedResult(
        chosen=chosen.astype(np.int64),
        assignment=assignment,
        covered=marginal_covered[-1],
        load=load_local[order],
        marginal=marginal,
        marginal_covered=marginal_covered,
        certificate=cert,
        stats=stats,
    )
