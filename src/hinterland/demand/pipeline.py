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
vmr            float variance-to-mean ratio of the predictive distribution
                     (>= 1): the history's ratio times the dispersion factor
                     calibrated on the validation windows
                     (:mod:`hinterland.demand.intervals`); the assortment sizes
                     stock with it
vmr_history    float variance-to-mean ratio of the series' history (>= 1)
lo, hi         float ends of the prediction interval (default 80 %, split
                     conformal on the validation windows)
method         str   how the forecast was made: ``selection:<chosen>`` or a
                     cold-start method (``coldstart:new_hub``, ...)
============== ===== =========================================================

With ``interval_level=None`` the table has no ``lo``/``hi`` and ``vmr`` is the
history's ratio.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.errors import InputError
from hinterland.demand.forecast import DEFAULT_MODELS, panel_from_long
from hinterland.demand.intervals import calibrate, history_vmr
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
    features: pd.DataFrame | None = None,
    global_config: Any = None,
    interval_level: float | None = 0.8,
) -> tuple[pd.DataFrame, list[Selection]]:
    """Forecast every series of a long table (``series_id``, ``period``, ``demand``).

    Series are processed in chunks of ``chunk_size`` (each chunk makes its own
    selection, so memory stays bounded); ``on_chunk(n_series_done)`` is called
    after each chunk (for progress bars). With a ``dask.distributed.Client``
    the chunks run on its workers (same results as in-process).

    ``features`` (indexed by ``series_id``) are the static features of the
    global model candidate ``GlobalLightGBM`` (include it in ``models``);
    ``interval_level`` the coverage of the ``lo``/``hi`` interval.

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
        "global_config": global_config,
    }
    feats = None
    if features is not None:
        feats = features.reindex(ids)
        if feats.isna().all(axis=1).any():
            missing = ids[feats.isna().all(axis=1).to_numpy()][0]
            raise InputError("features", f"no features for series {missing!r}", column="series_id")
        feats = feats.reset_index(drop=True)

    def chunk_kw(lo: int) -> dict[str, Any]:
        if feats is None:
            return kw
        return {**kw, "features": feats.iloc[lo : lo + chunk_size].reset_index(drop=True)}

    starts = list(range(0, len(ids), chunk_size))
    if client is not None:
        futures = [
            client.submit(
                select_and_forecast, values[lo : lo + chunk_size], horizon, **chunk_kw(lo)
            )
            for lo in starts
        ]
    frames, sels = [], []
    for j, lo in enumerate(starts):
        v = values[lo : lo + chunk_size]
        sel = (
            futures[j].result()
            if client is not None
            else select_and_forecast(v, horizon, **chunk_kw(lo))
        )
        sels.append(sel)
        item, hub = _split_ids(ids[lo : lo + chunk_size])
        vmr_h = history_vmr(v)
        n = len(v)
        cols: dict[str, Any] = {
            "series_id": np.repeat(ids[lo : lo + chunk_size].astype(str), horizon),
            "item": np.repeat(item, horizon),
            "hub": np.repeat(hub, horizon),
            "step": np.tile(np.arange(1, horizon + 1), n),
            "forecast": sel.forecast.ravel(),
            "period_days": float(period_days),
            "vmr": np.repeat(vmr_h, horizon),
            "vmr_history": np.repeat(vmr_h, horizon),
        }
        if interval_level is not None:
            cal = calibrate(v, sel.validation_forecasts, horizon, level=interval_level)
            lo_i, hi_i = cal.interval(sel.forecast, vmr_h)
            cols["vmr"] = np.repeat(cal.predictive_vmr(vmr_h), horizon)
            cols["lo"] = lo_i.ravel()
            cols["hi"] = hi_i.ravel()
        cols["method"] = f"selection:{sel.chosen}"
        frames.append(pd.DataFrame(cols))
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


def coldstart_table(
    series: pd.DataFrame,
    new: pd.DataFrame,
    places: pd.DataFrame,
    items: pd.DataFrame,
    horizon: int,
    *,
    period_days: float = 1.0,
    vmr: float | None = None,
    interval_level: float = 0.8,
    seed: int = 0,
) -> pd.DataFrame:
    """Forecast-table rows (module docstring) for hubs or items without history.

    Parameters
    ----------
    series
        The long history (``series_id = "<item>@<hub>"``, ``period``,
        ``demand``) of the known series.
    new
        ``hub``, ``item`` pairs to forecast (a new hub with every item, a new
        item at every hub ...).
    places, items
        Place attributes of every hub (:func:`hinterland.demand.coldstart.place_attributes`)
        and item attributes indexed by ``item`` (``category``, ``weight_kg`` ...).
    horizon, period_days
        As in :func:`forecast_table`.
    vmr
        Variance-to-mean ratio of the predictive distribution (default: the
        median history ratio of the known series).
    interval_level
        Coverage of ``lo``/``hi`` (quantiles of that negative binomial).

    Returns
    -------
    DataFrame
        The forecast table's columns; ``method`` names the cold-start method
        of each row (never a silent zero).
    """
    from scipy import stats

    from hinterland.demand.coldstart import coldstart_forecast

    values, ids, _ = panel_from_long(series)
    item_k, hub_k = _split_ids(ids)
    item_ids = items.index.to_numpy()
    # series ids carry items as strings; map back to the items table's keys
    key = {str(i): i for i in item_ids}
    known = pd.DataFrame(
        {
            "hub": hub_k,
            "item": [key.get(str(i), i) for i in item_k],
            "mean": np.nan_to_num(np.nanmean(np.where(np.isnan(values), np.nan, values), axis=1)),
        }
    )
    res = coldstart_forecast(known, new, places, items, horizon, seed=seed)
    v = float(np.median(history_vmr(values))) if vmr is None else float(vmr)
    f = res.forecast
    n = len(new)
    mean = np.maximum(f, 1e-12)
    a = (1.0 - interval_level) / 2.0
    if v > 1.0 + 1e-9:
        p = 1.0 / v
        r = mean * p / (1.0 - p)
        lo, hi = stats.nbinom.ppf(a, r, p), stats.nbinom.ppf(1 - a, r, p)
    else:
        lo, hi = stats.poisson.ppf(a, mean), stats.poisson.ppf(1 - a, mean)
    hubs = new["hub"].astype(str).to_numpy()
    its = new["item"].to_numpy()
    return pd.DataFrame(
        {
            "series_id": np.repeat([f"{i}@{h}" for i, h in zip(its, hubs, strict=True)], horizon),
            "item": np.repeat(its.astype(str), horizon),
            "hub": np.repeat(hubs, horizon),
            "step": np.tile(np.arange(1, horizon + 1), n),
            "forecast": f.ravel(),
            "period_days": float(period_days),
            "vmr": v,
            "vmr_history": v,
            "lo": np.nan_to_num(lo).ravel(),
            "hi": np.nan_to_num(hi).ravel(),
            "method": np.repeat(res.method, horizon),
        }
    )
