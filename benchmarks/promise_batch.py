"""Batch promise throughput over the national demo network (orders per second per core).

Orders go to ZIP areas drawn in proportion to population (seeded), with order
times spread over the day, lognormal weights and a mix of tiers. Measured in the
same run:

* ``core``: :meth:`PromiseEngine.promise_arrays` on resolved arrays (destination row,
  minute, weight, tier): the vectorised engine itself;
* ``table_order_min``: :meth:`PromiseEngine.promise` on a DataFrame with ZIP strings
  and ``order_min`` (parsing and checks included);
* ``table_iso_time``: the same with ISO 8601 ``order_time`` strings;
* ``per_order_loop``: the peer, one engine call per order (what a non-vectorised
  service would do), on a smaller sample;
* ``day_capacity``: a national day (``--day-orders``, default 2.7 M) promised as one
  batch with every site's daily capacity binding (``capacity=True``), with the number
  of orders whose choice or promise the capacities changed.

Every figure is single-threaded numpy (one core). Both the wall time and the
process CPU time of each run are recorded: on a shared machine the wall time
includes waiting for a core, so ``orders_per_cpu_s`` (orders per CPU-second, i.e.
per core) is the contention-robust throughput; read medians and ratios.

Usage: ``python benchmarks/promise_batch.py [--orders 1000000] [--day-orders 2700000]
[--repeat 5] [--out CSV]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from hinterland.promise import TIERS, PromiseEngine, default_engine  # noqa: E402
from hinterland.promise.verify import verify_choices  # noqa: E402


def make_orders(engine: PromiseEngine, n: int, seed: int) -> pd.DataFrame:
    """``n`` orders to population-weighted ZIP areas (seeded)."""
    from hinterland.data import zip_areas

    z = zip_areas()
    rng = np.random.default_rng(seed)
    pop = z["population"].to_numpy(dtype=float) + 1.0
    pick = rng.choice(len(z), n, p=pop / pop.sum())
    minutes = np.clip(rng.normal(780, 240, n), 0, 1439.0)
    return pd.DataFrame(
        {
            "destination_zip": z["zip"].to_numpy()[pick],
            "weight_kg": np.round(rng.lognormal(-0.3, 0.9, n), 2) + 0.01,
            "order_min": minutes,
            "tier": rng.choice(TIERS, n, p=[0.1, 0.3, 0.4, 0.2]),
        }
    )


def timed(fn: Callable[[], object], repeat: int) -> list[tuple[float, float]]:
    """(wall seconds, process CPU seconds) of each run."""
    out = []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        out.append((time.perf_counter() - w, time.process_time() - c))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--loop-orders", type=int, default=2_000)
    ap.add_argument("--day-orders", type=int, default=2_700_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/promise_batch.csv"))
    args = ap.parse_args()

    t = time.perf_counter()
    engine = default_engine()
    build_s = time.perf_counter() - t
    orders = make_orders(engine, args.orders, args.seed)
    rows = engine.zip_rows(orders["destination_zip"].to_numpy())
    tmin = orders["order_min"].to_numpy()
    w = orders["weight_kg"].to_numpy()
    tier = pd.Categorical(orders["tier"], categories=list(TIERS)).codes.astype(np.int8)
    iso = orders.assign(order_time=[
        f"2025-03-04T{int(m) // 60:02d}:{int(m) % 60:02d}" for m in tmin]).drop(
        columns="order_min")

    # Correctness first: the independent scalar re-check on a sample.
    res = engine.promise_arrays(rows, tmin, w, tier)
    problems = verify_choices(res, limit=20_000)
    assert not problems, problems[:3]
    chosen = np.bincount(res.chosen.astype(np.int64) + 1, minlength=6)

    records = []

    def record(name: str, n: int, runs: list[tuple[float, float]], note: str) -> None:
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        records.append({"benchmark": name, "orders": n, "runs": len(runs),
                        "median_wall_s": round(wall, 4),
                        "min_wall_s": round(min(r[0] for r in runs), 4),
                        "median_cpu_s": round(cpu, 4),
                        "orders_per_wall_s": round(n / wall),
                        "orders_per_cpu_s": round(n / cpu), "note": note})
        print(f"{name:16s} {n:>9,d} orders  wall {wall:7.3f} s ({n / wall:>10,.0f}/s)  "
              f"cpu {cpu:7.3f} s ({n / cpu:>10,.0f}/s per core)  ({note})", flush=True)

    print(f"network built in {build_s:.1f} s: {len(engine.zips):,} ZIP areas, "
          f"{len(engine.sites.facilities):,} facilities")
    record("core", args.orders, timed(lambda: engine.promise_arrays(rows, tmin, w, tier),
                                      args.repeat), "resolved arrays, fastest policy")
    record("core_cheapest", args.orders,
           timed(lambda: engine.promise_arrays(rows, tmin, w, tier, policy="cheapest"),
                 args.repeat), "resolved arrays, cheapest policy")
    record("table_order_min", args.orders, timed(lambda: engine.promise(orders),
                                                 max(1, args.repeat // 2)),
           "DataFrame: ZIP strings, order_min; parse + checks")
    n_iso = min(args.orders, 200_000)
    record("table_iso_time", n_iso, timed(lambda: engine.promise(iso.iloc[:n_iso]),
                                          max(1, args.repeat // 2)),
           "DataFrame: ZIP strings, ISO 8601 order_time")
    n_loop = min(args.orders, args.loop_orders)

    def loop() -> None:
        for i in range(n_loop):
            engine.promise_arrays(rows[i:i + 1], tmin[i:i + 1], w[i:i + 1], tier[i:i + 1])

    record("per_order_loop", n_loop, timed(loop, 3), "peer: one engine call per order")

    day = make_orders(engine, args.day_orders, args.seed + 1)
    drows = engine.zip_rows(day["destination_zip"].to_numpy())
    dt, dw = day["order_min"].to_numpy(), day["weight_kg"].to_numpy()
    dtier = pd.Categorical(day["tier"], categories=list(TIERS)).codes.astype(np.int8)
    free = engine.promise_arrays(drows, dt, dw, dtier)
    bound = engine.promise_arrays(drows, dt, dw, dtier, capacity=True)
    c = np.maximum(bound.chosen, 0)
    moved = int(((bound.chosen != free.chosen) | (
        bound.promised_min[np.arange(len(c)), c] != free.promised_min[np.arange(len(c)), c])
        ).sum())
    record("day_capacity", args.day_orders,
           timed(lambda: engine.promise_arrays(drows, dt, dw, dtier, capacity=True),
                 max(1, args.repeat // 2)),
           f"national day, site capacities binding; {moved:,} orders moved by capacity")

    mix = {name: int(c) for name, c in zip(["none", "hub_van", "fc_van", "postal_express_24h",
                                            "postal_priority_same_day", "drone"], chosen,
                                           strict=True)}
    print("chosen modes:", mix)
    out = pd.DataFrame(records)
    out["machine"] = (f"{platform.machine()} {os.cpu_count()} cpu, "
                      f"python {platform.python_version()}")
    out["network_build_s"] = round(build_s, 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.out, index=False)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
