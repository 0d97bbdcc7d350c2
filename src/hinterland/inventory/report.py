"""Local assortment vs a national top-N list: which items differ, and what it gains.

:func:`plan_assortment` chooses each hub's items from *its own* forecast; the
usual alternative stocks the same national best-seller list everywhere
(:func:`~hinterland.inventory.assortment.popularity_plan`). This module
compares the two plans hub by hub and evaluates both on the same demand (the
forecast, or the true demand when it is known, as in a generated world).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hinterland.core.errors import InputError
from hinterland.inventory.stock import fill_rate


def expected_served(
    plan: pd.DataFrame,
    demand: pd.DataFrame,
    *,
    review_days: float = 1.0,
    lead_days: float = 1.0,
) -> pd.DataFrame:
    """Expected orders served per day by ``plan`` under ``demand``, per hub.

    ``demand``: ``hub``, ``item``, ``units_per_day``, optional
    ``orders_per_day`` (default units) and ``vmr`` (default 1). Each stocked
    item's fill rate is recomputed at its base stock under this demand (not
    the plan's own forecast), so two plans can be compared on one demand.

    Returns
    -------
    DataFrame
        ``hub``, ``orders_per_day`` (all items), ``served_per_day``,
        ``same_day_share``.
    """
    for col in ("hub", "item", "units_per_day"):
        if col not in demand.columns:
            raise InputError("demand", f"missing column '{col}'", column=col)
    d = demand.copy()
    if "orders_per_day" not in d.columns:
        d["orders_per_day"] = d["units_per_day"]
    if "vmr" not in d.columns:
        d["vmr"] = 1.0
    j = plan[["hub", "item", "base_stock"]].merge(
        d[["hub", "item", "units_per_day", "orders_per_day", "vmr"]], on=["hub", "item"], how="left"
    )
    j = j.fillna({"units_per_day": 0.0, "orders_per_day": 0.0, "vmr": 1.0})
    f = fill_rate(
        j["base_stock"].to_numpy(dtype=float),
        j["units_per_day"].to_numpy(dtype=float),
        review_days=review_days,
        lead_days=lead_days,
        vmr=np.maximum(j["vmr"].to_numpy(dtype=float), 1.0),
    )
    j["served"] = j["orders_per_day"].to_numpy(dtype=float) * f
    tot = d.groupby("hub")["orders_per_day"].sum()
    srv = j.groupby("hub")["served"].sum().reindex(tot.index, fill_value=0.0)
    return pd.DataFrame(
        {
            "hub": tot.index,
            "orders_per_day": tot.to_numpy(),
            "served_per_day": srv.to_numpy(),
            "same_day_share": (srv / tot.where(tot > 0)).to_numpy(),
        }
    )


def local_vs_national(
    local: pd.DataFrame,
    national: pd.DataFrame,
    demand: pd.DataFrame,
    *,
    review_days: float = 1.0,
    lead_days: float = 1.0,
    top: int = 5,
    names: pd.Series | None = None,
) -> pd.DataFrame:
    """Per hub: items stocked only by the local plan, and the same-day share gained.

    Parameters
    ----------
    local, national
        Plans (``hub``, ``item``, ``base_stock``): the local optimum and the
        national top-N baseline.
    demand
        The demand both are evaluated on (see :func:`expected_served`).
    top
        How many of the local-only items to list (by expected orders served
        under ``demand``).
    names
        Optional label per item (e.g. its category) for the list.

    Returns
    -------
    DataFrame
        ``hub``, ``items_local``, ``items_national``, ``only_local``,
        ``only_national`` (counts), ``only_local_orders_per_day`` (demand of
        the local-only items), ``share_local``, ``share_national`` (expected
        same-day share of each plan), ``share_gain`` (points),
        ``top_only_local`` (``top`` local-only items, best first).
    """
    kw = {"review_days": review_days, "lead_days": lead_days}
    s_loc = expected_served(local, demand, **kw).set_index("hub")
    s_nat = expected_served(national, demand, **kw).set_index("hub")
    d = demand.copy()
    if "orders_per_day" not in d.columns:
        d["orders_per_day"] = d["units_per_day"]
    opd = d.set_index(["hub", "item"])["orders_per_day"]
    rows = []
    for hub in s_loc.index:
        li = set(local.loc[local["hub"] == hub, "item"].tolist())
        ni = set(national.loc[national["hub"] == hub, "item"].tolist())
        only = sorted(li - ni, key=lambda i: -float(opd.get((hub, i), 0.0)))
        label = [f"{i}" if names is None else f"{i} ({names.get(i, '?')})" for i in only[:top]]
        rows.append(
            {
                "hub": hub,
                "items_local": len(li),
                "items_national": len(ni),
                "only_local": len(only),
                "only_national": len(ni - li),
                "only_local_orders_per_day": float(sum(opd.get((hub, i), 0.0) for i in only)),
                "share_local": float(s_loc.loc[hub, "same_day_share"]),
                "share_national": float(s_nat.loc[hub, "same_day_share"])
                if hub in s_nat.index
                else 0.0,
                "top_only_local": "; ".join(label),
            }
        )
    out = pd.DataFrame(rows)
    out.insert(len(out.columns) - 1, "share_gain", out["share_local"] - out["share_national"])
    return out
