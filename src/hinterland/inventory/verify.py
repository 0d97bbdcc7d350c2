"""Independent re-check of an assortment plan.

Does not reuse :mod:`hinterland.inventory.stock`'s closed-form loss: the
expected shortage is recomputed from the identity
``E[(D - S)^+] = E[D] - S + sum_{k=0}^{S-1} P(D <= k)`` with cumulative sums of
the probability mass function, and capacities are recounted from the demand
table's unit volumes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats


def _loss_by_cdf_sum(s: np.ndarray, mean: np.ndarray, vmr: np.ndarray) -> np.ndarray:
    out = np.zeros(len(s))
    kmax = int(s.max()) if len(s) else 0
    if kmax == 0:
        return np.clip(mean - s, 0.0, None)
    k = np.arange(kmax)
    for lo in range(0, len(s), 2000):
        sl = slice(lo, lo + 2000)
        m, v = mean[sl, None], vmr[sl, None]
        pois = stats.poisson.pmf(k[None, :], m)
        p = 1.0 / np.maximum(v, 1.0 + 1e-12)
        n = m * p / (1.0 - p)
        nb = stats.nbinom.pmf(k[None, :], n, p)
        pmf = np.where(v <= 1.0 + 1e-9, pois, nb)
        cdf = np.cumsum(pmf, axis=1)
        mask = k[None, :] < s[sl, None]
        out[sl] = mean[sl] - s[sl] + (cdf * mask).sum(axis=1)
    return np.clip(out, 0.0, None)


def recheck_fill(
    base_stock: np.ndarray,
    units_per_day: np.ndarray,
    vmr: np.ndarray,
    review_days: float,
    lead_days: float,
) -> np.ndarray:
    """Unit fill rate per cycle, recomputed by summation (see module docstring)."""
    s = np.asarray(base_stock, dtype=float)
    mu = np.asarray(units_per_day, dtype=float)
    v = np.asarray(vmr, dtype=float)
    short = _loss_by_cdf_sum(s, mu * (review_days + lead_days), v) - _loss_by_cdf_sum(
        s, mu * lead_days, v
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        f = 1.0 - short / (mu * review_days)
    return np.where(mu > 0, np.clip(f, 0.0, 1.0), 1.0)


def check_plan(
    plan: pd.DataFrame,
    demand: pd.DataFrame,
    slots: int,
    cube_l: float,
    fill_target: float,
    *,
    tol: float = 1e-6,
) -> dict[str, Any]:
    """Re-check one hub's plan against its demand rows and capacities.

    Parameters
    ----------
    plan
        Plan rows of one hub (``item``, ``base_stock``, ``served_per_day``,
        ``review_days``, ``lead_days``).
    demand
        That hub's demand rows with ``item``, ``units_per_day``,
        ``orders_per_day``, ``vmr`` and unit ``cube_l``.

    Returns
    -------
    dict
        ``ok`` plus recounted ``slots_used``, ``cube_used_l``,
        ``min_fill_rate``, ``objective`` and the list ``violations``.
    """
    violations: list[str] = []
    if plan["item"].duplicated().any():
        violations.append("an item appears twice")
    d = demand.drop_duplicates("item").set_index("item")
    unknown = ~plan["item"].isin(d.index)
    if unknown.any():
        violations.append(f"{int(unknown.sum())} planned items have no demand row")
    p = plan[~unknown]
    s = p["base_stock"].to_numpy()
    if (s < 1).any() or (s != np.round(s)).any():
        violations.append("base stock must be a positive integer")
    rows = d.loc[p["item"]]
    review = float(p["review_days"].iloc[0]) if len(p) else 1.0
    lead = float(p["lead_days"].iloc[0]) if len(p) else 1.0
    fill = recheck_fill(
        s,
        rows["units_per_day"].to_numpy(),
        np.maximum(rows["vmr"].to_numpy(), 1.0),
        review,
        lead,
    )
    cube_used = float((s * rows["cube_l"].to_numpy(dtype=float)).sum())
    objective = float((rows["orders_per_day"].to_numpy(dtype=float) * fill).sum())
    if len(p) > slots:
        violations.append(f"{len(p)} items exceed {slots} slots")
    if cube_used > cube_l * (1 + tol) + tol:
        violations.append(f"cube {cube_used:.3f} l exceeds {cube_l:.3f} l")
    min_fill = float(fill.min()) if len(fill) else 1.0
    if min_fill < fill_target - 1e-7:
        violations.append(f"fill rate {min_fill:.4f} below target {fill_target}")
    claimed = float(plan["served_per_day"].sum())
    if abs(claimed - objective) > tol * max(1.0, abs(objective)):
        violations.append(f"claimed {claimed:.6f} served/day, recomputed {objective:.6f}")
    return {
        "ok": not violations,
        "slots_used": len(p),
        "cube_used_l": cube_used,
        "min_fill_rate": min_fill,
        "objective": objective,
        "violations": violations,
    }
