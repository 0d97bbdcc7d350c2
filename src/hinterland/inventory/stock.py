"""Lead-time demand, fill rates and base-stock levels (periodic review).

A hub is replenished from the fulfillment center every ``review_days`` with a
lead time of ``lead_days``; each item's stock is raised to its base-stock
level ``S`` at every review. With daily demand mean ``mu`` (units/day), the
demand over ``t`` days is Poisson(``mu t``) or, when the variance-to-mean
ratio ``vmr > 1``, negative binomial with the same mean and variance
``vmr x mean``.

The unit fill rate per cycle (Hadley & Whitin 1963; Silver, Pyke & Thomas
2017, ch. 6)::

    fill(S) = 1 - (E[(D_{L+R} - S)^+] - E[(D_L - S)^+]) / (mu R)

The expected loss ``E[(D - S)^+]`` uses the closed form
``mean x P(D' >= S) - S x P(D > S)`` with ``D'`` the size-biased
distribution (Poisson: same; NB(n, p): NB(n + 1, p)).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from hinterland.core.errors import HinterlandError


def _nb_params(mean: np.ndarray, vmr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = 1.0 / vmr
    n = mean * p / (1.0 - p)
    return n, p


def expected_loss(s: np.ndarray, mean: np.ndarray, vmr: np.ndarray | float = 1.0) -> np.ndarray:
    """``E[(D - s)^+]`` for Poisson (``vmr <= 1``) or negative-binomial demand."""
    s = np.asarray(s, dtype=float)
    mean = np.broadcast_to(np.asarray(mean, dtype=float), s.shape)
    vmr_a = np.broadcast_to(np.asarray(vmr, dtype=float), s.shape)
    out = np.empty(s.shape)
    pois = vmr_a <= 1.0 + 1e-9
    if pois.any():
        m, k = mean[pois], s[pois]
        out[pois] = m * stats.poisson.sf(k - 1, m) - k * stats.poisson.sf(k, m)
    nb = ~pois
    if nb.any():
        m, k, v = mean[nb], s[nb], vmr_a[nb]
        n, p = _nb_params(m, v)
        out[nb] = m * stats.nbinom.sf(k - 1, n + 1, p) - k * stats.nbinom.sf(k, n, p)
    out = np.where(mean <= 0, 0.0, out)
    return np.clip(out, 0.0, None)


def fill_rate(
    s: np.ndarray,
    mean_per_day: np.ndarray,
    *,
    review_days: float = 1.0,
    lead_days: float = 1.0,
    vmr: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Unit fill rate of base-stock level ``s`` (see module docstring); 1 when no demand."""
    mu = np.asarray(mean_per_day, dtype=float)
    short = expected_loss(s, mu * (lead_days + review_days), vmr) - expected_loss(
        s, mu * lead_days, vmr
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        f = 1.0 - short / (mu * review_days)
    return np.where(mu > 0, np.clip(f, 0.0, 1.0), 1.0)


def base_stock_for_fill(
    target: float,
    mean_per_day: np.ndarray,
    *,
    review_days: float = 1.0,
    lead_days: float = 1.0,
    vmr: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Smallest integer base stock whose fill rate reaches ``target`` (vectorised bisection)."""
    if not 0 < target < 1:
        raise HinterlandError(f"fill-rate target must be in (0, 1), got {target}")
    if review_days <= 0 or lead_days < 0:
        raise HinterlandError("review_days must be > 0 and lead_days >= 0")
    mu = np.asarray(mean_per_day, dtype=float)
    t = mu * (review_days + lead_days)
    vmr_a = np.broadcast_to(np.asarray(vmr, dtype=float), mu.shape)
    hi = np.ceil(t + 8.0 * np.sqrt(np.maximum(t * np.maximum(vmr_a, 1.0), 1.0)) + 2.0)
    lo = np.zeros_like(hi)
    ok_hi = fill_rate(hi, mu, review_days=review_days, lead_days=lead_days, vmr=vmr_a) >= target
    while not ok_hi.all():
        hi = np.where(ok_hi, hi, hi * 2)
        ok_hi = fill_rate(hi, mu, review_days=review_days, lead_days=lead_days, vmr=vmr_a) >= target
    while (hi - lo > 0).any():
        mid = np.floor((lo + hi) / 2)
        ok = fill_rate(mid, mu, review_days=review_days, lead_days=lead_days, vmr=vmr_a) >= target
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid + 1)
    return np.where(mu > 0, hi, 0.0).astype(np.int64)
