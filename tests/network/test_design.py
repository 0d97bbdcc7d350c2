"""Design: exhaustive search on tiny instances, clear errors, output files and the CLI."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from hinterland.core.errors import HinterlandError, InfeasibleError
from hinterland.geo import TravelModel
from hinterland.network.coverage import filter_states, promise_coverage
from hinterland.network.design import DesignSpec, SiteCosts, design, zip_candidates
from hinterland.network.outputs import write_design_outputs
from hinterland.operations import OperatingModel, VanFleet

CLASSES = ("metro", "micropolitan", "small_town", "rural")
TRAVEL = TravelModel(
    circuity=dict.fromkeys(CLASSES, 1.0), speed_kmh=dict.fromkeys(CLASSES, 60.0), access_min=0.0
)


#: One fulfillment center in the middle of the test region feeds the stations' line-haul.
FC = pd.DataFrame({"id": ["FC"], "kind": ["fulfillment_center"], "lat": [41.5],
                   "lon": [-103.0], "holds_inventory": [True]})


def _region(seed: int, n: int = 25, m: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    zips = pd.DataFrame(
        {
            "zip": [f"{i:05d}" for i in range(n)],
            "lat": rng.uniform(40, 43, n),
            "lon": rng.uniform(-105, -101, n),
            "population": rng.integers(100, 20000, n),
            "land_km2": rng.uniform(10, 500, n),
            "state": "WY",
            "rurality": rng.choice(CLASSES, n),
        }
    )
    cands = pd.DataFrame(
        {
            "id": [f"c{j}" for j in range(m)],
            "kind": "delivery_station",
            "lat": rng.uniform(40, 43, m),
            "lon": rng.uniform(-105, -101, m),
            "holds_inventory": False,
            "cost_usd": rng.integers(1, 5, m) * 1e6,
        }
    )
    return zips, cands


def _brute_coverage(zips, cands, spec, a):
    w = zips["population"].to_numpy(float) * zips["rurality"].map(spec.rurality_weights).to_numpy(
        float
    )
    best = 0.0
    for k in range(0, spec.max_count + 1):
        for s in itertools.combinations(range(len(cands)), k):
            if (
                spec.budget_usd is not None
                and cands["cost_usd"].to_numpy()[list(s)].sum() > spec.budget_usd
            ):
                continue
            sites = pd.concat([FC, cands.iloc[list(s)]], ignore_index=True)
            out = promise_coverage(zips, sites, a, order_min=spec.order_min)
            ok = out["promise_class"].isin(["same_day", "next_day"]).to_numpy()
            best = max(best, float(w[ok].sum()))
    return best


@pytest.mark.parametrize("seed", range(3))
def test_coverage_design_matches_exhaustive(seed: int) -> None:
    zips, cands = _region(seed)
    # a short shift and small routes: vans reach 1-2 hours out, so candidates compete
    a = OperatingModel(travel=TRAVEL, van=VanFleet(shift_min=360, min_route_stops=20))
    spec = DesignSpec(max_count=3, budget_usd=6e6, target_class="next_day")
    res = design(zips, cands, FC, spec, a)
    assert res.certificate.objective == pytest.approx(_brute_coverage(zips, cands, spec, a))
    assert res.certificate.proven_optimal and res.certificate.verified
    assert res.sites["cost_usd"].sum() <= 6e6
    assert res.certificate.checks["engine_agrees"]
    # the per-ZIP table agrees with the objective (independent recount through promise_coverage)
    covered_w = res.zips.loc[res.zips["covered"], "weight"].sum()
    assert covered_w == pytest.approx(res.certificate.objective)
    assert len(res.marginal) == len(res.sites) + 1
    assert res.marginal["objective"].iloc[-1] == pytest.approx(res.certificate.objective)


def test_pmedian_design_matches_exhaustive() -> None:
    zips, cands = _region(11, n=20, m=7)
    a = OperatingModel(travel=TRAVEL)
    spec = DesignSpec(objective="pmedian", max_count=2, weight="population")
    res = design(zips, cands, None, spec, a)
    _, minutes = TRAVEL.matrix(cands, zips)
    w = zips["population"].to_numpy(float)
    best = min(
        float((minutes[list(s)].min(axis=0) * w).sum()) for s in itertools.combinations(range(7), 2)
    )
    assert res.certificate.objective == pytest.approx(best)
    assert res.certificate.proven_optimal


def test_design_errors() -> None:
    zips, cands = _region(2)
    a = OperatingModel(travel=TRAVEL)
    with pytest.raises(InfeasibleError, match="below the cheapest"):
        design(zips, cands, FC, DesignSpec(budget_usd=10.0), a)
    far = cands.assign(lat=10.0, lon=-60.0)
    with pytest.raises(InfeasibleError, match="reach"):
        design(zips, far, FC, DesignSpec(), a)
    with pytest.raises(InfeasibleError, match="line-haul"):
        design(zips, cands, None, DesignSpec(), a)  # stations without a fulfillment center
    with pytest.raises(HinterlandError, match="no candidate"):
        design(zips, cands.iloc[:0], None, DesignSpec(), a)
    with pytest.raises(InfeasibleError, match="same_day"):
        design(zips, cands, FC, DesignSpec(target_class="same_day"), a)  # stations hold no stock
    with pytest.raises(HinterlandError, match="target class"):
        DesignSpec(target_class="beyond")


def test_outputs_written(tmp_path: Path) -> None:
    zips, cands = _region(4)
    a = OperatingModel(travel=TRAVEL)
    res = design(zips, cands, FC, DesignSpec(max_count=2), a)
    files = write_design_outputs(
        tmp_path, res.sites, res.zips, res.marginal, zips, summary=res.summary
    )
    for key in (
        "sites_csv",
        "sites_geojson",
        "zips_csv",
        "marginal_csv",
        "map_png",
        "summary_json",
    ):
        assert Path(files[key]).stat().st_size > 0
    gj = json.loads(Path(files["sites_geojson"]).read_text())
    assert len(gj["features"]) == len(res.sites)
    assert Path(files["map_png"]).read_bytes()[:4] == b"\x89PNG"
    assert not list(tmp_path.glob(".*"))  # no temporary files left


def test_zip_candidates_threshold(zips: pd.DataFrame) -> None:
    wy = filter_states(zips, ["WY"])
    c = zip_candidates(wy, 5000)
    assert len(c) == int((wy["population"] >= 5000).sum())
    assert SiteCosts().cost("delivery_station") == 2_000_000 + 5 * 800_000


def _cli() -> typer.Typer:
    from hinterland.commands import coverage
    from hinterland.commands import design as design_cmd

    app = typer.Typer()
    coverage.register(app)
    design_cmd.register(app)
    return app


def test_cli_reach_json(data_folder: Path) -> None:
    from hinterland.data import data_path

    path = data_path("facilities/post_offices_osm_2017_partial.csv")
    out = CliRunner().invoke(
        _cli(),
        [
            "coverage",
            "reach",
            "--facilities",
            str(path),
            "--radius-mi",
            "10",
            "--state",
            "WY",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    for key in (
        "population",
        "population_within",
        "population_share",
        "zip_areas_within",
        "by_rurality",
        "by_state",
    ):
        assert key in data
    assert 0 <= data["population_share"] <= 1


def test_cli_design_json_and_errors(data_folder: Path, tmp_path: Path) -> None:
    app = _cli()
    out = CliRunner().invoke(
        app,
        [
            "design",
            "--state",
            "WY",
            "--max-count",
            "3",
            "--min-population",
            "3000",
            "--json",
            "--out-dir",
            str(tmp_path),
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["chosen"] <= 3 and data["certificate"]["verified"]
    assert (tmp_path / "map.png").exists()
    bad = CliRunner().invoke(app, ["design", "--state", "QQ"])
    assert isinstance(bad.exception, HinterlandError)
    poor = CliRunner().invoke(app, ["design", "--state", "WY", "--budget-usd", "1000"])
    assert isinstance(poor.exception, InfeasibleError)
