"""The companion MILP process: valid bounds, answers when stopped early, never left running."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import scipy.sparse as sp

from hinterland.network._highs import solve_milp
from hinterland.network.mclp.companion import Companion, _write, collect_companion, start_companion
from hinterland.network.mclp.heuristics import greedy_cover
from hinterland.network.mclp.model import covered_weight, model_rows
from hinterland.network.mclp.params import SolveStats
from hinterland.network.mclp.solve import _exact, _GapWatch, _restricted_stop, solve_max_coverage


def _random(seed: int, n: int, m: int, pairs: int) -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = sp.csr_matrix(
        (np.ones(pairs), (rng.integers(0, n, pairs), rng.integers(0, m, pairs))), shape=(n, m)
    )
    a.data[:] = 1.0
    return a, rng.random(n) * 100


def test_companion_answers_with_a_valid_bound_and_solution() -> None:
    a, w = _random(0, 60, 12, 200)
    c = start_companion(a, w, 3, np.arange(3), deadline=time.perf_counter() + 30, mip_gap=0.0)
    got = collect_companion(c, wait=True)
    assert got is not None
    chosen, bound, status = got
    assert status == "optimal" and chosen is not None and len(chosen) <= 3
    value = covered_weight(a, w, chosen)
    assert bound == pytest.approx(value)
    assert not c.path.exists() and not c.answer_path.exists()
    assert c.process.poll() is not None


def test_companion_stopped_early_still_gives_a_valid_bound() -> None:
    # large enough that HiGHS is still at work after a few seconds
    a, w = _random(1, 3000, 600, 30000)
    c = start_companion(a, w, 40, np.arange(40), deadline=time.perf_counter() + 120, mip_gap=0.0)
    time.sleep(6.0)
    t0 = time.perf_counter()
    got = collect_companion(c, wait=False)
    assert time.perf_counter() - t0 < 5.0  # stopped, not waited for
    assert c.process.poll() is not None and not c.answer_path.exists()
    assert got is not None
    chosen, bound, _ = got
    value = covered_weight(a, w, chosen) if chosen is not None else 0.0
    assert bound >= value
    # no set of 40 sites may beat a valid bound: check against a solve of our own
    res = solve_max_coverage(w, *a.nonzero(), 600, max_count=40, time_limit=5, threads=1)
    assert res.certificate.objective <= bound + 1e-6


def test_progress_reports_bounds_and_rejects_unknown_options() -> None:
    a, w = _random(2, 400, 80, 3000)
    obj, mat, lo, hi = model_rows(a, w, 8, None, None)
    integer = np.concatenate([np.ones(80, bool), np.zeros(400, bool)])
    model = (obj, mat, lo, hi, np.zeros(480), np.ones(480), integer)
    seen: list[tuple[float, bool]] = []
    res = solve_milp(
        *model,
        maximize=True,
        time_limit=20,
        on_progress=lambda b, x: seen.append((b, x is not None)),
    )
    assert any(has_x for _, has_x in seen)
    finite = [b for b, _ in seen if np.isfinite(b)]
    assert finite and min(finite) >= res.objective - 1e-6
    with pytest.raises(ValueError, match="no_such_option"):
        solve_milp(*model, options={"no_such_option": 1})


def test_progress_returning_true_interrupts_with_what_was_found() -> None:
    a, w = _random(1, 3000, 600, 30000)  # HiGHS needs far more than a few events here
    obj, mat, lo, hi = model_rows(a, w, 40, None, None)
    integer = np.concatenate([np.ones(600, bool), np.zeros(3000, bool)])
    events: list[bool] = []

    def progress(bound: float, x: np.ndarray | None) -> bool:
        events.append(x is not None)
        return any(events)  # stop at the first report after a solution

    t0 = time.perf_counter()
    res = solve_milp(
        obj, mat, lo, hi, np.zeros(3600), np.ones(3600), integer,
        maximize=True, time_limit=60, mip_rel_gap=0.0, on_progress=progress,
    )  # fmt: skip
    assert res.status == "interrupted" and time.perf_counter() - t0 < 30
    assert np.isfinite(res.objective) and res.bound >= res.objective - 1e-6


def test_restricted_stop_waits_for_a_better_set_or_a_closed_gap() -> None:
    a, w = _random(6, 40, 8, 120)
    w_rows = np.array([2.0, 3.0])
    stop = _restricted_stop(w_rows, 1, 4.0, 10.0, _GapWatch(a, w, 0.01, None), soon=0.0)
    assert not stop(10.0, None)  # nothing better than the start yet
    assert not stop(10.0, np.array([1.0, 1.0, 0.0]))  # a worse set: 2 < 4
    assert stop(10.0, np.array([1.0, 1.0, 1.0]))  # 5 > 4, and past ``soon``
    later = _restricted_stop(w_rows, 1, 4.0, 10.0, _GapWatch(a, w, 0.01, None), soon=60.0)
    assert not later(10.0, np.array([1.0, 1.0, 1.0]))  # better, but too soon
    closing = _restricted_stop(w_rows, 1, 4.0, 5.0, _GapWatch(a, w, 0.01, None), soon=None)
    assert not closing(5.0, None)
    assert closing(5.0, np.array([1.0, 1.0, 1.0]))  # 5 of at most 5: the gap is closed


@pytest.mark.parametrize("seed", range(3))
def test_two_threads_match_one_on_small_instances(seed: int) -> None:
    a, w = _random(10 + seed, 70, 14, 220)
    rows, cols = a.nonzero()
    one = solve_max_coverage(w, rows, cols, 14, max_count=4, time_limit=20, mip_gap=0.0)
    two = solve_max_coverage(w, rows, cols, 14, max_count=4, time_limit=20, mip_gap=0.0, threads=2)
    assert two.certificate.objective == pytest.approx(one.certificate.objective)
    assert two.certificate.proven_optimal and two.certificate.verified


def test_a_script_without_main_guard_can_use_two_threads() -> None:
    # the companion is its own interpreter: the caller's script is not re-imported
    code = textwrap.dedent(
        """
        import numpy as np
        from hinterland.network.maxcover import solve_max_coverage
        rng = np.random.default_rng(3)
        r, c = rng.integers(0, 2000, 20000), rng.integers(0, 400, 20000)
        res = solve_max_coverage(rng.random(2000), r, c, 400, max_count=30,
                                 time_limit=8, threads=2)
        print("bound", res.certificate.bound >= res.certificate.objective)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("bound True")


def test_peek_follows_the_answer_file_and_the_watch_counts_it(tmp_path) -> None:
    a, w = _random(4, 50, 10, 150)
    job = tmp_path / "x.job"
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    c = Companion(proc, job, deadline=time.perf_counter() + 30)
    try:
        assert c.peek() is None  # nothing written yet
        watch = _GapWatch(a, w, 0.01, c)
        total = float(w.sum())
        assert not watch.closed(0.5 * total, total)
        _write(c.answer_path, (None, 0.5 * total * 1.005, "time_limit"))
        assert c.peek() == (None, 0.5 * total * 1.005, "time_limit")
        assert watch.closed(0.5 * total, total)  # the companion's bound closes it
        best = np.arange(10)  # every site: covers all that can be covered
        value = covered_weight(a, w, best)
        _write(c.answer_path, (best, value * 1.005, "time_limit"))
        got = c.peek()
        assert got is not None and got[1] == value * 1.005
        assert watch.closed(0.0, total)  # ... and now its incumbent too
        assert not _GapWatch(a, w, 0.01, None).closed(0.0, total)
    finally:
        assert collect_companion(c, wait=False) is not None
    assert proc.poll() is not None and not c.answer_path.exists()


def test_pipeline_stops_once_the_companions_answer_closes_the_gap(tmp_path) -> None:
    # random pairs: the LP leaves a gap of ~17 %, so the pipeline alone would go on
    # to the blocks, the restricted MILP and the regions; an answer on file that
    # closes the gap (here one claiming the start is optimal) ends it after the LP
    a, w = _random(5, 4000, 800, 40000)
    start = greedy_cover(a, w, 60)
    value = covered_weight(a, w, start)
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    c = Companion(proc, tmp_path / "x.job", deadline=time.perf_counter() + 60)
    try:
        _write(c.answer_path, (start, value, "time_limit"))
        stats = SolveStats()
        got = _exact(
            a,
            w,
            60,
            None,
            None,
            start,
            value,
            deadline=time.perf_counter() + 60,
            mip_gap=1e-3,
            threads=1,
            stats=stats,
            watch=_GapWatch(a, w, 1e-3, c),
        )
    finally:
        collect_companion(c, wait=False)
    assert stats.lp_bound is not None and stats.lp_bound > 1.1 * value  # own bound far off
    assert stats.block_bound is None and stats.region_objective is None
    assert got[1] >= value and got[3] == "time_limit"  # its own numbers do not close it
