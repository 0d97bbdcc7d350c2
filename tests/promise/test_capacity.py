"""Capacity binds in batch promising: consumed in order-time order, next-best when full."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hinterland.promise import MODES, PromiseEngine, Reason

M = {m: i for i, m in enumerate(MODES)}


def _network(zips: pd.DataFrame, cap_a: float, cap_b: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    z = zips[zips["state"] == "VT"].reset_index(drop=True)
    town = z[z["zip"] == "05401"].iloc[0]  # Burlington VT
    other = z[z["zip"] == "05403"].iloc[0]  # South Burlington, a few km away
    fac = pd.DataFrame([
        {"id": "HUB-A", "kind": "hybrid_hub", "lat": town["lat"], "lon": town["lon"],
         "operator": "own", "capacity_per_day": cap_a, "holds_inventory": True},
        {"id": "HUB-B", "kind": "hybrid_hub", "lat": other["lat"], "lon": other["lon"],
         "operator": "own", "capacity_per_day": cap_b, "holds_inventory": True},
        {"id": "FC", "kind": "fulfillment_center", "lat": town["lat"] + 0.5,
         "lon": town["lon"], "operator": "own", "capacity_per_day": np.inf,
         "holds_inventory": True},
    ])
    return z, fac


def test_capacity_is_consumed_in_order_time_order(zips: pd.DataFrame) -> None:
    z, fac = _network(zips, cap_a=3, cap_b=2)
    eng = PromiseEngine(fac, z)
    n = 8
    row = int(np.flatnonzero(z["zip"] == "05401")[0])
    t = np.array([420.0, 300.0, 360.0, 400.0, 410.0, 430.0, 440.0, 450.0])  # all before 08:00
    args = (np.full(n, row), t, np.full(n, 1.0), np.full(n, 1, np.int8))
    free = eng.promise_arrays(*args)
    assert (free.chosen == M["hub_van"]).all()
    first = set(free.source[:, M["hub_van"]])
    assert len(first) == 1
    bound = eng.promise_arrays(*args, capacity=True)
    src = bound.facility_ids[bound.source[np.arange(n), np.maximum(bound.chosen, 0)]]
    # the three earliest orders keep the best hub; the next two go to the other hub;
    # the rest ride a later day at a hub, or another mode, never past capacity
    order = np.argsort(t, kind="stable")
    best = free.facility_ids[next(iter(first))]
    assert list(src[order[:3]]) == [best] * 3
    assert bound.chosen.min() >= 0 or (bound.tier_reason[bound.chosen < 0] != Reason.OK).all()
    by_day: dict[tuple[str, int], int] = {}
    for i in range(n):
        c = int(bound.chosen[i])
        if c in (M["hub_van"], M["fc_van"]):
            site = bound.facility_ids[bound.source[i, c] if c == M["hub_van"]
                                      else bound.handoff[i, c]]
            key = (str(site), int(bound.promised_min[i, c] // 1440))
            by_day[key] = by_day.get(key, 0) + 1
    caps = {"HUB-A": 3, "HUB-B": 2}
    assert all(v <= caps.get(k[0], 10**9) for k, v in by_day.items()), by_day
    moved = (bound.promised_min[np.arange(n), np.maximum(bound.chosen, 0)]
             > free.promised_min[np.arange(n), free.chosen]) | (bound.chosen != free.chosen)
    assert moved[order[3:]].all() and not moved[order[:3]].any()


def test_no_binding_when_capacity_is_ample(zips: pd.DataFrame) -> None:
    z, fac = _network(zips, cap_a=1e9, cap_b=1e9)
    eng = PromiseEngine(fac, z)
    rng = np.random.default_rng(3)
    n = 500
    args = (rng.integers(0, len(z), n), rng.uniform(0, 1439, n), rng.uniform(0.1, 20, n),
            rng.integers(0, 4, n).astype(np.int8))
    free, bound = eng.promise_arrays(*args), eng.promise_arrays(*args, capacity=True)
    assert (free.chosen == bound.chosen).all()
    assert np.array_equal(free.promised_min, bound.promised_min, equal_nan=True)


def test_full_everywhere_promises_nothing_past_capacity(zips: pd.DataFrame) -> None:
    z, fac = _network(zips, cap_a=0.0, cap_b=0.0)
    eng = PromiseEngine(fac, z)
    row = int(np.flatnonzero(z["zip"] == "05401")[0])
    res = eng.promise_arrays(np.array([row]), np.array([400.0]), np.array([1.0]),
                             np.array([3], np.int8), capacity=True)
    assert res.chosen[0] == -1 and res.tier_reason[0] == Reason.MISSES_TIER
    free = eng.promise_arrays(np.array([row]), np.array([400.0]), np.array([1.0]),
                              np.array([3], np.int8))
    assert free.chosen[0] == M["hub_van"]  # without capacity it would have been promised
