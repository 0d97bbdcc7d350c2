"""``hinterland route`` failing paths: named errors, nothing half-written, Ctrl-C exits 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


def cli(*args: str, cwd: Path, timeout: float = 300) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "hinterland.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def test_header_only_stops_file_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "stops.csv").write_text("stop_id,lat,lon,parcels\n")
    code, _, err = cli("route", "--stops-file", "stops.csv", "--station", "46.6,-112.0",
                       "--out", "out", cwd=tmp_path)
    assert code == 2 and "no rows (only a header)" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_one_stop_too_big_for_any_van_is_unserved_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "stops.csv").write_text("stop_id,lat,lon,parcels\ns1,46.6,-112.0,100000\n")
    code, out, err = cli("route", "--stops-file", "stops.csv", "--station", "46.6,-112.0",
                         "--out", "out", "--time-limit", "2", "--json", cwd=tmp_path)
    assert code == 0, err
    assert "Traceback" not in err
    body = json.loads(out)
    assert body["unserved_reasons"] == {"exceeds_vehicle_capacity": 1}
    kpis = json.loads((tmp_path / "out" / "kpis.json").read_text(),
                      parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    assert kpis["kpis"]["cost_per_parcel_usd"] is None  # no parcel routed: null, not NaN
    assert len((tmp_path / "out" / "routes.csv").read_text().splitlines()) == 1  # header


def test_out_that_is_a_file_fails_before_solving(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    t0 = time.perf_counter()
    code, _, err = cli("route", "--county", "30029", "--stops", "300", "--out", "out",
                       cwd=tmp_path)
    assert code == 2 and "not a folder" in err
    assert time.perf_counter() - t0 < 60  # no 60 s solve first
    assert (tmp_path / "out").read_text() == "x"


def _interrupt(args: list[str], cwd: Path, after_s: float) -> tuple[int, str]:
    env = dict(os.environ)
    proc = subprocess.Popen([sys.executable, "-m", "hinterland.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after_s)
    assert proc.poll() is None, "finished before the interrupt: the test proves nothing"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["--in-process", "dask"])
def test_ctrl_c_during_route_exits_130_and_leaves_nothing(tmp_path: Path, mode: str) -> None:
    args = ["route", "--county", "30029", "--stops", "2500", "--decompose", "on",
            "--time-limit", "120", "--out", "out"]
    if mode == "--in-process":
        args.append("--in-process")
    code, err = _interrupt(args, tmp_path, after_s=10)
    assert code == 130, err[-2000:]
    assert "interrupted" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no out/, no temporary


@pytest.mark.slow
def test_ctrl_c_during_design_exits_130_and_leaves_nothing(tmp_path: Path) -> None:
    code, err = _interrupt(["design", "--time-limit", "300", "--max-count", "200",
                            "--out-dir", "out"], tmp_path, after_s=15)
    assert code == 130, err[-2000:]
    assert "interrupted" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _unverified(real):
    import dataclasses

    def wrapped(*a, **k):
        plan = real(*a, **k)
        plan.certificate = dataclasses.replace(plan.certificate, verified=False)
        return plan

    return wrapped


def test_unverified_route_plan_exits_1_with_outputs(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    import hinterland.routing.solve as solve
    from hinterland.cli import app

    (tmp_path / "stops.csv").write_text("stop_id,lat,lon,parcels\ns1,46.61,-112.01,2\n"
                                        "s2,46.62,-112.02,1\n")
    args = ["route", "--stops-file", str(tmp_path / "stops.csv"), "--station", "46.6,-112.0",
            "--time-limit", "1", "--in-process", "--out", str(tmp_path / "out")]
    ok = CliRunner().invoke(app, args)
    assert ok.exit_code == 0, ok.output
    monkeypatch.setattr(solve, "plan_routes", _unverified(solve.plan_routes))
    bad = CliRunner().invoke(app, args)
    assert bad.exit_code == 1, bad.output
    assert "NOT verified" in bad.output
    assert (tmp_path / "out" / "routes.csv").exists()


def test_design_recount_failure_exits_1(tmp_path: Path, monkeypatch) -> None:
    import dataclasses

    from typer.testing import CliRunner

    import hinterland.network.design as design_mod
    from hinterland.cli import app

    args = ["design", "--state", "RI", "--max-count", "2", "--time-limit", "10", "--json"]
    ok = CliRunner().invoke(app, args)
    assert ok.exit_code == 0, ok.output
    real = design_mod.design

    def failing(*a, **k):
        res = real(*a, **k)
        cert = dataclasses.replace(res.certificate, verified=False)
        return dataclasses.replace(res, certificate=cert)

    monkeypatch.setattr(design_mod, "design", failing)
    bad = CliRunner().invoke(app, [a for a in args if a != "--json"])
    assert bad.exit_code == 1, bad.output
    assert "recount FAILED" in bad.output and "check failed" in bad.output
