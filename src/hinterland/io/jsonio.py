"""Strict JSON: numpy scalars, Decimals, dates and paths converted; NaN and inf become null."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["dumps", "jsonable"]


def jsonable(value: Any) -> Any:
    """``value`` made of plain JSON types only.

    Mappings and sequences are converted recursively; numpy integers, floats and
    booleans become Python ones; a non-finite float (``NaN``, ``inf``) becomes
    ``None``; :class:`~decimal.Decimal` becomes its exact string (money stays
    exact); timestamps, dates and paths become strings; ``pd.NA``/``NaT`` become
    ``None``.

    Parameters
    ----------
    value
        Any nesting of dicts, lists, tuples, sets, scalars and numpy arrays.

    Returns
    -------
    Any
        A value :func:`json.dumps` accepts with ``allow_nan=False``.
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else None
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return value.total_seconds()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value)
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return jsonable(value.to_dict())
    return str(value)


def dumps(obj: Any, *, indent: int | None = 2, compact: bool = False) -> str:
    """Strict JSON text of ``obj`` (:func:`jsonable` first; ``NaN`` can never appear).

    Parameters
    ----------
    obj
        Value to encode.
    indent
        Indentation (ignored when ``compact``).
    compact
        No whitespace between items (for HTTP responses).
    """
    if compact:
        return json.dumps(jsonable(obj), allow_nan=False, separators=(",", ":"))
    return json.dumps(jsonable(obj), allow_nan=False, indent=indent)
