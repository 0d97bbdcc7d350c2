"""p-median: open ``p`` candidates so that the total client-to-nearest-open cost is least.

The solver combines three proven ingredients and needs nothing specific to any
instance set:

1. **Heuristic**: greedy addition, then best-improvement swap local search with the
   Whitaker/Resende-Werneck "fast interchange" evaluation (all ``(in, out)`` swaps
   scored at once with one matrix product).
2. **Lagrangian relaxation** of the assignment constraints (Beasley 1993) solved by
   subgradient optimisation; every so often its open set seeds the local search.
   The best multipliers give a lower bound and **reduced-cost fixing**: candidates
   that cannot belong to any strictly better solution are closed (or forced open).
3. **Radius (covering) formulation** (Elloumi 2010; Garcia, Labbé, Marín 2011) of
   what remains, solved exactly by HiGHS with the incumbent as warm start. Client
   levels are truncated at a distance every feasible solution is guaranteed to
   reach, and the chained form keeps the model at ``O(n m)`` non-zeros.

When the Lagrangian bound already meets the incumbent (with integer costs, when its
ceiling does), step 3 is skipped.

The result carries a :class:`~hinterland.core.certificate.Certificate` whose
``verified`` flag comes from :func:`hinterland.network.verify.check_pmedian`,
which recomputes the cost from the open set alone.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import csgraph_from_dense, shortest_path

from hinterland.core.certificate import Certificate
from hinterland.core.errors import InfeasibleError, InputError
from hinterland.network._highs import solve_milp
from hinterland.network.verify import check_pmedian

__all__ = [
    "PMedianResult",
    "greedy_pmedian",
    "local_search_pmedian",
    "read_orlib_pmedian",
    "solve_pmedian",
]


@dataclass(frozen=True)
class PMedianResult:
    """Solution of a p-median problem.

    Attributes
    ----------
    open
        Sorted column indices (candidates) opened, length ``p``.
    assignment
        For each client (row), the column index of its nearest open candidate.
    certificate
        Objective, lower bound, time and the independent re-check.
    stats
        Figures from the run: Lagrangian bound, iterations, candidates fixed, MILP size.
    """

    open: NDArray[np.int64]
    assignment: NDArray[np.int64]
    certificate: Certificate
    stats: dict[str, float]


def read_orlib_pmedian(path: str | Path) -> tuple[NDArray[np.float64], int]:
    """Read an OR-Library p-median file into an all-pairs shortest-path matrix.

    Format: first line ``n m p`` (vertices, edges, medians), then ``m`` lines
    ``i j cost`` of undirected edges with 1-based vertices. Where an edge is listed
    twice, the **last** listing wins (the convention that reproduces Beasley's optima).

    Returns
    -------
    (dist, p)
        ``dist`` is ``n x n`` shortest-path costs (clients = candidates = vertices).
    """
    path = Path(path)
    tokens = path.read_text().split()
    if len(tokens) < 3:
        raise InputError(str(path), "expected a header line 'n m p'", row=None)
    try:
        values = np.asarray([float(t) for t in tokens])
    except ValueError as exc:
        raise InputError(str(path), f"non-numeric value ({exc})") from None
    n, m, p = (int(v) for v in values[:3])
    edges = values[3:]
    if edges.shape[0] < 3 * m:
        raise InputError(str(path), f"header says {m} edges but only {edges.shape[0] // 3} found")
    edges = edges[: 3 * m].reshape(m, 3)
    ii = edges[:, 0].astype(np.int64) - 1
    jj = edges[:, 1].astype(np.int64) - 1
    if (
        ii.min(initial=0) < 0
        or max(ii.max(initial=0), jj.max(initial=0)) >= n
        or jj.min(initial=0) < 0
    ):
        raise InputError(str(path), f"edge endpoint outside 1..{n}")
    # keep the last listing of each undirected edge, as the format requires
    lo = np.minimum(ii, jj)
    hi = np.maximum(ii, jj)
    key = lo * n + hi
    _, last_rev = np.unique(key[::-1], return_index=True)
    last = key.shape[0] - 1 - last_rev
    dense = np.full((n, n), np.inf)
    dense[lo[last], hi[last]] = edges[last, 2]
    dense[hi[last], lo[last]] = edges[last, 2]
    np.fill_diagonal(dense, np.inf)
    graph = csgraph_from_dense(dense, null_value=np.inf)
    dist = shortest_path(graph, method="D", directed=False)
    if not np.isfinite(dist).all():
        raise InputError(str(path), "graph is not connected")
    return dist, p


# --------------------------------------------------------------------------- heuristic


def _nearest_two(
    cost: NDArray[np.float64], open_idx: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Per row: cheapest open cost, position (in ``open_idx``) of it, second cheapest."""
    sub = cost[:, open_idx]
    if open_idx.shape[0] == 1:
        return (
            sub[:, 0].copy(),
            np.zeros(cost.shape[0], dtype=np.int64),
            np.full(cost.shape[0], np.inf),
        )
    part = np.argpartition(sub, 1, axis=1)[:, :2]
    rows = np.arange(cost.shape[0])
    a = sub[rows, part[:, 0]]
    b = sub[rows, part[:, 1]]
    first = np.where(a <= b, part[:, 0], part[:, 1])
    return np.minimum(a, b), first.astype(np.int64), np.maximum(a, b)


def greedy_pmedian(cost: NDArray[np.float64], p: int) -> NDArray[np.int64]:
    """Greedy addition: repeatedly open the candidate that lowers the total cost most."""
    chosen = [int(np.argmin(cost.sum(axis=0)))]
    d1 = cost[:, chosen[0]].copy()
    for _ in range(p - 1):
        gain = np.maximum(d1[:, None] - cost, 0.0).sum(axis=0)
        gain[chosen] = -1.0
        j = int(np.argmax(gain))
        chosen.append(j)
        np.minimum(d1, cost[:, j], out=d1)
    return np.asarray(sorted(chosen), dtype=np.int64)


def local_search_pmedian(
    cost: NDArray[np.float64], open_idx: NDArray[np.int64], *, deadline: float = math.inf
) -> tuple[NDArray[np.int64], float]:
    """Best-improvement swap local search (fast interchange); returns (open set, cost).

    For candidate ``j`` entering and open facility ``r`` leaving, the change in cost is
    ``A[j] + B[j, r]`` with ``A[j] = sum_i min(d1_i, c_ij) - d1_i`` and
    ``B[j, r] = sum_{i: nearest(i) = r} min(d2_i, c_ij) - min(d1_i, c_ij)``;
    ``B`` is one product of an ``n x m`` matrix with the ``n x p`` nearest indicator.
    """
    open_idx = np.asarray(open_idx, dtype=np.int64).copy()
    n, m = cost.shape
    p = open_idx.shape[0]
    if p == m:
        return np.sort(open_idx), float(cost[:, open_idx].min(axis=1).sum())
    while True:
        d1, near, d2 = _nearest_two(cost, open_idx)
        total = float(d1.sum())
        if time.perf_counter() > deadline:
            break
        m1 = np.minimum(d1[:, None], cost)
        a = (m1 - d1[:, None]).sum(axis=0)
        if p > 1:
            mm = np.minimum(d2[:, None], cost) - m1
            ind = sp.csr_matrix((np.ones(n), (np.arange(n), near)), shape=(n, p))
            b = np.asarray((ind.T @ mm).T)  # m x p
        else:
            b = (cost - m1).sum(axis=0)[:, None]
        delta = a[:, None] + b
        delta[open_idx, :] = np.inf
        flat = int(np.argmin(delta))
        j, r = divmod(flat, p)
        if not delta[j, r] < -1e-9 * max(1.0, abs(total)):
            break
        open_idx[r] = j
    return np.sort(open_idx), total


# --------------------------------------------------------------------------- Lagrangian


def _lagrangian(
    cost: NDArray[np.float64],
    p: int,
    ub: float,
    best_open: NDArray[np.int64],
    lam: NDArray[np.float64],
    *,
    integral: bool,
    deadline: float,
    max_iter: int,
) -> tuple[float, NDArray[np.float64], float, NDArray[np.int64], int]:
    """Subgradient optimisation of the Lagrangian dual; returns (lb, lam, ub, open, iters)."""
    best_lb = -math.inf
    best_lam = lam.copy()
    theta = 2.0
    stall = 0
    last_ls = -1
    seen: set[bytes] = set()
    it = 0
    for it in range(1, max_iter + 1):
        reduced = np.minimum(cost - lam[:, None], 0.0)
        col = reduced.sum(axis=0)
        sel = np.argpartition(col, p - 1)[:p]
        lb = float(lam.sum() + col[sel].sum())
        if lb > best_lb + 1e-9 * max(1.0, abs(lb)):
            best_lb = lb
            best_lam = lam.copy()
            stall = 0
        else:
            stall += 1
            if stall >= 25:
                theta *= 0.5
                stall = 0
        if _closed(best_lb, ub, integral):
            break
        if theta < 1e-5 or time.perf_counter() > deadline:
            break
        # Lagrangian heuristic: local search from the relaxation's open set
        key = np.sort(sel).tobytes()
        if it - last_ls >= 10 and key not in seen:
            seen.add(key)
            last_ls = it
            cand, val = local_search_pmedian(cost, np.sort(sel), deadline=deadline)
            if val < ub - 1e-9:
                ub, best_open = val, cand
        served = (cost[:, sel] < lam[:, None]).sum(axis=1)
        g = 1.0 - served
        norm = float(g @ g)
        if norm == 0.0:
            break
        step = theta * max(ub - lb, 1e-6 * max(1.0, abs(ub))) / norm
        lam = lam + step * g
    return best_lb, best_lam, ub, best_open, it


def _closed(lb: float, ub: float, integral: bool) -> bool:
    if integral:
        return math.ceil(lb - 1e-6) >= ub - 1e-9
    return ub - lb <= 1e-6 * max(1.0, abs(ub))


def _fixing(
    cost: NDArray[np.float64],
    p: int,
    lb: float,
    lam: NDArray[np.float64],
    ub: float,
    integral: bool,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Reduced-cost fixing: (closed, forced_open) masks valid for any strictly better solution."""
    col = np.minimum(cost - lam[:, None], 0.0).sum(axis=0)
    m = col.shape[0]
    order = np.argsort(col, kind="stable")
    in_sel = np.zeros(m, dtype=bool)
    in_sel[order[:p]] = True
    c_p = col[order[p - 1]]
    c_p1 = col[order[p]] if p < m else math.inf
    lb_open = lb - c_p + col  # bound when forcing a non-selected candidate open
    lb_closed = lb - col + c_p1  # bound when forcing a selected candidate closed

    def cannot_improve(bound: NDArray[np.float64]) -> NDArray[np.bool_]:
        if integral:
            return np.ceil(bound - 1e-6) >= ub - 1e-9
        return bound >= ub - 1e-9 * max(1.0, abs(ub))

    closed = ~in_sel & cannot_improve(lb_open)
    forced = in_sel & cannot_improve(lb_closed)
    return closed, forced


# --------------------------------------------------------------------------- exact MILP


def _radius_milp(
    cost: NDArray[np.float64],
    p: int,
    free: NDArray[np.int64],
    forced: NDArray[np.int64],
    start_open: NDArray[np.int64] | None,
    time_limit: float,
    threads: int,
) -> tuple[float, float, NDArray[np.int64] | None, str, dict[str, float]]:
    """Radius formulation over ``free`` (``forced`` open); returns (obj, bound, open, status)."""
    cand = np.concatenate([forced, free])
    mc = cand.shape[0]
    n = cost.shape[0]
    sub = cost[:, cand]
    kth = mc - p  # 0-based index of the (mc-p+1)-th smallest
    cap = np.partition(sub, kth, axis=1)[:, kth]
    if forced.shape[0]:
        cap = np.minimum(cap, cost[:, forced].min(axis=1))
    rows: list[NDArray[np.int64]] = []
    cols: list[NDArray[np.int64]] = []
    vals: list[NDArray[np.float64]] = []
    zcost: list[NDArray[np.float64]] = []
    rhs: list[NDArray[np.float64]] = []
    offset = 0.0
    n_row = 0
    n_z = 0
    for i in range(n):
        levels = np.unique(sub[i][sub[i] <= cap[i] + 1e-12])
        offset += float(levels[0])
        k = levels.shape[0] - 1  # number of z variables and rows
        if k == 0:
            continue
        lev_of = np.searchsorted(levels, sub[i])  # level index per candidate
        keep = lev_of < k
        jloc = np.nonzero(keep)[0]
        rows.append(n_row + lev_of[keep])
        cols.append(jloc)  # y columns 0..mc-1
        vals.append(np.ones(jloc.shape[0]))
        zc = mc + n_z + np.arange(k)
        rows.append(n_row + np.arange(k))
        cols.append(zc)
        vals.append(np.ones(k))
        if k > 1:
            rows.append(n_row + np.arange(1, k))
            cols.append(zc[:-1])
            vals.append(-np.ones(k - 1))
        zcost.append(np.diff(levels))
        r = np.zeros(k)
        r[0] = 1.0
        rhs.append(r)
        n_row += k
        n_z += k
    # cardinality row
    rows.append(np.full(mc, n_row))
    cols.append(np.arange(mc))
    vals.append(np.ones(mc))
    n_col = mc + n_z
    a = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_row + 1, n_col),
    )
    row_lo = np.concatenate([*rhs, [float(p)]]) if rhs else np.asarray([float(p)])
    row_hi = np.full(n_row + 1, np.inf)
    row_hi[-1] = float(p)
    c = np.concatenate([np.zeros(mc), *zcost]) if zcost else np.zeros(mc)
    col_lo = np.zeros(n_col)
    col_lo[: forced.shape[0]] = 1.0
    col_hi = np.ones(n_col)
    col_hi[mc:] = np.inf
    integer = np.zeros(n_col, dtype=bool)
    integer[:mc] = True
    start = None
    if (
        start_open is not None
        and np.isin(start_open, cand).all()
        and np.isin(forced, start_open).all()
    ):
        y = np.isin(cand, start_open).astype(float)
        d = cost[:, start_open].min(axis=1)
        zs = []
        for i in range(n):
            levels = np.unique(sub[i][sub[i] <= cap[i] + 1e-12])
            zs.append((d[i] > levels[:-1] + 1e-12).astype(float))
        start = np.concatenate([y, *zs])
    res = solve_milp(
        c,
        a,
        row_lo,
        row_hi,
        col_lo,
        col_hi,
        integer,
        time_limit=time_limit,
        mip_rel_gap=1e-9,
        start=start,
        threads=threads,
        offset=offset,
    )
    info = {"milp_cols": float(n_col), "milp_rows": float(n_row + 1), "milp_nnz": float(a.nnz)}
    chosen = None
    if not np.isnan(res.x).any():
        chosen = np.sort(cand[res.x[:mc] > 0.5])
    return res.objective, res.bound, chosen, res.status, info


# --------------------------------------------------------------------------- driver


def solve_pmedian(
    cost: NDArray[np.float64],
    p: int,
    *,
    time_limit: float = 60.0,
    threads: int = 1,
    max_iter: int = 3000,
) -> PMedianResult:
    """Solve the p-median problem on a dense cost matrix.

    Parameters
    ----------
    cost
        ``n_clients x n_candidates`` assignment costs (already multiplied by client
        weights when clients are weighted), finite and non-negative.
    p
        Number of candidates to open, ``1 <= p <= n_candidates``.
    time_limit
        Wall-clock seconds for the whole solve; the certificate reports the gap reached.
    threads
        Threads HiGHS may use.
    max_iter
        Cap on subgradient iterations.

    Returns
    -------
    PMedianResult
        Open set, assignment and a certificate (sense ``"min"``).

    Raises
    ------
    InfeasibleError
        When ``p`` is outside ``1..n_candidates``.
    InputError
        When costs are negative or not finite.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    cost = np.ascontiguousarray(cost, dtype=np.float64)
    if cost.ndim != 2 or cost.shape[0] == 0 or cost.shape[1] == 0:
        raise InputError("cost matrix", "needs at least one client and one candidate")
    m = cost.shape[1]
    if not 1 <= p <= m:
        raise InfeasibleError(f"p={p} must be between 1 and the number of candidates ({m})")
    if not np.isfinite(cost).all() or (cost < 0).any():
        raise InputError("cost matrix", "costs must be finite and non-negative")
    integral = bool(np.all(cost == np.round(cost)))
    stats: dict[str, float] = {}

    open_idx = greedy_pmedian(cost, p)
    open_idx, ub = local_search_pmedian(cost, open_idx, deadline=deadline)
    stats["heuristic_objective"] = ub
    stats["heuristic_seconds"] = time.perf_counter() - t0

    if p == m:
        lb, status = ub, "optimal"
    else:
        lam0 = cost[:, open_idx].min(axis=1) + 1e-3
        lb, lam, ub, open_idx, iters = _lagrangian(
            cost, p, ub, open_idx, lam0, integral=integral, deadline=deadline, max_iter=max_iter
        )
        if integral:
            lb = float(math.ceil(lb - 1e-6))
        stats["lagrangian_bound"] = lb
        stats["lagrangian_iterations"] = float(iters)
        stats["lagrangian_seconds"] = time.perf_counter() - t0
        status = "optimal" if _closed(lb, ub, integral) else "time_limit"
        if status != "optimal" and time.perf_counter() < deadline:
            closed, forced = _fixing(cost, p, lb, lam, ub, integral)
            stats["fixed_closed"] = float(closed.sum())
            stats["fixed_open"] = float(forced.sum())
            free = np.nonzero(~closed & ~forced)[0]
            forced_idx = np.nonzero(forced)[0]
            if free.shape[0] + forced_idx.shape[0] < p or forced_idx.shape[0] > p:
                # no strictly better solution exists: incumbent is optimal
                lb, status = ub, "optimal"
            else:
                obj, bnd, chosen, mstatus, info = _radius_milp(
                    cost, p, free, forced_idx, open_idx, deadline - time.perf_counter(), threads
                )
                stats.update(info)
                if chosen is not None and obj < ub - 1e-9:
                    open_idx, ub = chosen, float(cost[:, chosen].min(axis=1).sum())
                if mstatus == "infeasible":
                    lb = ub
                elif not math.isnan(bnd):
                    lb = max(lb, min(ub, bnd))
                status = "optimal" if _closed(lb, ub, integral) else "time_limit"
                if mstatus == "optimal":
                    lb, status = ub, "optimal"
    assignment = open_idx[np.argmin(cost[:, open_idx], axis=1)]
    seconds = time.perf_counter() - t0
    check = check_pmedian(cost, p, open_idx, claimed=ub)
    cert = Certificate(
        objective=float(ub),
        bound=float(lb),
        sense="min",
        seconds=seconds,
        status=status,
        verified=bool(check["ok"]),
        checks=check,
    )
    return PMedianResult(np.sort(open_idx), assignment.astype(np.int64), cert, stats)
