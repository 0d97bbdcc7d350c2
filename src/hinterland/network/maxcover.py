"""Maximal coverage location (MCLP): the solver lives in :mod:`hinterland.network.mclp`.

This module keeps the older import path working
(``from hinterland.network.maxcover import solve_max_coverage``).
"""

from hinterland.network.mclp import (
    CoverageResult,
    SolveParams,
    SolveStats,
    greedy_cover,
    reduce_instance,
    solve_max_coverage,
    swap_cover,
)

__all__ = [
    "CoverageResult",
    "SolveParams",
    "SolveStats",
    "greedy_cover",
    "reduce_instance",
    "solve_max_coverage",
    "swap_cover",
]
