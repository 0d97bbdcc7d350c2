"""Independent re-checks of network-design solutions.

Nothing here shares code with the solvers that build solutions: each function
recomputes a solution's value from the raw inputs (costs, coordinates, radii) with
plain, deliberately simple numpy, and reports what it found. Solvers put the result
in their :class:`~hinterland.certificate.Certificate` (``verified`` and ``checks``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hinterland.geo.distance import haversine_km

__all__ = ["check_coverage", "check_pmedian", "recount_within"]


def check_pmedian(
    cost: NDArray[np.float64], p: int, open_idx: NDArray[np.int64], *, claimed: float
) -> dict[str, Any]:
    """Recompute a p-median solution's cost from its open set.

    Checks that ``open_idx`` holds exactly ``p`` distinct valid columns and that the
    sum over rows of the cheapest open column equals ``claimed`` (1e-9 relative).
    """
    idx = np.asarray(open_idx, dtype=np.int64)
    distinct = int(np.unique(idx).shape[0])
    valid = bool(idx.size and idx.min() >= 0 and idx.max() < cost.shape[1])
    total = (
        float(np.sum([cost[i, idx].min() for i in range(cost.shape[0])])) if valid else float("nan")
    )
    ok = (
        valid
        and distinct == p == idx.shape[0]
        and abs(total - claimed) <= 1e-9 * max(1.0, abs(claimed))
    )
    return {"ok": bool(ok), "recounted_objective": total, "open_count": distinct}


def check_coverage(
    demand_weight: NDArray[np.float64],
    cover_rows: NDArray[np.int64],
    cover_cols: NDArray[np.int64],
    chosen: NDArray[np.int64],
    *,
    claimed: float,
    max_count: int | None = None,
    site_cost: NDArray[np.float64] | None = None,
    budget: float | None = None,
    existing_rows: NDArray[np.int64] | None = None,
) -> dict[str, Any]:
    """Recount covered weight from coverage pairs ``(row=demand, col=site)`` and a chosen set.

    Rows in ``existing_rows`` count as covered (by sites already open). Returns ``ok``
    when the recount equals ``claimed`` (1e-7 relative) and the count and budget hold.
    """
    chosen_set = set(int(c) for c in np.asarray(chosen).ravel())
    covered = np.zeros(demand_weight.shape[0], dtype=bool)
    if existing_rows is not None:
        covered[np.asarray(existing_rows, dtype=np.int64)] = True
    for r, c in zip(np.asarray(cover_rows).tolist(), np.asarray(cover_cols).tolist(), strict=True):
        if c in chosen_set:
            covered[r] = True
    total = float(demand_weight[covered].sum())
    ok = abs(total - claimed) <= 1e-7 * max(1.0, abs(claimed))
    out: dict[str, Any] = {"recounted_objective": total, "covered_points": int(covered.sum())}
    if max_count is not None:
        out["count_ok"] = len(chosen_set) <= max_count
        ok = ok and out["count_ok"]
    if site_cost is not None and budget is not None:
        spent = float(sum(float(site_cost[c]) for c in chosen_set))
        out["spent"] = spent
        out["budget_ok"] = spent <= budget * (1 + 1e-9) + 1e-9
        ok = ok and out["budget_ok"]
    out["ok"] = bool(ok)
    return out


def recount_within(
    points: pd.DataFrame, sites: pd.DataFrame, radius_km: float, *, chunk: int = 512
) -> NDArray[np.bool_]:
    """Brute force: which ``points`` (lat, lon) lie within ``radius_km`` great-circle of any site.

    Computes every point-site distance in chunks (no spatial index), for tests and audits.
    """
    lat = points["lat"].to_numpy(float)
    lon = points["lon"].to_numpy(float)
    slat = sites["lat"].to_numpy(float)
    slon = sites["lon"].to_numpy(float)
    out = np.zeros(lat.shape[0], dtype=bool)
    if slat.shape[0] == 0:
        return out
    for s in range(0, slat.shape[0], chunk):
        d = haversine_km(
            lat[:, None], lon[:, None], slat[None, s : s + chunk], slon[None, s : s + chunk]
        )
        out |= (d <= radius_km).any(axis=1)
    return out
