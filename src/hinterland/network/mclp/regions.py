"""Regional large-neighbourhood search for maximal coverage incumbents.

Coverage is local: a site only competes with the sites that reach the same points.
So an incumbent of a national MCLP can be improved one **region** at a time:

* around a seed site, grow rings (sites covering the points of the ring before) and
  collect the chosen sites met, ``N``, until the region would pass ``max_sites``
  candidate sites;
* every other chosen site stays open, so the points it covers are constant, except
  the one whose closing loses least (the **donor**), which may move into the region:
  so a region with no chosen site near it can still gain one;
* the region problem, "choose ``|N|`` of the region's sites to cover the most
  weight among the points no fixed site covers", is solved exactly by HiGHS
  (after merging identical points and dropping dominated sites) from ``N``;
* a better answer replaces ``N``, and the sites around it are searched again.

Each step is an exact move in a neighbourhood far larger than a swap, which is what
a 1-swap local optimum of a large ``p`` leaves on the table. Seeds come from where
the LP disagrees with the incumbent, then from every chosen site. The search only
ever returns a set at least as good as the one given; a time limit just stops it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hinterland.network.mclp.model import covered_weight, milp, setdiff, union, unique
from hinterland.network.mclp.params import DEFAULT_PARAMS
from hinterland.network.mclp.reduce import shrink, to_dominators

__all__ = ["RegionSearch", "region_search", "region_seeds"]


@dataclass(frozen=True)
class RegionSearch:
    """Outcome of :func:`region_search`.

    Attributes
    ----------
    chosen
        Chosen sites after the search (same count as given, or fewer if some covered
        nothing).
    value
        Weight they cover.
    regions
        Region problems solved.
    improved
        Region problems that found a better set.
    seconds
        Wall time.
    """

    chosen: NDArray[np.int64]
    value: float
    regions: int
    improved: int
    seconds: float


def region_seeds(y_lp: NDArray[np.float64], chosen: NDArray[np.int64]) -> NDArray[np.int64]:
    """Seed sites: where the LP and the incumbent disagree most first, then every chosen site."""
    x = np.zeros(y_lp.shape[0])
    x[chosen] = 1.0
    diff = np.abs(y_lp - x)
    order = np.argsort(-diff, kind="stable")
    first = order[diff[order] > 1e-2]
    return np.concatenate([first, setdiff(chosen, first)]).astype(np.int64)


def _rows_of(csc: sp.csc_matrix, cols: NDArray[np.int64]) -> NDArray[np.int64]:
    if cols.size == 0:
        return np.zeros(0, np.int64)
    return unique(csc[:, cols].indices).astype(np.int64)


def _region(
    csr: sp.csr_matrix,
    csc: sp.csc_matrix,
    seed: int,
    is_chosen: NDArray[np.bool_],
    max_sites: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Region around ``seed``: returns (free sites, chosen sites among them; may be none).

    Chosen sites join nearest first (breadth-first over shared points); each brings the
    sites that cover its points. The region stops before passing ``max_sites`` free
    sites (it always holds at least one chosen site, when one is in reach).
    """
    seen = np.zeros(csr.shape[1], dtype=bool)
    seen[seed] = True
    level = np.asarray([seed], dtype=np.int64)
    free = np.zeros(csr.shape[1], dtype=bool)
    free[seed] = not is_chosen[seed]
    inner: list[int] = []
    while level.size:
        for j in level[is_chosen[level]]:
            serve = unique(csr[_rows_of(csc, np.asarray([j]))].indices)
            serve = serve[~is_chosen[serve]]
            grown = free.copy()
            grown[serve] = True
            if inner and int(grown.sum()) + len(inner) + 1 > max_sites:
                return _pack(free, inner)
            free = grown
            inner.append(int(j))
        nxt = unique(csr[_rows_of(csc, level)].indices)
        level = nxt[~seen[nxt]].astype(np.int64)
        seen[level] = True
    return _pack(free, inner)


def _pack(free: NDArray[np.bool_], inner: list[int]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    ins = np.asarray(sorted(inner), dtype=np.int64)
    return union(np.nonzero(free)[0], ins).astype(np.int64), ins


def region_search(
    a: sp.csr_matrix,
    w: NDArray[np.float64],
    chosen: NDArray[np.int64],
    seeds: NDArray[np.int64],
    *,
    deadline: float,
    max_sites: int = DEFAULT_PARAMS.region_max_sites,
    sub_seconds: float = DEFAULT_PARAMS.region_sub_seconds,
    patience: int = DEFAULT_PARAMS.region_patience,
    stop: Callable[[float], bool] | None = None,
    threads: int = 1,
    escalate: int = DEFAULT_PARAMS.region_escalate,
    mip_gap: float = DEFAULT_PARAMS.region_mip_gap,
    presolve: bool = DEFAULT_PARAMS.region_presolve,
) -> RegionSearch:
    """Improve a maximal coverage set region by region (see the module docstring).

    Parameters
    ----------
    a
        Points x sites coverage (0/1).
    w
        Weight per point.
    chosen
        Incumbent sites.
    seeds
        Sites to grow regions around, in order (e.g. :func:`region_seeds`).
    deadline
        ``time.perf_counter()`` value at which to stop.
    max_sites
        Most candidate sites in one region problem.
    sub_seconds
        Time limit per region problem (an unfinished one keeps its best set).
    patience
        Stop after this many region problems in a row without a better set (or the
        seeds run out) ...
    stop
        Called with the covered weight before each region problem; ``True`` stops
        the search (e.g. once the gap to a bound is closed).
    threads
        HiGHS threads.
    escalate
        ... unless regions may still grow: then ``max_sites`` doubles, up to this
        many times, and every chosen site seeds a region again. A set that no
        region of one size improves is often improved by regions twice as large
        (national p=1000 at 60 minutes: 318.974 M people after converging at 300
        sites, 318.992 M after 40 s more at 600).
    mip_gap
        Relative gap of each region problem.
    presolve
        HiGHS presolve on region problems (off by default: it costs more than it
        saves on these small covering models; national p=1000 at 60 minutes: 86
        regions in 30 s without, 40 with).

    Returns
    -------
    RegionSearch
        The improved set and what the search did.
    """
    t0 = time.perf_counter()
    csr = sp.csr_matrix(a, dtype=np.float64)
    csc = sp.csc_matrix(csr)
    m = a.shape[1]
    is_chosen = np.zeros(m, dtype=bool)
    is_chosen[chosen] = True
    cnt = np.asarray(csr @ is_chosen.astype(np.float64)).ravel()
    loss = np.asarray(csc.T @ (w * (cnt == 1))).ravel()  # weight only each site covers
    tol = 1e-9 * max(1.0, float(w.sum()))
    settled = np.zeros(m, dtype=bool)
    queue = deque(int(s) for s in seeds)
    regions = improved = idle = 0
    value = float(w[cnt > 0].sum())
    while time.perf_counter() < deadline and not (stop is not None and stop(value)):
        if not queue or idle >= patience:
            if escalate <= 0:
                break
            escalate -= 1
            max_sites *= 2
            idle = 0
            settled[:] = False
            queue = deque(int(j) for j in np.nonzero(is_chosen)[0])
        s = queue.popleft()
        if settled[s]:
            continue
        free, inner = _region(csr, csc, s, is_chosen, max_sites)
        settled[s] = True
        # the chosen site that loses least on closing may move into the region
        outside = is_chosen.copy()
        outside[inner] = False
        if outside.any():
            donor = int(np.argmin(np.where(outside, loss, np.inf)))
            free, inner = union(free, [donor]), union(inner, [donor])
        if inner.size == 0:
            continue
        # points no fixed chosen site covers
        own = np.asarray(csr[:, inner].sum(axis=1)).ravel()
        rows = _rows_of(csc, free)
        rows = rows[(cnt[rows] - own[rows]) < 0.5]
        if rows.size == 0:
            settled[inner] = True
            continue
        sub = sp.csr_matrix(csr[rows][:, free])
        before = covered_weight(sub, w[rows], np.searchsorted(free, inner))
        red, w_red, kept = shrink(sub, w[rows], np.zeros(free.shape[0]))
        start = np.searchsorted(kept, to_dominators(sub, np.searchsorted(free, inner), kept))
        left = deadline - time.perf_counter()
        if left <= 0:
            break
        cand, _, _ = milp(
            red,
            w_red,
            inner.shape[0],
            None,
            None,
            start,
            time_limit=min(sub_seconds, left),
            mip_gap=mip_gap,
            threads=threads,
            options=None if presolve else {"presolve": "off"},
        )
        regions += 1
        idle += 1
        if cand is None:
            settled[inner] = True
            continue
        new = free[kept[cand]]
        after = covered_weight(sub, w[rows], np.searchsorted(free, new))
        if after > before + tol:
            improved += 1
            idle = 0
            value += after - before
            is_chosen[inner] = False
            is_chosen[new] = True
            cnt = np.asarray(csr @ is_chosen.astype(np.float64)).ravel()
            loss = np.asarray(csc.T @ (w * (cnt == 1))).ravel()
            settled[free] = False
            queue.extend(int(j) for j in setdiff(new, inner))
        else:
            settled[inner] = True
    out = np.nonzero(is_chosen)[0].astype(np.int64)
    return RegionSearch(
        out, covered_weight(csr, w, out), regions, improved, time.perf_counter() - t0
    )
