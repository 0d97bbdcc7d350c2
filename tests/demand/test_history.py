"""Order-history loading: validation errors name file, row and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.demand.history import demand_series, load_order_history

HEAD = "timestamp,item,zip,quantity\n"
GOOD = (
    "timestamp,item,zip,quantity\n"
    "2025-01-06 10:00,A,59001,1\n"
    "2025-01-06,B,1001,2\n"
    "2025-01-08T08:30:00,A,59001,3\n"
    "2025-01-14,A,59002,1\n"
)


def _write(tmp_path: Path, text: str, name: str = "h.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def test_good_file_loads_and_pads_zip(tmp_path: Path) -> None:
    h = load_order_history(_write(tmp_path, GOOD))
    assert list(h["zip"]) == ["59001", "01001", "59001", "59002"]
    assert h["quantity"].dtype == "int64"
    assert pd.api.types.is_datetime64_any_dtype(h["timestamp"])


def test_parquet_round_trip(tmp_path: Path) -> None:
    h = load_order_history(_write(tmp_path, GOOD))
    p = tmp_path / "h.parquet"
    h.to_parquet(p)
    h2 = load_order_history(p)
    assert list(h2["zip"]) == list(h["zip"])


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("timestamp,item,quantity\n2025-01-06,A,1\n", None, "zip"),
        (HEAD + "2025-01-06,A,59001,1\n2025-01-07,A,59001,-2\n", 2, "quantity"),
        (HEAD + "2025-01-06,A,59001,1\nnot a date,A,59001,1\n", 2, "timestamp"),
        ("timestamp,item,zip,quantity\n2025-01-06,A,59001,1.5\n", 1, "quantity"),
        ("timestamp,item,zip,quantity\n2025-01-06,A,59001,x\n", 1, "quantity"),
        ("timestamp,item,zip,quantity\n2025-01-06,A,5900A,1\n", 1, "zip"),
        ("timestamp,item,zip,quantity\n2025-01-06,,59001,1\n", 1, "item"),
        ("timestamp,item,zip,quantity\n,A,59001,1\n", 1, "timestamp"),
    ],
)
def test_bad_files_name_file_row_column(
    tmp_path: Path, text: str, row: int | None, column: str
) -> None:
    p = _write(tmp_path, text, "orders_bad.csv")
    with pytest.raises(InputError) as ei:
        load_order_history(p)
    err = ei.value
    assert err.row == row
    assert err.column == column
    assert "orders_bad.csv" in str(err)
    if row is not None:
        assert f"row {row}" in str(err)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_order_history(tmp_path / "nope.csv")


def test_demand_series_daily_and_weekly(tmp_path: Path) -> None:
    h = load_order_history(_write(tmp_path, GOOD))
    hubs = pd.DataFrame({"zip": ["59001", "59002", "01001"], "hub": ["H1", "H1", "H2"]})
    d = demand_series(h, hubs, freq="D")
    a = d[d["series_id"] == "A@H1"].set_index("period")["demand"]
    assert len(a) == 9  # 2025-01-06 .. 2025-01-14
    assert a[0] == 1 and a[2] == 3 and a[8] == 1 and a.sum() == 5
    w = demand_series(h, hubs, freq="W")
    aw = w[w["series_id"] == "A@H1"].set_index("period")["demand"]
    assert list(aw) == [4.0, 1.0]
