"""Forecasting many (intermittent) demand series with Nixtla ``statsforecast``.

Series are held as a dense *panel*: a float matrix ``series x periods`` with
``NaN`` for periods before a series starts (or after it stops). Periods are
consecutive integers (days, weeks or months); the calendar is the caller's.

:func:`panel_from_long` / :func:`long_from_panel` convert from and to the long
table used everywhere else:

========== ===== =======================================
column     type  meaning
========== ===== =======================================
series_id  str   one item x hub (or any) series
period     int   consecutive period number (or a date)
demand     float units demanded in that period (>= 0)
========== ===== =======================================
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.demand.global_model import GLOBAL_MODEL as _GLOBAL_MODEL_NAME

#: Models available by name. Intermittent-demand models follow Croston (1972),
#: Syntetos & Boylan (2005, SBA), Teunter-Syntetos-Babai (2011, TSB), Nikolopoulos
#: et al. (2011, ADIDA) and Petropoulos & Kourentzes (2015, IMAPA).
MODEL_NAMES: tuple[str, ...] = (
    "CrostonClassic",
    "CrostonOptimized",
    "CrostonSBA",
    "TSB",
    "ADIDA",
    "IMAPA",
    "SeasonalNaive",
    "HistoricAverage",
    "Naive",
    "WindowAverage",
)

#: Default candidate set for selection (all of :data:`MODEL_NAMES`).
DEFAULT_MODELS: tuple[str, ...] = MODEL_NAMES

#: The global LightGBM model (:mod:`hinterland.demand.global_model`); not a
#: statsforecast model, but accepted wherever a model name is.
GLOBAL_MODEL = _GLOBAL_MODEL_NAME

#: Candidates of the selection with the global model.
MODELS_WITH_GLOBAL: tuple[str, ...] = (*MODEL_NAMES, GLOBAL_MODEL)


def make_model(name: str, season_length: int = 7, window: int | None = None) -> Any:
    """Build one statsforecast model object by name.

    ``TSB`` uses smoothing constants ``alpha_d = alpha_p = 0.1`` (Teunter et al.
    2011 recommend small constants); ``WindowAverage`` averages the last
    ``window`` periods (default ``season_length``).
    """
    from statsforecast import models as m

    builders: dict[str, Any] = {
        "CrostonClassic": lambda: m.CrostonClassic(),
        "CrostonOptimized": lambda: m.CrostonOptimized(),
        "CrostonSBA": lambda: m.CrostonSBA(),
        "TSB": lambda: m.TSB(alpha_d=0.1, alpha_p=0.1),
        "ADIDA": lambda: m.ADIDA(),
        "IMAPA": lambda: m.IMAPA(),
        "SeasonalNaive": lambda: m.SeasonalNaive(season_length=season_length),
        "HistoricAverage": lambda: m.HistoricAverage(),
        "Naive": lambda: m.Naive(),
        "WindowAverage": lambda: m.WindowAverage(window_size=window or season_length),
    }
    if name not in builders:
        raise HinterlandError(
            f"unknown model {name!r}; choose from {', '.join(MODELS_WITH_GLOBAL)}"
        )
    return builders[name]()


def panel_from_long(
    df: pd.DataFrame,
    *,
    id_col: str = "series_id",
    period_col: str = "period",
    value_col: str = "demand",
) -> tuple[np.ndarray, pd.Index, pd.Index]:
    """Pivot a long table to a panel.

    Returns
    -------
    (panel, series_ids, periods)
        ``panel[i, t]`` is the demand of ``series_ids[i]`` in ``periods[t]``;
        ``NaN`` where the long table has no row.
    """
    wide = df.pivot_table(index=id_col, columns=period_col, values=value_col, aggfunc="sum")
    wide = wide.sort_index(axis=1)
    return wide.to_numpy(dtype=float), wide.index, wide.columns


def long_from_panel(
    panel: np.ndarray, series_ids: Sequence[Any], periods: Sequence[Any]
) -> pd.DataFrame:
    """Inverse of :func:`panel_from_long` (rows with ``NaN`` dropped)."""
    n, t = panel.shape
    out = pd.DataFrame(
        {
            "series_id": np.repeat(np.asarray(series_ids), t),
            "period": np.tile(np.asarray(periods), n),
            "demand": panel.ravel(),
        }
    )
    return out.dropna(subset=["demand"]).reset_index(drop=True)


def forecast_panel(
    panel: np.ndarray,
    h: int,
    models: Sequence[str] = DEFAULT_MODELS,
    *,
    season_length: int = 7,
    n_jobs: int = 1,
    features: pd.DataFrame | None = None,
    global_config: Any = None,
    first_period: int = 0,
) -> dict[str, np.ndarray]:
    """Forecast every row of ``panel`` ``h`` periods ahead with each model.

    ``models`` may include :data:`GLOBAL_MODEL`, the global LightGBM model of
    :func:`hinterland.demand.global_model.global_forecast`, which also reads
    the static ``features`` (one row per series), ``global_config`` (a
    :class:`~hinterland.demand.global_model.GlobalModelConfig`) and
    ``first_period`` (season position of column 0).

    Leading ``NaN`` (before a series starts) are skipped; a ``NaN`` after the
    first observation counts as zero demand. The forecast starts right after
    the panel's last column. Rows with no observation are
    forecast as zero. Where a model cannot forecast a row (e.g. seasonal naive
    with less than one season of history) the ``Naive`` forecast of that row
    is used; where that is undefined, zero. Forecasts are clipped at zero.

    Returns
    -------
    dict
        Model name -> array ``(n_series, h)``.
    """
    if h < 1:
        raise HinterlandError(f"horizon must be >= 1, got {h}")
    panel = np.asarray(panel, dtype=float)
    n, t = panel.shape
    out = {name: np.zeros((n, h)) for name in models}
    if n == 0 or t == 0:
        return out
    if GLOBAL_MODEL in models:
        from hinterland.demand.global_model import global_forecast

        g = global_forecast(
            panel,
            h,
            features=features,
            season_length=season_length,
            first_period=first_period,
            config=global_config,
        )
        out[GLOBAL_MODEL] = np.nan_to_num(g, nan=0.0)
        models = [m for m in models if m != GLOBAL_MODEL]
        if not models:
            return out
    from statsforecast import StatsForecast

    started = np.cumsum(~np.isnan(panel), axis=1) > 0
    panel = np.where(started & np.isnan(panel), 0.0, panel)
    rows, cols = np.nonzero(started)
    if rows.size == 0:
        return out
    df = pd.DataFrame({"unique_id": rows, "ds": cols, "y": panel[rows, cols]})
    objs = [make_model(name, season_length=season_length) for name in models]
    sf = StatsForecast(models=objs, freq=1, n_jobs=n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = sf.forecast(df=df, h=h)
    fc = fc.sort_values(["unique_id", "ds"])
    ids = fc["unique_id"].to_numpy()[::h]
    naive_last = _last_observed(panel)
    for name in models:
        vals = fc[name].to_numpy(dtype=float).reshape(-1, h)
        bad = np.isnan(vals)
        if bad.any():
            vals = np.where(bad, naive_last[ids][:, None], vals)
        out[name][ids] = np.clip(np.nan_to_num(vals, nan=0.0), 0.0, None)
    return out


def _last_observed(panel: np.ndarray) -> np.ndarray:
    ok = ~np.isnan(panel)
    last_idx = panel.shape[1] - 1 - np.argmax(ok[:, ::-1], axis=1)
    vals = panel[np.arange(panel.shape[0]), last_idx]
    return np.where(ok.any(axis=1), vals, 0.0)
