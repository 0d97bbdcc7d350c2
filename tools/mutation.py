"""Mutation testing of the verifiers, checkers and operating rules, one module at a time.

``make mutation`` runs this. For each target module it copies ``src/``, ``tests/`` and
``pyproject.toml`` to a scratch folder, narrows the ``[tool.mutmut]`` section of the
copy to that one module (``only_mutate``) and its own test files
(``pytest_add_cli_args_test_selection``), runs ``mutmut run`` there under ``nice``,
and reads each mutant's outcome from mutmut's ``.meta`` file. The work tree is never
touched (mutmut writes its ``mutants/`` folder in the scratch copy).

Writes ``mutation.csv`` (``module,killed,total``; killed counts mutants a test
failed on, timed out on, or the type checker refused) and prints every surviving
mutant's name; ``mutmut show NAME`` in the scratch folder (``--keep``) shows its diff.

Usage::

    python tools/mutation.py                      # every target
    python tools/mutation.py --only settlement    # targets whose path contains it
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (module, the test files whose tests may kill its mutants).
TARGETS: list[tuple[str, list[str]]] = [
    # (its CLI tests load the national ZIP table per test: too slow to rerun per mutant)
    ("src/hinterland/carriers/settlement.py", ["tests/carriers/test_settlement.py"]),
    ("src/hinterland/network/verify.py", ["tests/network/test_verify.py"]),
    ("src/hinterland/routing/verify.py",
     ["tests/routing/test_verify.py", "tests/routing/test_verify_tolerance.py"]),
    ("src/hinterland/promise/verify.py", ["tests/promise"]),
    ("src/hinterland/inventory/verify.py", ["tests/inventory"]),
]
OPERATIONS_TESTS = ["tests/operations"]

#: mutmut exit codes that mean the mutant was detected.
KILLED_CODES = {1, 3, 36, 37, -24, 24, 152, 255}


def targets() -> list[tuple[str, list[str]]]:
    """Every target: the verifier/checker modules and each operating-rule module."""
    ops = sorted(p for p in (ROOT / "src/hinterland/operations").glob("*.py")
                 if p.name != "__init__.py")
    return TARGETS + [(str(p.relative_to(ROOT)), OPERATIONS_TESTS) for p in ops]


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def narrowed_pyproject(text: str, module: str, tests: list[str]) -> str:
    """``pyproject.toml`` with its ``[tool.mutmut]`` keys narrowed to one module."""
    head = re.search(r"^\[tool\.mutmut\]\s*$", text, flags=re.M)
    if head is None:
        raise SystemExit("pyproject.toml has no [tool.mutmut] section")
    nxt = re.search(r"^\[", text[head.end():], flags=re.M)
    end = head.end() + (nxt.start() if nxt else len(text) - head.end())
    section = text[head.end():end]
    section = re.sub(r"^only_mutate\s*=.*?\]\s*$", "", section, flags=re.M | re.S)
    section = re.sub(r"^pytest_add_cli_args_test_selection\s*=.*?\]\s*$", "", section,
                     flags=re.M | re.S)
    section = (f"\nonly_mutate = {_toml_list([module])}\n"
               f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n" + section)
    return text[:head.end()] + section + text[end:]


def failing_tests(work: Path, tests: list[str], env: dict[str, str]) -> list[str]:
    """Tests of the selection that fail on the unmutated copy (mutmut needs a green run)."""
    proc = subprocess.run(
        ["nice", "-n", "10", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "--hypothesis-seed=0", "-rf", *tests], cwd=work,
        env={**env, "PYTHONPATH": str(work / "src")}, capture_output=True, text=True)
    return [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("FAILED ")]


def run_one(module: str, tests: list[str], *, children: int, keep: bool,
            root: Path = ROOT) -> dict[str, object]:
    """Mutate one module in a scratch copy of ``root``; return its counts and survivors."""
    work = Path(tempfile.mkdtemp(prefix="hinterland-mutation-"))
    try:
        shutil.copytree(root / "src", work / "src",
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        shutil.copytree(root / "tests", work / "tests",
                        ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
        env = dict(os.environ)
        env.setdefault("HINTERLAND_DATA_DIR", str(ROOT.parent / "shared" / "data"))
        # Fewer examples per property test: each mutant runs its tests once more.
        env.setdefault("HINTERLAND_PROPERTY_EXAMPLES", "25")
        failing = failing_tests(work, tests, env)
        for node in failing:
            print(f"    deselected (fails without any mutant): {node}", flush=True)
        selection = [*tests, *(a for node in failing for a in ("--deselect", node))]
        text = (root / "pyproject.toml").read_text()
        (work / "pyproject.toml").write_text(narrowed_pyproject(text, module, selection))
        mutmut = Path(sys.executable).with_name("mutmut")
        cmd = ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(children)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        meta = work / "mutants" / (module + ".meta")
        if not meta.is_file():
            tail = (proc.stdout + proc.stderr)[-3000:]
            raise SystemExit(f"mutmut produced no results for {module} "
                             f"(exit {proc.returncode}):\n{tail}")
        codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
        killed = sum(1 for c in codes.values() if c in KILLED_CODES)
        survivors = sorted(k for k, c in codes.items() if c not in KILLED_CODES)
        by_function: dict[str, list[int]] = {}
        for k, c in codes.items():
            fn = k.split("__mutmut_")[0].rsplit(".", 1)[-1].removeprefix("x_")
            tally = by_function.setdefault(fn, [0, 0])
            tally[0] += c in KILLED_CODES
            tally[1] += 1
        return {"module": module, "killed": killed, "total": len(codes),
                "survivors": {k: codes[k] for k in survivors}, "seconds": seconds,
                "work": str(work), "by_function": by_function}
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Command line (see module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[],
                    help="run only targets whose path contains this (repeatable)")
    ap.add_argument("--out", default=str(ROOT / "mutation.csv"))
    ap.add_argument("--max-children", type=int, default=1, help="mutmut workers (default 1)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folders")
    ap.add_argument("--root", type=Path, default=ROOT,
                    help="tree to copy (default: this checkout), e.g. a clean export")
    args = ap.parse_args(argv)
    chosen = [t for t in targets() if not args.only or any(s in t[0] for s in args.only)]
    out = Path(args.out)
    rows: dict[str, dict[str, object]] = {}
    if out.is_file() and args.only:  # keep the other modules' last figures
        with out.open() as f:
            rows = {r["module"]: dict(r) for r in csv.DictReader(f)}
    for module, tests in chosen:
        res = run_one(module, tests, children=args.max_children, keep=args.keep,
                      root=args.root)
        total = int(res["total"])  # type: ignore[call-overload]
        killed = int(res["killed"])  # type: ignore[call-overload]
        score = killed / total if total else 1.0
        print(f"{module}: {killed}/{total} killed ({score:.1%}) in {res['seconds']:.0f} s"
              + (f"  [kept {res['work']}]" if args.keep else ""), flush=True)
        for fn, (k, n) in sorted(res["by_function"].items()):  # type: ignore[attr-defined]
            print(f"    {fn}: {k}/{n}", flush=True)
        for name, code in res["survivors"].items():  # type: ignore[attr-defined]
            print(f"    survived ({code}): {name}", flush=True)
        rows[module] = {"module": module, "killed": killed, "total": total}
    with out.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["module", "killed", "total"])
        w.writeheader()
        for module in sorted(rows):
            w.writerow({k: rows[module][k] for k in ("module", "killed", "total")})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
