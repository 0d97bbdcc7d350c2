"""MCLP package shape: one-way imports, no imports inside functions, documented tuning."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

import hinterland.network.maxcover as maxcover
import hinterland.network.mclp as mclp
from hinterland.network.mclp.params import DEFAULT_PARAMS, SolveParams, SolveStats
from hinterland.network.mclp.solve import solve_max_coverage

#: The layers, lowest first: a module may import only modules before it.
ORDER = [
    "params",
    "model",
    "reduce",
    "heuristics",
    "bounds",
    "regions",
    "companion",
    "solve",
]
PKG = Path(mclp.__file__).parent


def _tree(name: str) -> ast.Module:
    return ast.parse((PKG / f"{name}.py").read_text(encoding="utf-8"))


def test_every_module_of_the_package_is_in_the_order() -> None:
    found = {p.stem for p in PKG.glob("*.py")} - {"__init__"}
    assert found == set(ORDER)


@pytest.mark.parametrize("name", ORDER)
def test_modules_import_only_lower_layers_and_only_at_the_top(name: str) -> None:
    tree = _tree(name)
    allowed = {f"hinterland.network.mclp.{m}" for m in ORDER[: ORDER.index(name)]}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            mod = node.module
            if mod.startswith("hinterland.network.mclp"):
                assert mod in allowed, f"{name} imports {mod}"
            assert not mod.startswith("hinterland.network.maxcover"), name
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = [n for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom)]
            assert not inner, f"{name}.{fn.name} imports inside a function"


def test_every_parameter_is_documented() -> None:
    doc = SolveParams.__doc__ or ""
    for f in dataclasses.fields(SolveParams):
        assert f"\n    {f.name}\n" in doc or f" {f.name}," in doc or f"{f.name}\n" in doc, f.name


def test_params_are_frozen_and_checked() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_PARAMS.swap_share = 0.5  # type: ignore[misc]
    with pytest.raises(ValueError, match="region_share"):
        SolveParams(region_share=-1.0)
    with pytest.raises(ValueError, match="block_size"):
        SolveParams(block_size=0)


def test_old_import_path_is_the_same_solver() -> None:
    assert maxcover.solve_max_coverage is solve_max_coverage
    assert mclp.solve_max_coverage is solve_max_coverage


def test_stats_are_typed_and_json_ready() -> None:
    rng = np.random.default_rng(7)
    r, c = rng.integers(0, 300, 2000), rng.integers(0, 60, 2000)
    res = solve_max_coverage(rng.random(300), r, c, 60, max_count=5, time_limit=20)
    assert isinstance(res.stats, SolveStats)
    d = res.stats.to_dict()
    assert d["points"] == 300 and d["candidates"] == 60 and d["pairs"] == 2000
    assert "greedy_objective" in d and "companion_bound" not in d  # one thread: no companion
    assert None not in d.values()
    json.dumps(d)


def test_params_change_what_the_solve_does() -> None:
    # with the companion off, two threads take the single-process path
    rng = np.random.default_rng(8)
    r, c = rng.integers(0, 400, 3000), rng.integers(0, 80, 3000)
    w = rng.random(400)
    res = solve_max_coverage(
        w, r, c, 80, max_count=6, time_limit=20, threads=2,
        params=SolveParams(use_companion=False),
    )  # fmt: skip
    assert res.stats.companion_bound is None
    assert res.certificate.verified and res.certificate.bound >= res.certificate.objective - 1e-9
