"""National simulation benchmark: days of operation over every ZIP area (approximate routing).

Prints CSV ``days,parcels,seconds,peak_rss_mb`` (and writes it to ``--out``): the wall
time of :func:`hinterland.sim.simulate` over all ZIP areas and the default national
network, building the promise engine included, and the process's peak resident memory.

Usage: ``python benchmarks/sim_national.py [--days D] [--states MT,WY] [--out CSV]``
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--states", default="", help="Comma-separated states (default: all).")
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/sim_national.csv"))
    args = ap.parse_args()
    from hinterland.data import zip_areas
    from hinterland.data.region import select_zip_areas
    from hinterland.network.default_network import default_facilities
    from hinterland.sim import SimSpec, simulate

    states = [s for s in args.states.split(",") if s] or None
    zips = select_zip_areas(zip_areas(), states).reset_index(drop=True)
    fac = default_facilities()
    t0 = time.perf_counter()
    res = simulate(zips, fac, spec=SimSpec(days=args.days, seed=1))
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    line = f"{args.days},{len(res.parcels)},{seconds:.1f},{rss:.0f}"
    print("days,parcels,seconds,peak_rss_mb")
    print(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    new = not args.out.exists()
    with args.out.open("a") as fh:
        if new:
            fh.write("days,parcels,seconds,peak_rss_mb,states,events\n")
        fh.write(f"{line},{args.states or 'all'},{len(res.events)}\n")


if __name__ == "__main__":
    main()
