"""Generate the small sample inputs in ``examples/`` from real ZIP areas.

Run from the repository root (needs the data files: a local mirror or a download)::

    python examples/make_samples.py

It writes, for Vermont on 2026-03-04 (seed 0):

* ``facilities.csv``: a planner's own network, five delivery stations and one hybrid
  hub at the centroids of real ZIP areas (``id, name, kind, lat, lon,
  capacity_per_day``);
* ``orders.csv``: 200 orders to real Vermont ZIP areas in the promise engine's
  schema (``order_id, destination_zip, weight_kg, order_time, tier``);
* ``parcels.csv``: the orders the national demo network hands to the postal
  partner, as ``hinterland promise --parcels-out`` writes them (the input of
  ``hinterland settle``);
* ``items.csv``: ``item, cube_l`` of the catalogue that ``hinterland forecast
  --generate --items 300`` draws from (seed 0), the input of ``hinterland assort``.

The committed files are this script's output; ``tests/test_examples.py`` checks
that a fresh run gives the same files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import hinterland as hl

HERE = Path(__file__).resolve().parent
STATE = "VT"
DATE = "2026-03-04"
SEED = 0
N_ORDERS = 200
N_ITEMS = 300


def facilities(zips: pd.DataFrame) -> pd.DataFrame:
    """Five stations and one hybrid hub at the most populous ZIP areas, spread out."""
    by_pop = zips.sort_values(["population", "zip"], ascending=[False, True])
    chosen: list[pd.Series] = []
    for _, row in by_pop.iterrows():
        far = all(
            float(hl.haversine_km(row["lat"], row["lon"], c["lat"], c["lon"])) > 40.0
            for c in chosen
        )
        if far:
            chosen.append(row)
        if len(chosen) == 6:
            break
    out = pd.DataFrame(chosen).reset_index(drop=True)
    kind = ["hybrid_hub"] + ["delivery_station"] * (len(out) - 1)
    return pd.DataFrame(
        {
            "id": [f"vt-{i + 1}" for i in range(len(out))],
            "name": [f"{c.title()} {k.replace('_', ' ')}"
                     for c, k in zip(out["county_name"].astype(str), kind, strict=True)],
            "kind": kind,
            "lat": out["lat"].round(5).to_numpy(),
            "lon": out["lon"].round(5).to_numpy(),
            "capacity_per_day": [1_500] + [900] * (len(out) - 1),
        }
    )


def orders(zips: pd.DataFrame) -> pd.DataFrame:
    """A seeded sample of one generated day's orders, with ISO order times."""
    catalogue = hl.generate_catalogue(N_ITEMS, seed=SEED)
    day = hl.generate_orders(zips, catalogue, DATE, seed=SEED)
    table = hl.promise_orders(day, catalogue, same_day_share=0.25, seed=SEED)
    pick = np.sort(np.random.default_rng(SEED).choice(len(table), N_ORDERS, replace=False))
    table = table.iloc[pick].reset_index(drop=True)
    minute = table["order_min"].to_numpy(int)
    stamp = pd.Timestamp(DATE) + pd.to_timedelta(minute, unit="min")
    return pd.DataFrame(
        {
            "order_id": [f"o{i + 1:04d}" for i in range(len(table))],
            "destination_zip": table["destination_zip"].to_numpy(),
            "weight_kg": table["weight_kg"].round(3).to_numpy(),
            "order_time": stamp.strftime("%Y-%m-%dT%H:%M"),
            "tier": table["tier"].to_numpy(),
        }
    )


def parcels(order_table: pd.DataFrame) -> pd.DataFrame:
    """The partner parcels of the orders over the national demo network."""
    engine = hl.PromiseEngine(hl.default_facilities(), hl.zip_areas())
    return engine.promise(order_table, source="orders.csv").partner_parcels()


def items() -> pd.DataFrame:
    """Item id and litres per unit of the catalogue ``forecast --generate`` uses."""
    cat = hl.generate_catalogue(N_ITEMS, seed=SEED).items
    return pd.DataFrame({"item": cat["item"].to_numpy(), "cube_l": cat["cube_l"].to_numpy()})


def make(folder: Path) -> dict[str, Path]:
    """Write the four sample files into ``folder``; returns name -> path."""
    zips = hl.select_zip_areas(hl.zip_areas(), [STATE]).reset_index(drop=True)
    order_table = orders(zips)
    tables = {
        "facilities.csv": facilities(zips),
        "orders.csv": order_table,
        "parcels.csv": parcels(order_table),
        "items.csv": items(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    return {name: hl.write_table(t, folder / name) for name, t in tables.items()}


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for name, path in make(out).items():
        print(f"{name}: {len(pd.read_csv(path)):,} rows -> {path}")
