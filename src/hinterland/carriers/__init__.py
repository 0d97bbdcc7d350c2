"""Carriers: own vans and line-haul, the postal partner (fees, settlement), drones.

All billed money is exact :class:`decimal.Decimal` (see :mod:`hinterland.carriers.money`).
"""

from hinterland.carriers.drones import DroneFleet
from hinterland.carriers.money import CENT, from_cents, round_cents, to_cents, usd
from hinterland.carriers.postal import (
    DEFAULT_FEE_BANDS,
    SERVICE_COLUMNS,
    FeeSchedule,
    PostalPartner,
    service_areas,
)
from hinterland.carriers.settlement import (
    LEDGER_COLUMNS,
    STATEMENT_COLUMNS,
    daily_statements,
    ledger_lines,
)
from hinterland.carriers.vans import LineHaul, VanFleet

__all__ = [
    "CENT",
    "DEFAULT_FEE_BANDS",
    "LEDGER_COLUMNS",
    "SERVICE_COLUMNS",
    "STATEMENT_COLUMNS",
    "DroneFleet",
    "FeeSchedule",
    "LineHaul",
    "PostalPartner",
    "VanFleet",
    "daily_statements",
    "from_cents",
    "ledger_lines",
    "round_cents",
    "service_areas",
    "to_cents",
    "usd",
]
