"""Forecast accuracy metrics for (intermittent) demand.

All metrics are computed per series and then averaged over the series whose
scale is positive (a series whose training history never changes has no
scale; it is counted in ``n_unscaled`` and left out of the means, as in the M5
competition).

* **RMSSE** (root mean squared scaled error, M5): ``sqrt(mean((y - f)^2) /
  mean(diff(train)^2))``.
* **MASE** (mean absolute scaled error, Hyndman & Koehler 2006): ``mean|y - f| /
  mean|diff(train)|``.
* **bias**: ``sum(f - y) / sum(y)`` over all series and periods pooled
  (``+0.10`` = forecasts 10 % too high on aggregate).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError


@dataclass(frozen=True)
class Scores:
    """Aggregate accuracy of one forecast over many series.

    Attributes
    ----------
    rmsse, mase
        Means over the scaled series.
    bias
        Pooled relative bias ``sum(f - y) / sum(y)``.
    n_series
        Series scored.
    n_unscaled
        Series left out of the means because their training history is constant.
    """

    rmsse: float
    mase: float
    bias: float
    n_series: int
    n_unscaled: int


def series_scales(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-series scales of a training matrix (series x periods, NaN = before start).

    Returns
    -------
    (mse_scale, mae_scale)
        Mean squared and mean absolute one-step naive differences of each row,
        ignoring NaN. Rows with fewer than two observations get ``nan``.
    """
    d = np.diff(np.asarray(train, dtype=float), axis=1)
    valid = ~np.isnan(d)
    n = valid.sum(axis=1)
    d0 = np.where(valid, d, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mse = (d0**2).sum(axis=1) / n
        mae = np.abs(d0).sum(axis=1) / n
    mse[n == 0] = np.nan
    mae[n == 0] = np.nan
    return mse, mae


def per_series_errors(actual: np.ndarray, forecast: np.ndarray, train: np.ndarray) -> pd.DataFrame:
    """Per-series RMSSE and MASE.

    Parameters
    ----------
    actual, forecast
        Matrices series x horizon.
    train
        Matrix series x training periods (NaN allowed for periods before a
        series starts).

    Returns
    -------
    DataFrame
        Columns ``rmsse``, ``mase`` (``nan`` where the scale is zero or
        undefined), ``sum_forecast``, ``sum_actual``.
    """
    actual = np.asarray(actual, dtype=float)
    forecast = np.asarray(forecast, dtype=float)
    if actual.shape != forecast.shape:
        raise HinterlandError(
            f"actual {actual.shape} and forecast {forecast.shape} have different shapes"
        )
    if np.isnan(forecast).any():
        raise HinterlandError("forecast contains NaN")
    mse_s, mae_s = series_scales(train)
    err = forecast - actual
    with np.errstate(invalid="ignore", divide="ignore"):
        rmsse = np.sqrt(np.nanmean(err**2, axis=1) / mse_s)
        mase = np.nanmean(np.abs(err), axis=1) / mae_s
    rmsse[~(mse_s > 0)] = np.nan
    mase[~(mae_s > 0)] = np.nan
    ok = ~np.isnan(actual)
    return pd.DataFrame(
        {
            "rmsse": rmsse,
            "mase": mase,
            "sum_forecast": np.where(ok, forecast, 0.0).sum(axis=1),
            "sum_actual": np.where(ok, actual, 0.0).sum(axis=1),
        }
    )


def score(actual: np.ndarray, forecast: np.ndarray, train: np.ndarray) -> Scores:
    """Aggregate RMSSE, MASE and pooled bias (see module docstring)."""
    per = per_series_errors(actual, forecast, train)
    scaled = per["rmsse"].notna()
    total_actual = float(per["sum_actual"].sum())
    bias = (
        float((per["sum_forecast"].sum() - total_actual) / total_actual)
        if total_actual > 0
        else float("nan")
    )
    return Scores(
        rmsse=float(per.loc[scaled, "rmsse"].mean()) if scaled.any() else float("nan"),
        mase=float(per["mase"].dropna().mean()) if per["mase"].notna().any() else float("nan"),
        bias=bias,
        n_series=len(per),
        n_unscaled=int((~scaled).sum()),
    )
