"""Packaging: the flat public API, one version, extras, shipped data, imports without extras."""

from __future__ import annotations

import importlib.metadata
import io
import re
import subprocess
import sys
import tomllib
from contextlib import redirect_stdout
from pathlib import Path

import pytest

import hinterland
from hinterland.core.errors import DataFileError
from hinterland.data import registry

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "hinterland"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]

#: Packages of the optional extras; the core install (``make demo``) has none of them.
OPTIONAL = ("fastapi", "uvicorn", "swagger_ui_bundle", "dask", "distributed", "geopandas",
            "shapely", "pyogrio", "sklearn")


def _names(reqs: list[str]) -> set[str]:
    return {re.split(r"[\[<>=~! ]", r, maxsplit=1)[0].lower() for r in reqs}


def test_every_public_name_resolves_and_help_lists_it() -> None:
    public = [n for n in hinterland.__all__ if n != "__version__"]
    assert set(public) == set(hinterland._API)
    assert len(public) >= 40
    for name in public:
        assert getattr(hinterland, name) is not None, name
    text = io.StringIO()
    with redirect_stdout(text):
        help(hinterland)
    shown = text.getvalue()
    missing = [n for n in public if not re.search(rf"^\s+(class )?{re.escape(n)}\b", shown, re.M)]
    assert not missing, f"help(hinterland) does not list {missing}"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = hinterland.nope  # type: ignore[attr-defined]


def test_import_is_lazy() -> None:
    code = ("import sys, hinterland; print(sorted(m for m in sys.modules "
            "if m.startswith('hinterland.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_one_version() -> None:
    assert hinterland.__version__ == importlib.metadata.version("hinterland")
    assert hinterland.__version__ == PROJECT["version"]
    cff = (ROOT / "CITATION.cff").read_text()
    assert f'version: "{PROJECT["version"]}"' in cff
    assert f"## [{PROJECT['version']}]" in (ROOT / "CHANGELOG.md").read_text()
    literal = [p for p in SRC.rglob("*.py") if re.search(r"__version__\s*=\s*['\"]\d+\.\d",
                                                         p.read_text())]
    assert not literal, literal


def test_extras_and_runtime_dependencies() -> None:
    extras = PROJECT["optional-dependencies"]
    assert {"fastapi", "uvicorn", "sqlalchemy"} <= _names(extras["service"])
    assert "dask" in _names(extras["scale"])
    assert _names(extras["geo"]) == {"geopandas", "shapely", "pyogrio"}
    runtime = _names(PROJECT["dependencies"])
    assert not runtime & {"fastapi", "uvicorn", "dask", "scikit-learn", "geopandas"}
    assert "scikit-learn" in _names(extras["bench"])
    # make test installs dev: it must bring every optional package the tests use
    assert _names(extras["service"]) - {"sqlalchemy"} <= _names(extras["dev"])
    assert _names(extras["scale"]) | _names(extras["geo"]) <= _names(extras["dev"])
    users = [p for p in SRC.rglob("*.py") if re.search(r"^\s*(from|import) sklearn",
                                                       p.read_text(), re.M)]
    assert not users, f"scikit-learn is imported by {users}: it is not a runtime dependency"
    assert PROJECT["urls"] and PROJECT["classifiers"]


def test_package_data_globs_match_files() -> None:
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["hinterland"]
    for pattern in globs:
        assert list(SRC.glob(pattern)), f"package-data glob {pattern!r} matches nothing"


def test_a_file_without_a_url_is_read_from_the_data_folder_only(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    nourl = [f for f in registry.REGISTRY.values() if not f.url]
    assert nourl
    entry = nourl[0]
    monkeypatch.setattr(registry, "data_dir", lambda: None)  # no mirror, nothing to download
    with pytest.raises(DataFileError, match="no public download URL"):
        registry.data_path(entry.name)
    monkeypatch.setattr(registry, "data_dir", lambda: tmp_path)  # a mirror without it
    with pytest.raises(DataFileError, match="is missing from"):
        registry.data_path(entry.name)
    assert not list((SRC / "data").glob("*.csv"))  # no copy of shared data in the package

def test_downloads_retry() -> None:
    assert registry._downloader().retry_if_failed == 3


BLOCK = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, Block())
"""


def test_cli_plan_and_demo_import_without_the_optional_extras() -> None:
    """``make demo`` installs no extra: the CLI, the Plan and the demo's modules import."""
    code = BLOCK.format(blocked=set(OPTIONAL)) + (
        "import hinterland, hinterland.plan, hinterland.pipeline, hinterland.io.geo\n"
        "import importlib, importlib.util\n"
        "for m in ('hinterland.runs', 'hinterland.sim', 'hinterland.report'):\n"
        "    if importlib.util.find_spec(m) is not None:\n"
        "        importlib.import_module(m)\n"
        "from hinterland import cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit as e:\n    assert e.code in (0, None)\n"
        "print('ok', sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{set(OPTIONAL)!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "ok []"
