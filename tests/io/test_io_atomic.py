"""Atomic, transactional outputs: all or nothing, never replacing a link, FIFO or device."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from hinterland.io import (
    OutputError,
    Outputs,
    atomic_path,
    check_output_dir,
    check_output_file,
    write_json,
    write_table,
)

DF = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})


def test_write_table_csv_and_parquet_leave_no_temporary(tmp_path: Path) -> None:
    write_table(DF, tmp_path / "t.csv")
    write_table(DF, tmp_path / "t.parquet")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.parquet"]
    assert pd.read_parquet(tmp_path / "t.parquet").equals(DF)
    assert (tmp_path / "t.csv").stat().st_mode & 0o044  # usual mode, not mkstemp's 0600


def test_error_inside_atomic_path_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_symlink_is_written_through_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_table(DF, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert pd.read_csv(real).equals(DF)


def test_fifo_is_refused_and_left_alone(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="FIFO"):
        write_table(DF, fifo)
    assert fifo.exists() and not fifo.is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.csv"]


def test_symlink_to_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "l.csv").symlink_to(fifo)
    with pytest.raises(OutputError, match="FIFO"):
        write_json({"a": 1}, tmp_path / "l.csv")


def test_device_is_refused() -> None:
    with pytest.raises(OutputError, match="device"):
        check_output_file("/dev/null")


def test_folder_and_file_parent_are_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="folder"):
        write_table(DF, tmp_path)
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        write_table(DF, tmp_path / "f" / "x.csv")
    with pytest.raises(OutputError, match="not a folder"):
        check_output_dir(tmp_path / "f")


def test_permission_error_becomes_output_error(tmp_path: Path, monkeypatch) -> None:
    import tempfile

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(OutputError, match="permission denied"):
        write_table(DF, tmp_path / "x.csv")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder")
def test_unwritable_folder_is_named_before_work(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="not writable"):
            check_output_file(ro / "x.csv")
    finally:
        ro.chmod(0o700)


def test_json_is_strict(tmp_path: Path) -> None:
    import numpy as np

    write_json({"bound": float("nan"), "n": np.int64(3), "inf": np.inf}, tmp_path / "k.json")
    text = (tmp_path / "k.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"bound": None, "n": 3, "inf": None}


def test_outputs_all_or_none_on_error(tmp_path: Path) -> None:
    old = tmp_path / "b.csv"
    old.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), Outputs() as out:
        out.table(DF, tmp_path / "new" / "a.csv")
        out.table(DF, old)
        raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv"]  # "new/" removed too
    assert old.read_text() == "old\n"


def test_outputs_refuse_a_bad_target_before_writing_any(tmp_path: Path) -> None:
    fifo = tmp_path / "p.csv"
    os.mkfifo(fifo)
    with pytest.raises(OutputError), Outputs() as out:
        out.table(DF, tmp_path / "a.csv")
        out.table(DF, fifo)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]


def test_outputs_commit_writes_all(tmp_path: Path) -> None:
    with Outputs() as out:
        out.table(DF, tmp_path / "a.csv")
        out.json({"x": 1}, tmp_path / "b.json")
        out.write(tmp_path / "c.txt", lambda p: p.write_text("c"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.json", "c.txt"]
    assert out.written == [tmp_path / "a.csv", tmp_path / "b.json", tmp_path / "c.txt"]


def test_same_file_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="two outputs"), Outputs() as out:
        out.table(DF, tmp_path / "a.csv")
        out.table(DF, tmp_path / "a.csv")
    assert list(tmp_path.iterdir()) == []


def test_failed_rename_puts_earlier_targets_back(tmp_path: Path, monkeypatch) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("old a\n")
    real_replace = os.replace
    calls = {"n": 0}

    def flaky(src, dst):
        if str(dst) == str(b):
            raise OSError(28, "No space left on device")
        calls["n"] += 1
        return real_replace(src, dst)

    out = Outputs()
    out.table(DF, a)
    out.table(DF, b)
    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OutputError, match="no space"):
        out.commit()
    monkeypatch.undo()
    assert a.read_text() == "old a\n" and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_held_commit_can_be_undone(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text("old\n")
    out = Outputs()
    out.table(DF, a)
    out.table(DF, tmp_path / "b.csv")
    out.commit(hold=True)
    assert pd.read_csv(a).equals(DF)
    out.undo()
    assert a.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]
