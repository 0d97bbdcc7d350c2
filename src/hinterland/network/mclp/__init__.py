"""Maximal coverage location (MCLP): reductions, heuristics, bounds, regions, companion.

The modules depend one way, each only on those before it:

``params`` (:class:`SolveParams`, :class:`SolveStats`) -> ``model`` (problem data,
covered weight, the MILP) -> ``reduce`` (merged points, dominated sites) ->
``heuristics`` (greedy, swaps, count repair) -> ``bounds`` (LP, Lagrangian, fixing,
blocks) -> ``regions`` (regional exact search) -> ``companion`` (the whole MILP in a
second process) -> ``solve`` (:func:`solve_max_coverage`, the orchestration).
"""

from hinterland.network.mclp.heuristics import greedy_cover, swap_cover
from hinterland.network.mclp.model import ReducedInstance
from hinterland.network.mclp.params import DEFAULT_PARAMS, SolveParams, SolveStats
from hinterland.network.mclp.reduce import reduce_instance
from hinterland.network.mclp.solve import CoverageResult, solve_max_coverage

__all__ = [
    "DEFAULT_PARAMS",
    "CoverageResult",
    "ReducedInstance",
    "SolveParams",
    "SolveStats",
    "greedy_cover",
    "reduce_instance",
    "solve_max_coverage",
    "swap_cover",
]
