"""The data registry: every shared file registered, hashes enforced."""

from __future__ import annotations

import shutil

import pytest

from hinterland.core.errors import DataFileError
from hinterland.data import REGISTRY, data_path


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


def test_download_path_fetches_and_checks_hash(tmp_path, monkeypatch, data_folder):
    """With no mirror, files are downloaded (here from a loopback server) and hash-checked."""
    import dataclasses
    import functools
    import http.server
    import threading

    from hinterland.data import registry

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(data_folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        name = "rurality/RUCA2010zipcode.csv"
        url = f"http://127.0.0.1:{server.server_address[1]}/{name}"
        entry = dataclasses.replace(registry.REGISTRY[name], url=url)
        monkeypatch.setitem(registry.REGISTRY, name, entry)
        monkeypatch.setattr(registry, "_FILES", (entry,))
        monkeypatch.delenv("HINTERLAND_DATA_DIR", raising=False)
        monkeypatch.setattr(registry, "_find_mirror", lambda: None)
        monkeypatch.setenv("HINTERLAND_CACHE_DIR", str(tmp_path / "cache"))
        path = data_path(name)
        assert path.is_relative_to(tmp_path / "cache") and path.stat().st_size > 1_000_000
        # A server handing out different bytes is refused.
        bad = dataclasses.replace(entry, sha256="0" * 64)
        monkeypatch.setitem(registry.REGISTRY, name, bad)
        monkeypatch.setattr(registry, "_FILES", (bad,))
        monkeypatch.setenv("HINTERLAND_CACHE_DIR", str(tmp_path / "cache2"))
        with pytest.raises(DataFileError, match="could not download"):
            data_path(name)
    finally:
        server.shutdown()
