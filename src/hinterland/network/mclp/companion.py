"""The whole MCLP MILP in a second process, for its bound, beside the incumbent search.

HiGHS's branch-and-cut runs on one core, and so does the incumbent pipeline of
:mod:`hinterland.network.mclp.solve` (swaps, LP, blocks, regions). With two cores the
companion starts the MILP on the reduced instance at once, from the greedy start, and
runs until just before the deadline; the caller reads its latest answer as it goes
(:meth:`Companion.peek`), stops both as soon as the better of the two incumbents is
within the gap of the lower of the two bounds, and keeps those.

Why: on large instances the LP bound is what keeps the gap open (p=1000 at a
60-minute radius: 1,784 of 8,740 sites fractional, no site fixable by reduced cost),
and what lowers it is the cuts HiGHS adds at the root. They come only after the root
LP, which takes tens of seconds there, so the MILP has to start early, not after the
heuristics. HiGHS solves the root LP by interior point (``mip_lp_solver="ipm"``),
which is faster than dual simplex on these models.

The companion is a fresh interpreter (``python -c`` calling :func:`main` of this
module) reading its instance from a temporary file: nothing of the caller's HiGHS thread
state is inherited and the caller's main module is not re-imported (a script needs
no ``if __name__ == "__main__"`` guard). As the search goes it writes its best bound
and solution to a second file, replaced whole each time, so the caller can stop it
at any moment and still use what it proved. :func:`collect_companion` always stops
it, also on error or interrupt.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from hinterland.network.mclp.model import milp
from hinterland.network.mclp.params import DEFAULT_PARAMS

__all__ = ["Answer", "Companion", "collect_companion", "main", "start_companion"]

#: ``(chosen sites or None, proven bound, status)`` on the reduced instance.
Answer = tuple[NDArray[np.int64] | None, float, str]

#: What the companion interpreter runs (argument: the job file).
_ENTRY = "import sys; from hinterland.network.mclp.companion import main; main(sys.argv[1])"


@dataclass
class Companion:
    """A running companion MILP: its process, its input file and its deadline."""

    process: subprocess.Popen[bytes]
    path: Path
    deadline: float
    _seen: tuple[tuple[int, int], Answer | None] = ((-1, -1), None)

    @property
    def answer_path(self) -> Path:
        """Where the companion keeps its latest ``(chosen, bound, status)``."""
        return self.path.with_suffix(".answer")

    def peek(self) -> Answer | None:
        """Its latest ``(chosen, bound, status)`` while it runs (``None`` before the first).

        The file is read again only when it changed, so this is cheap to call often.
        """
        try:
            st = self.answer_path.stat()
        except FileNotFoundError:
            return None
        stamp = (st.st_ino, st.st_mtime_ns)  # each answer is a new file
        if stamp != self._seen[0]:
            with self.answer_path.open("rb") as fh:
                self._seen = (stamp, pickle.load(fh))
        return self._seen[1]


def start_companion(
    a: sp.csr_matrix,
    w: NDArray[np.float64],
    count: int,
    start: NDArray[np.int64],
    *,
    deadline: float,
    mip_gap: float,
    lp_solver: str = DEFAULT_PARAMS.companion_lp_solver,
) -> Companion:
    """Start the MILP ``max w @ z, z <= a @ y, sum y <= count`` in a second process.

    ``deadline`` is a ``time.perf_counter()`` value (a system-wide monotonic clock on
    Linux and macOS); the companion stops its solve there. ``lp_solver`` is HiGHS's
    ``mip_lp_solver`` for it.
    """
    fd, name = tempfile.mkstemp(prefix="hinterland-mclp-", suffix=".job")
    with os.fdopen(fd, "wb") as fh:
        job = (
            sp.csr_matrix(a),
            w,
            count,
            np.asarray(start, np.int64),
            deadline,
            mip_gap,
            lp_solver,
        )
        pickle.dump(job, fh, protocol=pickle.HIGHEST_PROTOCOL)
    src = str(Path(__file__).resolve().parents[3])  # the folder holding hinterland
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    proc = subprocess.Popen(
        [sys.executable, "-c", _ENTRY, name],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    return Companion(proc, Path(name), deadline)


def collect_companion(
    c: Companion, *, wait: bool, grace: float = DEFAULT_PARAMS.companion_grace_seconds
) -> Answer | None:
    """Stop the companion and return its latest ``(chosen, bound, status)``.

    With ``wait`` it is given until its deadline (plus ``grace`` seconds) to finish;
    without, it is stopped at once (the caller closed the gap itself). ``None`` when
    it had nothing to tell yet. ``chosen`` is ``None`` until it found a solution.
    """
    try:
        if wait:
            with contextlib.suppress(subprocess.TimeoutExpired):
                c.process.wait(timeout=max(c.deadline - time.perf_counter(), 0.0) + grace)
        if c.process.poll() is None:
            c.process.kill()
            c.process.wait()
        return c.peek()
    finally:
        if c.process.poll() is None:
            c.process.kill()
            c.process.wait()
        c.path.unlink(missing_ok=True)
        c.answer_path.unlink(missing_ok=True)


def _write(path: Path, answer: Answer) -> None:
    """Replace the answer file whole (a reader never sees half of one)."""
    tmp = path.with_suffix(".partial")
    with tmp.open("wb") as fh:
        pickle.dump(answer, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def main(job_path: str) -> None:
    """Companion process: solve the pickled instance, keep the answer file current."""
    path = Path(job_path)
    with path.open("rb") as fh:
        a, w, count, start, deadline, mip_gap, lp_solver = pickle.load(fh)
    out = path.with_suffix(".answer")
    mc = a.shape[1]
    best: list[Any] = [np.asarray(start, np.int64), math.inf]

    def progress(bound: float, x: NDArray[np.float64] | None) -> None:
        changed = x is not None or (math.isfinite(bound) and bound < best[1])
        if x is not None and x.shape[0] >= mc:
            best[0] = np.nonzero(x[:mc] > 0.5)[0].astype(np.int64)
        if math.isfinite(bound):
            best[1] = min(best[1], bound)
        if changed and math.isfinite(best[1]):
            _write(out, (best[0], float(best[1]), "time_limit"))

    chosen, bound, status = milp(
        a,
        w,
        count,
        None,
        None,
        start,
        time_limit=max(deadline - time.perf_counter(), 0.05),
        mip_gap=mip_gap,
        threads=1,
        options={"mip_lp_solver": lp_solver},
        on_progress=progress,
    )
    if not math.isnan(bound):
        _write(out, (chosen if chosen is not None else best[0], float(bound), status))
