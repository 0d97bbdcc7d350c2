"""A national day of orders over the real ZIP areas, in seconds."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from hinterland.demand.catalogue import generate_catalogue
from hinterland.demand.orders import generate_orders, zip_rates
from hinterland.demand.rates import DemandRates


@pytest.mark.slow
def test_national_day(zips: pd.DataFrame) -> None:
    cat = generate_catalogue(50_000, seed=1)
    t0 = time.perf_counter()
    orders = generate_orders(zips, cat, "2025-06-10", seed=2)
    secs = time.perf_counter() - t0
    rates = DemandRates()
    expected = zip_rates(zips, rates).sum() * rates.day_factor(1, 6)
    assert 2.5e6 < len(orders) < 3.5e6
    assert abs(len(orders) - expected) < 5 * np.sqrt(expected)
    assert secs < 30, secs  # about 2-3 s on the 2-core reference machine
    assert orders["zip"].astype(str).str.len().eq(5).all()
