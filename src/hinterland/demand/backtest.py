"""Rolling-origin backtests that never show a model the future.

A backtest cuts the panel (series x periods, see :mod:`hinterland.demand.forecast`)
at several *cutoffs*; for each, the forecaster receives **only a copy of the
columns before the cutoff** and its ``h``-step forecast is scored against the
next ``h`` columns. The copy is made here, so a forecaster cannot read later
periods even by mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.demand.forecast import DEFAULT_MODELS, forecast_panel
from hinterland.demand.metrics import per_series_errors, score

#: ``forecaster(train_panel, h) -> {model name: (n_series, h) array}``
Forecaster = Callable[[np.ndarray, int], dict[str, np.ndarray]]


def rolling_cutoffs(
    n_periods: int, h: int, n_windows: int, step: int | None = None, min_train: int = 2
) -> list[int]:
    """Cutoffs (number of training periods) of the rolling-origin windows.

    The last window ends at the last period; earlier windows step back by
    ``step`` (default ``h``) periods. Windows whose training part would be
    shorter than ``min_train`` are dropped, so fewer than ``n_windows`` may be
    returned (at least one is required).

    Returns
    -------
    list of int
        Increasing cutoffs ``c``: train on ``[0, c)``, test on ``[c, c + h)``.
    """
    step = step or h
    if h < 1 or step < 1 or n_windows < 1:
        raise HinterlandError("horizon, step and n_windows must be >= 1")
    cuts = [n_periods - h - k * step for k in range(n_windows)]
    cuts = sorted(c for c in cuts if c >= min_train)
    if not cuts:
        raise HinterlandError(
            f"{n_periods} periods are too few for a horizon of {h} "
            f"with at least {min_train} training periods"
        )
    return cuts


def backtest(
    panel: np.ndarray,
    h: int,
    *,
    n_windows: int = 3,
    step: int | None = None,
    models: Sequence[str] = DEFAULT_MODELS,
    season_length: int = 7,
    forecaster: Forecaster | None = None,
    min_train: int = 2,
    features: pd.DataFrame | None = None,
    global_config: Any = None,
    first_period: int = 0,
) -> tuple[pd.DataFrame, dict[int, dict[str, np.ndarray]]]:
    """Rolling-origin evaluation of several models.

    Parameters
    ----------
    panel
        Series x periods demand (NaN before a series starts).
    h
        Forecast horizon (periods).
    n_windows, step, min_train
        See :func:`rolling_cutoffs`.
    models, season_length
        Passed to :func:`~hinterland.demand.forecast.forecast_panel` when no
        ``forecaster`` is given.
    forecaster
        Any function ``(train_panel, h) -> {name: forecasts}``.
    features, global_config, first_period
        Static series features and settings of the global model (used when
        ``models`` includes ``GlobalLightGBM``; see
        :func:`~hinterland.demand.forecast.forecast_panel`). Static features
        are attributes of the series, not of periods, so they carry no
        information from after a cutoff.

    Returns
    -------
    (scores, forecasts)
        ``scores``: one row per cutoff and model with columns ``cutoff``,
        ``model``, ``rmsse``, ``mase``, ``bias``, ``n_series``, ``n_unscaled``.
        ``forecasts``: cutoff -> model -> array ``(n_series, h)``.
    """
    panel = np.asarray(panel, dtype=float)
    fc_fn: Forecaster = forecaster or (
        lambda train, hh: forecast_panel(
            train,
            hh,
            models,
            season_length=season_length,
            features=features,
            global_config=global_config,
            first_period=first_period,
        )
    )
    rows = []
    all_fc: dict[int, dict[str, np.ndarray]] = {}
    for cut in rolling_cutoffs(panel.shape[1], h, n_windows, step, min_train):
        train = panel[:, :cut].copy()
        train.setflags(write=False)
        test = panel[:, cut : cut + h]
        fcs = fc_fn(train, h)
        all_fc[cut] = fcs
        for name, f in fcs.items():
            s = score(np.nan_to_num(test), f, panel[:, :cut])
            rows.append(
                {
                    "cutoff": cut,
                    "model": name,
                    "rmsse": s.rmsse,
                    "mase": s.mase,
                    "bias": s.bias,
                    "n_series": s.n_series,
                    "n_unscaled": s.n_unscaled,
                }
            )
    return pd.DataFrame(rows), all_fc


def window_errors(
    panel: np.ndarray, cutoff: int, h: int, forecasts: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Per-series mean squared *scaled* error of each model in one window.

    Returns
    -------
    dict
        Model -> array ``(n_series,)`` of ``mean((y - f)^2) / scale`` (``nan``
        where the series has no scale at that cutoff).
    """
    test = np.nan_to_num(panel[:, cutoff : cutoff + h])
    out = {}
    for name, f in forecasts.items():
        per = per_series_errors(test, f, panel[:, :cutoff])
        out[name] = per["rmsse"].to_numpy() ** 2
    return out
