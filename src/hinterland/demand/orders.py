"""Expected parcels per ZIP area and day, and seeded item-level order streams.

Input ZIP table (as :func:`hinterland.data.zip_areas` returns; only these
columns are used): ``zip`` (5-char str), ``population`` (int), ``rurality``
(metro, micropolitan, small_town, rural), ``state`` (2-letter, optional).

Order table (one row per order line; each order has one line):

========= ============== ==================================================
column    type           meaning
========= ============== ==================================================
order_id  int64          running number within the generated stream
date      datetime64[ns] delivery day
zip       category (str) destination ZIP area, 5 characters
item      int32          catalogue item id
quantity  int16          units (>= 1)
minute    int16          minute of the day the order was placed (0..1439)
========= ============== ==================================================
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.demand.catalogue import Catalogue
from hinterland.demand.rates import RURALITY_ORDER, DemandRates

#: Share of orders placed in each hour 0..23 (assumption: evening peak).
HOURLY_PROFILE: tuple[float, ...] = (
    1.0,
    0.6,
    0.4,
    0.3,
    0.3,
    0.5,
    1.0,
    2.0,
    3.0,
    4.0,
    4.5,
    5.0,
    5.5,
    5.5,
    5.5,
    5.5,
    5.5,
    6.0,
    6.5,
    7.0,
    7.5,
    7.0,
    5.0,
    2.5,
)


def _check_zips(zips: pd.DataFrame) -> None:
    missing = {"zip", "population", "rurality"} - set(zips.columns)
    if missing:
        raise HinterlandError(f"ZIP table lacks columns {sorted(missing)}")
    bad = ~zips["rurality"].astype(str).isin(RURALITY_ORDER)
    if bad.any():
        raise HinterlandError(
            f"unknown rurality {zips['rurality'][bad].iloc[0]!r} for ZIP {zips['zip'][bad].iloc[0]}"
        )


def zip_rates(zips: pd.DataFrame, rates: DemandRates | None = None) -> np.ndarray:
    """Average-day parcels per ZIP area (``population x per-capita rate``)."""
    rates = rates or DemandRates()
    _check_zips(zips)
    mult = (
        zips["rurality"].astype(str).map({r: rates.per_capita_per_day(r) for r in RURALITY_ORDER})
    )
    return zips["population"].to_numpy(dtype=float) * mult.to_numpy(dtype=float)


def expected_parcels(
    zips: pd.DataFrame, dates: pd.DatetimeIndex | list[dt.date], rates: DemandRates | None = None
) -> pd.DataFrame:
    """Expected parcels per ZIP area and day.

    Returns
    -------
    DataFrame
        Columns ``zip``, ``date``, ``parcels_per_day`` (float), one row per
        ZIP area and date.
    """
    rates = rates or DemandRates()
    days = pd.DatetimeIndex(pd.to_datetime(dates))
    base = zip_rates(zips, rates)
    factors = np.array([rates.day_factor(d.weekday(), d.month) for d in days])
    return pd.DataFrame(
        {
            "zip": np.tile(zips["zip"].to_numpy(), len(days)),
            "date": np.repeat(days.to_numpy(), len(zips)),
            "parcels_per_day": np.outer(factors, base).ravel(),
        }
    )


def generate_orders(
    zips: pd.DataFrame,
    catalogue: Catalogue,
    date: dt.date | str | pd.Timestamp,
    *,
    seed: int,
    rates: DemandRates | None = None,
    first_order_id: int = 0,
) -> pd.DataFrame:
    """Generate one day's orders (table in the module docstring).

    Orders per ZIP area are Poisson with mean ``zip_rates x day_factor``. Each
    order's item is drawn with probability proportional to
    ``popularity x aff_<rurality> x state affinity`` of the destination.
    Vectorised: one categorical draw per (rurality, state) group.
    """
    rates = rates or DemandRates()
    day = pd.Timestamp(date).normalize()
    rng = np.random.default_rng(seed)
    lam = zip_rates(zips, rates) * rates.day_factor(day.weekday(), day.month)
    counts = rng.poisson(lam)
    n = int(counts.sum())
    zip_idx = np.repeat(np.arange(len(zips), dtype=np.int64), counts)
    rur = zips["rurality"].astype(str).to_numpy()
    state = (
        zips["state"].astype(str).to_numpy()
        if "state" in zips.columns
        else np.full(len(zips), "", dtype=object)
    )
    group_keys = pd.MultiIndex.from_arrays([rur, state])
    group_codes, group_uniques = pd.factorize(group_keys)
    order_group = group_codes[zip_idx]
    order_sort = np.argsort(order_group, kind="stable")
    bounds = np.searchsorted(order_group[order_sort], np.arange(len(group_uniques) + 1))
    items = np.empty(n, dtype=np.int32)
    u = rng.random(n)
    for g, (r, s) in enumerate(group_uniques):
        lo, hi = bounds[g], bounds[g + 1]
        if hi == lo:
            continue
        cdf = np.cumsum(catalogue.weights(r, s or None))
        pos = np.searchsorted(cdf, u[order_sort[lo:hi]] * cdf[-1], side="right")
        items[order_sort[lo:hi]] = np.minimum(pos, len(cdf) - 1)
    quantity = (1 + rng.poisson(rates.mean_quantity - 1.0, n)).astype(np.int16)
    hp = np.asarray(HOURLY_PROFILE)
    minute = (rng.choice(24, size=n, p=hp / hp.sum()) * 60 + rng.integers(0, 60, n)).astype(
        np.int16
    )
    zip_cat = (
        pd.Categorical.from_codes(zip_idx, categories=pd.Index(zips["zip"].astype(str).to_numpy()))
        if zips["zip"].is_unique
        else pd.Categorical(zips["zip"].astype(str).to_numpy()[zip_idx])
    )
    return pd.DataFrame(
        {
            "order_id": np.arange(first_order_id, first_order_id + n, dtype=np.int64),
            "date": pd.DatetimeIndex(np.full(n, day.to_datetime64())).as_unit("ns"),
            "zip": zip_cat,
            "item": items,
            "quantity": quantity,
            "minute": minute,
        }
    )


def generate_order_stream(
    zips: pd.DataFrame,
    catalogue: Catalogue,
    start: dt.date | str | pd.Timestamp,
    days: int,
    *,
    seed: int,
    rates: DemandRates | None = None,
) -> pd.DataFrame:
    """Orders for ``days`` consecutive days (each day from its own child seed)."""
    if days < 1:
        raise HinterlandError("days must be >= 1")
    seeds = np.random.SeedSequence(seed).spawn(days)
    frames = []
    next_id = 0
    for k, ss in enumerate(seeds):
        day = pd.Timestamp(start).normalize() + pd.Timedelta(days=k)
        f = generate_orders(
            zips,
            catalogue,
            day,
            seed=int(ss.generate_state(1)[0]),
            rates=rates,
            first_order_id=next_id,
        )
        next_id += len(f)
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["zip"] = out["zip"].astype("category")
    return out
