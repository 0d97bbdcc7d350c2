"""The worked examples in ``examples/`` run as a planner runs them, and the sample
inputs committed there are what ``examples/make_samples.py`` generates."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SAMPLES = ("facilities.csv", "orders.csv", "parcels.csv", "items.csv")


def _run(script: str, out: Path) -> str:
    done = subprocess.run([sys.executable, str(EXAMPLES / script), str(out)], cwd=out.parent,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_samples_are_small_and_regenerate_identically(tmp_path: Path) -> None:
    for name in SAMPLES:
        assert (EXAMPLES / name).stat().st_size < 50_000, name
    done = subprocess.run([sys.executable, str(EXAMPLES / "make_samples.py"), str(tmp_path)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    for name in SAMPLES:
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), (
            f"examples/{name} is not what the generator gives now: if the change is meant, "
            "run `python examples/make_samples.py` and commit the files")


def test_samples_name_real_zip_areas_and_sites(zips: pd.DataFrame) -> None:
    orders = pd.read_csv(EXAMPLES / "orders.csv", dtype={"destination_zip": str})
    assert orders["destination_zip"].isin(zips["zip"]).all() and len(orders) == 200
    parcels = pd.read_csv(EXAMPLES / "parcels.csv", dtype={"parcel_id": str})
    assert parcels["parcel_id"].isin(orders["order_id"]).all() and len(parcels) > 0
    fac = pd.read_csv(EXAMPLES / "facilities.csv")
    assert set(fac["kind"]) == {"hybrid_hub", "delivery_station"}


def test_design_a_state(tmp_path: Path) -> None:
    out = tmp_path / "design"
    text = _run("design_a_state.py", out)
    assert "verified=True" in text
    zips = json.loads((out / "zips.geojson").read_text())
    classes = {f["properties"]["class_after"] for f in zips["features"]}
    assert classes <= {"60min", "same_day", "next_day", "two_day", "beyond"}
    assert all("class_before" in f["properties"] for f in zips["features"])
    sites = json.loads((out / "sites.geojson").read_text())
    assert 1 <= len(sites["features"]) <= 4


def test_score_my_network(tmp_path: Path) -> None:
    out = tmp_path / "score"
    text = _run("score_my_network.py", out)
    assert "re-derived by brute force: True" in text
    fc = json.loads((out / "coverage.geojson").read_text())
    served = {f["properties"]["facility_id"] for f in fc["features"]}
    assert served & {f"vt-{i}" for i in range(1, 7)}  # my sites serve someone


def test_route_a_day(tmp_path: Path) -> None:
    out = tmp_path / "route"
    text = _run("route_a_day.py", out)
    routes = pd.read_csv(out / "routes.csv")
    assert len(routes) > 0
    counts = re.match(r"vt-1: ([\d,]+) van parcels promised, ([\d,]+) stops routed today, "
                      r"([\d,]+) left for later", text)
    assert counts is not None, text[:300]
    promised, routed, later = (int(g.replace(",", "")) for g in counts.groups())
    assert routed + later == promised > 0
    verified = text.split("verified=")[1].split()[0]
    searched = text.split("search_feasible=")[1].split()[0]
    if searched == "True":  # PyVRP's plan is feasible: the independent verifier agrees
        assert verified == "True", text[-500:]
    else:  # no feasible plan within the budget (a loaded machine): it must be flagged
        assert verified == "False" and "status=infeasible" in text, text[-500:]
        pytest.xfail("PyVRP found no feasible solution within the example's 6 s budget")
