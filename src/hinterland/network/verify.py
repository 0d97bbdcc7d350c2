"""Independent re-checks of network-design solutions.

Nothing here shares code with the solvers that build solutions: each function
recomputes a solution's value from the raw inputs (costs, coordinates, radii) with
plain, deliberately simple numpy, and reports what it found. Solvers put the result
in their :class:`~hinterland.core.certificate.Certificate` (``verified`` and ``checks``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hinterland.geo.distance import haversine_km

__all__ = [
    "check_capacitated_coverage",
    "check_coverage",
    "check_pmedian",
    "recount_within",
]


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


def check_capacitated_coverage(
    demand_weight: NDArray[np.float64],
    parcels: NDArray[np.float64],
    cover_rows: NDArray[np.int64],
    cover_cols: NDArray[np.int64],
    chosen: NDArray[np.int64],
    assign_rows: NDArray[np.int64],
    assign_cols: NDArray[np.int64],
    assign_share: NDArray[np.float64],
    *,
    capacity: float | NDArray[np.float64],
    claimed: float,
    max_count: int | None = None,
    site_cost: NDArray[np.float64] | None = None,
    budget: float | None = None,
    existing_rows: NDArray[np.int64] | None = None,
    tol: float = 1e-7,
) -> dict[str, Any]:
    """Re-check a capacitated coverage solution given as an assignment table.

    Each assignment ``(row, col, share)`` says site ``col`` serves ``share`` of demand
    area ``row``'s parcels. Checks that every assignment is a coverage pair, its site
    is chosen, its share lies in ``[0, 1]``, the shares of each area sum to at most 1,
    each chosen site's assigned parcels stay within its capacity (a scalar or one value
    per candidate), the count and budget hold, and that the covered weight (areas in
    ``existing_rows`` in full, others ``weight x sum of shares``) equals ``claimed``.
    Tolerances are ``tol`` relative. Returns ``ok`` and the figures found.
    """
    w = np.asarray(demand_weight, dtype=np.float64)
    q = np.asarray(parcels, dtype=np.float64)
    a_rows = np.asarray(assign_rows, dtype=np.int64).ravel()
    a_cols = np.asarray(assign_cols, dtype=np.int64).ravel()
    share = np.asarray(assign_share, dtype=np.float64).ravel()
    pairs = set(zip(np.asarray(cover_rows).tolist(), np.asarray(cover_cols).tolist(), strict=True))
    chosen_list = [int(c) for c in np.asarray(chosen).ravel()]
    chosen_set = set(chosen_list)
    out: dict[str, Any] = {"assignments": int(share.shape[0])}
    out["pairs_ok"] = all(
        (r, c) in pairs for r, c in zip(a_rows.tolist(), a_cols.tolist(), strict=True)
    )
    out["open_ok"] = all(c in chosen_set for c in a_cols.tolist())
    out["share_range_ok"] = bool(((share >= -tol) & (share <= 1 + tol)).all())
    rows_ok = bool(a_rows.size == 0 or (a_rows.min() >= 0 and a_rows.max() < w.shape[0]))
    row_sum = np.zeros(w.shape[0])
    if rows_ok:
        for r, s in zip(a_rows.tolist(), share.tolist(), strict=True):
            row_sum[r] += s
    out["max_row_share"] = float(row_sum.max()) if row_sum.size else 0.0
    out["row_share_ok"] = rows_ok and out["max_row_share"] <= 1 + tol
    cap_arr = np.asarray(capacity, dtype=np.float64)
    out["chosen_valid"] = cap_arr.ndim == 0 or all(0 <= c < cap_arr.shape[0] for c in chosen_list)
    load: dict[int, float] = {c: 0.0 for c in chosen_set}
    if rows_ok:
        for r, c, s in zip(a_rows.tolist(), a_cols.tolist(), share.tolist(), strict=True):
            if c in load:
                load[c] += float(q[r]) * s
    over = 0
    worst = 0.0
    for c, v in load.items():
        if cap_arr.ndim == 0:
            cap_c = float(cap_arr)
        else:
            cap_c = float(cap_arr[c]) if out["chosen_valid"] else 0.0
        over += int(v > cap_c * (1 + tol) + tol)
        worst = max(worst, v / cap_c if cap_c > 0 else (0.0 if v <= tol else np.inf))
    out["max_load_over_capacity"] = float(worst)
    out["sites_over_capacity"] = over
    out["capacity_ok"] = over == 0
    existing = np.zeros(w.shape[0], dtype=bool)
    if existing_rows is not None:
        existing[np.asarray(existing_rows, dtype=np.int64)] = True
    covered = np.where(existing, 1.0, np.minimum(row_sum, 1.0))
    total = float((w * covered).sum())
    out["recounted_objective"] = total
    out["objective_ok"] = abs(total - claimed) <= tol * max(1.0, abs(claimed))
    out["chosen_distinct"] = len(chosen_set) == len(chosen_list)
    ok = all(
        out[k]
        for k in (
            "pairs_ok",
            "open_ok",
            "share_range_ok",
            "row_share_ok",
            "capacity_ok",
            "objective_ok",
            "chosen_distinct",
            "chosen_valid",
        )
    )
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
