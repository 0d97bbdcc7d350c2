"""Replaying demand against base-stock levels."""

from __future__ import annotations

import numpy as np
import pytest

from hinterland.inventory.simulate import served_share, simulate_served
from hinterland.inventory.stock import base_stock_for_fill, fill_rate


def test_by_hand_lead_one() -> None:
    # S = 3, demand 2, 2, 2: day0 serve 2 (on hand 1), order 2 arrives day1 start... with
    # review 1, lead 1: ordered at the start of day k, arrives at the start of day k + 1.
    served = simulate_served(np.array([3]), np.array([[2.0, 2.0, 2.0, 5.0]]), review=1, lead=1)
    # day0: pos 3 -> no order; serve 2 -> 1 left
    # day1: pos 1 -> order 2 (arrives day2); serve 1 -> 0
    # day2: pos 0 + 2 in transit -> order 1 (arrives day3); arrival 2; serve 2 -> 0
    # day3: arrival 1; serve 1 of 5
    np.testing.assert_array_equal(served, [[2, 1, 2, 1]])


def test_unstocked_serves_nothing_and_share() -> None:
    d = np.array([[1.0, 1.0], [3.0, 0.0]])
    assert served_share(np.array([0, 10]), d) == pytest.approx(3 / 5)


def test_simulated_fill_matches_model() -> None:
    rng = np.random.default_rng(0)
    mu = np.full(2_000, 2.0)
    s = base_stock_for_fill(0.95, mu, review_days=1, lead_days=1)
    d = rng.poisson(2.0, (2_000, 400))
    share = served_share(s, d, review=1, lead=1)
    expected = float(fill_rate(s[:1], mu[:1], review_days=1, lead_days=1)[0])
    assert share == pytest.approx(expected, abs=0.01)
