"""Sparse radius search: all ZIP areas x N random sites.

Times :meth:`hinterland.geo.TravelModel.within` (cKDTree on unit vectors) and,
in the same run, scikit-learn's haversine ``BallTree.query_radius`` on the same
points, and checks both return the same pairs.

Usage: ``python benchmarks/within.py [--sites 10000,30000] [--radius-km 60] [--repeat 3]``
Prints CSV on stdout: ``sites,radius_km,method,pairs,median_seconds,runs``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import pandas as pd
from sklearn.neighbors import BallTree

from hinterland.data import zip_areas
from hinterland.geo import EARTH_RADIUS_KM, TravelModel


def random_sites(n: int, seed: int) -> pd.DataFrame:
    """Sites scattered around randomly chosen ZIP centroids (so density follows settlement)."""
    zips = zip_areas()
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(zips), n)
    return pd.DataFrame(
        {
            "lat": zips["lat"].to_numpy()[pick] + rng.normal(0, 0.1, n),
            "lon": zips["lon"].to_numpy()[pick] + rng.normal(0, 0.1, n),
        }
    )


def balltree_pairs(zips: pd.DataFrame, sites: pd.DataFrame, gc_radius_km: np.ndarray) -> int:
    """Pairs found by sklearn's haversine BallTree (the peer)."""
    tree = BallTree(np.radians(sites[["lat", "lon"]].to_numpy()), metric="haversine")
    hits = tree.query_radius(
        np.radians(zips[["lat", "lon"]].to_numpy()), gc_radius_km / EARTH_RADIUS_KM
    )
    return int(sum(len(h) for h in hits))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", default="10000,30000")
    ap.add_argument("--radius-km", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    zips = zip_areas()
    tm = TravelModel()
    print("sites,radius_km,method,pairs,median_seconds,runs")
    for n in (int(s) for s in args.sites.split(",")):
        sites = random_sites(n, seed=n)
        gc_radius = args.radius_km / np.array(
            [tm.circuity[str(r)] for r in zips["rurality"].astype(str)]
        )
        for method in ("hinterland_ckdtree", "sklearn_balltree"):
            times, pairs = [], 0
            for _ in range(args.repeat):
                t = time.perf_counter()
                if method == "hinterland_ckdtree":
                    pairs = len(tm.within(zips, sites, radius_km=args.radius_km))
                else:
                    pairs = balltree_pairs(zips, sites, gc_radius)
                times.append(time.perf_counter() - t)
            print(
                f"{n},{args.radius_km:g},{method},{pairs},{statistics.median(times):.3f},{args.repeat}"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
