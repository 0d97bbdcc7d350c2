"""Shared CLI helpers: consoles, JSON output, tables.

File reading and writing live in :mod:`hinterland.io` (re-exported here for the
command modules).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from hinterland.io import atomic_path, dumps, jsonable, write_table

__all__ = [
    "atomic_path",
    "console",
    "console_err",
    "frame_records",
    "print_json",
    "print_table",
    "split_options",
    "write_table",
]

console = Console()
console_err = Console(stderr=True)


def print_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout (numpy scalars converted, NaN -> null)."""
    print(dumps(obj, indent=2))


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` as JSON-ready dicts."""
    return [jsonable(r) for r in df.to_dict(orient="records")]


def print_table(
    df: pd.DataFrame, title: str | None = None, formats: dict[str, str] | None = None
) -> None:
    """Print ``df`` as a Rich table; ``formats`` maps column -> format spec.

    The table is compact (no vertical rules) so that it fits 80 columns; a cell too
    wide for the terminal is folded onto the next line, never cut with an ellipsis.
    """
    formats = formats or {}
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col])
        table.add_column(str(col), justify="right" if numeric else "left", overflow="fold")
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


def split_options(values: Sequence[str] | None) -> list[str]:
    """Flatten repeated and comma-separated option values (``--state MT,WY --state ND``)."""
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out
