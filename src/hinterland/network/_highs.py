"""Thin wrapper over ``highspy`` for sparse MILPs (private helper).

One function, :func:`solve_milp`, passes a row-wise sparse model to HiGHS, with an
optional warm start, and returns values, objective, best bound and status.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray


def _swallow_banner() -> None:
    """Make the process's first HiGHS instance with file descriptor 1 muted.

    HiGHS prints a two-line banner to fd 1 when its first instance is made, before
    any option can silence it; CSV or JSON written to stdout must not start with it.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


_swallow_banner()


@dataclass(frozen=True)
class MilpResult:
    """Outcome of one HiGHS MILP solve.

    Attributes
    ----------
    x
        Column values (``nan`` everywhere when HiGHS found no solution).
    objective
        Objective of ``x`` (``nan`` without solution).
    bound
        Best dual bound HiGHS proved (``nan`` when none).
    status
        ``"optimal"``, ``"time_limit"``, ``"infeasible"`` or HiGHS's status text.
    seconds
        Wall time of the solve.
    """

    x: NDArray[np.float64]
    objective: float
    bound: float
    status: str
    seconds: float


def solve_milp(
    cost: NDArray[np.float64],
    a: sp.csr_matrix,
    row_lower: NDArray[np.float64],
    row_upper: NDArray[np.float64],
    col_lower: NDArray[np.float64],
    col_upper: NDArray[np.float64],
    integer: NDArray[np.bool_],
    *,
    maximize: bool = False,
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-6,
    start: NDArray[np.float64] | None = None,
    threads: int = 1,
    offset: float = 0.0,
    options: Mapping[str, str | int | float | bool] | None = None,
    on_progress: Callable[[float, NDArray[np.float64] | None], bool | None] | None = None,
) -> MilpResult:
    """Solve ``opt cost @ x + offset`` s.t. ``row_lower <= a @ x <= row_upper`` with HiGHS.

    Infinite bounds are given as ``numpy.inf``. ``start`` is a feasible solution used
    as incumbent (HiGHS checks it). ``options`` are further HiGHS options by name
    (e.g. ``{"mip_lp_solver": "ipm"}``); an unknown name or value raises ``ValueError``.
    ``on_progress(bound, x)`` is called as the search goes: with the dual bound after
    every cut round or node report (``x`` is ``None``), and with each improving
    solution ``x``. When it returns ``True`` the solve stops at the next report, with
    status ``"interrupted"`` and the best solution and bound so far.
    """
    t0 = time.perf_counter()
    n_col = int(cost.shape[0])
    a = sp.csr_matrix(a)
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = int(a.shape[0])
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.offset_ = float(offset)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(np.float64)
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = int(a.shape[0])
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
        for flag in np.asarray(integer, dtype=bool)
    ]
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("threads", int(threads))
    for name, val in (options or {}).items():
        if h.setOptionValue(name, val) != highspy.HighsStatus.kOk:
            raise ValueError(f"HiGHS rejected option {name}={val!r}")
    if on_progress is not None:
        _report_progress(h, on_progress)
    h.passModel(lp)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = np.asarray(start, dtype=np.float64)
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    status_obj = h.getModelStatus()
    text = h.modelStatusToString(status_obj).lower()
    info = h.getInfo()
    x = np.asarray(h.getSolution().col_value, dtype=np.float64)
    has_sol = info.primal_solution_status >= 1 and x.shape[0] == n_col
    objective = float(info.objective_function_value) if has_sol else math.nan
    bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else math.nan
    if status_obj == highspy.HighsModelStatus.kOptimal:
        status = "optimal"
        if math.isnan(bound):
            bound = objective
    elif status_obj == highspy.HighsModelStatus.kTimeLimit:
        status = "time_limit"
    elif status_obj == highspy.HighsModelStatus.kInfeasible:
        status = "infeasible"
    elif status_obj == highspy.HighsModelStatus.kInterrupt:
        status = "interrupted"
    else:
        status = text
    if not has_sol:
        x = np.full(n_col, np.nan)
    return MilpResult(x, objective, bound, status, time.perf_counter() - t0)


def _report_progress(
    h: highspy.Highs,
    on_progress: Callable[[float, NDArray[np.float64] | None], bool | None],
) -> None:
    """Subscribe ``on_progress`` to HiGHS's MIP events (see :func:`solve_milp`)."""
    # the interrupt event fires with each MIP log report; reports go to no console
    h.setOptionValue("output_flag", True)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("mip_min_logging_interval", 0.0)
    stop = [False]  # asked for on a solution event: honoured at the next interrupt event

    def on_bound(e: Any) -> None:
        stop[0] = bool(on_progress(float(e.data_out.mip_dual_bound), None)) or stop[0]
        if stop[0]:
            e.interrupt()

    def on_solution(e: Any) -> None:
        x = np.asarray(e.data_out.mip_solution, dtype=np.float64)
        stop[0] = bool(on_progress(float(e.data_out.mip_dual_bound), x)) or stop[0]

    h.cbMipInterrupt.subscribe(on_bound)
    h.cbMipImprovingSolution.subscribe(on_solution)


def solve_lp(
    cost: NDArray[np.float64],
    a: sp.csr_matrix,
    row_lower: NDArray[np.float64],
    row_upper: NDArray[np.float64],
    col_lower: NDArray[np.float64],
    col_upper: NDArray[np.float64],
    *,
    maximize: bool = False,
    time_limit: float = 60.0,
    threads: int = 1,
    method: str = "ipm",
) -> tuple[NDArray[np.float64], NDArray[np.float64], float, str]:
    """Solve the LP (no integrality); returns (x, row duals, objective, status).

    ``method`` is HiGHS's ``solver`` option (``"ipm"`` runs without crossover).
    Duals may be approximate; callers needing a valid bound must recompute one from them.
    """
    n_col = int(cost.shape[0])
    a = sp.csr_matrix(a)
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = int(a.shape[0])
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(np.float64)
    lp.a_matrix_.num_col_ = n_col
    lp.a_matrix_.num_row_ = int(a.shape[0])
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    h = highspy.Highs()
    h.silent()
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("solver", method)
    if method == "ipm":
        h.setOptionValue("run_crossover", "off")
    h.passModel(lp)
    h.run()
    sol = h.getSolution()
    status = h.modelStatusToString(h.getModelStatus()).lower()
    x = np.asarray(sol.col_value, dtype=np.float64)
    duals = np.asarray(sol.row_dual, dtype=np.float64)
    if x.shape[0] != n_col:
        x = np.full(n_col, np.nan)
        duals = np.full(int(a.shape[0]), np.nan)
    return x, duals, float(h.getInfo().objective_function_value), status
