"""Reading benchmark series files in their three layouts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hinterland.core.errors import InputError
from hinterland.demand.panels import read_panel


def test_long_layout(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_text("series_id,period,demand\na,1,0\na,2,3\nb,2,1\n")
    panel = read_panel(p)
    assert list(panel.series_ids) == ["a", "b"]
    np.testing.assert_array_equal(panel.values[0], [0, 3])
    assert np.isnan(panel.values[1, 0])


def test_periods_as_rows(tmp_path: Path) -> None:
    p = tmp_path / "w.csv"
    p.write_text("month,x,y\n2000-01,1,\n2000-02,0,2\n")
    panel = read_panel(p)
    assert list(panel.series_ids) == ["x"] and panel.dropped == 1
    assert panel.season_length == 12


def test_series_as_rows_newest_first(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("sku,latest,last -1,last -2\nS1,3,2,1\n")
    np.testing.assert_array_equal(read_panel(p).values, [[1, 2, 3]])


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("series_id,period,demand\na,1,0\na,2,-1\n", 2, "demand"),
        ("month,x,y\n2000-01,1,2\n2000-02,0,-2\n", 2, "y"),
        ("sku,latest,last -1\nS1,3,2\nS2,x,1\n", 2, "latest"),
    ],
)
def test_bad_values_named(tmp_path: Path, text: str, row: int, column: str) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises(InputError) as ei:
        read_panel(p)
    assert (ei.value.row, ei.value.column) == (row, column)
