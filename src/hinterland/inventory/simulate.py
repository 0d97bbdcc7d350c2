"""Replay demand against a stocking plan: the share of demand the hub serves.

This is the business metric of a forecast: with base-stock levels set from it,
what share of the actual demand would the hub have served from its own stock?

Periodic review, order-up-to ``S``: at the start of every ``review`` periods
the hub orders ``S - inventory position`` from the fulfillment center, which
arrives ``lead`` periods later (before that period's demand). Demand is served
from on-hand stock; what cannot be served is lost for the hub (it ships from
the fulfillment center instead). Stock starts at ``S``.
"""

from __future__ import annotations

import numpy as np

from hinterland.core.errors import HinterlandError


def simulate_served(
    base_stock: np.ndarray, demand: np.ndarray, *, review: int = 1, lead: int = 1
) -> np.ndarray:
    """Units served from stock per series and period.

    Parameters
    ----------
    base_stock
        ``(n_series,)`` integer order-up-to levels (0 = not stocked).
    demand
        ``(n_series, n_periods)`` actual demand in units.
    review, lead
        Review interval and lead time in periods (``review >= 1``, ``lead >= 0``).

    Returns
    -------
    ndarray
        ``(n_series, n_periods)`` units served.
    """
    if review < 1 or lead < 0:
        raise HinterlandError("review must be >= 1 and lead >= 0")
    s = np.asarray(base_stock, dtype=float)
    d = np.asarray(demand, dtype=float)
    n, t = d.shape
    on_hand = s.copy()
    pipeline = np.zeros((lead + 1, n))  # arrivals due in 0..lead periods
    served = np.zeros((n, t))
    for k in range(t):
        if k % review == 0:
            position = on_hand + pipeline.sum(axis=0)
            pipeline[lead] += np.maximum(s - position, 0.0)
        on_hand += pipeline[0]
        pipeline = np.roll(pipeline, -1, axis=0)
        pipeline[-1] = 0.0
        served[:, k] = np.minimum(on_hand, d[:, k])
        on_hand -= served[:, k]
    return served


def served_share(
    base_stock: np.ndarray, demand: np.ndarray, *, review: int = 1, lead: int = 1
) -> float:
    """Share of all demand served from stock (unstocked series count as unserved)."""
    total = float(np.asarray(demand, dtype=float).sum())
    if total <= 0:
        return float("nan")
    return float(simulate_served(base_stock, demand, review=review, lead=lead).sum() / total)
