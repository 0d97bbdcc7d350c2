"""Global LightGBM model: no look-ahead, reproducibility, and that it learns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.demand.backtest import backtest
from hinterland.demand.forecast import GLOBAL_MODEL, forecast_panel
from hinterland.demand.global_model import (
    GlobalModelConfig,
    global_forecast,
    nonzero_rate,
    periods_since_demand,
    training_frame,
)
from hinterland.demand.selection import select_and_forecast

FAST = GlobalModelConfig(n_estimators=25, min_child_samples=10, learning_rate=0.1)


def _panel(n: int = 40, t: int = 30, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rates = rng.gamma(1.0, 1.5, n)
    return rng.poisson(rates[:, None], (n, t)).astype(float)


def test_features_of_a_row_use_only_earlier_periods():
    # the lag, rolling, intermittency and calendar features of a row are causal;
    # (with scale_by_mean every series is divided by its mean over the training
    # periods, all before the forecast origin: see the backtest test below)
    cfg = GlobalModelConfig(**{**FAST.__dict__, "scale_by_mean": False})
    panel = _panel()
    cut = 20
    changed = panel.copy()
    changed[:, cut:] += 7.0  # every period from the cutoff on
    a = training_frame(panel, 3, season_length=4, config=cfg)
    b = training_frame(changed, 3, season_length=4, config=cfg)
    # "w" is the training weight of the series (its scale over the training
    # periods), not a feature
    feats = [c for c in a.columns if c not in ("unique_id", "ds", "y", "w")]
    assert len(feats) >= 8
    a_in, b_in = a[a["ds"] <= cut], b[b["ds"] <= cut]
    # rows up to the cutoff (features from periods < cutoff) are unchanged ...
    pd.testing.assert_frame_equal(
        a_in[feats].reset_index(drop=True), b_in[feats].reset_index(drop=True)
    )
    # ... and the first row after it sees the change (the test can fail)
    a_out, b_out = a[a["ds"] == cut + 1], b[b["ds"] == cut + 1]
    assert not np.allclose(a_out["lag1"].to_numpy(), b_out["lag1"].to_numpy())


def test_backtest_windows_never_see_later_periods():
    panel = _panel(t=24)
    _, fc1 = backtest(panel, 3, n_windows=2, models=[GLOBAL_MODEL], global_config=FAST)
    cut = min(fc1)
    changed = panel.copy()
    changed[:, cut:] = changed[:, cut:] * 3 + 5
    _, fc2 = backtest(changed, 3, n_windows=2, models=[GLOBAL_MODEL], global_config=FAST)
    np.testing.assert_array_equal(fc1[cut][GLOBAL_MODEL], fc2[cut][GLOBAL_MODEL])
    later = max(fc1)
    assert not np.array_equal(fc1[later][GLOBAL_MODEL], fc2[later][GLOBAL_MODEL])


def test_same_seed_same_forecast_other_seed_differs():
    panel = _panel()
    f1 = global_forecast(panel, 4, season_length=4, config=FAST)
    f2 = global_forecast(panel, 4, season_length=4, config=FAST)
    np.testing.assert_array_equal(f1, f2)
    f3 = global_forecast(
        panel, 4, season_length=4, config=GlobalModelConfig(**{**FAST.__dict__, "seed": 7})
    )
    assert not np.array_equal(f1, f3)


def test_learns_series_levels_and_uses_static_features():
    rng = np.random.default_rng(3)
    n, t = 60, 30
    group = np.arange(n) % 2
    rate = np.where(group == 1, 4.0, 0.3)
    panel = rng.poisson(rate[:, None], (n, t)).astype(float)
    f = global_forecast(panel, 2, season_length=4, config=FAST)
    assert np.isfinite(f).all() and (f >= 0).all()
    err = np.abs(f.mean(axis=1) - rate).mean()
    assert err < 0.6  # a zero or global-mean forecast is off by ~1.9
    # a series with no history: NaN (needs a cold-start forecast), not zero
    panel2 = panel.copy()
    panel2[0] = np.nan
    feats = pd.DataFrame({"group": pd.Categorical(group.astype(str))})
    g = global_forecast(panel2, 2, season_length=4, features=feats, config=FAST)
    assert np.isnan(g[0]).all() and np.isfinite(g[1:]).all()
    # forecast_panel, like the classical models, gives such rows zero
    h = forecast_panel(panel2, 2, [GLOBAL_MODEL], season_length=4, global_config=FAST)
    assert (h[GLOBAL_MODEL][0] == 0).all()


def test_feature_rows_must_match_series():
    with pytest.raises(HinterlandError, match="features have 3 rows for 40 series"):
        global_forecast(_panel(), 2, features=pd.DataFrame({"a": [1, 2, 3]}), config=FAST)
    with pytest.raises(HinterlandError, match="unknown objective"):
        GlobalModelConfig(objective="huber")


def test_intermittency_features():
    x = np.array([np.nan, 0.0, 2.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(periods_since_demand(x)[2:], [0, 1, 2, 0])
    assert np.isnan(periods_since_demand(x)[:2]).all()
    np.testing.assert_allclose(nonzero_rate(x)[1:], [0, 0.5, 1 / 3, 0.25, 0.4])


def test_selection_with_global_candidate_and_bias_guard():
    panel = _panel(t=24)
    sel = select_and_forecast(
        panel,
        3,
        models=["HistoricAverage", "Naive", GLOBAL_MODEL],
        global_config=FAST,
        max_bias=0.15,
        season_length=4,
    )
    assert GLOBAL_MODEL in set(sel.validation["candidate"])
    assert "bias" in sel.validation.columns
    chosen = sel.validation.set_index("candidate").loc[sel.chosen]
    inside = sel.validation["bias"].abs() <= 0.15
    if inside.any():
        assert abs(chosen["bias"]) <= 0.15
    assert sel.forecast.shape == (panel.shape[0], 3)
    assert set(sel.validation_forecasts) == set(sel.cutoffs)
