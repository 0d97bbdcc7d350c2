"""One ``read_table``: every malformed file gets a message that says what to do."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.io import read_table


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a;b\n1;2\n", "semicolon"),
        (b"a\tb\n1\t2\n", "tab-separated"),
        (b"a|b\n1|2\n", "pipe"),
        (b'a,b\n1,"x\n2,3\n', "unclosed quote"),
        (b"a,b\n1,2,3\n", "line 2 has 3 fields but the header has 2"),
        (b"a,b\n1,2\n3,4,5\n", "line 3 has 3 fields"),
        ("a,b\n1,2\n".encode("utf-16"), "UTF-16"),
        ("a,b\n1,2\n".encode("utf-16-le"), "UTF-16"),
        ("a,b\ncaf\xe9,2\n".encode("latin-1"), r"not UTF-8 text \(byte 0xe9 on line 2\)"),
        (b"a,b\n", "no rows"),
        (b"", "file is empty"),
        (b"\n\n", "file is empty"),
        (b"a,a\n1,2\n", "appears twice"),
        (b"PAR1\x00\x01\x02binary", "binary"),
    ],
)
def test_malformed_csv_is_named(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_table(p)
    assert str(p) in str(info.value)


def test_good_csv_with_bom_and_short_row(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes("\ufeffa, b \n1,2\n3\n".encode())
    df = read_table(p)
    assert list(df.columns) == ["a", "b"]
    assert df["a"].tolist() == ["1", "3"] and pd.isna(df["b"].iloc[1])


def test_single_column_csv_is_fine(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("zip\n01001\n")
    assert read_table(p)["zip"].tolist() == ["01001"]  # text: leading zero kept


def test_garbage_parquet(tmp_path: Path) -> None:
    p = tmp_path / "t.parquet"
    p.write_bytes(b"not parquet")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        read_table(p)


def test_missing_folder_required_allowed(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "none.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_table(tmp_path)
    p = tmp_path / "t.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="missing column") as info:
        read_table(p, required=("c",))
    assert info.value.column == "c"
    with pytest.raises(InputError, match="unknown column") as info:
        read_table(p, allowed=("a",))
    assert info.value.column == "b"
    assert read_table(p, allowed=("a", "b")).shape == (1, 2)
    assert read_table(tmp_path / "t.csv", dtype=None)["a"].dtype.kind == "i"


def test_header_only_allowed_when_asked(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("a,b\n")
    assert read_table(p, allow_empty=True).empty
