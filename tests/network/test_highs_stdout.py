"""HiGHS must not write to stdout: CLI commands print CSV and JSON there."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import numpy as np, scipy.sparse as sp
from hinterland.network._highs import solve_milp
res = solve_milp(np.array([1.0, 1.0]), sp.csr_matrix(np.array([[1.0, 1.0]])),
                 np.array([-np.inf]), np.array([1.0]), np.zeros(2), np.ones(2),
                 np.array([True, True]), maximize=True, time_limit=5)
print(round(res.objective, 6))
"""


def test_solve_prints_nothing_but_the_caller_output() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1.0"
