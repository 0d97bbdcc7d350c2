"""MCLP model helpers: the sort-based set operations equal NumPy's."""

from __future__ import annotations

import numpy as np
import pytest

from hinterland.network.mclp.model import setdiff, union, unique


@pytest.mark.parametrize("seed", range(5))
def test_set_operations_equal_numpys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for n in (0, 1, 2, 50, 5000):
        a = rng.integers(0, max(n, 1), n)
        b = rng.integers(0, max(n, 1), n // 2 + 1)
        for got, want in (
            (unique(a), np.unique(a)),
            (union(a, b), np.union1d(a, b)),
            (setdiff(a, b), np.setdiff1d(a, b)),
            (union(a, [3]), np.union1d(a, [3])),
        ):
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)
    x = rng.random((20, 3))
    np.testing.assert_array_equal(unique(x), np.unique(x))
