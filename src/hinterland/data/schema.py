"""Column schemas checked at table boundaries; a bad value names file, row and column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hinterland.core.errors import InputError


@dataclass(frozen=True)
class Column:
    """Expected column: kind (``"str"``, ``"float"``, ``"int"``, ``"bool"``), range, choices."""

    name: str
    kind: str
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    length: int | None = None
    finite: bool = True


def _first_bad(mask: np.ndarray | pd.Series) -> int | None:
    idx = np.flatnonzero(np.asarray(mask, dtype=bool))
    return int(idx[0]) if idx.size else None


def check_table(
    df: pd.DataFrame,
    columns: Sequence[Column],
    source: str,
    *,
    row_offset: int = 1,
) -> pd.DataFrame:
    """Check ``df`` against ``columns``; return it with columns coerced to their kinds.

    Parameters
    ----------
    df
        Table to check (positional rows; row ``i`` is reported as ``i + row_offset``).
    columns
        Expected columns, in output order; extra columns are kept after them.
    source
        File or table name used in error messages.
    row_offset
        Added to the 0-based position to give the reported row number
        (1 = first data row after the header).

    Raises
    ------
    InputError
        The first missing column or invalid value, naming source, row and column.
    """
    out = df.copy()
    for col in columns:
        if col.name not in out.columns:
            raise InputError(
                source, f"missing column (have: {', '.join(map(str, df.columns))})", column=col.name
            )
        values = out[col.name]
        null = values.isna().to_numpy()
        if not col.nullable and (bad := _first_bad(null)) is not None:
            raise InputError(source, "empty value", row=bad + row_offset, column=col.name)
        if col.kind in ("float", "int"):
            num = pd.to_numeric(values, errors="coerce")
            if (bad := _first_bad(num.isna().to_numpy() & ~null)) is not None:
                raise InputError(
                    source,
                    f"not a number: {values.iloc[bad]!r}",
                    row=bad + row_offset,
                    column=col.name,
                )
            arr = num.to_numpy(dtype=float)
            if col.finite and (bad := _first_bad(np.isinf(arr))) is not None:
                raise InputError(source, "infinite value", row=bad + row_offset, column=col.name)
            if (
                col.kind == "int"
                and (bad := _first_bad(~null & (arr != np.round(arr)))) is not None
            ):
                raise InputError(
                    source,
                    f"not a whole number: {values.iloc[bad]!r}",
                    row=bad + row_offset,
                    column=col.name,
                )
            if col.min is not None and (bad := _first_bad(arr < col.min)) is not None:
                raise InputError(
                    source,
                    f"{arr[bad]:g} is below the minimum {col.min:g}",
                    row=bad + row_offset,
                    column=col.name,
                )
            if col.max is not None and (bad := _first_bad(arr > col.max)) is not None:
                raise InputError(
                    source,
                    f"{arr[bad]:g} is above the maximum {col.max:g}",
                    row=bad + row_offset,
                    column=col.name,
                )
            if col.kind == "int" and not col.nullable:
                out[col.name] = arr.astype(np.int64)
            else:
                out[col.name] = arr
        elif col.kind == "bool":
            mapped = values.map(_as_bool)
            if (bad := _first_bad(mapped.isna().to_numpy() & ~null)) is not None:
                raise InputError(
                    source,
                    f"not true/false: {values.iloc[bad]!r}",
                    row=bad + row_offset,
                    column=col.name,
                )
            out[col.name] = mapped.astype(bool)
        else:
            text = values.astype("string").str.strip()
            if col.length is not None:
                lengths = text.str.len().fillna(col.length).to_numpy()
                if (bad := _first_bad(lengths != col.length)) is not None:
                    raise InputError(
                        source,
                        f"{values.iloc[bad]!r} should have {col.length} characters",
                        row=bad + row_offset,
                        column=col.name,
                    )
            if col.choices is not None:
                ok = text.isin(col.choices).to_numpy() | null
                if (bad := _first_bad(~ok)) is not None:
                    raise InputError(
                        source,
                        f"{values.iloc[bad]!r} is not one of {', '.join(col.choices)}",
                        row=bad + row_offset,
                        column=col.name,
                    )
            out[col.name] = text.astype(object).where(~null, None)
    names = [c.name for c in columns]
    return out[names + [c for c in out.columns if c not in names]]


_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def _as_bool(value: object) -> object:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None
