"""Simulation: conservation, seeds, promises kept without variation, scenarios, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from hinterland.cli import app
from hinterland.network.default_network import default_facilities
from hinterland.promise.engine import PromiseEngine
from hinterland.sim import EVENTS, SimSpec, simulate
from hinterland.sim.compare import compare_runs, delta_table
from hinterland.sim.kpis import kpi_table, kpis

STATES = ["VT", "NH"]


@pytest.fixture(scope="module")
def region(zips: pd.DataFrame) -> pd.DataFrame:
    return zips[zips["state"].isin(STATES)].reset_index(drop=True)


@pytest.fixture(scope="module")
def engine(region: pd.DataFrame) -> PromiseEngine:
    return PromiseEngine(default_facilities(), region)


@pytest.fixture(scope="module")
def run(region: pd.DataFrame, engine: PromiseEngine):  # type: ignore[no-untyped-def]
    return simulate(region, default_facilities(), spec=SimSpec(days=2, seed=5), engine=engine)


def test_every_order_ends_and_counts_balance(run) -> None:  # type: ignore[no-untyped-def]
    p, ev = run.parcels, run.events
    assert len(p) > 1000 and p["parcel_id"].is_unique
    assert set(p["status"]) <= {"on_time", "late", "cancelled"}
    assert (p.loc[p["status"] == "cancelled", "reason"] != "").all()
    # every parcel is ordered once and ends once: delivered or cancelled
    counts = ev.groupby("event", observed=True).size()
    assert counts["ordered"] == len(p)
    assert counts["delivered"] + counts.get("cancelled", 0) == len(p)
    assert set(ev["event"].astype(str)) <= set(EVENTS)
    # stage by stage: what is sorted went out for delivery; what was handed over, delivered
    per = ev.pivot_table(index="parcel_id", columns="event", values="minute", aggfunc="size",
                         observed=True).fillna(0)
    assert (per["ordered"] == 1).all()
    if "sorted" in per:
        assert (per.loc[per["sorted"] > 0, "out_for_delivery"] == 1).all()
    # and in time order: nothing delivered before it was ordered or picked
    t = ev.pivot_table(index="parcel_id", columns="event", values="minute", aggfunc="max",
                       observed=True)
    done = t["delivered"].notna()
    assert (t.loc[done, "delivered"] >= t.loc[done, "ordered"]).all()
    assert (t.loc[done & t["picked"].notna(), "delivered"]
            >= t.loc[done & t["picked"].notna(), "picked"]).all()
    if "out_for_delivery" in t and "sorted" in t:
        both = t["out_for_delivery"].notna() & t["sorted"].notna()
        assert (t.loc[both, "out_for_delivery"] >= t.loc[both, "sorted"] - 1e-6).all()


def test_same_seed_same_result(region, engine, run) -> None:  # type: ignore[no-untyped-def]
    again = simulate(region, default_facilities(), spec=SimSpec(days=2, seed=5), engine=engine)
    pd.testing.assert_frame_equal(run.parcels, again.parcels)
    other = simulate(region, default_facilities(), spec=SimSpec(days=2, seed=6), engine=engine)
    assert len(other.parcels) != len(run.parcels) or not other.parcels.equals(run.parcels)


def test_without_variation_or_capacity_every_promise_is_kept(region, engine) -> None:  # type: ignore[no-untyped-def]
    quiet = SimSpec(days=2, seed=1, linehaul_cv=0.0, route_cv=0.0, fail_rate=0.0,
                    capacity=False)
    res = simulate(region, default_facilities(), spec=quiet, engine=engine)
    p = res.parcels[res.parcels["status"] != "cancelled"]
    assert (p["delivered_min"] <= p["promised_min"] + 1e-6).all()
    assert (p["status"] == "on_time").all()
    # with failures, some are late by a day
    noisy = simulate(region, default_facilities(), engine=engine,
                     spec=SimSpec(days=2, seed=1, fail_rate=0.2, capacity=False))
    assert (noisy.parcels["status"] == "late").mean() > 0.05


def test_kpis_and_partner_settlement(run) -> None:  # type: ignore[no-untyped-def]
    k = kpis(run)
    assert 0 <= k["on_time_rate"] <= 1 and k["order_to_door_h_p50"] > 0
    assert k["partner_parcels"] == int((run.parcels["carrier"] == "postal_partner").sum())
    if k["partner_parcels"]:
        assert float(k["partner_total_usd"]) > 0
    by = kpi_table(run, "rurality")
    assert by["parcels"].sum() == len(run.parcels)
    json.dumps(k)  # JSON-ready


def test_compare_with_common_random_numbers(region, engine) -> None:  # type: ignore[no-untyped-def]
    fac = default_facilities()
    rng = np.random.default_rng(0)
    pick = region.sample(4, random_state=1)
    hubs = pd.DataFrame({"id": [f"new-{z}" for z in pick["zip"]], "kind": "hybrid_hub",
                         "lat": pick["lat"].to_numpy() + rng.normal(0, 0.01, 4),
                         "lon": pick["lon"].to_numpy(), "holds_inventory": True,
                         "operator": "own", "capacity_per_day": np.inf})
    proposed = pd.concat([fac, hubs], ignore_index=True)
    eng_b = PromiseEngine(proposed, region)

    def a(spec: SimSpec):  # type: ignore[no-untyped-def]
        return simulate(region, fac, spec=spec, engine=engine)

    def b(spec: SimSpec):  # type: ignore[no-untyped-def]
        return simulate(region, proposed, spec=spec, engine=eng_b)

    runs, last = compare_runs(a, b, SimSpec(days=1, seed=3), replications=3)
    assert len(runs) == 6 and len(last) == 2
    # common random numbers: the same orders in both scenarios of a replication
    assert len(last[0].parcels) == len(last[1].parcels)
    d = delta_table(runs).set_index("kpi")
    p50 = d.loc["order_to_door_h_p50"]
    assert p50["ci_low"] <= p50["delta"] <= p50["ci_high"]
    assert d.loc["parcels_per_year", "delta"] == pytest.approx(0.0)


def _scenario(tmp: Path, name: str, body: str = "") -> Path:
    path = tmp / f"{name}.toml"
    path.write_text(f'name = "{name}"\nseed = 2\n[region]\nstates = ["VT"]\n'
                    f'[sim]\ndays = 1\nreplications = 2\n{body}')
    return path


def test_cli_simulate_and_compare(tmp_path: Path) -> None:
    a = _scenario(tmp_path, "today")
    hubs = tmp_path / "hubs.csv"
    pd.DataFrame({"id": ["H1"], "kind": ["hybrid_hub"], "lat": [44.48], "lon": [-73.21],
                  "holds_inventory": [True]}).to_csv(hubs, index=False)
    b = _scenario(tmp_path, "proposed", '[network]\nadd = ["hubs.csv"]\n')
    out = tmp_path / "run"
    runner = CliRunner()
    res = runner.invoke(app, ["simulate", str(a), "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    for f in ("events.parquet", "parcels.parquet", "routes.csv", "kpis.json",
              "by_rurality.csv", "by_state.csv"):
        assert (out / f).is_file(), f
    ev = pd.read_parquet(out / "events.parquet")
    assert {"parcel_id", "event", "local_time", "facility_id", "route_id",
            "carrier"} <= set(ev.columns)
    res = runner.invoke(app, ["compare", str(a), str(b), "--out", str(tmp_path / "cmp")])
    assert res.exit_code == 0, res.output
    deltas = pd.read_csv(tmp_path / "cmp" / "deltas.csv")
    assert {"kpi", "delta", "ci_low", "ci_high", "delta_pct"} <= set(deltas.columns)


@pytest.mark.parametrize(("body", "key"), [
    ("[sim]\ndays = -1\n", "sim.days"),
    ("[sims]\ndays = 1\n", "sims"),
    ('[network]\nfacilities = "missing.csv"\n', "network.facilities"),
])
def test_bad_scenarios_name_the_key_and_write_nothing(tmp_path: Path, body: str,
                                                      key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["simulate", str(path), "--out", str(out)])
    assert res.exit_code != 0
    assert key in str(res.exception) or key in res.output, (res.output, res.exception)
    assert not out.exists() or not any(out.iterdir())
