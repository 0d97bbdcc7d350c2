"""Metrics, rolling-origin backtests (no leakage) and selection."""

from __future__ import annotations

import numpy as np
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.demand.backtest import backtest, rolling_cutoffs
from hinterland.demand.forecast import forecast_panel
from hinterland.demand.metrics import score
from hinterland.demand.selection import SELECTION_METHODS, select_and_forecast


def _panel(n: int = 60, t: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.5, 1.0, n)[:, None]
    return rng.poisson(rate * (rng.random((n, t)) < 0.4)).astype(float)


def test_metrics_by_hand() -> None:
    train = np.array([[0.0, 2.0, 0.0, 2.0]])  # diffs 2,-2,2: mse 4, mae 2
    actual = np.array([[1.0, 3.0]])
    fc = np.array([[2.0, 2.0]])  # errors 1,-1
    s = score(actual, fc, train)
    assert s.rmsse == pytest.approx(np.sqrt(1 / 4))
    assert s.mase == pytest.approx(1 / 2)
    assert s.bias == pytest.approx((4 - 4) / 4)
    s2 = score(actual, fc * 2, train)
    assert s2.bias == pytest.approx(1.0)


def test_constant_history_is_unscaled() -> None:
    train = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 1.0]])
    s = score(np.ones((2, 2)), np.zeros((2, 2)), train)
    assert s.n_unscaled == 1 and s.n_series == 2


def test_cutoffs() -> None:
    assert rolling_cutoffs(20, 4, 3) == [8, 12, 16]
    assert rolling_cutoffs(20, 4, 5, step=1, min_train=14) == [14, 15, 16]
    with pytest.raises(HinterlandError):
        rolling_cutoffs(5, 4, 1, min_train=4)


def test_backtest_never_shows_the_future() -> None:
    panel = _panel()
    seen: list[int] = []

    def spy(train: np.ndarray, h: int) -> dict[str, np.ndarray]:
        seen.append(train.shape[1])
        assert not train.flags.writeable
        return {"last": np.repeat(train[:, -1:], h, axis=1)}

    _, fcs = backtest(panel, 4, n_windows=3, forecaster=spy)
    assert seen == sorted(fcs)  # each forecaster call got exactly the periods before its cutoff
    models = ["TSB", "HistoricAverage", "Naive"]
    _, clean = backtest(panel, 4, n_windows=3, models=models)
    for cut in clean:
        poisoned = panel.copy()
        poisoned[:, cut:] = 1e6  # everything from the cutoff on is changed
        _, pois = backtest(poisoned, 4, n_windows=3, models=models)
        for c in clean:
            if c <= cut:  # windows whose training ends at or before the poison
                for m in models:
                    np.testing.assert_array_equal(clean[c][m], pois[c][m])
            else:  # later windows do see it: the check above is not vacuous
                assert pois[c]["Naive"].max() == 1e6


def test_selection_validates_inside_the_training_periods() -> None:
    panel = _panel(40, 30, seed=3)
    a = select_and_forecast(panel, 4, models=["TSB", "HistoricAverage", "Naive"])
    assert max(a.cutoffs) + 4 <= panel.shape[1]
    assert a.forecast.shape == (40, 4)
    assert (a.forecast >= 0).all()


@pytest.mark.parametrize("method", SELECTION_METHODS)
def test_selection_methods_run(method: str) -> None:
    panel = _panel(30, 30, seed=4)
    sel = select_and_forecast(panel, 3, models=["TSB", "HistoricAverage", "Naive"], method=method)
    assert sel.forecast.shape == (30, 3)
    assert np.isfinite(sel.forecast).all()


def test_selection_beats_a_bad_model_on_stationary_data() -> None:
    panel = _panel(200, 48, seed=5)
    train, test = panel[:, :-6], panel[:, -6:]
    sel = select_and_forecast(train, 6, models=["HistoricAverage", "Naive", "TSB"])
    assert (
        score(test, sel.forecast, train).rmsse
        < score(test, sel.model_forecasts["Naive"], train).rmsse
    )


def test_forecast_handles_leading_nan_and_empty_rows() -> None:
    panel = np.array([[np.nan, np.nan, 1.0, 0.0, 2.0], [np.nan] * 5, [0.0] * 5])
    fc = forecast_panel(panel, 2, ["HistoricAverage", "SeasonalNaive", "IMAPA"], season_length=7)
    assert fc["HistoricAverage"][0, 0] == pytest.approx(1.0)
    assert (fc["HistoricAverage"][1] == 0).all()
    assert np.isfinite(fc["SeasonalNaive"]).all()
