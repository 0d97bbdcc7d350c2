"""Which items each hybrid hub stocks, and how many (multiple-choice knapsack).

Input tables
------------
demand
    One row per hub and item with forecast demand: ``hub`` (str), ``item``
    (str or int), ``units_per_day`` (float >= 0), optional ``orders_per_day``
    (default: ``units_per_day``) and ``vmr`` (variance-to-mean ratio of daily
    demand, default 1 = Poisson; > 1 = negative binomial).
items
    ``item``, ``cube_l`` (litres per unit, > 0).
hubs
    ``hub``, ``slots`` (distinct items the hub can hold), ``cube_l`` (litres).

Model
-----
For every item a small ladder of base-stock levels is offered: the smallest
level reaching the fill-rate target, and the levels reaching the targets
``1 - (1 - target) / 2`` and ``1 - (1 - target) / 4``. Stocking item ``i`` at
level ``S`` serves ``orders_per_day x fill(S)`` orders per day from the hub,
uses one slot and ``S x cube_l`` litres (its peak on-hand after a
replenishment). Choose at most one level per item to maximise orders served::

    max  sum v_io x_io   s.t.  sum_o x_io <= 1,  sum x_io <= slots,
                                sum S_io c_i x_io <= cube,  x binary

``method="milp"`` solves it with HiGHS (``scipy.optimize.milp``) and reports
HiGHS's dual bound; ``method="greedy"`` rounds the LP relaxation down and
fills what is left by value per used capacity, with the LP optimum as bound.
Both return a :class:`~hinterland.core.certificate.Certificate` whose ``verified``
comes from :func:`hinterland.inventory.verify.check_plan`.

Output tables
-------------
plan
    ``hub``, ``item``, ``base_stock`` (int units), ``fill_rate``,
    ``cube_l`` (litres at base stock), ``orders_per_day``,
    ``served_per_day`` (expected), ``review_days``, ``lead_days``.
summary
    One row per hub: ``hub``, ``items_stocked``, ``slots``, ``cube_used_l``,
    ``cube_l``, ``orders_per_day`` (all items), ``served_per_day``,
    ``same_day_share`` (served / orders), ``bound_share`` (bound / orders),
    ``gap``, ``status``, ``seconds``, ``verified``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from hinterland.core.certificate import Certificate
from hinterland.core.errors import HinterlandError, InputError
from hinterland.inventory.stock import base_stock_for_fill, fill_rate
from hinterland.inventory.verify import check_plan


@dataclass(frozen=True)
class StockPolicy:
    """Service target and replenishment cadence shared by the hubs.

    Attributes
    ----------
    fill_target
        Minimum unit fill rate of every stocked item (default 0.95).
    review_days
        Days between replenishments from the fulfillment center (default 1:
        daily line-haul).
    lead_days
        Days from order to arrival of a replenishment (default 1).
    """

    fill_target: float = 0.95
    review_days: float = 1.0
    lead_days: float = 1.0

    def ladder(self) -> tuple[float, ...]:
        """Fill targets of the offered stock levels."""
        t = self.fill_target
        return (t, 1 - (1 - t) / 2, 1 - (1 - t) / 4)


def _prep(demand: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    for col in ("hub", "item", "units_per_day"):
        if col not in demand.columns:
            raise InputError("demand", f"missing column '{col}'", column=col)
    for col in ("item", "cube_l"):
        if col not in items.columns:
            raise InputError("items", f"missing column '{col}'", column=col)
    d = demand.copy()
    if "orders_per_day" not in d.columns:
        d["orders_per_day"] = d["units_per_day"]
    if "vmr" not in d.columns:
        d["vmr"] = 1.0
    for col in ("units_per_day", "orders_per_day", "vmr"):
        v = d[col].to_numpy(dtype=float)
        bad = ~np.isfinite(v) | (v < 0)
        if bad.any():
            r = int(np.argmax(bad)) + 1
            raise InputError("demand", f"{col} must be a finite number >= 0", row=r, column=col)
    cube = items[["item", "cube_l"]].drop_duplicates("item")
    bad = ~(cube["cube_l"].to_numpy(dtype=float) > 0)
    if bad.any():
        raise InputError(
            "items", "cube_l must be > 0", row=int(np.argmax(bad)) + 1, column="cube_l"
        )
    d = d.merge(cube, on="item", how="left")
    if d["cube_l"].isna().any():
        missing = d.loc[d["cube_l"].isna(), "item"].iloc[0]
        raise InputError("demand", f"item {missing!r} is not in the items table", column="item")
    return d


def _options(d: pd.DataFrame, policy: StockPolicy) -> pd.DataFrame:
    """Candidate (item, level) rows for one hub's demand rows with demand > 0."""
    d = d[d["units_per_day"] > 0].reset_index(drop=True)
    mu = d["units_per_day"].to_numpy(dtype=float)
    vmr = np.maximum(d["vmr"].to_numpy(dtype=float), 1.0)
    levels = [
        base_stock_for_fill(
            t, mu, review_days=policy.review_days, lead_days=policy.lead_days, vmr=vmr
        )
        for t in policy.ladder()
    ]
    opts = (
        pd.DataFrame(
            {
                "row": np.tile(np.arange(len(d)), len(levels)),
                "base_stock": np.concatenate(levels),
            }
        )
        .drop_duplicates()
        .sort_values(["row", "base_stock"], kind="stable")
    )
    r = opts["row"].to_numpy()
    s = opts["base_stock"].to_numpy()
    f = fill_rate(s, mu[r], review_days=policy.review_days, lead_days=policy.lead_days, vmr=vmr[r])
    opts["fill_rate"] = f
    opts["value"] = d["orders_per_day"].to_numpy(dtype=float)[r] * f
    opts["cube_used"] = s * d["cube_l"].to_numpy(dtype=float)[r]
    opts["item"] = d["item"].to_numpy()[r]
    opts["orders_per_day"] = d["orders_per_day"].to_numpy(dtype=float)[r]
    return opts.reset_index(drop=True)


def _matrix(opts: pd.DataFrame) -> tuple[sparse.csr_array, np.ndarray]:
    n_opt = len(opts)
    rows = opts["row"].to_numpy()
    _, item_row = np.unique(rows, return_inverse=True)
    n_items = int(item_row.max()) + 1 if n_opt else 0
    a_items = sparse.csr_array(
        (np.ones(n_opt), (item_row, np.arange(n_opt))), shape=(n_items, n_opt)
    )
    caps = sparse.vstack(
        [
            a_items,
            sparse.csr_array(np.ones((1, n_opt))),
            sparse.csr_array(opts["cube_used"].to_numpy(dtype=float)[None, :]),
        ]
    ).tocsr()
    return caps, np.ones(n_items)


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence HiGHS's C-level prints on stdout (they would corrupt ``--json`` output)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def _solve_hub(
    opts: pd.DataFrame,
    slots: int,
    cube: float,
    method: str,
    time_limit: float,
    mip_gap: float = 1e-4,
) -> tuple[np.ndarray, float, str]:
    """Return (chosen mask over options, bound on objective, status)."""
    n = len(opts)
    if n == 0 or slots <= 0 or cube <= 0:
        return np.zeros(n, dtype=bool), 0.0, "optimal"
    a, ones = _matrix(opts)
    ub = np.concatenate([ones, [float(slots), float(cube)]])
    v = opts["value"].to_numpy(dtype=float)
    if method == "milp":
        with _quiet_stdout():
            res = milp(
                -v,
                constraints=LinearConstraint(a, -np.inf, ub),
                integrality=np.ones(n),
                bounds=Bounds(0, 1),
                options={"time_limit": time_limit, "mip_rel_gap": mip_gap, "disp": False},
            )
        if res.x is None:
            raise HinterlandError(f"HiGHS found no assortment: {res.message}")
        bound = -float(res.mip_dual_bound) if res.mip_dual_bound is not None else float("nan")
        status = "optimal" if res.status == 0 else "time_limit"
        if res.status == 0 and mip_gap > 1e-6:
            status = f"optimal (gap <= {mip_gap:g})"
        return res.x > 0.5, bound, status
    if method != "greedy":
        raise HinterlandError(f"unknown method {method!r}; use 'milp' or 'greedy'")
    lp = linprog(-v, A_ub=a, b_ub=ub, bounds=(0, 1), method="highs")
    if lp.x is None:
        raise HinterlandError(f"HiGHS failed on the LP relaxation: {lp.message}")
    bound = -float(lp.fun)
    chosen = lp.x > 1 - 1e-9
    rows = opts["row"].to_numpy()
    used_rows = set(rows[chosen].tolist())
    used_slots = int(chosen.sum())
    used_cube = float(opts["cube_used"].to_numpy()[chosen].sum())
    cu = opts["cube_used"].to_numpy(dtype=float)
    density = v / (1.0 / slots + cu / cube)
    for j in np.argsort(-density, kind="stable"):
        if used_slots >= slots:
            break
        if chosen[j] or rows[j] in used_rows or used_cube + cu[j] > cube:
            continue
        chosen[j] = True
        used_rows.add(int(rows[j]))
        used_slots += 1
        used_cube += cu[j]
    return chosen, bound, "heuristic"


def plan_assortment(
    demand: pd.DataFrame,
    items: pd.DataFrame,
    hubs: pd.DataFrame,
    *,
    policy: StockPolicy | None = None,
    method: str = "milp",
    time_limit: float = 60.0,
    mip_gap: float = 1e-4,
    progress: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Certificate]]:
    """Plan every hub's assortment and base-stock levels.

    Parameters
    ----------
    demand, items, hubs
        Tables described in the module docstring.
    policy
        Fill-rate target and replenishment cadence (default :class:`StockPolicy`).
    method
        ``"milp"`` (HiGHS branch and bound) or ``"greedy"`` (LP rounding).
    time_limit, mip_gap
        Seconds per hub and relative optimality gap for ``"milp"``.
    progress
        Show a rich progress bar over hubs.

    Returns
    -------
    (plan, summary, certificates)
        ``plan`` and ``summary`` as in the module docstring; ``certificates``
        maps hub -> :class:`~hinterland.core.certificate.Certificate` (objective =
        expected orders served per day).
    """
    policy = policy or StockPolicy()
    for col in ("hub", "slots", "cube_l"):
        if col not in hubs.columns:
            raise InputError("hubs", f"missing column '{col}'", column=col)
    d_all = _prep(demand, items)
    by_hub = dict(tuple(d_all.groupby("hub", sort=False)))
    plans, rows, certs = [], [], {}
    hub_rows = list(
        zip(
            hubs["hub"].tolist(),
            hubs["slots"].astype(int).tolist(),
            hubs["cube_l"].astype(float).tolist(),
            strict=True,
        )
    )
    bar = None
    if progress:
        from rich.progress import Progress

        bar = Progress(transient=True)
        bar.start()
        task = bar.add_task("assortment", total=len(hub_rows))
    try:
        for hub, n_slots, cap in hub_rows:
            d = by_hub.get(hub, d_all.iloc[0:0])
            t0 = time.perf_counter()
            opts = _options(d, policy)
            chosen, bound, status = _solve_hub(opts, n_slots, cap, method, time_limit, mip_gap)
            secs = time.perf_counter() - t0
            sel = opts[chosen]
            plan = pd.DataFrame(
                {
                    "hub": hub,
                    "item": sel["item"].to_numpy(),
                    "base_stock": sel["base_stock"].to_numpy(dtype=np.int64),
                    "fill_rate": sel["fill_rate"].to_numpy(),
                    "cube_l": sel["cube_used"].to_numpy(),
                    "orders_per_day": sel["orders_per_day"].to_numpy(),
                    "served_per_day": sel["value"].to_numpy(),
                    "review_days": policy.review_days,
                    "lead_days": policy.lead_days,
                }
            )
            objective = float(plan["served_per_day"].sum())
            check = check_plan(plan, d, n_slots, cap, policy.fill_target)
            cert = Certificate(
                objective=objective,
                bound=max(bound, objective) if np.isfinite(bound) else bound,
                sense="max",
                seconds=secs,
                status=status,
                verified=bool(check["ok"]),
                checks=check,
            )
            total = float(d["orders_per_day"].sum())
            certs[str(hub)] = cert
            plans.append(plan)
            rows.append(
                {
                    "hub": hub,
                    "items_stocked": len(plan),
                    "slots": n_slots,
                    "cube_used_l": float(plan["cube_l"].sum()),
                    "cube_l": cap,
                    "orders_per_day": total,
                    "served_per_day": objective,
                    "same_day_share": objective / total if total > 0 else float("nan"),
                    "bound_share": cert.bound / total if total > 0 else float("nan"),
                    "gap": cert.gap,
                    "status": status,
                    "seconds": secs,
                    "verified": cert.verified,
                }
            )
            if bar is not None:
                bar.advance(task)
    finally:
        if bar is not None:
            bar.stop()
    plan_all = pd.concat(plans, ignore_index=True) if plans else pd.DataFrame()
    return plan_all, pd.DataFrame(rows), certs


def popularity_plan(
    demand: pd.DataFrame,
    items: pd.DataFrame,
    hubs: pd.DataFrame,
    popularity: pd.Series,
    *,
    policy: StockPolicy | None = None,
) -> pd.DataFrame:
    """Baseline: stock items in order of (national) ``popularity`` at the target level.

    Each hub takes items by decreasing ``popularity`` (indexed by item) and
    stocks each at the smallest level meeting the fill target, skipping items
    that no longer fit the cube, until its slots are used. Returns a plan table
    like :func:`plan_assortment`'s (items without local demand count zero).
    """
    policy = policy or StockPolicy()
    d_all = _prep(demand, items)
    order = popularity.sort_values(ascending=False, kind="stable").index
    cube_of = items.drop_duplicates("item").set_index("item")["cube_l"]
    plans = []
    for hub, n_slots, cap in zip(
        hubs["hub"].tolist(),
        hubs["slots"].astype(int).tolist(),
        hubs["cube_l"].astype(float).tolist(),
        strict=True,
    ):
        d = d_all[d_all["hub"] == hub].set_index("item")
        d = d.reindex(order)
        mu = d["units_per_day"].fillna(0.0).to_numpy()
        vmr = np.maximum(d["vmr"].fillna(1.0).to_numpy(), 1.0)
        s = base_stock_for_fill(
            policy.fill_target,
            mu,
            review_days=policy.review_days,
            lead_days=policy.lead_days,
            vmr=vmr,
        )
        s = np.maximum(s, 1)  # a stocked item holds at least one unit
        cu = s * cube_of.reindex(order).to_numpy(dtype=float)
        take: list[int] = []
        used = 0.0
        for j in range(len(order)):
            if len(take) >= n_slots:
                break
            if used + cu[j] <= cap:
                take.append(j)
                used += cu[j]
        t = np.asarray(take, dtype=np.int64)
        f = fill_rate(
            s[t], mu[t], review_days=policy.review_days, lead_days=policy.lead_days, vmr=vmr[t]
        )
        opd = d["orders_per_day"].fillna(0.0).to_numpy()[t]
        plans.append(
            pd.DataFrame(
                {
                    "hub": hub,
                    "item": np.asarray(order)[t],
                    "base_stock": s[t],
                    "fill_rate": f,
                    "cube_l": cu[t],
                    "orders_per_day": opd,
                    "served_per_day": opd * f,
                    "review_days": policy.review_days,
                    "lead_days": policy.lead_days,
                }
            )
        )
    return pd.concat(plans, ignore_index=True)
