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
from hinterland.network.maxcover import _covered_weight, _model, solve_max_coverage
from hinterland.network.mclp_companion import collect_companion, start_companion


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
    value = _covered_weight(a, w, chosen)
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
    value = _covered_weight(a, w, chosen) if chosen is not None else 0.0
    assert bound >= value
    # no set of 40 sites may beat a valid bound: check against a solve of our own
    res = solve_max_coverage(w, *a.nonzero(), 600, max_count=40, time_limit=5, threads=1)
    assert res.certificate.objective <= bound + 1e-6


def test_progress_reports_bounds_and_rejects_unknown_options() -> None:
    a, w = _random(2, 400, 80, 3000)
    obj, mat, lo, hi = _model(a, w, 8, None, None)
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
