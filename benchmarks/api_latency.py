"""API latency at a fixed request rate on loopback (open loop, bounded in time).

Starts the promise API in a separate process (uvicorn, one worker, 127.0.0.1
only), warms it up, then sends requests at a constant rate for a fixed time
with a minimal asyncio HTTP/1.1 load generator (64 keep-alive connections,
pre-serialised requests). Latency is measured from each
request's *scheduled* send time (so a stalled server cannot hide queueing:
no coordinated omission); ``*_from_send_ms`` columns measure from the actual
send, which separates a starved load generator from a slow server. Scenarios
run in the same session:

* ``single``: ``POST /v1/promise``, one order per request, at ``--rate`` req/s;
* ``batch100``: ``POST /v1/promise/batch`` with 100 orders, at ``--rate / 10`` req/s.

Orders go to population-weighted real ZIP areas with mixed tiers and times.
The load generator and the server share the machine's cores (and other jobs
may be running): treat figures as an upper bound on latency.

Usage: ``python benchmarks/api_latency.py [--rate 200] [--seconds 20] [--port 8765]``
Writes ``benchmarks/results/api_latency.csv`` (this run) and appends to
``benchmarks/results/api_latency_runs.csv`` (every run, to show the spread).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd

HOST = "127.0.0.1"


def sample_orders(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` order bodies to population-weighted real ZIP areas."""
    from hinterland.data import zip_areas

    z = zip_areas()
    rng = np.random.default_rng(seed)
    pop = z["population"].to_numpy(dtype=float) + 1.0
    pick = rng.choice(len(z), n, p=pop / pop.sum())
    tiers = rng.choice(["60min", "same_day", "next_day", "two_day"], n, p=[0.1, 0.3, 0.4, 0.2])
    minutes = np.clip(rng.normal(780, 240, n), 0, 1439).astype(int)
    return [
        {"destination_zip": str(z["zip"].iat[int(p)]),
         "weight_kg": float(round(rng.lognormal(-0.3, 0.9), 2) + 0.01),
         "order_time": f"2025-03-04T{m // 60:02d}:{m % 60:02d}:00-06:00", "tier": str(t)}
        for p, t, m in zip(pick, tiers, minutes, strict=True)
    ]


def _request_bytes(path: str, body: Any) -> bytes:
    data = json.dumps(body).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode()
    return head + data


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def run_load(port: int, path: str, bodies: list[Any], rate: float, seconds: float,
                   connections: int = 64
                   ) -> tuple[list[float], list[float], int, int, float]:
    """Open-loop load over keep-alive connections: request ``i`` is due at ``start + i / rate``.

    A minimal HTTP/1.1 client on asyncio streams (pre-serialised requests), so the
    generator costs far less CPU than the server it measures.
    """
    n = int(rate * seconds)
    payloads = [_request_bytes(path, b) for b in bodies]
    lat: list[float] = []
    service: list[float] = []
    statuses: dict[str, int] = {}
    counter = iter(range(n))
    start = time.perf_counter() + 0.5

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            for i in counter:
                due = start + i / rate
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent = time.perf_counter()
                try:
                    writer.write(payloads[i % len(payloads)])
                    status = await _read_response(reader)
                    key = str(status)
                except (OSError, asyncio.IncompleteReadError) as exc:
                    key = type(exc).__name__
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                statuses[key] = statuses.get(key, 0) + 1
                if key == "200":
                    done = time.perf_counter()
                    lat.append((done - due) * 1000.0)
                    service.append((done - sent) * 1000.0)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    wall = time.perf_counter() - start
    errors = n - statuses.get("200", 0)
    if errors:
        print(f"responses: {statuses}", file=sys.stderr)
    return lat, service, errors, n, wall


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (Linux /proc), NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            if httpx.get(f"{url}/v1/health", timeout=60).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError("server did not become ready")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/api_latency.csv"))
    args = ap.parse_args()
    base = f"http://{HOST}:{args.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "hinterland.api.app:create_app", "--factory",
         "--host", HOST, "--port", str(args.port), "--log-level", "warning",
         "--no-access-log"],
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    rows = []
    try:
        wait_ready(base, server)  # the first health call builds the national network
        orders = sample_orders(5000, args.seed)
        rnd = random.Random(args.seed)
        batches = [{"orders": rnd.sample(orders, 100)} for _ in range(50)]
        with httpx.Client(base_url=base) as c:  # warm-up
            for b in orders[:200]:
                c.post("/v1/promise", json=b).raise_for_status()
        for name, path, bodies, rate in (
            ("single", "/v1/promise", orders, args.rate),
            ("batch100", "/v1/promise/batch", batches, args.rate / 10),
        ):
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            cpu0 = cpu_seconds(server.pid)
            lat, service, errors, sent, wall = asyncio.run(
                run_load(args.port, path, bodies, rate, args.seconds))
            cpu = cpu_seconds(server.pid) - cpu0
            a = np.array(lat) if lat else np.array([np.nan])
            s_ms = np.array(service) if service else np.array([np.nan])
            row = {
                "scenario": name, "target_rps": rate, "seconds": args.seconds,
                "requests": sent, "errors": errors, "achieved_rps": round(sent / wall, 1),
                "p50_ms": round(float(np.percentile(a, 50)), 2),
                "p90_ms": round(float(np.percentile(a, 90)), 2),
                "p99_ms": round(float(np.percentile(a, 99)), 2),
                "max_ms": round(float(a.max()), 2),
                "p50_from_send_ms": round(float(np.percentile(s_ms, 50)), 2),
                "p99_from_send_ms": round(float(np.percentile(s_ms, 99)), 2),
                "orders_per_request": 100 if name == "batch100" else 1,
                "server_cpu_ms_per_request": round(cpu / sent * 1000.0, 3),
                "server_cpu_share": round(cpu / wall, 3),
                "loadavg_1min_before": round(load, 2),
            }
            rows.append(row)
            print(row, flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    out = pd.DataFrame(rows)
    out["load_tool"] = "python asyncio raw HTTP/1.1 keep-alive, open loop (same machine)"
    out["machine"] = (f"{platform.machine()} {os.cpu_count()} cpu, "
                      f"python {platform.python_version()}")
    out.insert(0, "run_utc", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.out, index=False)
    log = args.out.with_name(args.out.stem + "_runs.csv")
    out.to_csv(log, mode="a", header=not log.exists(), index=False)
    print(f"wrote {args.out} (and appended to {log})")


if __name__ == "__main__":
    main()
