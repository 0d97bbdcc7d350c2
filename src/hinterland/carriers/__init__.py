"""Carriers' money: the postal partner's settlement statements and ledger lines.

The carriers' operating rules (vans, line-haul, the partner's fees and service,
drones) live in :mod:`hinterland.operations`; billed money is exact
:class:`decimal.Decimal` (see :mod:`hinterland.core.money`).
"""

from hinterland.carriers.settlement import (
    LEDGER_COLUMNS,
    STATEMENT_COLUMNS,
    daily_statements,
    ledger_lines,
)

__all__ = [
    "LEDGER_COLUMNS",
    "STATEMENT_COLUMNS",
    "daily_statements",
    "ledger_lines",
]
