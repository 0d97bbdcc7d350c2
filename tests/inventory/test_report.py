"""Local vs national assortment report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.inventory.assortment import StockPolicy, plan_assortment
from hinterland.inventory.report import expected_served, local_vs_national
from hinterland.inventory.stock import fill_rate


def _two_hubs(n: int = 60) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    base = 40 * (np.arange(1, n + 1) ** -0.8)
    # hub R loves the last 10 items (farm supplies, say), hub M does not
    rural = base.copy()
    rural[-10:] = base[0] * 0.8
    demand = pd.DataFrame(
        {
            "hub": np.repeat(["M", "R"], n),
            "item": np.tile(np.arange(n), 2),
            "units_per_day": np.concatenate([base, rural]),
        }
    )
    items = pd.DataFrame({"item": np.arange(n), "cube_l": rng.uniform(1.0, 3.0, n)})
    hubs = pd.DataFrame({"hub": ["M", "R"], "slots": [20, 20], "cube_l": [1e6, 1e6]})
    return demand, items, hubs


def test_local_plan_stocks_local_items_and_gains_share():
    demand, items, hubs = _two_hubs()
    policy = StockPolicy(0.95, 1.0, 1.0)
    local, _, _ = plan_assortment(demand, items, hubs, policy=policy, method="milp")
    # the national mix is the metro hub's (most of the country's demand)
    national_demand = demand[demand["hub"] == "M"].drop(columns="hub")
    nat = pd.concat([national_demand.assign(hub=h) for h in ("M", "R")], ignore_index=True)
    national, _, _ = plan_assortment(nat, items, hubs, policy=policy, method="milp")
    rep = local_vs_national(local, national, demand).set_index("hub")
    assert rep.loc["R", "only_local"] >= 5  # the rural items
    assert rep.loc["R", "share_gain"] > 0.02
    assert rep.loc["M", "share_gain"] >= -1e-9  # the local plan is optimal for its own demand
    top = rep.loc["R", "top_only_local"].split("; ")
    assert all(int(t) >= 50 for t in top)
    assert rep.loc["R", "only_local"] == rep.loc["R", "only_national"]  # same slot count


def test_expected_served_recomputes_fill_under_given_demand():
    demand, _, _ = _two_hubs(10)
    plan = pd.DataFrame({"hub": ["M", "M"], "item": [0, 1], "base_stock": [100, 0]})
    srv = expected_served(plan, demand).set_index("hub")
    mu = demand.loc[(demand.hub == "M") & (demand.item == 0), "units_per_day"].to_numpy()
    want = float(mu[0] * fill_rate(np.array([100.0]), mu)[0])
    assert srv.loc["M", "served_per_day"] == pytest.approx(want)
    assert srv.loc["R", "served_per_day"] == 0.0  # nothing stocked there
    with pytest.raises(InputError, match="units_per_day"):
        expected_served(plan, demand.drop(columns="units_per_day"))
