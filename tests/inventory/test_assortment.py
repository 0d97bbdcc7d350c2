"""Assortment planning: optimality certificate and the popularity baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.demand.catalogue import generate_catalogue
from hinterland.demand.history import demand_series, orders_to_history
from hinterland.demand.orders import generate_order_stream
from hinterland.inventory.assortment import StockPolicy, plan_assortment, popularity_plan
from hinterland.inventory.stock import fill_rate
from hinterland.inventory.verify import check_plan


def _case(n: int = 400, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    items = pd.DataFrame({"item": np.arange(n), "cube_l": rng.lognormal(1.0, 0.7, n)})
    mu = 300 * (np.arange(1, n + 1) ** -1.0) / np.sum(np.arange(1, n + 1) ** -1.0)
    demand = pd.DataFrame(
        {
            "hub": np.repeat(["A", "B"], n),
            "item": np.tile(np.arange(n), 2),
            "units_per_day": np.concatenate([mu, rng.permutation(mu)]),
            "vmr": np.concatenate([np.ones(n), np.full(n, 2.0)]),
        }
    )
    hubs = pd.DataFrame({"hub": ["A", "B"], "slots": [120, 150], "cube_l": [1500.0, 2500.0]})
    return demand, items, hubs


def test_milp_is_certified_and_greedy_within_bound() -> None:
    demand, items, hubs = _case()
    plan, summary, certs = plan_assortment(demand, items, hubs, method="milp", mip_gap=1e-6)
    _, _, g_certs = plan_assortment(demand, items, hubs, method="greedy")
    for hub in ("A", "B"):
        c, g = certs[hub], g_certs[hub]
        assert c.verified and g.verified
        assert c.gap <= 1e-5
        # the greedy plan can be no better than the proven MILP bound
        assert g.objective <= c.bound * (1 + 1e-6)
        assert g.objective >= 0.97 * c.objective
    assert (summary["items_stocked"] <= summary["slots"]).all()
    assert (summary["cube_used_l"] <= summary["cube_l"] + 1e-6).all()
    assert ((summary["same_day_share"] > 0) & (summary["same_day_share"] < 1)).all()
    assert (plan["fill_rate"] >= 0.95).all()


def test_verifier_catches_tampering() -> None:
    demand, items, hubs = _case()
    plan, _, _ = plan_assortment(demand, items, hubs, method="greedy")
    d = (
        demand[demand["hub"] == "A"]
        .merge(items, on="item")
        .assign(orders_per_day=lambda x: x["units_per_day"])
    )
    a = plan[plan["hub"] == "A"].copy()
    assert check_plan(a, d, 120, 1500.0, 0.95)["ok"]
    bad = a.copy()
    bad.loc[bad.index[0], "base_stock"] = 0
    assert not check_plan(bad, d, 120, 1500.0, 0.95)["ok"]
    assert not check_plan(a, d, len(a) - 1, 1500.0, 0.95)["ok"]
    inflated = a.assign(served_per_day=a["served_per_day"] * 1.01)
    assert not check_plan(inflated, d, 120, 1500.0, 0.95)["ok"]


def test_bad_input_named() -> None:
    demand, items, hubs = _case()
    with pytest.raises(InputError, match="units_per_day"):
        plan_assortment(demand.assign(units_per_day=-1.0), items, hubs)
    with pytest.raises(InputError, match="slots"):
        plan_assortment(demand, items, hubs.drop(columns="slots"))


def test_beats_top_n_by_popularity_with_regional_affinity() -> None:
    """A rural hub planned from its own history serves more than national top-N."""
    cat = generate_catalogue(1_500, seed=4, item_affinity_sigma=0.8, state_affinity_sigma=0.5)
    rng = np.random.default_rng(1)
    zips = pd.DataFrame(
        {
            "zip": [f"59{i:03d}" for i in range(60)],
            "population": rng.integers(500, 4_000, 60),
            "rurality": "rural",
            "state": "MT",
        }
    )
    policy = StockPolicy(fill_target=0.95, review_days=1, lead_days=1)
    orders = generate_order_stream(zips, cat, "2025-03-03", 56, seed=9)
    hist = orders_to_history(orders)
    series = demand_series(hist, zips.assign(hub="MT-1")[["zip", "hub"]], freq="D")
    est = series.groupby("item")["demand"].mean()
    items = cat.items.assign(item=cat.items["item"].astype(str))[["item", "cube_l"]]
    demand = pd.DataFrame({"hub": "MT-1", "item": est.index, "units_per_day": est.to_numpy()})
    hubs = pd.DataFrame({"hub": ["MT-1"], "slots": [150], "cube_l": [1_200.0]})
    plan, _, certs = plan_assortment(demand, items, hubs, policy=policy, method="milp")
    assert certs["MT-1"].verified
    national = cat.items.set_index(cat.items["item"].astype(str))["popularity"]
    base = popularity_plan(demand, items, hubs, national, policy=policy)

    # score both plans on the TRUE expected local demand (not the estimate)
    w = cat.weights("rural", "MT")
    total_units = float(
        (zips["population"].sum()) * 0.85 * 64 * 0.05 / 365.25 * 1.15
    )  # default rates: rural multiplier x per-capita x mean quantity
    true_mu = pd.Series(w / w.sum() * total_units, index=national.index)

    def served(p: pd.DataFrame) -> float:
        mu = true_mu.loc[p["item"]].to_numpy()
        return float((mu * fill_rate(p["base_stock"].to_numpy(), mu)).sum())

    ours, top_n = served(plan), served(base)
    print(f"ours {ours:.2f} top-N {top_n:.2f} served/day")
    assert ours > 1.05 * top_n, (ours, top_n)


def test_milp_matches_brute_force_on_a_tiny_hub() -> None:
    import itertools

    from hinterland.inventory.assortment import _options

    rng = np.random.default_rng(7)
    n = 7
    items = pd.DataFrame({"item": np.arange(n), "cube_l": rng.uniform(1, 6, n)})
    demand = pd.DataFrame(
        {"hub": "T", "item": np.arange(n), "units_per_day": rng.gamma(1.0, 2.0, n), "vmr": 1.0}
    )
    hubs = pd.DataFrame({"hub": ["T"], "slots": [4], "cube_l": [60.0]})
    policy = StockPolicy()
    _, _, certs = plan_assortment(demand, items, hubs, policy=policy, mip_gap=1e-9)
    d = demand.merge(items, on="item").assign(orders_per_day=lambda x: x["units_per_day"])
    opts = _options(d, policy)
    choices = [[None, *opts.index[opts["row"] == r]] for r in sorted(opts["row"].unique())]
    best = 0.0
    for combo in itertools.product(*choices):
        picked = [c for c in combo if c is not None]
        if len(picked) > 4 or opts.loc[picked, "cube_used"].sum() > 60.0:
            continue
        best = max(best, float(opts.loc[picked, "value"].sum()))
    assert certs["T"].objective == pytest.approx(best, rel=1e-9)
