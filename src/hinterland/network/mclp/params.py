"""Tuning and statistics of the MCLP solver: :class:`SolveParams` and :class:`SolveStats`.

Every tuning figure of :func:`~hinterland.network.mclp.solve.solve_max_coverage`
lives in :class:`SolveParams`, one documented field each (the PyVRP ``SolveParams``
habit); the default instance reproduces the behaviour measured on the national
benchmark (``benchmarks/mclp_national.py``). Shares of time are shares of the time
left at the step, unless said otherwise. Numerical tolerances (``1e-9`` relative
equality tests) are not tuning and stay where they are used.

:class:`SolveStats` is what a solve did, typed; :meth:`SolveStats.to_dict` gives the
JSON form (steps that did not run are left out).

This module imports nothing else of the package: every other module may read it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

__all__ = ["DEFAULT_PARAMS", "SolveParams", "SolveStats"]


@dataclass(frozen=True)
class SolveParams:
    """Tuning of the MCLP solve (defaults: the measured national-benchmark settings).

    Attributes
    ----------
    reserve_share
        Share of ``time_limit`` kept back at the end of the search, so the recount
        and the marginal curve also fit inside the limit ...
    reserve_max_seconds
        ... but never more than this many seconds.
    use_companion
        With ``threads >= 2`` (and no budget), run the whole reduced MILP in a
        second process for its bound (:mod:`hinterland.network.mclp.companion`).
    companion_margin_seconds
        The companion stops this many seconds before the search deadline.
    companion_lp_solver
        HiGHS ``mip_lp_solver`` of the companion's MILP (its root LP by interior
        point is faster than dual simplex on these models).
    companion_grace_seconds
        How long after its deadline a companion is waited for before it is killed.
    swap_share
        Greedy's swap local search ends at this share of ``time_limit`` (from the
        start of the solve) without a companion ...
    swap_share_with_companion
        ... and at this share with one (the LP-guided steps come sooner; their
        swaps do more).
    lp_method
        HiGHS ``solver`` for the LP relaxation (``"ipm"`` runs without crossover).
    rounding_swap_share
        Time for the swaps that improve the LP rounding (the ``count`` largest
        ``y``).
    block_size
        Most sites in one block of LP-fractional sites
        (:func:`~hinterland.network.mclp.bounds.fractional_blocks`).
    fractional_tol
        A site is LP-fractional when ``tol < y < 1 - tol``.
    block_share
        Time for the block Lagrangian bound (all its block MILPs).
    block_mip_gap
        Relative gap of each block MILP.
    block_swap_share
        Time for the swaps that improve the block pick (share of the time left
        before the blocks).
    repair_batch
        When the block pick has too many sites, drop about ``1 / repair_batch`` of
        the surplus, least useful first, per round.
    support_threshold
        A site is in the LP support (the restricted MILP's sites) when ``y`` is
        above this, or when it is in the incumbent.
    restricted_share
        Time limit of the restricted MILP, as a share of the time left ...
    restricted_max_seconds
        ... and at most this many seconds.
    restricted_mip_gap
        Relative gap of the restricted MILP.
    restricted_soon_seconds
        With a companion, the restricted MILP stops at its first set better than
        the incumbent after this many seconds. A fixed cut would land on either
        side of HiGHS's first better set depending on the load (national p=1000 at
        30 minutes: found at 9.5 s quiet, not by 10 s loaded).
    restricted_swap_share
        Time for the swaps after the restricted MILP (share of the time left before
        it) without a companion ...
    restricted_swap_share_with_companion
        ... and with one.
    region_share
        The region search takes this share of the time left without a companion ...
    region_share_with_companion
        ... and this share with one (it has all the time; the companion bounds).
    region_patience
        Region problems in a row without a better set before the search stops
        (or grows, see ``region_escalate``), without a companion ...
    region_patience_with_companion
        ... and with one.
    region_escalate
        Times the regions may double in size once they stop finding better sets,
        without a companion ...
    region_escalate_with_companion
        ... and with one (national p=1000 at 60 minutes: 318.974 M at 300 sites,
        318.992 M at 600).
    region_max_sites
        Most candidate sites in one region problem (before escalation).
    region_sub_seconds
        Time limit of one region problem (an unfinished one keeps its best set).
    region_mip_gap
        Relative gap of a region problem.
    region_presolve
        HiGHS presolve on region problems (off: it costs more than it saves on
        these small covering models; national p=1000 at 60 minutes: 86 regions in
        30 s without, 40 with).
    fixing_gap_share
        Lagrangian fixing closes or opens a site when forcing it the other way
        bounds the optimum below the incumbent times ``1 + fixing_gap_share *
        mip_gap`` (halfway to the target gap).
    final_gap_share
        The MILP on what fixing leaves runs to ``final_gap_share * mip_gap``.
    swap_budget_leaving
        Under a budget, the swap search tries the sites with the least loss first,
        at most this many, for the move without a shared point.
    max_swaps
        Most improving swaps of one swap local search.
    """

    reserve_share: float = 0.01
    reserve_max_seconds: float = 1.0
    use_companion: bool = True
    companion_margin_seconds: float = 0.5
    companion_lp_solver: str = "ipm"
    companion_grace_seconds: float = 0.3
    swap_share: float = 0.15
    swap_share_with_companion: float = 0.05
    lp_method: str = "ipm"
    rounding_swap_share: float = 0.03
    block_size: int = 150
    fractional_tol: float = 1e-4
    block_share: float = 0.1
    block_mip_gap: float = 1e-7
    block_swap_share: float = 0.05
    repair_batch: int = 10
    support_threshold: float = 1e-2
    restricted_share: float = 0.25
    restricted_max_seconds: float = 30.0
    restricted_mip_gap: float = 1e-6
    restricted_soon_seconds: float = 10.0
    restricted_swap_share: float = 0.1
    restricted_swap_share_with_companion: float = 0.02
    region_share: float = 0.6
    region_share_with_companion: float = 1.0
    region_patience: int = 25
    region_patience_with_companion: int = 100
    region_escalate: int = 0
    region_escalate_with_companion: int = 3
    region_max_sites: int = 300
    region_sub_seconds: float = 5.0
    region_mip_gap: float = 1e-9
    region_presolve: bool = False
    fixing_gap_share: float = 0.5
    final_gap_share: float = 0.5
    swap_budget_leaving: int = 50
    max_swaps: int = 100000

    def __post_init__(self) -> None:
        shares = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for name, val in shares.items():
            if isinstance(val, bool | str):
                continue
            if not val >= 0:
                raise ValueError(f"SolveParams.{name} must be >= 0, not {val!r}")
        for name in ("block_size", "repair_batch", "region_max_sites", "max_swaps"):
            if shares[name] < 1:
                raise ValueError(f"SolveParams.{name} must be >= 1, not {shares[name]!r}")


#: The defaults (module-level defaults of the solver's functions read this).
DEFAULT_PARAMS = SolveParams()


@dataclass
class SolveStats:
    """What one MCLP solve did (sizes, values and seconds per step).

    Values are on the reduced instance unless said otherwise: the objective keys
    ``greedy_objective`` and ``heuristic_objective`` include the weight existing
    sites cover, the later ones do not. ``None`` means the step did not run.

    Attributes
    ----------
    points, candidates, pairs
        Size of the instance given.
    points_reduced, candidates_reduced, pairs_reduced
        Size after merging points and dropping dominated sites.
    reduce_seconds
        Time of the reductions.
    greedy_objective
        Weight covered by greedy (with the existing sites).
    heuristic_objective, heuristic_seconds
        After the swap local search (with the existing sites); time since the start.
    lp_seconds, lp_bound, lagrangian_bound
        LP relaxation: its time, its objective and the Lagrangian bound at its duals.
    rounded_objective
        LP rounding (largest ``y``) after swaps.
    block_bound, blocks, block_seconds, block_objective
        Block Lagrangian bound, blocks solved, its time, and its pick after repair
        and swaps.
    restricted_seconds, restricted_objective
        The MILP on the LP support: time, and the incumbent after it.
    region_objective, regions, regions_improved, region_seconds
        Region search: the incumbent after it, region problems, improving ones, time.
    incumbent_seconds
        Time from the LP through the regions.
    fixed_closed, fixed_open
        Sites Lagrangian fixing closed and opened.
    milp_sites, milp_points, milp_seconds
        The final MILP on what fixing left: its size and time.
    companion_objective, companion_bound
        The companion's incumbent (recounted) and bound.
    """

    points: int = 0
    candidates: int = 0
    pairs: int = 0
    points_reduced: int = 0
    candidates_reduced: int = 0
    pairs_reduced: int = 0
    reduce_seconds: float = 0.0
    greedy_objective: float | None = None
    heuristic_objective: float | None = None
    heuristic_seconds: float | None = None
    lp_seconds: float | None = None
    lp_bound: float | None = None
    lagrangian_bound: float | None = None
    rounded_objective: float | None = None
    block_bound: float | None = None
    blocks: int | None = None
    block_seconds: float | None = None
    block_objective: float | None = None
    restricted_seconds: float | None = None
    restricted_objective: float | None = None
    region_objective: float | None = None
    regions: int | None = None
    regions_improved: int | None = None
    region_seconds: float | None = None
    incumbent_seconds: float | None = None
    fixed_closed: int | None = None
    fixed_open: int | None = None
    milp_sites: int | None = None
    milp_points: int | None = None
    milp_seconds: float | None = None
    companion_objective: float | None = None
    companion_bound: float | None = None

    def to_dict(self) -> dict[str, float | int]:
        """The statistics that were set, by name (JSON-ready; steps not run are left out)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}
