"""The data registry: every shared file registered, hashes enforced."""

from __future__ import annotations

import shutil

import pytest

from hinterland.data import REGISTRY, data_path
from hinterland.errors import DataFileError


def test_every_shared_file_is_registered_with_its_hash(data_folder):
    sums = {}
    for line in (data_folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.removeprefix("./")] = digest
    assert set(sums) == set(REGISTRY)
    for name, digest in sums.items():
        assert REGISTRY[name].sha256 == digest
    urls = [f.url for f in REGISTRY.values() if f.url]
    assert all(u.startswith("https://raw.githubusercontent.com/") for u in urls)


def test_changed_file_is_refused(tmp_path, monkeypatch, data_folder):
    name = "rurality/ruca2010_primary_code_descriptions.csv"
    (tmp_path / "rurality").mkdir()
    copy = tmp_path / name
    shutil.copy(data_folder / name, copy)
    monkeypatch.setenv("HINTERLAND_DATA_DIR", str(tmp_path))
    assert data_path(name) == copy
    with copy.open("a") as fh:
        fh.write("\n")
    with pytest.raises(DataFileError, match=r"ruca2010_primary_code_descriptions.csv has changed"):
        data_path(name)


def test_missing_file_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("HINTERLAND_DATA_DIR", str(tmp_path))
    with pytest.raises(DataFileError, match=r"uszips_simplemaps_2025.csv is missing.*unset"):
        data_path("zip_areas/uszips_simplemaps_2025.csv")


def test_unknown_name_and_bad_folder(monkeypatch, tmp_path):
    with pytest.raises(DataFileError, match="unknown data file"):
        data_path("nope.csv")
    monkeypatch.setenv("HINTERLAND_DATA_DIR", str(tmp_path / "absent"))
    with pytest.raises(DataFileError, match="is not a folder"):
        data_path("zip_areas/uszips_simplemaps_2025.csv")
