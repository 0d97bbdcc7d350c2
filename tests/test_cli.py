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


# ---------------------------------------------------------------------------------------------
# Conventions: exit codes, --version, completion, choices in --help, 80 columns, layering
# ---------------------------------------------------------------------------------------------

def cli(*args: str, env: dict[str, str] | None = None, cwd=None, timeout: float = 300):
    """Run the real console entry point in a subprocess: (code, stdout, stderr)."""
    import os

    full_env = {**os.environ, "COLUMNS": "80", **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "hinterland.cli", *args], capture_output=True,
                          text=True, env=full_env, cwd=cwd, timeout=timeout, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def test_data_verify_on_a_tampered_file_exits_1(tmp_path, data_folder):
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(data_folder, copy)
    victim = copy / "facilities" / "amazon_fulfillment_centers_2019.csv"
    victim.write_bytes(victim.read_bytes() + b"\n")
    code, out, err = cli("--data-dir", str(copy), "data", "verify", "--json")
    assert code == 1, err
    body = json.loads(out)
    assert body["ok"] is False
    bad = [f for f in body["files"] if f["status"] != "ok"]
    assert [f["name"] for f in bad] == ["facilities/amazon_fulfillment_centers_2019.csv"]
    code, out, _ = cli("--data-dir", str(data_folder), "data", "verify", "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_version_and_completion():
    from hinterland import __version__

    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"hinterland {__version__}"
    code, out, _ = cli("--show-completion", "bash")
    assert code == 0 and "_hinterland_completion" in out and "complete" in out


def test_usage_errors_exit_2_and_help_shows_choices():
    code, out, _ = cli("design", "--help", env={"COLUMNS": "250"})
    assert code == 0
    flat = " ".join(out.split())
    for choices in ("coverage|pmedian", "same_day|next_day|two_day",
                    "population|rural_population|parcels"):
        assert choices in flat
    code, out, _ = cli("route", "--help", env={"COLUMNS": "250"})
    assert "auto|on|off" in " ".join(out.split())
    code, _, err = cli("design", "--objective", "maxcover")
    assert code == 2 and "is not one of" in err and "Traceback" not in err
    code, _, err = cli("promise", "--help-me")
    assert code == 2 and "No such option" in err


@pytest.mark.parametrize(
    "args",
    [
        ["design", "--budget-usd", "nan"],
        ["design", "--years", "-1"],
        ["design", "--time-limit", "-5"],
        ["design", "--gap", "inf"],
        ["coverage", "reach", "--facilities", "x.csv", "--radius-mi", "nan"],
        ["route", "--county", "30029", "--time-limit", "-5"],
        ["route", "--county", "30029", "--time-limit", "0"],
        ["forecast", "--out", "f.csv", "--generate", "--period-days", "nan"],
        ["assort", "--out", "a.csv", "--fill-target", "1"],
    ],
)
def test_bad_option_values_are_usage_errors(args, tmp_path, capsys):
    code, _, err = run(args, capsys)
    assert code == 2, err
    assert "Invalid value" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_option_bounds_just_inside_pass(capsys):
    """The same checks accept the boundary values they must accept."""
    from hinterland.commands._options import number

    assert number(gt=0)(1e-9) == 1e-9
    assert number(ge=0, lt=1)(0.0) == 0.0
    assert number(le=1440)(1440) == 1440
    assert number(gt=0)(None) is None
    with pytest.raises(Exception, match="greater than"):
        number(gt=0)(0)
    with pytest.raises(Exception, match="less than"):
        number(lt=1)(1)


def test_county_outside_state_is_named(capsys):
    code, _, err = run(["zips", "summary", "--county", "30095", "--state", "WY"], capsys)
    assert code == 2 and "no ZIP area matches --state WY and --county 30095" in err
    code, out, _ = run(["zips", "summary", "--county", "30095", "--state", "MT", "--json"],
                       capsys)
    assert code == 0 and json.loads(out)["zip_areas"] > 0


def test_tables_fit_80_columns(data_folder, tmp_path):
    fc = data_folder / "facilities" / "amazon_fulfillment_centers_2019.csv"
    for args in (
        ["zips", "summary"],
        ["facilities", "check", str(fc), "--kind", "fulfillment_center"],
        ["coverage", "reach", "--facilities", str(fc), "--radius-mi", "50"],
    ):
        code, out, err = cli(*args)
        assert code == 0, err
        lines = out.splitlines()
        assert lines and max(len(line) for line in lines) <= 80, args
        assert "…" not in out, args  # folded, never cut


def test_failed_output_paths_are_named_errors(tmp_path, capsys, data_folder):
    import os

    fc = data_folder / "facilities" / "amazon_fulfillment_centers_2019.csv"
    base = ["coverage", "reach", "--facilities", str(fc), "--radius-mi", "50"]
    (tmp_path / "file").write_text("x")
    os.mkfifo(tmp_path / "fifo")
    for out, needle in ((tmp_path, "folder"), (tmp_path / "file" / "x.csv", "not a folder"),
                        (tmp_path / "fifo", "FIFO"), ("/dev/null", "device")):
        code, _, err = run([*base, "--out", str(out)], capsys)
        assert code == 2 and needle in err and "Traceback" not in err, (out, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "file"]


def test_ctrl_c_in_main_exits_130(monkeypatch, capsys):
    import hinterland.cli as cli_mod

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_mod, "app", interrupted)
    code, _, err = run(["zips", "summary"], capsys)
    assert code == 130 and "interrupted" in err


def test_returned_exit_codes_are_honoured(monkeypatch, capsys):
    """Click returns (does not raise) Exit codes when standalone_mode is False."""
    import hinterland.cli as cli_mod

    for returned, expected in ((1, 1), (2, 2), (130, 130), (0, 0), (None, 0)):
        monkeypatch.setattr(cli_mod, "app", lambda *a, _r=returned, **k: _r)
        code, _, err = run(["zips"], capsys)
        assert code == expected, returned
        assert ("interrupted" in err) == (expected == 130)


def _imports(path):
    import ast

    tree = ast.parse(path.read_text(), filename=str(path))
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    package = parts[:-1]  # the package of a module and of an __init__ alike
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                yield ".".join([*base, node.module] if node.module else base)
            else:
                yield node.module or ""


from pathlib import Path  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src" / "hinterland"


def test_library_never_imports_the_cli():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] == "commands" or rel == Path("cli.py"):
            continue
        for name in _imports(path):
            if name == "hinterland.cli" or name.startswith(("hinterland.commands",
                                                              "hinterland.cli.")):
                offenders.append(f"{rel}: {name}")
    assert offenders == []


def test_import_walker_sees_function_level_and_relative_imports(tmp_path):
    mod = SRC / "network" / "outputs.py"
    names = set(_imports(mod))
    assert "hinterland.io" in names  # the walker reads this module's imports
    fake = SRC / "io" / "_walker_probe.py"
    try:
        fake.write_text("def f():\n    from ..commands import _common\n")
        assert "hinterland.commands" in set(_imports(fake))
    finally:
        fake.unlink()
