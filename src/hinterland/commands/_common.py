"""Shared CLI helpers: consoles, JSON output, tables, atomic writes."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

console = Console()
console_err = Console(stderr=True)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def print_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout (numpy scalars converted, NaN -> null)."""
    print(json.dumps(_jsonable(obj), indent=2))


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` as JSON-ready dicts."""
    return [_jsonable(r) for r in df.to_dict(orient="records")]


def print_table(
    df: pd.DataFrame, title: str | None = None, formats: dict[str, str] | None = None
) -> None:
    """Print ``df`` as a Rich table; ``formats`` maps column -> format spec."""
    formats = formats or {}
    table = Table(title=title)
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col])
        table.add_column(str(col), justify="right" if numeric else "left")
    for row in df.itertuples(index=False):
        cells = []
        for col, val in zip(df.columns, row, strict=True):
            spec = formats.get(str(col))
            if spec and isinstance(val, int | float | np.number):
                cells.append(format(val, spec))
            else:
                cells.append(str(val))
        table.add_row(*cells)
    console.print(table)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename over it only on success.

    Interrupting the work (Ctrl-C) or an error leaves no half-written file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    tmp_path.chmod(0o666 & ~umask)  # mkstemp makes 0600; give the usual file mode
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_table(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` atomically as CSV or Parquet, by the file's suffix."""
    target = Path(path)
    with atomic_path(target) as tmp:
        if target.suffix.lower() == ".parquet":
            df.to_parquet(tmp, index=False)
        else:
            df.to_csv(tmp, index=False)
    return target


def split_options(values: Sequence[str] | None) -> list[str]:
    """Flatten repeated and comma-separated option values (``--state MT,WY --state ND``)."""
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out
