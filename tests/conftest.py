"""Shared fixtures: the real data mirror and small real regions."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

#: CI runs every property test on the same examples (a red run must mean a change, not a
#: draw); locally the examples are random, so new cases keep being tried.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
if "HINTERLAND_DATA_DIR" not in os.environ and (SHARED_DATA / "SHA256SUMS").is_file():
    os.environ["HINTERLAND_DATA_DIR"] = str(SHARED_DATA)


@pytest.fixture(scope="session")
def zips() -> pd.DataFrame:
    """All ZIP areas (real data)."""
    from hinterland.data import zip_areas

    return zip_areas()


@pytest.fixture(scope="session")
def data_folder() -> Path:
    """The local data mirror the tests read."""
    from hinterland.data import data_dir

    folder = data_dir()
    if folder is None:
        pytest.skip("no local data mirror")
    return folder
