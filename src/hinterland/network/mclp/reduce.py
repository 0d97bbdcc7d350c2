"""Reductions that keep the MCLP optimum: merged points, dominated sites.

* points without weight or without any covering site are dropped, and points already
  covered by existing sites become a constant;
* points with identical coverage sets merge (weights summed);
* a site whose coverage set is contained in that of a site no more expensive is
  **dominated** and removed; points are merged again.

:func:`to_dominators` maps an incumbent onto the kept sites, so an incumbent stays
an incumbent after its dominated sites are removed.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hinterland.network.mclp.model import ReducedInstance, unique

__all__ = ["dominated", "merge_rows", "reduce_instance", "shrink", "to_dominators"]


def merge_rows(
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


def dominated(a: sp.csr_matrix, cost: NDArray[np.float64], chunk: int = 1024) -> NDArray[np.bool_]:
    """Columns whose row set is contained in that of another column no more expensive.

    The relation uses a strict order (fewer rows, then higher cost, then higher index)
    so that a kept dominator always remains for each removed column. ``chunk`` columns
    are compared at a time (memory only; the answer does not depend on it).
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
        out[unique(j[hit])] = True
    return out


def shrink(
    a: sp.csr_matrix, w: NDArray[np.float64], cost: NDArray[np.float64]
) -> tuple[sp.csr_matrix, NDArray[np.float64], NDArray[np.int64]]:
    """Merge identical rows, drop dominated columns, merge again; returns kept column ids."""
    a, w = merge_rows(a, w)
    keep_cols = np.nonzero(~dominated(a, cost))[0]
    a = sp.csr_matrix(a[:, keep_cols])
    a, w = merge_rows(a, w)
    return a, w, keep_cols


def reduce_instance(
    weight: NDArray[np.float64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    n_candidates: int,
    cost: NDArray[np.float64],
    existing_cover: NDArray[np.bool_] | None = None,
) -> ReducedInstance:
    """Apply the reductions of the module docstring to coverage pairs ``(rows, cols)``.

    Parameters
    ----------
    weight
        Weight per demand point.
    rows, cols
        Coverage pairs: candidate ``cols[t]`` covers point ``rows[t]``.
    n_candidates
        Number of candidate sites.
    cost
        Cost per candidate (dominance needs the dominator no more expensive).
    existing_cover
        Per point: already covered by an existing site.

    Returns
    -------
    ReducedInstance
        The reduced coverage matrix, weights, kept candidates and constant.
    """
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
    a, w, keep_cols = shrink(a, w, cost)
    return ReducedInstance(a, w, keep_cols, constant)


def to_dominators(
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
    return unique(np.asarray(out, dtype=np.int64))
