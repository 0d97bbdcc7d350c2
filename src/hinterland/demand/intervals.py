"""Prediction intervals and a calibrated predictive distribution from validation windows.

The selection (:func:`hinterland.demand.selection.select_and_forecast`) already
forecasts every series from several validation cutoffs inside the training
periods; the errors of those forecasts calibrate the uncertainty, without
refitting anything and without looking at the periods being forecast.

**Intervals (split conformal, scaled and pooled).** For every series ``i``,
validation cutoff ``c`` and step ``k`` the score is

    z = (y - f) / sqrt(vmr_i x max(f, floor))

with ``vmr_i`` the variance-to-mean ratio of the series' history before the
cutoff (at least 1) and ``f`` the validation forecast. The interval of level
``L`` of a new forecast ``f`` is ``[f + q_lo s, f + q_hi s]`` (lower end at
least 0), ``s = sqrt(vmr_i x max(f, floor))``, with ``q_lo``, ``q_hi`` the
``(1 - L)/2`` and ``(1 + L)/2`` empirical quantiles of the scores of that step,
pooled over series and windows (per-series quantiles from 4 windows would be
too noisy for intermittent demand). Coverage is marginal (over series), the
usual conformal guarantee under exchangeability of windows.

**Predictive distribution for stock levels.** The same errors give the
dispersion factor ``k = mean((y - f)^2) / mean(vmr_i x f)`` (the ratio of the
observed squared error to the variance a ``vmr_i`` negative binomial would
have); the predictive distribution of a series is negative binomial with the
forecast as mean and variance-to-mean ratio ``max(1, k x vmr_i)``. That ratio
is what :mod:`hinterland.inventory` sizes stock with (column ``vmr`` of the
forecast table), in place of the history's own ratio.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from hinterland.core.errors import HinterlandError

#: Forecasts below this are scaled as if they were this (units per period).
SCALE_FLOOR = 0.05


def history_vmr(panel: np.ndarray) -> np.ndarray:
    """Variance-to-mean ratio of each row (``NaN`` ignored) in ``[1, 10]``; 1 if undefined."""
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(panel, axis=1)
        vmr = np.nanvar(panel, axis=1) / mean
    return np.clip(np.nan_to_num(vmr, nan=1.0, posinf=1.0), 1.0, 10.0)


@dataclass(frozen=True)
class IntervalModel:
    """Calibration of intervals and dispersion from validation errors.

    Attributes
    ----------
    level
        Nominal coverage of the intervals (e.g. 0.8).
    q_lo, q_hi
        Score quantiles per horizon step, arrays ``(h,)``.
    dispersion
        Factor ``k`` of the predictive variance (module docstring).
    n_scores
        Validation scores used.
    """

    level: float
    q_lo: np.ndarray
    q_hi: np.ndarray
    dispersion: float
    n_scores: int

    def interval(self, forecast: np.ndarray, vmr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper ends ``(n_series, h)`` of the intervals of ``forecast``."""
        f = np.asarray(forecast, dtype=float)
        s = np.sqrt(np.asarray(vmr, dtype=float)[:, None] * np.maximum(f, SCALE_FLOOR))
        lo = np.clip(f + self.q_lo[None, : f.shape[1]] * s, 0.0, None)
        hi = np.clip(f + self.q_hi[None, : f.shape[1]] * s, 0.0, None)
        return np.minimum(lo, f), np.maximum(hi, f)

    def predictive_vmr(self, vmr: np.ndarray) -> np.ndarray:
        """Variance-to-mean ratio of the predictive negative binomial, per series."""
        return np.maximum(1.0, self.dispersion * np.asarray(vmr, dtype=float))


def calibrate(
    panel: np.ndarray,
    validation_forecasts: dict[int, np.ndarray],
    h: int,
    *,
    level: float = 0.8,
) -> IntervalModel:
    """Fit an :class:`IntervalModel` on validation forecasts.

    Parameters
    ----------
    panel
        The training panel the validation forecasts were made in (series x
        periods); only periods before ``cutoff + h`` of each window are read,
        all inside the training periods.
    validation_forecasts
        Cutoff -> forecast ``(n_series, h)`` made from ``panel[:, :cutoff]``
        (:attr:`hinterland.demand.selection.Selection.validation_forecasts`).
    h
        Horizon.
    level
        Nominal coverage in (0, 1).
    """
    if not 0 < level < 1:
        raise HinterlandError(f"interval level must be in (0, 1), got {level}")
    if not validation_forecasts:
        raise HinterlandError("no validation forecasts to calibrate intervals on")
    panel = np.asarray(panel, dtype=float)
    scores: list[list[np.ndarray]] = [[] for _ in range(h)]
    sq_err = 0.0
    nb_var = 0.0
    n = 0
    for c, f in sorted(validation_forecasts.items()):
        hist = panel[:, :c]
        started = (~np.isnan(hist)).any(axis=1)
        vmr = history_vmr(hist)
        y = panel[:, c : c + h]
        for k in range(min(h, y.shape[1])):
            ok = started & ~np.isnan(y[:, k])
            fk, yk = f[ok, k], y[ok, k]
            z = (yk - fk) / np.sqrt(vmr[ok] * np.maximum(fk, SCALE_FLOOR))
            scores[k].append(z)
            sq_err += float(((yk - fk) ** 2).sum())
            nb_var += float((vmr[ok] * fk).sum())
            n += int(ok.sum())
    alpha = (1.0 - level) / 2.0
    q_lo = np.empty(h)
    q_hi = np.empty(h)
    for k in range(h):
        z = np.concatenate(scores[k]) if scores[k] else np.zeros(0)
        if z.size == 0:  # step not covered by any window: use the pooled scores
            z = np.concatenate([np.concatenate(s) for s in scores if s])
        q_lo[k] = np.quantile(z, alpha, method="lower")
        q_hi[k] = np.quantile(z, 1.0 - alpha, method="higher")
    disp = sq_err / nb_var if nb_var > 0 else 1.0
    return IntervalModel(level=level, q_lo=q_lo, q_hi=q_hi, dispersion=float(disp), n_scores=n)


def coverage(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Share of the (non-``NaN``) ``actual`` values inside ``[lo, hi]``."""
    a = np.asarray(actual, dtype=float)
    ok = ~np.isnan(a)
    inside = (a >= lo - 1e-9) & (a <= hi + 1e-9)
    return float(inside[ok].mean()) if ok.any() else float("nan")
