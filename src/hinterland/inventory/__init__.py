"""inventory stage: assortment and base-stock levels of hybrid hubs.

See ``docs/demand.md``. :func:`plan_assortment` returns the plan, a per-hub
summary (expected same-day share) and a certificate per hub.
"""

from hinterland.inventory.assortment import StockPolicy, plan_assortment, popularity_plan
from hinterland.inventory.simulate import served_share, simulate_served
from hinterland.inventory.stock import base_stock_for_fill, expected_loss, fill_rate
from hinterland.inventory.verify import check_plan

__all__ = [
    "StockPolicy",
    "base_stock_for_fill",
    "check_plan",
    "expected_loss",
    "fill_rate",
    "plan_assortment",
    "popularity_plan",
    "served_share",
    "simulate_served",
]
