"""Delivery promise: feasible options per order (time, cost, CO2) and the chosen one.

See :mod:`hinterland.promise.engine` for modes, tiers, policies and reason codes,
and :mod:`hinterland.network.default_network` for the default national network.
"""

from hinterland.promise.engine import (
    DEFAULT_SHIPPING_FEE_USD,
    MODE_CARRIER,
    MODES,
    POLICIES,
    REASON_NAMES,
    REASON_TEXT,
    TIERS,
    ParsedOrders,
    PromiseEngine,
    PromiseResult,
    Reason,
    StockIndex,
    UnknownZipError,
    parse_orders,
)
from hinterland.promise.service import default_engine

__all__ = [
    "DEFAULT_SHIPPING_FEE_USD",
    "MODES",
    "MODE_CARRIER",
    "POLICIES",
    "REASON_NAMES",
    "REASON_TEXT",
    "TIERS",
    "ParsedOrders",
    "PromiseEngine",
    "PromiseResult",
    "Reason",
    "StockIndex",
    "UnknownZipError",
    "default_engine",
    "parse_orders",
]
