"""Fuzzing harness: mutated files and option values through every loader and command.

Properties of every case: no traceback (an exception escaping ``main`` fails the
case), an exit code of 0, 1 or 2, and on exit 2 (bad input) nothing written: no
output file, no temporary file, no ledger row. Budget: see ``conftest.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from mutate import BAD_VALUES, mutated_file

from hinterland.cli import main

CI = settings.get_profile("hinterland-fuzz")


def budget(share: float) -> settings:
    """The profile with ``share`` of its cases (slow commands run fewer)."""
    return settings(CI, max_examples=max(2, int(CI.max_examples * share)))


FACILITIES = pd.DataFrame({"id": ["s1", "s2", "s3"],
                           "kind": ["delivery_station", "hybrid_hub", "delivery_station"],
                           "lat": [46.59, 45.78, 47.5], "lon": [-112.04, -108.5, -111.3]})
RI_SITES = pd.DataFrame({"id": ["r1", "r2"], "kind": ["delivery_station"] * 2,
                         "lat": [41.82, 41.49], "lon": [-71.41, -71.31]})
ORDERS = pd.DataFrame({"order_id": ["a1", "a2", "a3"],
                       "destination_zip": ["69201", "95240", "59601"],
                       "weight_kg": ["1.2", "1.0", "3.0"],
                       "order_time": ["2025-03-04T13:00", "2025-03-04T13:00-08:00",
                                      "2025-03-04T09:00"],
                       "tier": ["next_day", "60min", "two_day"]})
HISTORY = pd.DataFrame({"timestamp": [f"2025-01-{d:02d}" for d in range(1, 15)] * 2,
                        "item": ["a"] * 14 + ["b"] * 14, "zip": ["59601"] * 28,
                        "quantity": [str(d % 3) for d in range(28)]})
SERIES = pd.DataFrame({"series_id": ["s"] * 10, "period": [str(i) for i in range(10)],
                       "demand": [str(i % 4) for i in range(10)]})
STOPS = pd.DataFrame({"stop_id": ["p1", "p2", "p3", "p4"],
                      "lat": [46.60, 46.62, 46.55, 46.65], "lon": [-112.0, -112.1, -111.9, -112.2],
                      "parcels": ["2", "1", "3", "1"]})
PARCELS = pd.DataFrame({"parcel_id": ["x1", "x2", "x3"], "lat": [46.6, 46.6, 46.7],
                        "lon": [-112.0, -112.0, -112.1]})
DEMAND = pd.DataFrame({"hub": ["h", "h", "g"], "item": ["a", "b", "a"],
                       "units_per_day": ["1.5", "0.2", "3"]})
ITEMS = pd.DataFrame({"item": ["a", "b"], "cube_l": ["2.0", "0.5"]})
HUBS = pd.DataFrame({"hub": ["h", "g"], "slots": ["10", "5"], "cube_l": ["100", "50"]})
ZIP_HUB = pd.DataFrame({"zip": ["59601"], "hub": ["H"]})


@pytest.fixture(scope="module", autouse=True)
def _cached_engine():
    """One national promise engine for the whole module (building it is the slow part)."""
    import hinterland.promise.service as service

    engine = service.default_engine()
    real = service.default_engine
    service.default_engine = lambda: engine
    yield
    service.default_engine = real


def invoke(args: list[str], capsys: Any) -> tuple[int, str, str]:
    """Run ``main`` in-process; an exception other than SystemExit fails the case."""
    capsys.readouterr()
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    out = capsys.readouterr()
    assert "Traceback" not in out.err, out.err
    return code, out.out, out.err


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")
            if not p.name.endswith(".sqlite")}


def check(args: list[str], folder: Path, inputs: set[str], capsys: Any,
          codes: tuple[int, ...] = (0, 1, 2)) -> int:
    before = files(folder)
    code, _, err = invoke(args, capsys)
    assert code in codes, (code, err[-1500:])
    if code == 2:
        assert sorted(files(folder) - before) == [], err[-500:]  # nothing written
        assert "error" in err.lower() or "invalid value" in err.lower() or "usage" in err.lower()
    return code


def _case(table: pd.DataFrame, data: st.DataObject, parquet_ok: bool = True
          ) -> tuple[tempfile.TemporaryDirectory[str], Path, str]:
    tmp = tempfile.TemporaryDirectory()
    folder = Path(tmp.name)
    suffix, content = data.draw(mutated_file(table, parquet_ok))
    path = folder / f"input{suffix}"
    path.write_bytes(content)
    return tmp, folder, str(path)


def _write(folder: Path, name: str, table: pd.DataFrame) -> str:
    path = folder / name
    table.to_csv(path, index=False)
    return str(path)


# --- loaders, called directly ---------------------------------------------------------------

@budget(3)
@given(data=st.data())
def test_loaders_raise_only_named_errors(data: st.DataObject) -> None:
    from hinterland.core.errors import InputError
    from hinterland.demand.history import load_order_history, validate_series
    from hinterland.io import read_table
    from hinterland.network.facilities import load_facilities
    from hinterland.promise.orders_check import check_orders

    for table, load in ((FACILITIES, lambda p: load_facilities(p)),
                        (HISTORY, load_order_history),
                        (SERIES, lambda p: validate_series(read_table(p), source=p)),
                        (ORDERS, lambda p: check_orders(read_table(p), source=p))):
        tmp, _, path = _case(table, data)
        with tmp:
            try:
                load(path)
            except InputError as exc:
                assert str(exc).startswith(path), str(exc)


# --- commands with a mutated input file -----------------------------------------------------

@budget(1.5)
@given(data=st.data())
def test_facilities_check_and_reach(data: st.DataObject, capsys: Any) -> None:
    tmp, folder, path = _case(FACILITIES, data)
    with tmp:
        names = {Path(path).name}
        check(["facilities", "check", path], folder, names, capsys, codes=(0, 2))
        check(["coverage", "reach", "--facilities", path, "--radius-mi", "30", "--state", "MT",
               "--out", str(folder / "out" / "reach.csv")], folder, names, capsys, codes=(0, 2))


@budget(1.5)
@given(data=st.data())
def test_promise_orders(data: st.DataObject, capsys: Any) -> None:
    tmp, folder, path = _case(ORDERS, data)
    with tmp:
        out, parcels = folder / "out" / "c.csv", folder / "out" / "p.parquet"
        code = check(["promise", "--orders", path, "--out", str(out), "--parcels-out",
                      str(parcels)], folder, {Path(path).name}, capsys)
        if code in (0, 1):
            assert out.exists() and parcels.exists()  # every answer written


@pytest.fixture(scope="module")
def settle_parcels(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("settle")
    orders = _write(folder, "orders.csv", ORDERS.iloc[[0]])
    main(["promise", "--orders", orders, "--parcels-out", str(folder / "p.csv")])
    table = pd.read_csv(folder / "p.csv", dtype=str)
    assert len(table) == 1
    return table


@budget(1.5)
@given(data=st.data())
def test_settle_parcels(data: st.DataObject, capsys: Any, settle_parcels: pd.DataFrame
                        ) -> None:
    from hinterland.store import ledger
    from hinterland.store.db import make_engine

    tmp, folder, path = _case(settle_parcels, data)
    with tmp:
        db = f"sqlite:///{folder / 'ledger.sqlite'}"
        code = check(["settle", "--date", str(settle_parcels["date"].iloc[0]), "--parcels",
                      path, "--db", db, "--out", str(folder / "out" / "st.csv")], folder,
                     {Path(path).name}, capsys)
        if code == 2 and (folder / "ledger.sqlite").exists():
            assert ledger.count_lines(make_engine(db)) == 0  # the ledger never half-commits


@budget(0.75)
@given(data=st.data(), option=st.sampled_from(["--stops-file", "--parcels-file"]))
def test_route_files(data: st.DataObject, option: str, capsys: Any) -> None:
    tmp, folder, path = _case(STOPS if option == "--stops-file" else PARCELS, data)
    with tmp:
        check(["route", option, path, "--station", "46.6,-112.0", "--time-limit", "0.5",
               "--in-process", "--json", "--out", str(folder / "out")], folder,
              {Path(path).name}, capsys)


@budget(0.5)
@given(data=st.data(), option=st.sampled_from(["--history", "--series", "--zip-hub"]))
def test_forecast_files(data: st.DataObject, option: str, capsys: Any) -> None:
    seed = {"--history": HISTORY, "--series": SERIES, "--zip-hub": ZIP_HUB}[option]
    tmp, folder, path = _case(seed, data)
    with tmp:
        names = {Path(path).name}
        args = [option, path]
        if option == "--zip-hub":
            args = ["--history", _write(folder, "h.csv", HISTORY), *args]
            names.add("h.csv")
        check(["forecast", "--out", str(folder / "out" / "fc.csv"), *args, "--freq", "D",
               "--horizon", "1", "--n-windows", "1", "--model", "Naive", "--json"], folder,
              names, capsys)


@budget(1.0)
@given(data=st.data(), option=st.sampled_from(["--demand", "--items", "--hubs"]))
def test_assort_files(data: st.DataObject, option: str, capsys: Any) -> None:
    seed = {"--demand": DEMAND, "--items": ITEMS, "--hubs": HUBS}[option]
    tmp, folder, path = _case(seed, data)
    with tmp:
        names = {Path(path).name}
        args = [option, path]
        if option != "--demand":
            args += ["--demand", _write(folder, "d.csv", DEMAND)]
            names.add("d.csv")
        if option != "--items":
            args += ["--default-cube-l", "1"]
        check(["assort", "--out", str(folder / "out" / "plan.csv"), "--summary-out",
               str(folder / "out" / "sum.csv"), "--time-limit", "2", "--json", *args], folder,
              names, capsys)


@budget(0.4)
@given(data=st.data())
def test_design_candidates(data: st.DataObject, capsys: Any) -> None:
    tmp, folder, path = _case(RI_SITES, data)
    with tmp:
        check(["design", "--state", "RI", "--candidates", path, "--kind", "delivery_station",
               "--max-count", "1", "--time-limit", "5", "--json", "--out-dir",
               str(folder / "out")], folder, {Path(path).name}, capsys)


# --- option values ---------------------------------------------------------------------------

values = st.sampled_from(BAD_VALUES) | st.floats(allow_nan=True, allow_infinity=True).map(str)
#: Time limits: the bad ones, and valid ones short enough for a test.
limits = st.sampled_from(BAD_VALUES) | st.floats(0.0, 1.0).map(str)


@budget(1.5)
@given(a=values, b=values, limit=limits)
def test_option_values(a: str, b: str, limit: str, capsys: Any) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        fac = _write(folder, "f.csv", FACILITIES)
        stops = _write(folder, "s.csv", STOPS)
        inputs = {"f.csv", "s.csv"}
        check(["coverage", "reach", "--facilities", fac, "--state", "MT", "--radius-mi", a,
               "--out", str(folder / "o.csv")], folder, inputs, capsys)
        check(["route", "--stops-file", stops, "--station", f"{a},{b}", "--time-limit", "0.5",
               "--in-process", "--json", "--out", str(folder / "r")], folder, inputs, capsys)
        check(["route", "--stops-file", stops, "--station", "46.6,-112.0", "--time-limit",
               limit, "--vans", b, "--in-process", "--json", "--out", str(folder / "r")],
              folder, inputs, capsys)
        check(["zips", "summary", "--state", a, "--county", b, "--json"], folder, inputs, capsys)
        check(["design", "--state", "RI", "--budget-usd", a, "--years", b, "--max-count", "1",
               "--time-limit", "3", "--json", "--candidates", fac], folder, inputs, capsys)


def test_budget_is_reported() -> None:
    """The run's case count, for the record (``-s`` shows it)."""
    print(f"fuzz budget: {CI.max_examples} cases per property "
          f"(HINTERLAND_FUZZ_EXAMPLES={os.environ.get('HINTERLAND_FUZZ_EXAMPLES', 'unset')})")
