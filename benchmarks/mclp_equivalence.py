"""Same results before and after a change of the MCLP solver: fixed instances, one JSON line each.

Usage::

    python benchmarks/mclp_equivalence.py [THREADS] > new.jsonl
    PYTHONPATH=/path/to/old/src python benchmarks/mclp_equivalence.py [THREADS] > old.jsonl
    python benchmarks/mclp_equivalence.py --compare old.jsonl new.jsonl

Nine seeded instances: four geometric (points and sites in the unit square, a site
covers the points within a radius; 3,000 points, 400 sites, p = 20..50), three
random (2,000 points, 300 sites, 20,000 random pairs; their LP gap is ~17 %, so they
run to the 120-s limit), one with a budget and one with existing coverage. Each
line holds the chosen sites, their order, objective, bound, status, the marginal
curve and the statistics other than seconds. ``--compare`` prints per instance
whether everything but the time agrees, and what differs.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np


def _geo(seed: int, n: int, m: int, rad: float):
    rng = np.random.default_rng(seed)
    p, s = rng.random((n, 2)), rng.random((m, 2))
    d = np.sqrt(((p[:, None, :] - s[None, :, :]) ** 2).sum(-1))
    r, c = np.nonzero(d <= rad)
    return rng.integers(1, 1000, n).astype(float), r, c, rng


CASES = [
    *[("geo", seed, 3000, 400, 0.06, 20 + 10 * seed, None) for seed in range(4)],
    *[("rand", seed, 2000, 300, None, 15 + 5 * seed, None) for seed in range(3)],
    ("geo_budget", 9, 1500, 200, 0.07, 30, "budget"),
    ("geo_exist", 10, 3000, 400, 0.06, 25, "existing"),
]


def run(threads: int) -> None:
    """Solve every case and print its JSON line."""
    from hinterland.network.maxcover import solve_max_coverage

    for name, seed, n, m, rad, p, extra in CASES:
        if rad is None:
            rng = np.random.default_rng(seed)
            r, c = rng.integers(0, n, 10 * n), rng.integers(0, m, 10 * n)
            w = rng.random(n) * 100
        else:
            w, r, c, rng = _geo(seed, n, m, rad)
        kw: dict[str, object] = {}
        if extra == "budget":
            kw = {"cost": rng.integers(1, 5, m).astype(float), "budget": 40.0}
        if extra == "existing":
            kw = {"existing_rows": rng.choice(n, 300, replace=False)}
        t = time.perf_counter()
        res = solve_max_coverage(
            w, r, c, m, max_count=p, time_limit=120, mip_gap=1e-4, threads=threads, **kw
        )  # type: ignore[arg-type]
        raw = res.stats if isinstance(res.stats, dict) else res.stats.to_dict()
        stats = {k: round(float(v), 6) for k, v in raw.items() if "seconds" not in k}
        cert = res.certificate
        line = {
            "case": f"{name}{seed}",
            "chosen": sorted(int(j) for j in res.chosen),
            "order": [int(j) for j in res.chosen],
            "objective": cert.objective,
            "bound": round(cert.bound, 6),
            "status": cert.status,
            "verified": cert.verified,
            "marginal": [round(float(x), 6) for x in res.marginal],
            "stats": stats,
            "seconds": round(time.perf_counter() - t, 2),
        }
        print(json.dumps(line), flush=True)


def compare(old_path: str, new_path: str) -> None:
    """Print per case whether the two runs agree (all but the time)."""
    with open(old_path) as fo, open(new_path) as fn:
        old = [json.loads(x) for x in fo]
        new = [json.loads(x) for x in fn]
    keys = ("chosen", "order", "objective", "bound", "status", "verified", "marginal", "stats")
    print("case,identical,differs,objective,bound_old,bound_new,status,seconds_old,seconds_new")
    for o, n in zip(old, new, strict=True):
        diff = [k for k in keys if o[k] != n[k]]
        print(
            f"{o['case']},{not diff},{' '.join(diff)},{o['objective']:.0f},{o['bound']:.6f},"
            f"{n['bound']:.6f},{o['status']},{o['seconds']},{n['seconds']}"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        run(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
