"""Prediction intervals, calibrated dispersion, place attributes and cold start."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import HinterlandError, InputError
from hinterland.demand.coldstart import (
    METHOD_NEW_HUB,
    METHOD_NEW_ITEM,
    coldstart_forecast,
    place_attributes,
)
from hinterland.demand.intervals import calibrate, coverage, history_vmr
from hinterland.demand.pipeline import coldstart_table, forecast_table
from hinterland.demand.selection import select_and_forecast
from hinterland.demand.world import hub_world


def _poisson(n: int, t: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    rate = rng.gamma(2.0, 1.5, n)
    return rng.poisson(rate[:, None], (n, t)).astype(float), rate


def test_conformal_intervals_cover_about_their_level():
    panel, _ = _poisson(3000, 30, 1)
    train, test = panel[:, :24], panel[:, 24:]
    sel = select_and_forecast(train, 6, models=["HistoricAverage"], season_length=4)
    cal = calibrate(train, sel.validation_forecasts, 6, level=0.8)
    lo, hi = cal.interval(sel.forecast, np.ones(len(panel)))
    cov = coverage(test, lo, hi)
    assert 0.75 <= cov <= 0.85
    assert 0.8 <= cal.dispersion <= 1.25  # Poisson: variance = mean
    lo5, hi5 = calibrate(train, sel.validation_forecasts, 6, level=0.5).interval(
        sel.forecast, np.ones(len(panel))
    )
    assert coverage(test, lo5, hi5) < cov - 0.15  # a narrower level covers less


def test_dispersion_sees_overdispersion():
    rng = np.random.default_rng(2)
    lam = rng.gamma(0.5, 4.0, (2000, 1)) * rng.gamma(2.0, 0.5, (2000, 30))  # NB-like
    panel = rng.poisson(lam).astype(float)
    sel = select_and_forecast(panel, 4, models=["HistoricAverage"], season_length=4)
    cal = calibrate(panel, sel.validation_forecasts, 4)
    # the history's ratio already carries the overdispersion: factor about 1 ...
    assert 0.8 <= cal.dispersion <= 1.25
    assert np.median(cal.predictive_vmr(history_vmr(panel))) > 1.3  # Poisson: about 1
    # ... and a forecast twice too high has errors the history's NB does not explain
    off = {c: 2.0 * f + 1.0 for c, f in sel.validation_forecasts.items()}
    assert calibrate(panel, off, 4).dispersion > 1.5
    assert (cal.predictive_vmr(np.ones(3)) == max(1.0, cal.dispersion)).all()


def test_calibration_reads_only_validation_windows():
    panel, _ = _poisson(200, 20, 3)
    fc = {14: np.full((200, 3), 3.0), 15: np.full((200, 3), 3.0)}
    a = calibrate(panel, fc, 3)
    later = panel.copy()
    later[:, 18:] = 99.0  # after the last window (15 + 3)
    b = calibrate(later, fc, 3)
    np.testing.assert_array_equal(a.q_hi, b.q_hi)
    inside = panel.copy()
    inside[:, 17] = 99.0  # last period of the last window
    assert not np.array_equal(a.q_hi, calibrate(inside, fc, 3).q_hi)
    with pytest.raises(HinterlandError, match="level"):
        calibrate(panel, fc, 3, level=1.0)


def test_forecast_table_has_interval_method_and_predictive_vmr():
    panel, _ = _poisson(30, 20, 4)
    long = pd.DataFrame(
        {
            "series_id": np.repeat([f"i{j}@H" for j in range(30)], 20),
            "period": np.tile(np.arange(20), 30),
            "demand": panel.ravel(),
        }
    )
    fc, _ = forecast_table(long, 3, models=["HistoricAverage", "Naive"], season_length=4)
    assert {"lo", "hi", "vmr", "vmr_history", "method"} <= set(fc.columns)
    assert (fc["lo"] <= fc["forecast"]).all() and (fc["forecast"] <= fc["hi"]).all()
    assert fc["method"].str.startswith("selection:").all()
    assert (fc["vmr"] >= 1).all()


def test_place_attributes_sums_shares_and_nearest_fc():
    zips = pd.DataFrame(
        {
            "zip": ["1", "2", "3"],
            "lat": [45.0, 45.0, 40.0],
            "lon": [-100.0, -101.0, -90.0],
            "population": [1000, 3000, 500],
            "state": ["SD", "ND", "IA"],
            "rurality": ["rural", "small_town", "rural"],
        }
    )
    z2h = pd.DataFrame({"zip": ["1", "2", "3"], "hub": ["A", "A", "B"]})
    fcs = pd.DataFrame({"lat": [45.0, 40.0], "lon": [-100.75, -89.0]})
    p = place_attributes(zips, z2h, fcs)
    assert p.loc["A", "population"] == 4000
    assert p.loc["A", "share_small_town"] == pytest.approx(0.75)
    assert p.loc["A", "state"] == "ND" and p.loc["A", "rurality"] == "small_town"
    assert p.loc["A", "lon"] == pytest.approx(-100.75)
    assert p.loc["A", "fc_km"] == pytest.approx(0.0, abs=1e-6)
    assert p.loc["B", "fc_km"] == pytest.approx(85.2, abs=0.5)  # 1 degree of lon at 40 N
    with pytest.raises(InputError, match="no ZIP area"):
        place_attributes(zips, pd.DataFrame({"zip": ["9"], "hub": ["C"]}), fcs)


def test_cold_start_new_hub_and_item_named_and_better_than_naive(zips):
    w = hub_world(zips, 16, 150, 20, seed=5)
    held_hub = w.hub == w.places.index[3]
    held_item = w.item == 7
    train = w.panel[:, :16]
    known = pd.DataFrame(
        {
            "hub": w.hub[~held_hub & ~held_item],
            "item": w.item[~held_hub & ~held_item],
            "mean": train[~held_hub & ~held_item].mean(axis=1),
        }
    )
    items = w.catalogue.items.set_index("item")
    new = pd.DataFrame({"hub": w.hub[held_hub & ~held_item], "item": w.item[held_hub & ~held_item]})
    res = coldstart_forecast(known, new, w.places, items, 4)
    assert (res.method == METHOD_NEW_HUB).all()
    assert (res.forecast > 0).all()
    true = w.rate[held_hub & ~held_item]
    err = np.abs(res.forecast[:, 0] - true).sum()
    err_naive = np.abs(res.naive[:, 0] - true).sum()
    assert err < err_naive  # the model uses the place attributes
    new_i = pd.DataFrame(
        {"hub": w.hub[held_item & ~held_hub], "item": w.item[held_item & ~held_hub]}
    )
    res_i = coldstart_forecast(known, new_i, w.places, items, 4)
    assert (res_i.method == METHOD_NEW_ITEM).all() and (res_i.forecast > 0).all()


def test_coldstart_table_rows_never_silent_zero(zips):
    w = hub_world(zips, 6, 40, 12, seed=6)
    keep = w.hub != w.places.index[0]
    long = pd.DataFrame(
        {
            "series_id": np.repeat(
                [f"{i}@{h}" for i, h in zip(w.item[keep], w.hub[keep], strict=True)], 12
            ),
            "period": np.tile(np.arange(12), int(keep.sum())),
            "demand": w.panel[keep].ravel(),
        }
    )
    new = pd.DataFrame({"hub": w.hub[~keep], "item": w.item[~keep]})
    t = coldstart_table(long, new, w.places, w.catalogue.items.set_index("item"), 2)
    assert len(t) == 2 * len(new)
    assert (t["method"] == METHOD_NEW_HUB).all()
    assert (t["forecast"] > 0).all() and (t["hi"] >= t["lo"]).all()
