"""The operating model: the one home of every operating rule and default.

Every stage (coverage, design, demand, promise, routing, simulation) reads these
rules; none restates them. Defaults and their public sources: ``docs/operations.md``.
"""

from hinterland.operations.drones import DroneFleet
from hinterland.operations.postal import (
    DEFAULT_FEE_BANDS,
    SERVICE_COLUMNS,
    FeeSchedule,
    PostalPartner,
    service_areas,
)
from hinterland.operations.vans import LineHaul, VanFleet

__all__ = [
    "DEFAULT_FEE_BANDS",
    "SERVICE_COLUMNS",
    "DroneFleet",
    "FeeSchedule",
    "LineHaul",
    "PostalPartner",
    "VanFleet",
    "service_areas",
]
