"""Fill rates and base-stock levels."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from hinterland.core.errors import HinterlandError
from hinterland.inventory.stock import base_stock_for_fill, expected_loss, fill_rate
from hinterland.inventory.verify import recheck_fill


@pytest.mark.parametrize("vmr", [1.0, 2.5])
def test_loss_matches_direct_sum(vmr: float) -> None:
    mean = np.array([0.05, 0.7, 3.0, 20.0])
    s = np.array([0, 1, 4, 25])
    got = expected_loss(s, mean, vmr)
    k = np.arange(400)
    for i in range(len(mean)):
        if vmr == 1.0:
            pmf = stats.poisson.pmf(k, mean[i])
        else:
            p = 1 / vmr
            pmf = stats.nbinom.pmf(k, mean[i] * p / (1 - p), p)
        direct = (np.clip(k - s[i], 0, None) * pmf).sum()
        assert got[i] == pytest.approx(direct, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("vmr", [1.0, 3.0])
def test_base_stock_is_smallest_meeting_target(vmr: float) -> None:
    mu = np.array([0.01, 0.2, 1.0, 7.5, 60.0])
    for target in (0.8, 0.95, 0.99):
        s = base_stock_for_fill(target, mu, vmr=vmr, review_days=2, lead_days=1)
        f = fill_rate(s, mu, vmr=vmr, review_days=2, lead_days=1)
        f_less = fill_rate(s - 1, mu, vmr=vmr, review_days=2, lead_days=1)
        assert (f >= target).all() and (f_less < target).all()
        np.testing.assert_allclose(recheck_fill(s, mu, np.full(5, vmr), 2, 1), f, atol=1e-9)


def test_fill_rate_monotone_and_bounded() -> None:
    s = np.arange(0, 30)
    f = fill_rate(s, np.full(30, 4.0))
    assert (np.diff(f) >= -1e-12).all() and f[0] == 0.0 and f[-1] > 0.999
    assert fill_rate(np.array([0]), np.array([0.0]))[0] == 1.0


def test_bad_target() -> None:
    with pytest.raises(HinterlandError):
        base_stock_for_fill(1.0, np.array([1.0]))
