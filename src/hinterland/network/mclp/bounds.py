"""Upper bounds for maximal coverage: LP, Lagrangian, fixing, and the block bound.

* :func:`lp_relaxation` solves the LP of the MCLP model with HiGHS;
* :func:`lagrangian_bound` turns any multipliers ``mu >= 0`` of the coverage rows
  (e.g. the LP's approximate duals) into a **valid** bound;
* :func:`lagrangian_fixing` closes or opens the sites whose forcing the other way
  bounds the optimum below a threshold;
* :func:`block_bound` is the block Lagrangian bound: the LP's fractional parts
  solved as integers.

The block bound
---------------
The LP bound of a large MCLP is weak exactly where the LP splits sites (``0 < y < 1``)
that compete for the same points. This bound keeps those parts integer:

* sites are cut into **blocks**: the LP-fractional sites grouped by shared points
  (connected parts, cut to at most ``block_size`` sites), every other site alone;
* a point whose covering sites all lie in one block keeps its coverage row inside
  that block; every other coverage row is relaxed with a multiplier ``mu_i >= 0``,
  and the site count with ``lam >= 0``;
* for any such multipliers the problem then falls apart by block::

      L(mu, lam) = lam * p + sum_{i relaxed} max(0, w_i - mu_i) + sum_b g_b

  where ``g_b`` is the best value of block ``b`` alone (site ``j`` earns
  ``sum of mu_i over its relaxed points - lam``, interior points their weight when
  covered). A single site's ``g`` is closed form; a block's is a small MILP whose
  proven HiGHS bound is used, so ``L`` stays a valid upper bound even on a timeout.

At the LP's duals ``L`` is at most the LP bound (each block's integer value is at
most its LP value). On the national instances measured so far it came out equal to
the LP bound (the LP's duals leave the blocks degenerate; subgradient steps on the
multipliers did not lower it within 70 iterations and were dropped), so its use
today is mainly the sites each block picks: an integer guess shaped by the LP, which
:func:`~hinterland.network.mclp.heuristics.repair_count` brings to ``p`` sites and
swaps then improve (p=1000 at 60 minutes: 317.46 M people covered by greedy + swap,
318.0-318.4 M from the blocks).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hinterland.network._highs import solve_lp
from hinterland.network.mclp.model import milp, model_rows, unique
from hinterland.network.mclp.params import DEFAULT_PARAMS

__all__ = [
    "BlockBound",
    "block_bound",
    "fractional_blocks",
    "lagrangian_bound",
    "lagrangian_fixing",
    "lp_relaxation",
]


@dataclass(frozen=True)
class BlockBound:
    """Outcome of :func:`block_bound`.

    Attributes
    ----------
    bound
        Valid upper bound on the MCLP optimum (reduced instance).
    picked
        Sites the block problems open at these multipliers (count may differ from p).
    blocks
        Number of multi-site blocks solved as MILPs.
    relaxed
        Per coverage row: priced by a multiplier instead of kept in a block.
    seconds
        Wall time.
    """

    bound: float
    picked: NDArray[np.int64]
    blocks: int
    relaxed: NDArray[np.bool_]
    seconds: float


def lp_relaxation(
    a: sp.csr_matrix,
    wr: NDArray[np.float64],
    count: int,
    *,
    time_limit: float,
    threads: int,
    method: str = DEFAULT_PARAMS.lp_method,
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """LP of the MCLP model (no budget); returns (x, row duals, objective).

    ``x`` holds the sites ``y`` then the points ``z`` (``nan`` everywhere when HiGHS
    gave no solution). Duals may be approximate: take a bound from
    :func:`lagrangian_bound`, not from the objective.
    """
    nr, mc = a.shape
    obj, mat, lo, hi = model_rows(a, wr, count, None, None)
    x, duals, lp_obj, _ = solve_lp(
        obj,
        mat,
        lo,
        hi,
        np.zeros(mc + nr),
        np.ones(mc + nr),
        maximize=True,
        time_limit=time_limit,
        threads=threads,
        method=method,
    )
    return x, duals, lp_obj


def lagrangian_bound(
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


def lagrangian_fixing(
    v: NDArray[np.float64], base: float, count: int, threshold: float
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], float]:
    """Sites to close and to open by the Lagrangian bound at site values ``v``.

    Forcing a site outside the ``count`` best into the set, or one of them out of
    it, gives a Lagrangian bound of its own; when that bound is at most
    ``threshold`` (an incumbent's value, a little raised), no set better than the
    threshold does that, so the site is fixed the other way.

    Returns
    -------
    tuple
        (close per site, open per site, the largest bound of a forced move fixed:
        the optimum of the fixed problem plus it bounds the original).
    """
    mc = v.shape[0]
    vpos = np.maximum(v, 0.0)
    order = np.argsort(-vpos, kind="stable")
    top_sum = float(vpos[order[:count]].sum())
    vp = vpos[order[count - 1]] if count >= 1 else 0.0
    vp1 = vpos[order[count]] if count < mc else 0.0
    in_top = np.zeros(mc, dtype=bool)
    in_top[order[:count]] = True
    bound_in = base + top_sum - vp + vpos  # forcing a non-top site in
    bound_out = base + top_sum - vpos + vp1  # forcing a top site out
    fix0 = ~in_top & (bound_in <= threshold)
    fix1 = in_top & (bound_out <= threshold)
    fixed_bound = max(
        float(bound_in[fix0].max()) if fix0.any() else -math.inf,
        float(bound_out[fix1].max()) if fix1.any() else -math.inf,
    )
    return fix0, fix1, fixed_bound


def fractional_blocks(
    a: sp.csr_matrix,
    y: NDArray[np.float64],
    *,
    block_size: int = DEFAULT_PARAMS.block_size,
    tol: float = DEFAULT_PARAMS.fractional_tol,
) -> list[NDArray[np.int64]]:
    """Group the LP-fractional sites that share points, at most ``block_size`` per group.

    Groups grow breadth-first from the fractional site with the most fractional
    neighbours, so a group holds sites that compete for the same points.
    """
    frac = np.nonzero((y > tol) & (y < 1 - tol))[0]
    if frac.shape[0] < 2:
        return []
    sub = sp.csc_matrix(a[:, frac], dtype=np.int32)
    adj = sp.csr_matrix(sub.T @ sub)
    adj.setdiag(0)
    adj.eliminate_zeros()
    deg = np.diff(adj.indptr)
    done = np.zeros(frac.shape[0], dtype=bool)
    blocks: list[NDArray[np.int64]] = []
    for seed in np.argsort(-deg, kind="stable"):
        if done[seed]:
            continue
        group = [int(seed)]
        done[seed] = True
        head = 0
        while head < len(group) and len(group) < block_size:
            v = group[head]
            head += 1
            nb = adj.indices[adj.indptr[v] : adj.indptr[v + 1]]
            nb = nb[~done[nb]]
            take = nb[: block_size - len(group)]
            done[take] = True
            group.extend(int(t) for t in take)
        if len(group) > 1:
            blocks.append(frac[np.sort(np.asarray(group, dtype=np.int64))])
    return blocks


def _block_milp(
    a_int: sp.csr_matrix,
    w_int: NDArray[np.float64],
    value: NDArray[np.float64],
    *,
    time_limit: float,
    threads: int,
    mip_gap: float,
) -> tuple[float, NDArray[np.int64]]:
    """max ``w_int @ z + value @ y`` with ``z_i <= sum_j a_ij y_j``; returns (bound, open)."""
    mc = a_int.shape[1]
    chosen, bnd, _ = milp(  # count row at mc never binds
        a_int,
        w_int,
        mc,
        None,
        None,
        None,
        time_limit=max(time_limit, 0.05),
        mip_gap=mip_gap,
        threads=threads,
        site_value=value,
    )
    # without a proven bound fall back to the trivial one
    trivial = float(np.maximum(value, 0.0).sum() + w_int.sum())
    bound = trivial if np.isnan(bnd) else min(float(bnd), trivial)
    picked = np.zeros(0, dtype=np.int64) if chosen is None else chosen
    return max(bound, 0.0), picked


def block_bound(
    a: sp.csr_matrix,
    w: NDArray[np.float64],
    count: int,
    mu: NDArray[np.float64],
    lam: float,
    blocks: list[NDArray[np.int64]],
    *,
    deadline: float,
    threads: int = 1,
    mip_gap: float = DEFAULT_PARAMS.block_mip_gap,
) -> BlockBound:
    """Evaluate the block Lagrangian bound (module docstring) at ``mu``, ``lam``.

    Parameters
    ----------
    a, w, count
        Coverage (points x sites), weight per point, most sites.
    mu, lam
        Multipliers of the coverage rows and of the count row (clipped to be valid).
    blocks
        Site groups (e.g. :func:`fractional_blocks`).
    deadline
        ``time.perf_counter()`` value; the time left is shared among the blocks left.
    threads, mip_gap
        HiGHS threads and relative gap of each block MILP.

    Returns
    -------
    BlockBound
        The bound, the sites picked and what was solved.
    """
    t0 = time.perf_counter()
    nr, mc = a.shape
    mu = np.clip(mu, 0.0, w)
    lam = max(float(lam), 0.0)
    label = np.arange(mc, dtype=np.int64) + len(blocks)  # singleton sites: own label
    for b, cols in enumerate(blocks):
        label[cols] = b
    csr = sp.csr_matrix(a)
    coo = sp.coo_matrix(csr)
    lab = label[coo.col]
    lo = np.full(nr, np.iinfo(np.int64).max)
    hi = np.full(nr, -1)
    np.minimum.at(lo, coo.row, lab)
    np.maximum.at(hi, coo.row, lab)
    interior = (lo == hi) & (hi >= 0)
    relaxed = ~interior
    total = lam * count + float(np.maximum(w[relaxed] - mu[relaxed], 0.0).sum())
    # site value from relaxed points
    value = (
        np.bincount(coo.col, weights=np.where(relaxed, mu, 0.0)[coo.row], minlength=mc).astype(
            np.float64
        )
        - lam
    )
    # singleton sites: their interior points are those only they cover
    single = label >= len(blocks)
    own = np.zeros(mc)
    int_rows = np.nonzero(interior & (lo >= len(blocks)))[0]
    np.add.at(own, lo[int_rows] - len(blocks), w[int_rows])
    g_single = np.where(single, np.maximum(own + value, 0.0), 0.0)
    total += float(g_single.sum())
    picked = [np.nonzero(single & (own + value > 0))[0]]
    csc = sp.csc_matrix(csr)
    for b, cols in enumerate(blocks):
        rows_b = np.nonzero(interior & (lo == b))[0]
        sub = sp.csr_matrix(csc[:, cols][rows_b])
        left = deadline - time.perf_counter()
        per = left / max(1, len(blocks) - b)
        g, open_b = _block_milp(
            sub, w[rows_b], value[cols], time_limit=per, threads=threads, mip_gap=mip_gap
        )
        total += g
        picked.append(cols[open_b])
    return BlockBound(
        bound=total,
        picked=unique(np.concatenate(picked)).astype(np.int64),
        blocks=len(blocks),
        relaxed=relaxed,
        seconds=time.perf_counter() - t0,
    )
