"""p-median benchmark: hinterland's solver beside PySAL spopt on OR-Library instances.

Usage::

    python benchmarks/pmedian.py DIR [--time-limit 60] [--peer-time-limit 60] [--no-peer]

``DIR`` holds files in the OR-Library p-median format (``n m p`` then ``i j cost``
edges; the last listing of a duplicate edge wins) and optionally ``pmed_optimal.csv``
(columns ``instance`` and ``optimal_value``). Prints CSV to stdout with header
``instance,n,p,solver,objective,known_optimum,proven_optimal,seconds``.

spopt's ``PMedian`` (dense assignment model via PuLP, solved by HiGHS through PuLP,
one thread) runs in a subprocess per instance, killed after its time limit plus a
margin for model building, so one slow instance cannot stall the run. ``seconds``
includes reading the instance for neither solver and includes model building for both.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import time
from pathlib import Path

HEADER = "instance,n,p,solver,objective,known_optimum,proven_optimal,seconds"


def _natural(path: Path) -> tuple[str, int]:
    m = re.match(r"(\D*)(\d+)", path.stem)
    return (m.group(1), int(m.group(2))) if m else (path.stem, 0)


def _instances(folder: Path) -> list[Path]:
    files = []
    for f in folder.iterdir():
        if not f.is_file() or f.suffix.lower() not in {".txt", ""}:
            continue
        head = f.read_text().split("\n", 1)[0].split()
        if len(head) == 3 and all(t.isdigit() for t in head):
            files.append(f)
    return sorted(files, key=_natural)


def _known(folder: Path) -> dict[str, float]:
    path = folder / "pmed_optimal.csv"
    if not path.exists():
        return {}
    with path.open() as fh:
        return {r["instance"]: float(r["optimal_value"]) for r in csv.DictReader(fh)}


def _spopt_one(path: str, time_limit: float) -> None:
    """Child process: solve one instance with spopt and print a JSON line."""
    import numpy as np
    import pulp
    from spopt.locate import PMedian

    from hinterland.network.pmedian import read_orlib_pmedian

    dist, p = read_orlib_pmedian(path)
    t0 = time.perf_counter()
    model = PMedian.from_cost_matrix(dist, np.ones(dist.shape[0]), p_facilities=p)
    model.solve(pulp.HiGHS(msg=False, timeLimit=time_limit, threads=1))
    seconds = time.perf_counter() - t0
    status = pulp.LpStatus[model.problem.status]
    value = pulp.value(model.problem.objective)
    print(json.dumps({"objective": value, "status": status, "seconds": seconds}))


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:.6g}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance, ours")
    ap.add_argument(
        "--peer-time-limit", type=float, default=60.0, help="seconds per instance, spopt"
    )
    ap.add_argument("--no-peer", action="store_true", help="skip spopt")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--spopt-one", nargs=2, metavar=("FILE", "LIMIT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.spopt_one:
        _spopt_one(args.spopt_one[0], float(args.spopt_one[1]))
        return 0
    if not args.dir:
        ap.error("DIR is required")
    from hinterland.network.pmedian import read_orlib_pmedian, solve_pmedian

    folder = Path(args.dir)
    known = _known(folder)
    print(HEADER, flush=True)
    for f in _instances(folder):
        name = f.stem
        dist, p = read_orlib_pmedian(f)
        n = dist.shape[0]
        opt = known.get(name)
        res = solve_pmedian(dist, p, time_limit=args.time_limit, threads=args.threads)
        cert = res.certificate
        proven = cert.proven_optimal and cert.verified
        print(
            f"{name},{n},{p},hinterland,{_fmt(cert.objective)},{_fmt(opt)},"
            f"{str(proven).lower()},{cert.seconds:.3f}",
            flush=True,
        )
        if args.no_peer:
            continue
        t0 = time.perf_counter()
        cmd = [sys.executable, __file__, "--spopt-one", str(f), str(args.peer_time_limit)]
        try:
            out = subprocess.run(
                cmd, capture_output=True, text=True, timeout=args.peer_time_limit + 120, check=False
            )
            line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
            info = json.loads(line) if line.startswith("{") else None
        except subprocess.TimeoutExpired:
            info = None
        wall = time.perf_counter() - t0
        if info is None:
            print(f"{name},{n},{p},spopt,,{_fmt(opt)},false,{wall:.3f}", flush=True)
            continue
        proven_peer = info["status"] == "Optimal" and info["seconds"] < args.peer_time_limit
        print(
            f"{name},{n},{p},spopt,{_fmt(info['objective'])},{_fmt(opt)},"
            f"{str(proven_peer).lower()},{info['seconds']:.3f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
