"""User order histories: loading, validation and aggregation to demand series.

An order-history file (CSV or Parquet) has one row per order line:

========== ======================================================================
column     meaning
========== ======================================================================
timestamp  when the order was placed or delivered: a date or date-time
item       item identifier (any text)
zip        destination ZIP area; 1-5 digits, left-padded with zeros to 5
quantity   units, integer >= 0
========== ======================================================================

Times are read as the local wall clock: either every timestamp carries a UTC offset
(``2025-03-04T13:05+05:00``; the offset is dropped, the local day kept) or none
does; a file mixing both is refused, since the two kinds cannot be put on one
clock without knowing the naive times' zone.

A long demand-series file (``--series``) has ``series_id`` (text), ``period``
(integer >= 0) and ``demand`` (finite number >= 0), see :func:`validate_series`.

Extra columns are kept. Any bad value raises
:class:`~hinterland.core.errors.InputError` naming the file, the 1-based data row
(header excluded) and the column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hinterland.core.errors import InputError
from hinterland.io.tables import read_table

HISTORY_COLUMNS: tuple[str, ...] = ("timestamp", "item", "zip", "quantity")
SERIES_COLUMNS: tuple[str, ...] = ("series_id", "period", "demand")
#: Most units one order line may carry (beyond it, a typo: and int64 sums stay exact).
MAX_QUANTITY = 1_000_000_000
#: Largest period number of a series file (periods index a dense panel).
MAX_PERIOD = 100_000
#: A date-time with a UTC offset: group 1 is the wall clock, group 2 the offset.
_WITH_OFFSET = r"^(.*\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)$"


def load_order_history(path: str | Path) -> pd.DataFrame:
    """Read and validate an order-history file.

    Returns
    -------
    DataFrame
        ``timestamp`` (datetime64), ``item`` (str), ``zip`` (5-char str),
        ``quantity`` (int64), plus any extra columns of the file.

    Raises
    ------
    InputError
        File missing or unreadable, a required column missing, an empty or
        unparseable timestamp, an empty item, a malformed ZIP, or a quantity
        that is not an integer >= 0.
    """
    p = Path(path)
    src = str(p)
    df = read_table(p, source=src)
    if p.suffix.lower() == ".parquet":
        df = df.astype({c: str for c in ("zip", "item") if c in df.columns})
    for col in HISTORY_COLUMNS:
        if col not in df.columns:
            raise InputError(
                src,
                f"missing column '{col}' (required: {', '.join(HISTORY_COLUMNS)})",
                column=col,
            )
    return validate_history(df, src)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.argmax(mask)) + 1


def validate_history(df: pd.DataFrame, source: str = "order history") -> pd.DataFrame:
    """Validate and normalise an order-history table (see module docstring)."""
    out = df.copy()
    if out.empty:
        raise InputError(source, "no rows (only a header)")
    ts_raw = out["timestamp"]
    if pd.api.types.is_datetime64_any_dtype(ts_raw):
        ts = ts_raw.dt.tz_localize(None) if ts_raw.dt.tz is not None else ts_raw
    else:
        text = ts_raw.astype(str).str.strip()
        parts = text.str.extract(_WITH_OFFSET)
        offset = parts[0].notna().to_numpy()
        if offset.any() and not offset.all():
            r = _first_bad(~offset if offset[0] else offset)
            raise InputError(
                source,
                f"{text.iloc[r - 1]!r} {'has no' if offset[0] else 'has a'} UTC offset while "
                f"row 1 ({text.iloc[0]!r}) {'has one' if offset[0] else 'has none'}: give "
                "every timestamp an offset, or none",
                row=r,
                column="timestamp",
            )
        wall = parts[0] if offset.any() else text
        ts = pd.to_datetime(wall, errors="coerce", format="mixed")
    bad = ts.isna().to_numpy()
    if bad.any():
        r = _first_bad(bad)
        raise InputError(
            source, f"cannot parse date {str(ts_raw.iloc[r - 1])!r}", row=r, column="timestamp"
        )
    out["timestamp"] = ts
    item = out["item"].astype(str).str.strip()
    bad = ((item == "") | (item.str.lower() == "nan")).to_numpy()
    if bad.any():
        raise InputError(source, "empty item", row=_first_bad(bad), column="item")
    out["item"] = item
    z = out["zip"].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    bad = (~z.str.fullmatch(r"\d{1,5}")).to_numpy()
    if bad.any():
        r = _first_bad(bad)
        raise InputError(
            source, f"ZIP must be 1-5 digits, got {z.iloc[r - 1]!r}", row=r, column="zip"
        )
    out["zip"] = z.str.zfill(5)
    q_raw = out["quantity"]
    q = pd.to_numeric(q_raw, errors="coerce")
    bad = (q.isna() | ~np.isfinite(q.to_numpy(dtype=float)) | (q != np.floor(q))).to_numpy()
    if bad.any():
        r = _first_bad(bad)
        raise InputError(
            source,
            f"quantity must be an integer, got {str(q_raw.iloc[r - 1])!r}",
            row=r,
            column="quantity",
        )
    bad = (q < 0).to_numpy()
    if bad.any():
        r = _first_bad(bad)
        raise InputError(
            source, f"quantity must be >= 0, got {q.iloc[r - 1]:g}", row=r, column="quantity"
        )
    bad = (q > MAX_QUANTITY).to_numpy()
    if bad.any():
        r = _first_bad(bad)
        raise InputError(
            source, f"quantity {q.iloc[r - 1]:g} is above {MAX_QUANTITY:,}", row=r,
            column="quantity"
        )
    out["quantity"] = q.astype(np.int64)
    return out.reset_index(drop=True)


def validate_series(df: pd.DataFrame, source: str = "series") -> pd.DataFrame:
    """Check a long demand-series table; return it with ``period`` int and ``demand`` float.

    Raises
    ------
    InputError
        A missing column, no rows, an empty ``series_id``, a ``period`` that is not an
        integer >= 0, a ``demand`` that is not a finite number >= 0, or a
        (``series_id``, ``period``) pair listed twice.
    """
    for col in SERIES_COLUMNS:
        if col not in df.columns:
            raise InputError(source, f"missing column '{col}' (required: "
                             f"{', '.join(SERIES_COLUMNS)})", column=col)
    if df.empty:
        raise InputError(source, "no rows (only a header)")
    out = df.copy()
    sid = out["series_id"].astype(str).str.strip()
    bad = (out["series_id"].isna() | (sid == "") | (sid.str.lower() == "nan")).to_numpy()
    if bad.any():
        raise InputError(source, "empty series_id", row=_first_bad(bad), column="series_id")
    out["series_id"] = sid
    per = pd.to_numeric(out["period"], errors="coerce")
    bad = (~np.isfinite(per.to_numpy(dtype=float)) | (per < 0) | (per != np.floor(per))
           | (per > MAX_PERIOD)).to_numpy()
    if bad.any():
        r = _first_bad(bad)
        raise InputError(source, f"period must be an integer from 0 to {MAX_PERIOD:,}, got "
                         f"{str(out['period'].iloc[r - 1])!r}", row=r, column="period")
    out["period"] = per.astype(np.int64)
    dem = pd.to_numeric(out["demand"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(dem) | (dem < 0)
    if bad.any():
        r = _first_bad(bad)
        raise InputError(source, f"demand must be a finite number >= 0, got "
                         f"{str(out['demand'].iloc[r - 1])!r}", row=r, column="demand")
    out["demand"] = dem
    twice = out.duplicated(["series_id", "period"]).to_numpy()
    if twice.any():
        r = _first_bad(twice)
        raise InputError(source, f"series {sid.iloc[r - 1]!r} lists period "
                         f"{out['period'].iloc[r - 1]} twice", row=r, column="period")
    return out.reset_index(drop=True)


def check_zips(
    history: pd.DataFrame, known: set[str] | frozenset[str], source: str = "order history"
) -> None:
    """Refuse the first order line whose ZIP is not a ZIP area (``known`` codes).

    Raises
    ------
    InputError
        Naming the 1-based row and the ``zip`` column.
    """
    bad = (~history["zip"].astype(str).isin(known)).to_numpy()
    if bad.any():
        r = _first_bad(bad)
        raise InputError(source, f"unknown ZIP area {history['zip'].iloc[r - 1]!r} (not a "
                         "ZIP code tabulation area)", row=r, column="zip")


def orders_to_history(orders: pd.DataFrame) -> pd.DataFrame:
    """Generated orders (:mod:`hinterland.demand.orders`) in the history layout."""
    ts = pd.to_datetime(orders["date"]) + pd.to_timedelta(orders["minute"].astype(int), "min")
    return pd.DataFrame(
        {
            "timestamp": ts,
            "item": orders["item"].astype(str),
            "zip": orders["zip"].astype(str),
            "quantity": orders["quantity"].astype(np.int64),
        }
    )


def demand_series(
    history: pd.DataFrame,
    zip_to_hub: pd.DataFrame | None = None,
    *,
    freq: str = "D",
) -> pd.DataFrame:
    """Aggregate an order history to item x hub demand per period.

    Parameters
    ----------
    history
        Validated history (:func:`load_order_history`).
    zip_to_hub
        Columns ``zip``, ``hub``; orders of ZIPs not listed are dropped. Without
        it every ZIP area is its own hub.
    freq
        ``"D"`` (daily) or ``"W"`` (weeks starting Monday).

    Returns
    -------
    DataFrame
        Long table ``series_id`` (``"<item>@<hub>"``), ``item``, ``hub``,
        ``period`` (int, 0 = first period of the history), ``period_start``
        (datetime), ``demand`` (float); every series has a row for every period
        from the first to the last period of the whole history (zeros filled).
    """
    if freq not in ("D", "W"):
        raise InputError("freq", f"freq must be 'D' or 'W', got {freq!r}")
    h = history
    if zip_to_hub is not None:
        hubs = zip_to_hub[["zip", "hub"]].drop_duplicates("zip")
        h = h.merge(hubs, on="zip", how="inner")
    else:
        h = h.assign(hub=h["zip"])
    day = h["timestamp"].dt.normalize()
    start = day - pd.to_timedelta(day.dt.weekday, "D") if freq == "W" else day
    t0 = start.min()
    step = 7 if freq == "W" else 1
    period = ((start - t0).dt.days // step).astype(np.int64)
    g = (
        pd.DataFrame(
            {
                "item": h["item"].astype(str),
                "hub": h["hub"].astype(str),
                "period": period,
                "demand": h["quantity"].astype(float),
            }
        )
        .groupby(["item", "hub", "period"], observed=True)["demand"]
        .sum()
    )
    wide = g.unstack("period", fill_value=0)
    n_periods = int(period.max()) + 1 if len(period) else 0
    wide = wide.reindex(columns=range(n_periods), fill_value=0.0)
    long = wide.stack().reset_index()
    long.columns = pd.Index(["item", "hub", "period", "demand"])
    long["demand"] = long["demand"].astype(float)
    long["series_id"] = long["item"] + "@" + long["hub"]
    long["period_start"] = t0 + pd.to_timedelta(long["period"] * step, "D")
    return long[["series_id", "item", "hub", "period", "period_start", "demand"]]
