"""Cold start: held-out hubs and held-out items vs the naive population rule.

Usage::

    python benchmarks/coldstart.py --hubs 100 --items 2000 --weeks 30 --horizon 4 \
        --out benchmarks/results/coldstart.csv

World: :func:`hinterland.demand.world.hub_world` (the most populous non-metro
counties of the real ZIP-area table as hubs, generated catalogue, weekly
demand from the order model). A seeded ``--holdout`` share of the hubs (then,
separately, of the items) is removed whole: none of their history is given to
the forecaster. The others' first ``weeks - horizon`` weeks train
:func:`hinterland.demand.coldstart.coldstart_forecast`; the held-out series are
scored on the last ``horizon`` weeks (RMSSE scaled by their own, unseen,
training weeks; bias pooled), against the naive rule (national demand per
resident x population) and, for scale, the true expected demand of the
generator (``oracle_true_rate``: the best any forecaster could do on average).
``rate_wape`` is ``sum |forecast - true rate| / sum true rate``: how well the
expected demand itself is recovered, without the Poisson noise of the test
weeks that dominates RMSSE. Prints one CSV row per case and forecaster.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd


def run(hubs: int, items: int, weeks: int, horizon: int, holdout: float, seed: int) -> pd.DataFrame:
    from hinterland.data import zip_areas
    from hinterland.demand.coldstart import coldstart_forecast
    from hinterland.demand.metrics import score
    from hinterland.demand.world import hub_world

    w = hub_world(zip_areas(), hubs, items, weeks, seed=seed)
    train, test = w.panel[:, :-horizon], w.panel[:, -horizon:]
    rng = np.random.default_rng(seed + 1)
    hub_ids = np.asarray(w.places.index)
    out_hubs = set(rng.choice(hub_ids, size=max(1, round(holdout * len(hub_ids))), replace=False))
    out_items = set(rng.choice(items, size=max(1, round(holdout * items)), replace=False).tolist())
    item_attrs = w.catalogue.items.set_index("item")
    rows = []
    for case, held in (
        ("new_hub", np.isin(w.hub, list(out_hubs))),
        ("new_item", np.isin(w.item, list(out_items))),
    ):
        known = pd.DataFrame(
            {
                "hub": w.hub[~held],
                "item": w.item[~held],
                "mean": train[~held].mean(axis=1),
            }
        )
        new = pd.DataFrame({"hub": w.hub[held], "item": w.item[held]})
        t0 = time.perf_counter()
        res = coldstart_forecast(known, new, w.places, item_attrs, horizon, seed=seed)
        secs = time.perf_counter() - t0
        methods = pd.Series(res.method).value_counts()
        oracle = np.repeat(w.rate[held][:, None], horizon, axis=1)
        for name, f in (
            ("coldstart", res.forecast),
            ("naive_population", res.naive),
            ("oracle_true_rate", oracle),
        ):
            s = score(test[held], f, train[held])
            rows.append(
                {
                    "case": case,
                    "forecaster": name,
                    "rmsse": s.rmsse,
                    "mase": s.mase,
                    "bias": s.bias,
                    "rate_wape": float(np.abs(f[:, 0] - w.rate[held]).sum() / w.rate[held].sum()),
                    "series": int(held.sum()),
                    "held_out": len(out_hubs) if case == "new_hub" else len(out_items),
                    "method": methods.index[0] if name == "coldstart" else name,
                    "seconds": secs if name == "coldstart" else float("nan"),
                }
            )
        print(*rows[-3:], sep="\n", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hubs", type=int, default=100)
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--weeks", type=int, default=30)
    ap.add_argument("--horizon", type=int, default=4)
    ap.add_argument("--holdout", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    res = run(args.hubs, args.items, args.weeks, args.horizon, args.holdout, args.seed)
    text = res.to_csv(index=False, float_format="%.4f")
    sys.stdout.write(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)


if __name__ == "__main__":
    main()
