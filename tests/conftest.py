"""Shared fixtures: the real data mirror and small real regions."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

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
