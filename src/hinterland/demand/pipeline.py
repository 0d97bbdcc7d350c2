"""From demand series to forecasts and to the demand table of the assortment stage.

Forecast table (what :func:`forecast_table` returns and ``hinterland forecast``
writes):

============== ===== =========================================================
column         type  meaning
============== ===== =========================================================
series_id      str   series (``"<item>@<hub>"`` when built from orders)
item           str   item id (``series_id`` before ``@``, else ``series_id``)
hub            str   hub id (after ``@``, else ``"all"``)
step           int   1 .. horizon: periods after the last observed period
forecast       float units in that period
period_days    float days per period (1 daily, 7 weekly)
vmr            float variance-to-mean ratio of the series' history (>= 1)
============== ===== =========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.errors import InputError
from hinterland.demand.forecast import DEFAULT_MODELS, panel_from_long
from hinterland.demand.selection import Selection, select_and_forecast


def _split_ids(ids: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    s = pd.Series(ids.astype(str))
    parts = s.str.split("@", n=1, expand=True)
    if parts.shape[1] == 1:
        return s.to_numpy(), np.full(len(s), "all", dtype=object)
    hub = parts[1].fillna("all")
    return parts[0].to_numpy(), hub.to_numpy()


def forecast_table(
    series: pd.DataFrame,
    horizon: int,
    *,
    method: str = "combo",
    models: Sequence[str] = DEFAULT_MODELS,
    n_windows: int = 4,
    season_length: int = 7,
    period_days: float = 1.0,
    chunk_size: int = 50_000,
    on_chunk: Callable[[int], None] | None = None,
    client: Any = None,
) -> tuple[pd.DataFrame, list[Selection]]:
    """Forecast every series of a long table (``series_id``, ``period``, ``demand``).

    Series are processed in chunks of ``chunk_size`` (each chunk makes its own
    selection, so memory stays bounded); ``on_chunk(n_series_done)`` is called
    after each chunk (for progress bars). With a ``dask.distributed.Client``
    the chunks run on its workers (same results as in-process).

    Returns
    -------
    (forecasts, selections)
        The forecast table (module docstring) and each chunk's
        :class:`~hinterland.demand.selection.Selection`.
    """
    for col in ("series_id", "period", "demand"):
        if col not in series.columns:
            raise InputError("series", f"missing column '{col}'", column=col)
    if (pd.to_numeric(series["demand"], errors="coerce") < 0).any():
        bad = int(np.argmax((series["demand"] < 0).to_numpy())) + 1
        raise InputError("series", "demand must be >= 0", row=bad, column="demand")
    values, ids, _ = panel_from_long(series)
    kw: dict[str, Any] = {
        "models": list(models),
        "method": method,
        "n_windows": n_windows,
        "season_length": season_length,
    }
    starts = list(range(0, len(ids), chunk_size))
    if client is not None:
        futures = [
            client.submit(select_and_forecast, values[lo : lo + chunk_size], horizon, **kw)
            for lo in starts
        ]
    frames, sels = [], []
    for j, lo in enumerate(starts):
        v = values[lo : lo + chunk_size]
        sel = futures[j].result() if client is not None else select_and_forecast(v, horizon, **kw)
        sels.append(sel)
        item, hub = _split_ids(ids[lo : lo + chunk_size])
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nanmean(v, axis=1)
            vmr = np.nanvar(v, axis=1) / mean
        vmr = np.clip(np.nan_to_num(vmr, nan=1.0), 1.0, 10.0)
        n = len(v)
        frames.append(
            pd.DataFrame(
                {
                    "series_id": np.repeat(ids[lo : lo + chunk_size].astype(str), horizon),
                    "item": np.repeat(item, horizon),
                    "hub": np.repeat(hub, horizon),
                    "step": np.tile(np.arange(1, horizon + 1), n),
                    "forecast": sel.forecast.ravel(),
                    "period_days": float(period_days),
                    "vmr": np.repeat(vmr, horizon),
                }
            )
        )
        if on_chunk is not None:
            on_chunk(min(lo + chunk_size, len(ids)))
    return pd.concat(frames, ignore_index=True), sels


def demand_for_assortment(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Turn a forecast table into the ``demand`` table of :mod:`hinterland.inventory`.

    Returns
    -------
    DataFrame
        ``hub``, ``item``, ``units_per_day`` (mean forecast per period divided
        by ``period_days``), ``vmr``.
    """
    for col in ("hub", "item", "forecast", "period_days"):
        if col not in forecasts.columns:
            raise InputError("forecasts", f"missing column '{col}'", column=col)
    f = forecasts.assign(
        units_per_day=forecasts["forecast"] / forecasts["period_days"],
        vmr=forecasts["vmr"] if "vmr" in forecasts.columns else 1.0,
    )
    out = f.groupby(["hub", "item"], as_index=False, sort=False).agg(
        units_per_day=("units_per_day", "mean"), vmr=("vmr", "first")
    )
    return out
