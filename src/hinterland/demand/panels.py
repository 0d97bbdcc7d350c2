"""Readers for demand-series files used by benchmarks and the ``forecast`` command.

Three layouts are recognised from the header:

* **long** CSV/Parquet with columns ``series_id, period, demand`` (any order,
  extra columns ignored). ``period`` may be integers or dates; it is sorted.
* **wide, periods as rows** (Hyndman's ``carparts_wide.csv``): first column
  names the period (e.g. ``month``), every other column is a series.
* **wide, series as rows, newest first** (Syntetos & Boylan automotive CSV):
  first column ``sku``, then ``latest``, ``last -1``, ``last -2`` ...
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hinterland.core.errors import InputError


@dataclass(frozen=True)
class DemandPanel:
    """Demand series as a dense matrix.

    Attributes
    ----------
    values
        ``(n_series, n_periods)`` float, ``NaN`` where a series has no value.
    series_ids
        Label of each row.
    periods
        Label of each column (oldest first).
    season_length
        Periods per seasonal cycle guessed from the layout (12 for monthly).
    dropped
        Series dropped because they have missing values (wide layouts only).
    """

    values: np.ndarray
    series_ids: pd.Index
    periods: pd.Index
    season_length: int
    dropped: int = 0


def read_panel(
    path: str | Path, *, season_length: int | None = None, drop_incomplete: bool = True
) -> DemandPanel:
    """Read a demand-series file in any layout listed in the module docstring.

    Parameters
    ----------
    path
        CSV or Parquet file.
    season_length
        Override the guessed season length (12 for the monthly wide layouts,
        7 otherwise).
    drop_incomplete
        Drop series of the wide layouts that have any missing value (the 165
        car-parts series that stop early); long files are kept as given.

    Raises
    ------
    InputError
        Unknown layout, negative or non-numeric demand (naming row and column).
    """
    p = Path(path)
    if not p.exists():
        raise InputError(str(p), "file not found")
    df = pd.read_parquet(p) if p.suffix.lower() == ".parquet" else pd.read_csv(p)
    cols = [str(c) for c in df.columns]
    df.columns = cols
    if {"series_id", "period", "demand"} <= set(cols):
        dem = pd.to_numeric(df["demand"], errors="coerce")
        _check_values(p, dem.to_numpy(), df.index.to_numpy(), "demand")
        df = df.assign(demand=dem)
        wide = df.pivot_table(
            index="series_id", columns="period", values="demand", aggfunc="sum"
        ).sort_index(axis=1)
        vals = wide.to_numpy(dtype=float)
        return DemandPanel(vals, wide.index, wide.columns, season_length or 7, 0)
    if len(cols) > 1:
        _check_wide(p, df.iloc[:, 1:])
    if cols and cols[0].lower() == "sku":
        body = df.iloc[:, 1:].apply(pd.to_numeric, errors="coerce")
        vals = body.to_numpy(dtype=float)[:, ::-1]  # oldest first
        periods = pd.Index(list(body.columns)[::-1])
        ids = pd.Index(df.iloc[:, 0].astype(str))
    elif len(cols) > 1:
        body = df.iloc[:, 1:].apply(pd.to_numeric, errors="coerce")
        vals = body.to_numpy(dtype=float).T
        periods = pd.Index(df.iloc[:, 0].astype(str))
        ids = pd.Index(list(body.columns))
    else:
        raise InputError(str(p), "expected columns series_id, period, demand or a wide layout")
    dropped = 0
    if drop_incomplete:
        keep = ~np.isnan(vals).any(axis=1)
        dropped = int((~keep).sum())
        vals, ids = vals[keep], ids[keep]
    return DemandPanel(vals, ids, periods, season_length or 12, dropped)


def _check_wide(path: Path, raw: pd.DataFrame) -> None:
    """Negative or non-numeric cells (blank = missing is allowed), by data row and column."""
    num = raw.apply(pd.to_numeric, errors="coerce")
    bad = ((num < 0) | (num.isna() & raw.notna())).to_numpy()
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise InputError(
            str(path), "demand must be a number >= 0", row=int(r) + 1, column=str(raw.columns[c])
        )


def _check_values(path: Path, vals: np.ndarray, rows: np.ndarray, column: str) -> None:
    bad = (vals < 0) | np.isnan(vals)
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(
            str(path), "demand must be a number >= 0", row=int(rows[i]) + 1, column=column
        )
