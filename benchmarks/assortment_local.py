"""Local assortments from the global model vs a national top-N list.

Usage::

    python benchmarks/assortment_local.py --hubs 12 --items 2000 --weeks 30 \
        --slots 500 --cube-l 5000 --out benchmarks/results/assortment_local.csv

World: :func:`hinterland.demand.world.hub_world` (the most populous non-metro
counties as hubs, generated catalogue with rurality and state affinities,
weekly demand from the order model). Each hub's next weeks are forecast by
:func:`hinterland.demand.pipeline.forecast_table` (``combo`` selection whose
candidates include the global LightGBM model with item and place features),
and stocked with :func:`hinterland.inventory.plan_assortment` (``greedy``,
fill target 95 %, daily replenishment, 1-day lead time) using the forecast
table's predictive ``vmr``. The baseline stocks the national top-N (items
ranked by total forecast over all hubs) at every hub with the same capacity
(:func:`hinterland.inventory.popularity_plan`), and the *national mix*
baseline gives every hub its own total forecast spread over the items by
national shares and plans it with the same optimiser and capacity, so that the
only difference from the local plan is the local item mix. All plans (also
those from the global model alone and from the classical-only selection) are
evaluated on the generator's *true* demand
(:func:`hinterland.inventory.report.expected_served`). Writes one row per hub
(``--out``: local plan vs national mix) and the totals (``*_totals.csv``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

FAST_MODELS = ("HistoricAverage", "TSB", "CrostonSBA", "ADIDA", "WindowAverage")


def run(
    hubs: int, items: int, weeks: int, horizon: int, slots: int, cube_l: float, seed: int
) -> tuple[pd.DataFrame, dict[str, float]]:
    from hinterland.data import zip_areas
    from hinterland.demand.forecast import GLOBAL_MODEL
    from hinterland.demand.pipeline import demand_for_assortment, forecast_table
    from hinterland.demand.world import hub_world
    from hinterland.inventory.assortment import StockPolicy, plan_assortment, popularity_plan
    from hinterland.inventory.report import expected_served, local_vs_national

    w = hub_world(zip_areas(), hubs, items, weeks, seed=seed)
    sid = np.array([f"{i}@{h}" for i, h in zip(w.item, w.hub, strict=True)])
    long = pd.DataFrame(
        {
            "series_id": np.repeat(sid, weeks),
            "period": np.tile(np.arange(weeks), len(sid)),
            "demand": w.panel.ravel(),
        }
    )
    feats = w.features().set_index(pd.Index(sid, name="series_id"))
    cat_items = w.catalogue.items.assign(item=lambda d: d["item"].astype(str))
    cap = pd.DataFrame({"hub": list(w.places.index), "slots": slots, "cube_l": cube_l})
    policy = StockPolicy(0.95, 1.0, 1.0)
    true = pd.DataFrame(
        {
            "hub": w.hub,
            "item": w.item.astype(str),
            "units_per_day": w.rate / w.period_days,
            "vmr": 1.28,  # units = orders + Poisson(0.15 orders): (0.15 + 1.15^2) / 1.15
        }
    )
    out: dict[str, float] = {}
    plans = {}
    for label, models in (
        ("global", (*FAST_MODELS, GLOBAL_MODEL)),
        ("global_only", (GLOBAL_MODEL,)),
        ("classical", FAST_MODELS),
    ):
        t0 = time.perf_counter()
        fc, sels = forecast_table(
            long,
            horizon,
            models=models,
            n_windows=2,
            season_length=4,
            period_days=w.period_days,
            features=feats if GLOBAL_MODEL in models else None,
            chunk_size=len(sid),
        )
        out[f"forecast_s_{label}"] = time.perf_counter() - t0
        print(f"# {label}: chosen {sels[0].chosen}", file=sys.stderr, flush=True)
        demand = demand_for_assortment(fc)
        plan, summary, _ = plan_assortment(demand, cat_items, cap, policy=policy, method="greedy")
        out[f"verified_{label}"] = float(summary["verified"].all())
        plans[label] = (plan, demand)
    plan_g, demand_g = plans["global"]
    pop = demand_g.groupby("item")["units_per_day"].sum()
    top_n = popularity_plan(demand_g, cat_items, cap, pop, policy=policy)
    # national mix: each hub's total forecast spread over items by national shares,
    # planned with the same optimiser, so the only difference is local vs national mix
    hub_tot = demand_g.groupby("hub")["units_per_day"].sum()
    share = pop / pop.sum()
    nat_demand = pd.DataFrame(
        {
            "hub": np.repeat(hub_tot.index.to_numpy(), len(share)),
            "item": np.tile(share.index.to_numpy(), len(hub_tot)),
            "units_per_day": np.outer(hub_tot.to_numpy(), share.to_numpy()).ravel(),
            "vmr": float(demand_g["vmr"].median()),
        }
    )
    national, _, _ = plan_assortment(nat_demand, cat_items, cap, policy=policy, method="greedy")
    names = (
        w.catalogue.items.assign(item=lambda d: d["item"].astype(str))
        .set_index("item")["category"]
        .astype(str)
    )
    rep = local_vs_national(plan_g, national, true, names=names)
    tot_orders = float(true["units_per_day"].sum())
    for label, plan in (
        ("local_selection_global", plan_g),
        ("local_global_only", plans["global_only"][0]),
        ("local_classical", plans["classical"][0]),
        ("national_mix", national),
        ("national_top_n_popularity", top_n),
    ):
        srv = expected_served(plan, true)
        out[f"share_{label}"] = float(srv["served_per_day"].sum()) / tot_orders
    oracle, _, _ = plan_assortment(true, cat_items, cap, policy=policy, method="greedy")
    out["share_local_true_rates"] = float(expected_served(oracle, true)["served_per_day"].sum()) / (
        tot_orders
    )
    out["only_local_items_mean"] = float(rep["only_local"].mean())
    return rep, out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hubs", type=int, default=12)
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--weeks", type=int, default=30)
    ap.add_argument("--horizon", type=int, default=4)
    ap.add_argument("--slots", type=int, default=500)
    ap.add_argument("--cube-l", type=float, default=5000.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    rep, tot = run(
        args.hubs, args.items, args.weeks, args.horizon, args.slots, args.cube_l, args.seed
    )
    text = rep.to_csv(index=False, float_format="%.4f")
    sys.stdout.write(text)
    print("# totals: " + ", ".join(f"{k}={v:.4f}" for k, v in tot.items()), file=sys.stderr)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        args.out.with_name(args.out.stem + "_totals.csv").write_text(
            pd.DataFrame([tot]).to_csv(index=False, float_format="%.4f")
        )


if __name__ == "__main__":
    main()
