"""The command line: JSON outputs, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hinterland.cli import main


def run(args, capsys):
    with pytest.raises(SystemExit) as info:
        main([*args])
        raise SystemExit(0)
    out = capsys.readouterr()
    return info.value.code or 0, out.out, out.err


def test_zips_summary_json(capsys):
    code, out, _ = run(["zips", "summary", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["zip_areas"] == 33_639
    assert abs(data["population"] - 329.7e6) / 329.7e6 < 0.001
    assert data["nonmetro_zip_areas"] == 15_250
    by = {r["rurality"]: r for r in data["by_rurality"]}
    assert sum(r["zip_areas"] for r in by.values()) == data["zip_areas"]
    assert sum(r["zip_areas"] for k, r in by.items() if k != "metro") == 15_250
    assert data["land_km2"] == pytest.approx(sum(r["land_km2"] for r in by.values()))


def test_zips_summary_filters(capsys):
    code, out, _ = run(
        ["zips", "summary", "--state", "MT,WY", "--rurality", "rural", "--json"], capsys
    )
    data = json.loads(out)
    assert code == 0 and 0 < data["zip_areas"] < 600
    assert [r["zip_areas"] for r in data["by_rurality"] if r["rurality"] != "rural"] == [0, 0, 0]


def test_unknown_state_is_a_clear_error(capsys):
    code, _, err = run(["zips", "summary", "--state", "XX"], capsys)
    assert code == 2 and "unknown state code" in err and "Traceback" not in err


def test_data_verify_and_list(capsys):
    code, out, _ = run(["data", "verify", "--json"], capsys)
    assert code == 0 and json.loads(out)["ok"]
    code, out, _ = run(["data", "list", "--json"], capsys)
    assert code == 0 and len(json.loads(out)["files"]) == 14


def test_data_dir_option_reports_missing_files(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("HINTERLAND_DATA_DIR", raising=False)
    code, _, err = run(["--data-dir", str(tmp_path), "zips", "summary"], capsys)
    assert code == 2 and "is missing" in err


def test_console_script_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "hinterland.cli", "zips", "summary", "--state", "MT", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["zip_areas"] > 300


def test_facilities_check(capsys, data_folder, tmp_path):
    path = data_folder / "facilities" / "amazon_fulfillment_centers_2019.csv"
    code, out, _ = run(
        ["facilities", "check", str(path), "--kind", "fulfillment_center", "--json"], capsys
    )
    assert code == 0 and json.loads(out)["sites"] == 184
    bad = tmp_path / "bad.csv"
    bad.write_text("id,lat,lon\na,45,-100\nb,45,-300\n")
    code, _, err = run(["facilities", "check", str(bad), "--kind", "drone_site"], capsys)
    assert code == 2 and "bad.csv, row 2, column 'lon'" in err.replace("\n", "")


def test_unknown_command_is_a_usage_error(capsys):
    code, _, err = run(["nosuch"], capsys)
    assert code == 2 and "No such command" in err and "Traceback" not in err


def test_atomic_write_has_normal_mode(tmp_path):
    import pandas as pd

    from hinterland.commands._common import write_table

    path = write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.csv")
    assert path.stat().st_mode & 0o044  # readable by group/others under a usual umask
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]
