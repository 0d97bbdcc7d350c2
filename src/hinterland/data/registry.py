"""Registry of the public data files hinterland reads, with hashes and URLs.

Each file is pinned by sha256 and by a download URL at a fixed commit of the
public repository it was taken from (see ``docs/data.md``). Files are read from
a local mirror when one is configured or found, otherwise downloaded once into
the user cache by :mod:`pooch`, hash-checked either way.

Resolution order of the data folder:

1. ``HINTERLAND_DATA_DIR`` (also set by the CLI's ``--data-dir``);
2. a ``shared/data`` mirror beside the working directory or the source checkout
   (``../shared/data`` holding ``SHA256SUMS``);
3. the pooch cache (``pooch.os_cache("hinterland")``), filled by download (three
   retries per file).

A file with no public URL (the RUCA code labels, transcribed from the USDA xlsx) is
read from the data folder only; without one the error says to set
``HINTERLAND_DATA_DIR``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pooch

from hinterland.core.errors import DataFileError

_RAW = "https://raw.githubusercontent.com"


@dataclass(frozen=True)
class DataFile:
    """One registered file: its name in the mirror, sha256, public URL (empty when
    there is none) and licence."""

    name: str
    sha256: str
    url: str
    licence: str
    description: str


def _gh(repo: str, commit: str, path: str) -> str:
    return f"{_RAW}/{repo}/{commit}/{path}"


_FILES: tuple[DataFile, ...] = (
    DataFile(
        "zip_areas/uszips_simplemaps_2025.csv",
        "6df18ce6f9271c35c16c57e167ee9fc0269d4dd39d3533819c8934cba1f15bba",
        _gh("chaserhudson/MapLeads", "d0dbb31a890959590b092a540e88634251fa85ac", "data/uszips.csv"),
        "CC BY 4.0 (simplemaps.com/data/us-zips)",
        "ZIP (ZCTA) centroids, population, density, county name; 50 states + DC",
    ),
    DataFile(
        "zip_areas/uszips_simplemaps_2022_countyfips.csv",
        "97a0f1a9994e695eaa469ea9733dd5441e14462bd9fb72e830b6af92c27d43db",
        _gh("theMVPshop/dentalJobData", "28f25b50384d11bea7de843023348b7ba597457a", "uszips.csv"),
        "CC BY 4.0 (simplemaps.com/data/us-zips)",
        "older ZIP table with county FIPS codes",
    ),
    DataFile(
        "rurality/RUCA2010zipcode.csv",
        "82ada5dae82cf693311451658c30b73fd5e7e79781ab5d36d08c0bb40d504c50",
        _gh("wvg1/mehko-data", "ac95afbb17a93ac91bcf5378fe1c3a746789cc8b", "RUCA2010zipcode.csv"),
        "US government work, public domain (USDA ERS)",
        "Rural-Urban Commuting Area codes by ZIP (2010, rev. 2019)",
    ),
    DataFile(
        "rurality/ruca2010_primary_code_descriptions.csv",
        "d932dcdb991c1320d2700d277af24ac8d7380c56cad77a94d44f3a91f9b2135e",
        "",
        "public domain (transcribed from the USDA ERS RUCA xlsx)",
        "labels of the primary RUCA codes",
    ),
    DataFile(
        "counties/uscounties_simplemaps.csv",
        "4ca4e0c7b3fcd1f955e7066e70d97ad895de0f892496b6ee6885696d0bb23032",
        _gh(
            "sopatz/USCityPopByCounty", "cde8ef43b2a1c158a0614d304c27044b55b7647a", "uscounties.csv"
        ),
        "CC BY 4.0 (simplemaps.com)",
        "county FIPS, centroid, population",
    ),
    DataFile(
        "counties/census2010_county_pop_landarea_GCTPH1.csv",
        "52aa1cef20efab6e2c309794be6d33521c69386588ea713bd6ee957a1c7dfa8b",
        _gh(
            "jfleury12/retail-warehouse-locations",
            "e9d82127e630833c88322c52382f2973a5e6754c",
            "data/DEC_10_SF1_GCTPH1.US05PR_with_ann.csv",
        ),
        "public domain (US Census Bureau)",
        "Census 2010 GCT-PH1: population and land area of states and counties",
    ),
    DataFile(
        "counties/census_2010_counties_20m.geojson",
        "72bd9e40ad62dbe20ac24157de6861da2d1c5dcc32de12a031fb108e1474ed39",
        _gh(
            "melatsch/mapfiles",
            "be6414af956ee59376c6e0cc4ecdcf6b77b1b254",
            "gz_2010_us_050_00_20m.json",
        ),
        "public domain (US Census Bureau)",
        "Census 2010 county boundaries 1:20m (Latin-1)",
    ),
    DataFile(
        "boundaries/us-states.geojson",
        "6f23ed91fce2c25d57c01d83225342ba40258e9571c486c3999bd827c80d193b",
        _gh(
            "PublicaMundi/MappingAPI",
            "3dc2b1ec615772ef38400363a27eb9433d5382d1",
            "data/geojson/us-states.json",
        ),
        "Census-derived",
        "simplified state outlines (50 + DC + PR)",
    ),
    DataFile(
        "boundaries/us-atlas_states-10m.topojson.json",
        "6cade95a23f4098d9884ba7a223bc3ee416f0a820f41c8f28f34d4c145bff77e",
        _gh("melatsch/mapfiles", "21094aae32e16c3c3d03444067d586d19378f40a", "states-10m.json"),
        "ISC (us-atlas)",
        "us-atlas v3 states TopoJSON",
    ),
    DataFile(
        "boundaries/us-atlas_counties-10m.topojson.json",
        "145aaf5d1433352a6a1d8e86b5f149c7c653f9171baf14aaf75ee66575def1b0",
        _gh("melatsch/mapfiles", "19d8263c85913615d999308a7ba7e32294624ff0", "counties-10m.json"),
        "ISC (us-atlas)",
        "us-atlas v3 counties TopoJSON",
    ),
    DataFile(
        "facilities/post_offices_osm_2017_partial.csv",
        "b481860dead62f0f5398b83ab591da33121d843b0ca223ad5bf6c3cc18fafaad",
        _gh(
            "pbeshai/geo-explore",
            "6fdfe4e095531bd2a364c1f695290add2c659ac2",
            "data/post_offices_with_states.csv",
        ),
        "ODbL 1.0 (© OpenStreetMap contributors)",
        "OSM amenity=post_office nodes (~2017), uneven coverage",
    ),
    DataFile(
        "facilities/amazon_fulfillment_centers_2019.csv",
        "4cb1af5f5815bc1ddc2e5518a0d7a29f6a88b8b94febd7b8d4804a9f6d89147c",
        _gh(
            "jfleury12/retail-warehouse-locations",
            "826f0f75ed37de1d784b5ec20a76177d7abd2f96",
            "data/amazon_warehouses.csv",
        ),
        "not stated",
        "Amazon warehouse sites ~2019",
    ),
    DataFile(
        "roads/felton_ca.osm.pbf",
        "f632a1d4709d28d02b3c62c985a1ff93b0d9456c94cd401a50d5c34e7e205ea3",
        _gh(
            "conveyal/r5",
            "6f3554291d6eef41469610224b4f8a3ee36e7276",
            "src/test/resources/felton.pbf",
        ),
        "ODbL 1.0 (© OpenStreetMap contributors)",
        "OSM extract, Felton CA",
    ),
    DataFile(
        "roads/bangor_maine.osm.pbf",
        "4a2c0a765f0c61cb3b0568f7f328b1f92a51acf9c9bd104dd5f47b04b05a8fc7",
        _gh(
            "conveyal/r5",
            "6f3554291d6eef41469610224b4f8a3ee36e7276",
            "src/test/resources/bangor_maine.osm.pbf",
        ),
        "ODbL 1.0 (© OpenStreetMap contributors)",
        "OSM highways, Bangor ME",
    ),
)

#: Every registered file by name (path inside the data folder).
REGISTRY: dict[str, DataFile] = {f.name: f for f in _FILES}

ENV_VAR = "HINTERLAND_DATA_DIR"


def _find_mirror() -> Path | None:
    """A ``shared/data`` mirror beside the working directory or the source checkout."""
    starts = [Path.cwd(), Path(__file__).resolve()]
    for start in starts:
        for parent in [start, *start.parents]:
            candidate = parent / "shared" / "data"
            if (candidate / "SHA256SUMS").is_file():
                return candidate
    return None


def data_dir() -> Path | None:
    """The local data folder in use, or ``None`` when files come from the download cache."""
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise DataFileError(
                f"{ENV_VAR}={env} is not a folder; point it at a mirror of the data "
                "(e.g. ../shared/data) or unset it to download the files"
            )
        return path
    return _find_mirror()


@cache
def _hash_of(path: str, size: int, mtime_ns: int) -> str:
    return str(pooch.file_hash(path, alg="sha256"))


def _check_hash(entry: DataFile, path: Path) -> None:
    stat = path.stat()
    got = _hash_of(str(path), stat.st_size, stat.st_mtime_ns)
    if got != entry.sha256:
        raise DataFileError(
            f"data file {path} has changed: sha256 {got} but the registry expects "
            f"{entry.sha256}. Restore the original file "
            f"(source: {entry.url or 'see docs/data.md'}) "
            f"or remove it so it can be downloaded again."
        )


def cache_dir() -> Path:
    """Where downloaded files are kept (``HINTERLAND_CACHE_DIR`` or the OS user cache)."""
    env = os.environ.get("HINTERLAND_CACHE_DIR")
    return Path(env).expanduser() if env else Path(pooch.os_cache("hinterland"))


def _downloader() -> pooch.Pooch:
    return pooch.create(
        path=cache_dir(),
        base_url="",
        registry={f.name: f"sha256:{f.sha256}" for f in _FILES},
        urls={f.name: f.url for f in _FILES if f.url},
        retry_if_failed=3,
    )


def data_path(name: str) -> Path:
    """Local path of registered file ``name``, hash-checked.

    Parameters
    ----------
    name
        Path inside the data folder, e.g. ``"zip_areas/uszips_simplemaps_2025.csv"``.

    Raises
    ------
    DataFileError
        Unknown name, missing file, or content that does not match the registered sha256.
    """
    entry = REGISTRY.get(name)
    if entry is None:
        raise DataFileError(f"unknown data file {name!r}; known: {', '.join(sorted(REGISTRY))}")
    folder = data_dir()
    if folder is not None:
        path = folder / name
        if not path.is_file():
            raise DataFileError(
                f"data file {name} is missing from {folder}. Copy it from the mirror, "
                f"or unset {ENV_VAR} to download it from {entry.url or 'its source (docs/data.md)'}"
            )
        _check_hash(entry, path)
        return path
    if not entry.url:
        raise DataFileError(
            f"data file {name} has no public download URL; set {ENV_VAR} to a folder holding it"
        )
    try:
        return Path(_downloader().fetch(name))
    except Exception as exc:  # network or hash failure inside pooch
        raise DataFileError(f"could not download data file {name} from {entry.url}: {exc}") from exc


def verify_all() -> list[dict[str, str]]:
    """Check every registered file; one row per file with ``name``, ``status``, ``detail``."""
    rows = []
    for name in REGISTRY:
        try:
            path = data_path(name)
            rows.append({"name": name, "status": "ok", "detail": str(path)})
        except DataFileError as exc:
            rows.append({"name": name, "status": "error", "detail": str(exc)})
    return rows
