"""``hinterland route`` end to end: a generated rural county day and a user's stops file."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from hinterland.commands import route as route_cmd
from hinterland.core.errors import InputError
from hinterland.routing.station_day import station_day

from .conftest import make_stops

COUNTY = "30095"  # Stillwater County, Montana: non-metro


def _app() -> typer.Typer:
    app = typer.Typer()
    route_cmd.register(app)

    @app.callback()
    def _root() -> None:  # keep "route" as a sub-command
        """Test app."""

    return app


def _run(args: list[str]):
    return CliRunner().invoke(_app(), ["route", *args], catch_exceptions=True)


def test_station_day_is_seeded_and_population_weighted(data_folder):
    a, st = station_day(COUNTY, 400, seed=3, handoffs=2)
    b, _ = station_day(COUNTY, 400, seed=3, handoffs=2)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 402 and (a["kind"] == "handoff").sum() == 2
    from hinterland.routing.station_day import county_zips

    z = county_zips(COUNTY)
    assert st.lat == z.loc[z["population"].idxmax(), "lat"]
    counts = a[a["kind"] == "delivery"]["zip"].value_counts()
    big, small = z.loc[z["population"].idxmax(), "zip"], z.loc[z["population"].idxmin(), "zip"]
    assert counts.get(big, 0) > counts.get(small, 0)
    c, _ = station_day(COUNTY, 400, seed=4)
    assert not np.allclose(a["lat"].to_numpy()[:400], c["lat"].to_numpy())


def test_unknown_county(data_folder):
    with pytest.raises(InputError, match="99999"):
        station_day("99999", 10)


def test_cli_county_day_json(data_folder, tmp_path):
    res = _run(
        [
            "--county",
            COUNTY,
            "--stops",
            "150",
            "--seed",
            "1",
            "--time-limit",
            "2",
            "--handoffs",
            "1",
            "--workers",
            "1",
            "--json",
            "--out",
            str(tmp_path),
        ]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["certificate"]["verified"] is True
    assert out["kpis"]["stops_routed"] + out["kpis"]["drone_queue"] + out["kpis"]["unserved"] == 151
    for name in (
        "routes.csv",
        "route_sheets.csv",
        "load_plan.csv",
        "routes.geojson",
        "routes_map.png",
        "kpis.json",
        "unserved.csv",
        "drone_queue.csv",
    ):
        assert (tmp_path / name).stat().st_size > 0, name
    lp = pd.read_csv(tmp_path / "load_plan.csv")
    assert len(lp) == out["kpis"]["parcels_routed"]


def test_cli_sectors_in_process(data_folder):
    res = _run(
        [
            "--county",
            COUNTY,
            "--stops",
            "200",
            "--seed",
            "2",
            "--time-limit",
            "3",
            "--decompose",
            "on",
            "--sectors",
            "2",
            "--in-process",
            "--json",
        ]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["certificate"]["verified"] is True
    assert out["certificate"]["checks"]["sectors"] == 2


def test_cli_stops_file(tmp_path):
    stops = make_stops(30, seed=9)
    f = tmp_path / "stops.csv"
    stops.to_csv(f, index=False)
    res = _run(
        [
            "--stops-file",
            str(f),
            "--station",
            "45.0,-109.0",
            "--time-limit",
            "1",
            "--workers",
            "1",
            "--json",
        ]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["kpis"]["stops_routed"] == 30 and out["certificate"]["verified"]


def test_cli_stops_file_bad_row(tmp_path):
    stops = make_stops(5).astype({"lat": object})
    stops.loc[2, "lat"] = "north"
    f = tmp_path / "stops.csv"
    stops.to_csv(f, index=False)
    res = _run(["--stops-file", str(f), "--station", "45.0,-109.0", "--json"])
    assert isinstance(res.exception, InputError)
    assert res.exception.row == 3 and res.exception.column == "lat"


def test_cli_needs_a_source():
    res = _run(["--json"])
    assert isinstance(res.exception, InputError)


def test_cli_parcels_file_groups_and_loads(tmp_path):
    stops = make_stops(12, seed=3)
    parcels = pd.DataFrame(
        {
            "parcel_id": [f"P{i}" for i in range(24)],
            "lat": np.repeat(stops["lat"].to_numpy(), 2),
            "lon": np.repeat(stops["lon"].to_numpy(), 2),
        }
    )
    f = tmp_path / "parcels.csv"
    parcels.to_csv(f, index=False)
    out = tmp_path / "out"
    res = _run(
        [
            "--parcels-file",
            str(f),
            "--station",
            "45.0,-109.0",
            "--time-limit",
            "1",
            "--workers",
            "1",
            "--json",
            "--out",
            str(out),
        ]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["kpis"]["stops_routed"] == 12
    lp = pd.read_csv(out / "load_plan.csv")
    assert sorted(lp["parcel_id"]) == sorted(parcels["parcel_id"])


def test_cli_parcels_file_ready_due_eta_and_late_kpis(tmp_path):
    """``route --out`` writes a parcel table with ISO 8601 local ready/due/eta times and
    strict-JSON KPIs counting every late parcel."""
    stops = make_stops(8, seed=4)
    parcels = pd.DataFrame(
        {
            "parcel_id": [f"P{i}" for i in range(16)],
            "lat": np.repeat(stops["lat"].to_numpy(), 2),
            "lon": np.repeat(stops["lon"].to_numpy(), 2),
            "ready_at": ["2026-03-04T07:45:00"] * 14 + ["2026-03-04T10:00:00"] * 2,
            "due_min": [1260.0] * 12 + [512.0, 512.0, 1260.0, 1260.0],  # P12, P13: 08:32
        }
    )
    parcels.loc[[0, 1], "due_min"] = 1440.0 + 1260.0  # one address, both tomorrow's
    f = tmp_path / "parcels.csv"
    parcels.to_csv(f, index=False)
    out = tmp_path / "out"
    res = _run(["--parcels-file", str(f), "--station", "45.0,-109.0", "--time-limit", "1",
                "--workers", "1", "--json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    k = json.loads(res.stdout)["kpis"]
    table = pd.read_csv(out / "parcels.csv", dtype={"parcel_id": str})
    assert {"parcel_id", "ready_at", "due_at", "eta"} <= set(table.columns)
    t = table.set_index("parcel_id")
    assert t.loc["P14", "ready_at"] == "2026-03-04T10:00:00-07:00"
    assert t.loc["P2", "due_at"] == "2026-03-04T21:00:00-07:00"
    assert t.loc["P0", "status"] == "unserved"  # promised for tomorrow: not today
    routed = t[t["status"] == "routed"]
    eta = pd.to_datetime(routed["eta"]).map(lambda x: x.tz_localize(None))
    ready = pd.to_datetime(routed["ready_at"]).map(lambda x: x.tz_localize(None))
    assert (eta >= ready).all()
    assert k["late_parcels"] == int((routed["late_min"] > 0).sum()) >= 1
    assert {"P12", "P13"} <= set(routed.index[routed["late_min"] > 0])  # due 08:32
    text = (out / "kpis.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    kj = json.loads(text)["kpis"]
    assert kj["late_parcels"] == k["late_parcels"] and kj["late_minutes_p90"] > 0
    assert kj["served_before_ready"] == 0
