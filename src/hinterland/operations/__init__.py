"""The operating model: the one home of every operating rule and default.

Every stage (coverage, design, demand, promise, routing, simulation) reads these
rules from an :class:`OperatingModel`; none restates them. Defaults and their
public sources: ``docs/operations.md``.
"""

from hinterland.operations.drones import DroneFleet
from hinterland.operations.linehaul import LineHaul
from hinterland.operations.model import (
    DEFAULT_SHIPPING_FEE_USD,
    FcOps,
    HubOps,
    OperatingModel,
    StationOps,
)
from hinterland.operations.postal import (
    DEFAULT_FEE_BANDS,
    SERVICE_COLUMNS,
    FeeSchedule,
    PostalPartner,
    service_areas,
)
from hinterland.operations.route_length import (
    CALIBRATED,
    RouteConstants,
    RouteEstimate,
    route_estimate,
    stops_within_shift,
    van_reach,
)
from hinterland.operations.vans import VanFleet

__all__ = [
    "CALIBRATED",
    "DEFAULT_FEE_BANDS",
    "DEFAULT_SHIPPING_FEE_USD",
    "SERVICE_COLUMNS",
    "DroneFleet",
    "FcOps",
    "FeeSchedule",
    "HubOps",
    "LineHaul",
    "OperatingModel",
    "PostalPartner",
    "RouteConstants",
    "RouteEstimate",
    "StationOps",
    "VanFleet",
    "route_estimate",
    "service_areas",
    "stops_within_shift",
    "van_reach",
]
