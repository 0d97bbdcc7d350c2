"""`hinterland serve` starts a real server on loopback that answers promises."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

SERVE = ("import typer; from hinterland.commands import promise as p; "
         "a = typer.Typer(); p.register(a); a()")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_answers_on_loopback() -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVE, "serve", "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            assert proc.poll() is None, "server exited"
            try:
                if httpx.get(f"{base}/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.time() < deadline, "server not ready in 90 s"
            time.sleep(0.5)
        r = httpx.post(f"{base}/v1/promise", json={
            "destination_zip": "69201", "weight_kg": 1.0, "order_time": "2025-03-04T13:00",
            "tier": "next_day"})
        assert r.status_code == 200
        assert r.json()["chosen"]["mode"] == "postal_express_24h"
        assert httpx.post(f"{base}/v1/promise", content=b"nope",
                          headers={"content-type": "application/json"}).status_code == 422
        assert httpx.get(f"{base}/docs").status_code == 200
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_busy_port_fails_before_serving_on() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "hinterland.cli", "serve", "--host",
                               "127.0.0.1", "--port", str(port), "--no-warm"],
                              capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2
    assert "already in use" in proc.stderr and "serving on" not in proc.stderr
    assert "Traceback" not in proc.stderr
