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

from hinterland.geo.distance import EARTH_RADIUS_KM, haversine_km

__all__ = [
    "check_capacitated_coverage",
    "check_coverage",
    "check_pmedian",
    "check_reach",
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


def _haversine_rows(lat: NDArray[np.float64], lon: NDArray[np.float64],
                    slat: NDArray[np.float64], slon: NDArray[np.float64]) -> NDArray[np.float64]:
    """Great-circle km between every row point and every site (plain haversine, no index)."""
    p1, l1 = np.radians(lat)[:, None], np.radians(lon)[:, None]
    p2, l2 = np.radians(slat)[None, :], np.radians(slon)[None, :]
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _nearest_km(lat: NDArray[np.float64], lon: NDArray[np.float64], slat: NDArray[np.float64],
                slon: NDArray[np.float64], *, cells: int = 4_000_000) -> NDArray[np.float64]:
    """Distance from each point to its nearest site, every pair computed (chunked by sites)."""
    best = np.full(lat.shape[0], np.inf)
    if lat.shape[0] == 0:
        return best
    step = max(1, cells // lat.shape[0])
    for s in range(0, slat.shape[0], step):
        d = _haversine_rows(lat, lon, slat[s : s + step], slon[s : s + step])
        best = np.minimum(best, d.min(axis=1))
    return best


def _group_sums(keys: NDArray[Any], values: dict[str, NDArray[np.float64]]
                ) -> dict[str, dict[str, float]]:
    labels, inverse = np.unique(keys.astype(str), return_inverse=True)
    out: dict[str, dict[str, float]] = {str(k): {} for k in labels}
    for name, v in values.items():
        sums = np.bincount(inverse, weights=v, minlength=labels.shape[0])
        for k, s in zip(labels, sums, strict=True):
            out[str(k)][name] = float(s)
    return out


def check_reach(
    zips: pd.DataFrame,
    facilities: pd.DataFrame,
    result: pd.DataFrame,
    totals: dict[str, Any],
    *,
    radius_km: float | None = None,
    drive_min: float | None = None,
    circuity: dict[str, float] | None = None,
    speed_kmh: dict[str, float] | None = None,
    access_min: float = 0.0,
    default_rurality: str = "small_town",
    breakdowns: dict[str, pd.DataFrame] | None = None,
    max_pairs: int = 40_000_000,
    min_sample: int = 500,
    seed: int = 0,
    tol: float = 1e-7,
) -> dict[str, Any]:
    """Re-derive a reach result by brute force from the ZIP and facility tables.

    For every checked ZIP area the distance to every site is computed by plain
    haversine (no spatial index, no travel-model code): the nearest site's great-circle
    km, and, for a drive-time radius, the drive minutes ``access_min + km x
    circuity[r] / speed_kmh[r] x 60`` with ``r`` the ZIP area's rurality. An area is
    within reach when that figure is ``<=`` the radius. All ZIP areas are checked when
    they lie in one state or ``areas x sites <= max_pairs``; otherwise (the nation) a
    seeded sample of ``max(min_sample, max_pairs // sites)`` areas, named in the result.

    Compared with the result: the ``within`` flag, ``gc_km`` and ``drive_min`` of every
    checked area (a flag within ``tol`` of the radius is a tie, counted, not a
    mismatch); the totals (people, ZIP areas and land area, all and within reach,
    sites) recounted from the input table with the re-derived flags; and, when given,
    every row of the ``by_rurality``/``by_state`` breakdowns recounted the same way.

    Returns
    -------
    dict
        ``ok`` and the figures found: ``rows_checked``, ``sampled``, ``seed``,
        ``pairs_checked``, ``within_mismatches``, ``ties``, ``distance_mismatches``,
        ``totals_mismatches``, ``breakdown_mismatches`` and ``recounted`` totals.
    """
    if (radius_km is None) == (drive_min is None):
        raise ValueError("give exactly one of radius_km or drive_min")
    if drive_min is not None and (circuity is None or speed_kmh is None):
        raise ValueError("a drive-time check needs circuity and speed_kmh")
    n, m = len(zips), len(facilities)
    lat, lon = zips["lat"].to_numpy(float), zips["lon"].to_numpy(float)
    one_state = "state" in zips.columns and zips["state"].nunique() <= 1
    sampled = n * m > max_pairs and not one_state
    if sampled:
        k = min(n, max(min_sample, max_pairs // max(m, 1)))
        rows = np.unique(np.random.default_rng(seed).choice(n, size=k, replace=False))
    else:
        rows = np.arange(n)
    km = _nearest_km(lat[rows], lon[rows], facilities["lat"].to_numpy(float),
                     facilities["lon"].to_numpy(float))
    dist_bad = ~np.isclose(result["gc_km"].to_numpy(float)[rows], km, rtol=1e-9, atol=1e-6)
    value, limit = km, (np.nan if radius_km is None else float(radius_km))
    if drive_min is not None:
        if "rurality" in zips.columns:
            rur = zips["rurality"].astype(object).where(zips["rurality"].notna(),
                                                        default_rurality)
            classes = rur.astype(str).to_numpy()[rows]
        else:
            classes = np.full(rows.shape[0], default_rurality)
        circ = np.array([float(circuity[str(r)]) for r in classes])  # type: ignore[index]
        speed = np.array([float(speed_kmh[str(r)]) for r in classes])  # type: ignore[index]
        value, limit = access_min + km * circ / speed * 60.0, float(drive_min)
        dist_bad |= ~np.isclose(result["drive_min"].to_numpy(float)[rows], value,
                                rtol=1e-9, atol=1e-6)
    brute = value <= limit
    tie = np.abs(value - limit) <= tol * max(1.0, abs(limit))
    got = result["within"].to_numpy(bool)
    mismatch = (brute != got[rows]) & ~tie
    flags = got.copy()
    flags[rows] = np.where(tie, got[rows], brute)
    pop = zips["population"].to_numpy(float)
    land = zips["land_km2"].to_numpy(float)
    recounted: dict[str, Any] = {
        "population": float(pop.sum()),
        "population_within": float(pop[flags].sum()),
        "zip_areas": n,
        "zip_areas_within": int(flags.sum()),
        "land_km2": float(land.sum()),
        "land_km2_within": float(land[flags].sum()),
        "sites": m,
    }
    totals_bad = [
        k for k, v in recounted.items()
        if k not in totals or not np.isclose(float(totals[k]), v, rtol=1e-12, atol=1e-6)
    ]
    share = recounted["population_within"] / recounted["population"] if n and pop.sum() else 0.0
    if not np.isclose(float(totals.get("population_share", np.nan)), share, rtol=1e-9,
                      atol=1e-12):
        totals_bad.append("population_share")
    breakdown_bad: list[str] = []
    for key, frame in (breakdowns or {}).items():
        values = {"zip_areas": np.ones(n), "zip_areas_within": flags.astype(float),
                  "population": pop, "population_within": np.where(flags, pop, 0.0),
                  "land_km2": land, "land_km2_within": np.where(flags, land, 0.0)}
        want = _group_sums(zips[key].astype(str).to_numpy(), values)
        seen = {str(r[key]): r for r in frame.to_dict(orient="records")}
        if set(seen) != set(want):
            breakdown_bad.append(f"{key}: groups differ")
            continue
        for g, sums in want.items():
            for col, v in sums.items():
                if not np.isclose(float(seen[g][col]), v, rtol=1e-9, atol=1e-6):
                    breakdown_bad.append(f"{key}={g}: {col}")
    out: dict[str, Any] = {
        "rows_checked": int(rows.shape[0]),
        "sampled": bool(sampled),
        "seed": int(seed) if sampled else None,
        "pairs_checked": int(rows.shape[0]) * m,
        "within_mismatches": int(mismatch.sum()),
        "ties": int(tie.sum()),
        "distance_mismatches": int(dist_bad.sum()),
        "totals_mismatches": totals_bad,
        "breakdown_mismatches": breakdown_bad[:20],
        "recounted": recounted,
    }
    out["ok"] = bool(out["within_mismatches"] == 0 and out["distance_mismatches"] == 0
                     and not totals_bad and not breakdown_bad)
    return out
