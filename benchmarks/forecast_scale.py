"""Scale: forecast and stock N item x hub series, in one process and on Dask.

Usage::

    python benchmarks/forecast_scale.py --series 1000000 --items 5000 \
        --modes single,dask1,dask2 --out benchmarks/results/forecast_scale.csv

Hubs are the most populous non-metro counties of the real ZIP-area table
(``HINTERLAND_DATA_DIR``), each with ``--items`` items, so ``series = hubs x
items``. Each hub's weekly history (``--weeks``) is drawn from the order model
of :mod:`hinterland.demand.orders`: orders of item ``i`` at a hub are Poisson
with mean ``hub parcels/day x share of i`` (share = popularity x rurality and
state affinity of the generated catalogue), which is what aggregating
``generate_orders`` output gives (Poisson thinning), plus extra units per
order (``mean_quantity``). The work per block of hubs is: generate history ->
``select_and_forecast`` (``combo``, the fast candidate models, ``--n-windows``
validation windows) -> ``plan_assortment`` (``greedy`` with its LP bound) ->
replay of 28 fresh days of true daily demand against the plan
(:func:`hinterland.inventory.simulate.simulate_served`).

Modes: ``single`` runs the blocks in this process; ``daskK`` on a
``LocalCluster`` with ``K`` single-threaded worker processes. Prints one CSV
row per mode: ``mode, workers, series, hubs, seconds, series_per_s,
forecast_cpu_s, assort_cpu_s, rmsse_holdout, same_day_share`` (expected by
the plan's model), ``simulated_share`` (replayed), ``max_gap``, ``all_verified``,
``coverage80`` (holdout coverage of the 80 % intervals, ``--global`` only) and
``chosen`` (the most frequent choice of the blocks' selections).

``--global`` adds the global LightGBM model (trained per block, i.e. across
the block's hubs, with item and place attributes as static features) to the
candidates and stocks with the calibrated predictive distribution.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FAST_MODELS = ("HistoricAverage", "TSB", "CrostonSBA", "ADIDA", "WindowAverage")


def hub_table(n_hubs: int) -> pd.DataFrame:
    """Non-metro counties by population as hubs: hub, rurality, state, parcels_per_day."""
    from hinterland.data.zip_areas import zip_areas
    from hinterland.demand.orders import zip_rates

    z = zip_areas()
    z = z.assign(rate=zip_rates(z))
    nm = z[z["rurality"].astype(str) != "metro"]
    g = nm.groupby("county_fips", observed=True).agg(
        parcels_per_day=("rate", "sum"),
        state=("state", "first"),
        rurality=("rurality", lambda s: s.astype(str).mode().iloc[0]),
    )
    g = g.sort_values("parcels_per_day", ascending=False).head(n_hubs).reset_index()
    return g.rename(columns={"county_fips": "hub"})


def place_table(hubs: pd.DataFrame) -> pd.DataFrame:
    """Place attributes of the hubs' service areas (all ZIP areas of each county)."""
    from hinterland.data.zip_areas import zip_areas
    from hinterland.demand.coldstart import place_attributes

    z = zip_areas()
    z = z[z["county_fips"].astype(str).isin(set(hubs["hub"].astype(str)))]
    z2h = pd.DataFrame({"zip": z["zip"], "hub": z["county_fips"].astype(str)})
    return place_attributes(z, z2h)


def block_features(
    hubs: pd.DataFrame, places: pd.DataFrame, items: pd.DataFrame, n_items: int
) -> pd.DataFrame:
    """Static features of the block's rows (hub-major): item and place attributes."""
    pl = places.reindex(np.repeat(hubs["hub"].astype(str).to_numpy(), n_items))
    it = items.iloc[np.tile(np.arange(n_items), len(hubs))]
    f = pd.DataFrame(
        {
            "category": pd.Categorical(it["category"].astype(str).to_numpy()),
            "weight_kg": it["weight_kg"].to_numpy(dtype=float),
            "cube_l": it["cube_l"].to_numpy(dtype=float),
            "log_pop": np.log1p(pl["population"].to_numpy(dtype=float)),
            "state": pd.Categorical(pl["state"].astype(str).to_numpy()),
            "fc_km": pl["fc_km"].to_numpy(dtype=float),
        }
    )
    for c in [c for c in places.columns if c.startswith("share_")]:
        f[c] = pl[c].to_numpy(dtype=float)
    return f


def run_block(
    hubs: pd.DataFrame,
    n_items: int,
    weeks: int,
    horizon: int,
    n_windows: int,
    seed: int,
    places: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Generate, forecast and stock one block of hubs; return sums for the summary.

    With ``places`` (the ``--global`` mode) the candidates include the global
    LightGBM model trained across the block's hubs with item and place
    features, and stock levels use the calibrated predictive distribution
    (:mod:`hinterland.demand.intervals`) instead of a Poisson one.
    """
    from hinterland.demand.catalogue import generate_catalogue
    from hinterland.demand.metrics import per_series_errors
    from hinterland.demand.rates import DemandRates
    from hinterland.demand.selection import select_and_forecast
    from hinterland.inventory.assortment import StockPolicy, plan_assortment
    from hinterland.inventory.simulate import simulate_served

    rates = DemandRates()
    cat = generate_catalogue(n_items, seed=12345)  # same catalogue for every block
    rng = np.random.default_rng(seed)
    lam = []
    for h in hubs.itertuples(index=False):
        w = cat.weights(str(h.rurality), str(h.state))
        lam.append(w / w.sum() * float(h.parcels_per_day) * 7.0)  # orders per week
    lam_a = np.vstack(lam).reshape(-1, 1)  # (hubs*items, 1)
    orders = rng.poisson(np.broadcast_to(lam_a, (lam_a.shape[0], weeks)))
    units = orders + rng.poisson(orders * (rates.mean_quantity - 1.0))
    panel = units.astype(float)
    train, test = panel[:, :-horizon], panel[:, -horizon:]
    t0 = time.perf_counter()
    gkw: dict[str, Any] = {}
    models: tuple[str, ...] = FAST_MODELS
    if places is not None:
        from hinterland.demand.forecast import GLOBAL_MODEL

        models = (*FAST_MODELS, GLOBAL_MODEL)
        gkw["features"] = block_features(hubs, places, cat.items, n_items)
    sel = select_and_forecast(
        train, horizon, models=models, n_windows=n_windows, season_length=4, **gkw
    )
    # stock for the forecast of the next weeks (fit on all weeks): reuse the
    # holdout forecast to keep the work per series at one selection
    t_fc = time.perf_counter() - t0
    per = per_series_errors(test, sel.forecast, train)
    demand = pd.DataFrame(
        {
            "hub": np.repeat(hubs["hub"].to_numpy(), n_items),
            "item": np.tile(np.arange(n_items), len(hubs)),
            "units_per_day": sel.forecast.mean(axis=1) / 7.0,
        }
    )
    coverage80 = float("nan")
    if places is not None:
        from hinterland.demand.intervals import calibrate, coverage, history_vmr

        cal = calibrate(train, sel.validation_forecasts, horizon, level=0.8)
        vmr_h = history_vmr(train)
        demand["vmr"] = cal.predictive_vmr(vmr_h)
        lo, hi = cal.interval(sel.forecast, vmr_h)
        coverage80 = coverage(test, lo, hi)
    items = cat.items[["item", "cube_l"]]
    cap = pd.DataFrame({"hub": hubs["hub"], "slots": 1_500, "cube_l": 15_000.0})
    t1 = time.perf_counter()
    plan, summary, _ = plan_assortment(
        demand, items, cap, policy=StockPolicy(0.95, 1.0, 1.0), method="greedy"
    )
    t_as = time.perf_counter() - t1
    # business metric: replay 28 fresh days of true daily demand against the plan
    key = pd.MultiIndex.from_arrays([demand["hub"], demand["item"]])
    stock = plan.set_index(["hub", "item"])["base_stock"].reindex(key).fillna(0).to_numpy()
    day_orders = rng.poisson(np.broadcast_to(lam_a / 7.0, (lam_a.shape[0], 28)))
    day_units = day_orders + rng.poisson(day_orders * (rates.mean_quantity - 1.0))
    served = simulate_served(stock, day_units, review=1, lead=1)
    return {
        "series": panel.shape[0],
        "rmsse_sum": float(np.nansum(per["rmsse"])),
        "rmsse_n": int(per["rmsse"].notna().sum()),
        "orders": float(summary["orders_per_day"].sum()),
        "sim_served": float(served.sum()),
        "sim_demand": float(day_units.sum()),
        "served": float(summary["served_per_day"].sum()),
        "max_gap": float(summary["gap"].max()),
        "verified": bool(summary["verified"].all()),
        "forecast_s": t_fc,
        "assort_s": t_as,
        "coverage80": coverage80,
        "chosen": sel.chosen,
    }


def _summarise(mode: str, workers: int, res: list[dict[str, Any]], secs: float) -> dict[str, Any]:
    n = sum(r["series"] for r in res)
    return {
        "mode": mode,
        "workers": workers,
        "series": n,
        "hubs": None,
        "seconds": round(secs, 1),
        "series_per_s": round(n / secs, 0),
        "forecast_cpu_s": round(sum(r["forecast_s"] for r in res), 1),
        "assort_cpu_s": round(sum(r["assort_s"] for r in res), 1),
        "rmsse_holdout": round(
            sum(r["rmsse_sum"] for r in res) / sum(r["rmsse_n"] for r in res), 4
        ),
        "same_day_share": round(sum(r["served"] for r in res) / sum(r["orders"] for r in res), 4),
        "simulated_share": round(
            sum(r["sim_served"] for r in res) / sum(r["sim_demand"] for r in res), 4
        ),
        "max_gap": max(r["max_gap"] for r in res),
        "all_verified": all(r["verified"] for r in res),
        "coverage80": round(float(np.nanmean([r["coverage80"] for r in res])), 4),
        "chosen": pd.Series([r["chosen"] for r in res]).value_counts().index[0],
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--series", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=5_000)
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--horizon", type=int, default=2)
    ap.add_argument("--n-windows", type=int, default=2)
    ap.add_argument("--hubs-per-block", type=int, default=10)
    ap.add_argument("--modes", default="single,dask1,dask2")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scheduler", default=None, help="Dask scheduler (default: LocalCluster).")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--global",
        dest="with_global",
        action="store_true",
        help="add the global LightGBM model (item + place features) and predictive stock",
    )
    args = ap.parse_args(argv)
    n_hubs = max(1, args.series // args.items)
    hubs = hub_table(n_hubs)
    blocks = [
        hubs.iloc[i : i + args.hubs_per_block] for i in range(0, len(hubs), args.hubs_per_block)
    ]
    seeds = [args.seed * 100_003 + i for i in range(len(blocks))]
    job: tuple[Any, ...] = (args.items, args.weeks, args.horizon, args.n_windows)
    places = place_table(hubs) if args.with_global else None
    rows = []
    for mode in args.modes.split(","):
        t0 = time.perf_counter()
        if mode == "single":
            res = [run_block(b, *job, s, places) for b, s in zip(blocks, seeds, strict=True)]
            workers = 1
        elif mode.startswith("dask"):
            from hinterland.scale import dask_client

            workers = int(mode[4:])
            with dask_client(args.scheduler, workers=workers) as client:
                t0 = time.perf_counter()  # cluster start-up excluded, stated in docs
                futs = [
                    client.submit(run_block, b, *job, s, places, pure=False)
                    for b, s in zip(blocks, seeds, strict=True)
                ]
                res = client.gather(futs)
        else:
            raise SystemExit(f"unknown mode {mode}")
        row = _summarise(mode, workers, res, time.perf_counter() - t0)
        row["hubs"] = len(hubs)
        rows.append(row)
        print(row, file=sys.stderr, flush=True)
    out = pd.DataFrame(rows)
    text = out.to_csv(index=False)
    sys.stdout.write(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
