"""Model selection and combination chosen on rolling validation windows only.

Per-series selection on one validation window is noisy for intermittent
demand: with a handful of non-zero periods the "best" model of a series is
mostly luck, and it loses to a good single model out of sample. The methods
here pool information instead:

``"combo"`` (default)
    1. Rolling-origin validation on the *training* periods only
       (:func:`hinterland.demand.backtest.backtest`, several windows).
    2. Rank the candidate models by their validation RMSSE pooled over all
       series and windows.
    3. Candidates for the final forecast are every single model and the mean
       of the top-``k`` models for ``k = 2 .. max_k``; the candidate with the
       lowest pooled validation RMSSE is used for every series.
``"pooled"``
    The single model with the lowest pooled validation RMSSE.
``"per_series"``
    Each series' own best model on the validation windows (shown for
    comparison; usually worse).
``"per_series_topk"``
    For each series, the mean of its own ``max_k`` best validation models.

None of these looks at the periods being forecast.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.demand.backtest import backtest, window_errors
from hinterland.demand.forecast import DEFAULT_MODELS, forecast_panel

SELECTION_METHODS: tuple[str, ...] = ("combo", "pooled", "per_series", "per_series_topk")


@dataclass(frozen=True)
class Selection:
    """Result of :func:`select_and_forecast`.

    Attributes
    ----------
    forecast
        Array ``(n_series, h)`` of the selected forecast.
    method
        Selection method used.
    chosen
        Description of the choice, e.g. ``"mean(IMAPA,TSB,ADIDA)"``.
    validation
        Pooled validation RMSSE of every candidate (columns ``candidate``,
        ``rmsse``), best first.
    cutoffs
        Validation cutoffs used (all inside the training periods).
    model_forecasts
        Each single model's forecast, ``(n_series, h)``.
    validation_forecasts
        Cutoff -> the *selected* forecast at that validation cutoff,
        ``(n_series, h)`` (what the chosen candidate forecast from the periods
        before the cutoff); used to calibrate prediction intervals
        (:mod:`hinterland.demand.intervals`).
    """

    forecast: np.ndarray
    method: str
    chosen: str
    validation: pd.DataFrame
    cutoffs: list[int]
    model_forecasts: dict[str, np.ndarray] = field(repr=False)
    validation_forecasts: dict[int, np.ndarray] = field(default_factory=dict, repr=False)


def _pooled_rmsse(msse: np.ndarray) -> float:
    """Mean over series of sqrt(mean over windows of MSSE); ``msse`` is windows x series."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        per_series = np.sqrt(np.nanmean(msse, axis=0))
    return float(np.nanmean(per_series))


def _validation_bias(
    panel: np.ndarray,
    cutoffs: list[int],
    h: int,
    val_fc: dict[int, dict[str, np.ndarray]],
    members: tuple[str, ...],
) -> float:
    """Pooled ``sum(f - y) / sum(y)`` of the mean of ``members`` over the validation windows."""
    num = den = 0.0
    for c in cutoffs:
        y = np.nan_to_num(panel[:, c : c + h])
        f = np.mean([val_fc[c][m] for m in members], axis=0)
        num += float((f - y).sum())
        den += float(y.sum())
    return num / den if den > 0 else float("nan")


def select_and_forecast(
    panel: np.ndarray,
    h: int,
    *,
    models: Sequence[str] = DEFAULT_MODELS,
    method: str = "combo",
    n_windows: int = 4,
    step: int = 1,
    max_k: int = 5,
    season_length: int = 7,
    min_train: int | None = None,
    features: pd.DataFrame | None = None,
    global_config: Any = None,
    first_period: int = 0,
    max_bias: float | None = None,
) -> Selection:
    """Choose a forecast on rolling validation windows, then forecast ``h`` ahead.

    Parameters
    ----------
    panel
        Training demand, series x periods (NaN before a series starts). The
        forecast is for the ``h`` periods after its last column.
    h
        Horizon.
    models
        Candidate statsforecast models (names from
        :data:`~hinterland.demand.forecast.MODEL_NAMES`).
    method
        One of :data:`SELECTION_METHODS` (see module docstring).
    n_windows, step
        Validation windows: ``n_windows`` cutoffs ``step`` periods apart, the
        last ending at the panel's end.
    max_k
        Largest number of models averaged.
    season_length
        Season of ``SeasonalNaive`` / ``WindowAverage``.
    min_train
        Shortest training part of a validation window. Default: half the
        training periods (at least ``h``), so that models are validated on
        histories of a length comparable to the final fit (a short-history
        validation under-rates long-memory models such as the historic average).
    features, global_config, first_period
        For the global model candidate ``GlobalLightGBM`` (see
        :func:`~hinterland.demand.forecast.forecast_panel`): static series
        features, its :class:`~hinterland.demand.global_model.GlobalModelConfig`
        and the season position of column 0. The global model is refitted on
        each validation window's training part, like every other candidate.
    max_bias
        ``combo`` only: choose among the candidates whose pooled validation
        bias ``sum(f - y) / sum(y)`` is within ``+-max_bias`` (all candidates
        if none is); the validation table then has a ``bias`` column.

    Returns
    -------
    Selection
    """
    if method not in SELECTION_METHODS:
        raise HinterlandError(
            f"unknown selection method {method!r}; choose from {', '.join(SELECTION_METHODS)}"
        )
    models = list(models)
    if not models:
        raise HinterlandError("no candidate models")
    panel = np.asarray(panel, dtype=float)
    min_train = min_train if min_train is not None else max(h, -(-panel.shape[1] // 2))
    gkw: dict[str, Any] = {
        "features": features,
        "global_config": global_config,
        "first_period": first_period,
    }
    _, val_fc = backtest(
        panel,
        h,
        n_windows=n_windows,
        step=step,
        models=models,
        season_length=season_length,
        min_train=min_train,
        **gkw,
    )
    cutoffs = sorted(val_fc)
    errs = [window_errors(panel, c, h, val_fc[c]) for c in cutoffs]
    single = {m: np.vstack([e[m] for e in errs]) for m in models}  # windows x series
    single_score = {m: _pooled_rmsse(v) for m, v in single.items()}
    ranked = sorted(models, key=lambda m: (np.nan_to_num(single_score[m], nan=np.inf), m))
    final_fc = forecast_panel(panel, h, models, season_length=season_length, **gkw)

    n = panel.shape[0]
    rows = [{"candidate": m, "rmsse": single_score[m]} for m in models]
    if method == "pooled":
        best = ranked[0]
        forecast, chosen = final_fc[best], best
        chosen_val = {c: val_fc[c][best] for c in cutoffs}
    elif method == "combo":
        cands: dict[str, tuple[str, ...]] = {m: (m,) for m in models}
        for k in range(2, min(max_k, len(ranked)) + 1):
            cands[f"mean({','.join(ranked[:k])})"] = tuple(ranked[:k])
        scores = {}
        for name, members in cands.items():
            if len(members) == 1:
                scores[name] = single_score[members[0]]
                continue
            msse = []
            for c, _ in zip(cutoffs, errs, strict=True):
                f = np.mean([val_fc[c][m] for m in members], axis=0)
                msse.append(window_errors(panel, c, h, {"x": f})["x"])
            scores[name] = _pooled_rmsse(np.vstack(msse))
            rows.append({"candidate": name, "rmsse": scores[name]})
        allowed = list(scores)
        if max_bias is not None:
            vb = {k: _validation_bias(panel, cutoffs, h, val_fc, cands[k]) for k in scores}
            for r in rows:
                r["bias"] = vb[str(r["candidate"])]
            inside = [k for k in scores if abs(vb[k]) <= max_bias]
            allowed = inside or allowed
        chosen = min(allowed, key=lambda k: (np.nan_to_num(scores[k], nan=np.inf), k))
        forecast = np.mean([final_fc[m] for m in cands[chosen]], axis=0)
        chosen_val = {c: np.mean([val_fc[c][m] for m in cands[chosen]], axis=0) for c in cutoffs}
    else:
        stacked = np.stack([single[m] for m in models])  # models x windows x series
        with warnings.catch_warnings(), np.errstate(invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            per = np.sqrt(np.nanmean(stacked, axis=1))  # models x series
        # Series without a validation score use the pooled ranking.
        fallback = np.array([ranked.index(m) for m in models], dtype=float)
        per = np.where(np.isnan(per), fallback[:, None] * 1e9, per)
        order = np.argsort(per, axis=0, kind="stable")  # models x series
        k = 1 if method == "per_series" else min(max_k, len(models))
        all_fc = np.stack([final_fc[m] for m in models])  # models x series x h
        pick = order[:k]  # k x series
        forecast = all_fc[pick, np.arange(n)[None, :], :].mean(axis=0)
        chosen_val = {
            c: np.stack([val_fc[c][m] for m in models])[pick, np.arange(n)[None, :], :].mean(axis=0)
            for c in cutoffs
        }
        counts = pd.Series(np.asarray(models)[order[0]]).value_counts()
        chosen = f"{method}: most often {counts.index[0]} ({counts.iloc[0] / n:.0%})"
    validation = pd.DataFrame(rows).sort_values("rmsse").reset_index(drop=True)
    return Selection(
        forecast=forecast,
        method=method,
        chosen=chosen,
        validation=validation,
        cutoffs=cutoffs,
        model_forecasts=final_fc,
        validation_forecasts=chosen_val,
    )
