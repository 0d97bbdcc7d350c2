"""ZIP areas (ZCTA): population, land area, centroid, county and rurality.

Built from three registered sources (``docs/data.md``):

* SimpleMaps US ZIPs 2025: centroid, population, density (people per km²),
  state, county name; ZIPs zero-padded to 5 characters.
* USDA ERS RUCA 2010 (rev. 2019) by ZIP: primary code ``ruca`` and its class.
* County FIPS by (state, county name) from the SimpleMaps county table, then the
  2022 SimpleMaps ZIP table by ZIP (Connecticut's old counties, ZIPs whose primary
  county lies in another state), then Census 2010 county names.

Land area ``land_km2`` is estimated: population / density where both are
positive; otherwise the county's residual land (Census 2010 land area less the
estimate of its other ZIP areas) shared evenly among such ZIP areas when
positive; otherwise the median of the state's ZIP areas of the same rurality.
``land_source`` says which rule gave each value.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from hinterland.core.clock import time_zones
from hinterland.data.registry import data_dir, data_path
from hinterland.data.rurality import RUCA_NOT_CODED, RURALITY_CLASSES, rurality_of
from hinterland.data.schema import Column, check_table
from hinterland.geo.distance import unit_vectors

SQ_MI_TO_KM2 = 2.589988110336

#: Schema of the table :func:`zip_areas` returns.
ZIP_AREA_COLUMNS: tuple[Column, ...] = (
    Column("zip", "str", length=5),
    Column("lat", "float", min=-90, max=90),
    Column("lon", "float", min=-180, max=180),
    Column("population", "int", min=0),
    Column("land_km2", "float", min=0),
    Column("state", "str", length=2),
    Column("county_fips", "str", length=5),
    Column("ruca", "int", min=1, max=99),
    Column("rurality", "str", choices=RURALITY_CLASSES),
)

_COUNTY_SUFFIXES = (
    " city and borough",
    " census area",
    " county",
    " parish",
    " borough",
    " municipality",
    " municipio",
)


def _county_key(name: pd.Series) -> pd.Series:
    key = name.astype(str).str.lower().str.strip()
    for suffix in _COUNTY_SUFFIXES:
        key = key.str.removesuffix(suffix)
    return key.str.replace(r"[^a-z]", "", regex=True)


def _read_simplemaps() -> pd.DataFrame:
    path = data_path("zip_areas/uszips_simplemaps_2025.csv")
    raw = pd.read_csv(path, dtype={"zip": str})
    raw = check_table(
        raw,
        (
            Column("zip", "str"),
            Column("lat", "float", min=-90, max=90),
            Column("lng", "float", min=-180, max=180),
            Column("population", "int", min=0),
            Column("density", "float", min=0),
            Column("state_id", "str", length=2),
            Column("state_name", "str"),
            Column("county_name", "str", nullable=True),
        ),
        path.name,
    )
    raw["zip"] = raw["zip"].str.zfill(5)
    return raw


def _read_ruca() -> pd.DataFrame:
    path = data_path("rurality/RUCA2010zipcode.csv")
    ruca = pd.read_csv(path, dtype=str)
    ruca = check_table(
        ruca, (Column("ZIP_CODE", "str"), Column("RUCA1", "int", min=1, max=99)), path.name
    )
    ruca["zip"] = ruca["ZIP_CODE"].str.strip("'\"").str.zfill(5)
    return ruca[["zip", "RUCA1"]].rename(columns={"RUCA1": "ruca"})


def _census_counties() -> pd.DataFrame:
    """Census 2010 counties: fips, state name, name key, land_km2."""
    path = data_path("counties/census2010_county_pop_landarea_GCTPH1.csv")
    raw = pd.read_csv(path, dtype=str, encoding="latin-1")
    geo_id = raw["Target Geo Id"].astype(str)
    counties = raw[geo_id.str.startswith("0500000US")].copy()
    parts = counties["Geographic area"].str.split(" - ", n=2, expand=True)
    return pd.DataFrame(
        {
            "county_fips": geo_id[counties.index].str[-5:].to_numpy(),
            "state_name": parts[1].to_numpy(),
            "key": _county_key(parts[2]).to_numpy(),
            "county_land_km2": pd.to_numeric(
                counties["Area in square miles - Land area"]
            ).to_numpy()
            * SQ_MI_TO_KM2,
        }
    )


def _county_fips(z: pd.DataFrame, census: pd.DataFrame) -> pd.Series:
    counties = pd.read_csv(
        data_path("counties/uscounties_simplemaps.csv"), dtype={"county_fips": str}
    )
    counties["key"] = _county_key(counties["county"])
    by_name = counties.drop_duplicates(["state_id", "key"]).set_index(["state_id", "key"])[
        "county_fips"
    ]
    key = _county_key(z["county_name"].fillna(""))
    fips = pd.Series(
        by_name.reindex(pd.MultiIndex.from_arrays([z["state_id"], key])).to_numpy(), index=z.index
    )
    old = pd.read_csv(
        data_path("zip_areas/uszips_simplemaps_2022_countyfips.csv"),
        dtype={"zip": str, "county_fips_all": str},
    )
    old_first = old.set_index(old["zip"].str.zfill(5))["county_fips_all"].str.split("|").str[0]
    from_old = z["zip"].map(old_first)
    # Connecticut: the 2025 ZIP table names the pre-2022 counties, which the 2022 table codes.
    use_old = fips.isna() | (z["state_id"] == "CT")
    fips = fips.where(~use_old, from_old)
    by_census = census.drop_duplicates(["state_name", "key"]).set_index(["state_name", "key"])[
        "county_fips"
    ]
    from_census = pd.Series(
        by_census.reindex(pd.MultiIndex.from_arrays([z["state_name"], key])).to_numpy(),
        index=z.index,
    )
    return fips.fillna(from_census).str.zfill(5)


def _land_km2(z: pd.DataFrame, census: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    pop = z["population"].to_numpy(dtype=float)
    dens = z["density"].to_numpy(dtype=float)
    direct = (pop > 0) & (dens > 0)
    land = np.full(len(z), np.nan)
    land[direct] = pop[direct] / dens[direct]
    source = np.where(direct, "density", "").astype(object)

    county_land = census.set_index("county_fips")["county_land_km2"]
    frame = pd.DataFrame({"fips": z["county_fips"].to_numpy(), "land": land, "direct": direct})
    used = frame.groupby("fips")["land"].sum()
    missing = frame.loc[~frame["direct"]].groupby("fips").size()
    residual = (
        county_land.reindex(missing.index) - used.reindex(missing.index).fillna(0.0)
    ) / missing
    share = frame["fips"].map(residual).to_numpy(dtype=float)
    fill = ~direct & np.isfinite(share) & (share > 0)
    land[fill] = share[fill]
    source[fill] = "county_residual"

    rest = np.isnan(land)
    if rest.any():
        med = (
            pd.DataFrame({"state": z["state_id"], "rur": z["rurality"].astype(str), "land": land})
            .groupby(["state", "rur"])["land"]
            .transform("median")
            .to_numpy(dtype=float)
        )
        national = np.nanmedian(land)
        land[rest] = np.where(np.isfinite(med[rest]), med[rest], national)
        source[rest] = "state_median"
    return land, source.astype(str)


def _impute_uncoded(z: pd.DataFrame) -> pd.Categorical:
    """Rurality, with RUCA-uncoded ZIP areas given their nearest coded neighbour's class."""
    rur = rurality_of(z["ruca"])
    missing = pd.isna(rur)
    if missing.any():
        xyz = unit_vectors(z["lat"].to_numpy(), z["lon"].to_numpy())
        coded = np.flatnonzero(~missing)
        _, nearest = cKDTree(xyz[coded]).query(xyz[missing])
        values = np.asarray(rur.astype(object))
        values[missing] = values[coded[nearest]]
        rur = pd.Categorical(values, categories=list(RURALITY_CLASSES), ordered=True)
    return rur


@cache
def _zip_areas_cached(folder: str) -> pd.DataFrame:
    del folder  # the cache key: one parsed table per data folder
    z = _read_simplemaps()
    ruca = _read_ruca()
    z = z.merge(ruca, on="zip", how="left", validate="one_to_one")
    z["ruca"] = z["ruca"].fillna(RUCA_NOT_CODED).astype(np.int64)
    z["rurality"] = _impute_uncoded(z.rename(columns={"lng": "lon"}))
    census = _census_counties()
    z["county_fips"] = _county_fips(z, census)
    land, source = _land_km2(z, census)
    out = pd.DataFrame(
        {
            "zip": z["zip"],
            "lat": z["lat"],
            "lon": z["lng"],
            "population": z["population"].astype(np.int64),
            "land_km2": land,
            "state": z["state_id"],
            "county_fips": z["county_fips"],
            "ruca": z["ruca"],
            "rurality": z["rurality"],
            "city": z["city"],
            "county_name": z["county_name"],
            "land_source": source,
            "time_zone": time_zones(z["lat"].to_numpy(), z["lng"].to_numpy()),
        }
    )
    checked = check_table(out, ZIP_AREA_COLUMNS, "zip_areas (built)")
    checked["rurality"] = pd.Categorical(
        checked["rurality"], categories=list(RURALITY_CLASSES), ordered=True
    )
    return checked.sort_values("zip", ignore_index=True)


def zip_areas() -> pd.DataFrame:
    """One row per ZIP area (ZCTA) of the 50 states and DC.

    Returns
    -------
    pandas.DataFrame
        ``zip`` (5-char str), ``lat``, ``lon`` (centroid, degrees), ``population``
        (int, ACS estimate), ``land_km2`` (estimated, see module notes),
        ``state`` (2-letter), ``county_fips`` (5-char str, primary county),
        ``ruca`` (primary RUCA 2010 code, 1-10 or 99 = not coded),
        ``rurality`` (ordered categorical: metro, micropolitan, small_town, rural),
        then ``city``, ``county_name``, ``land_source`` and ``time_zone`` (IANA name of
        the centroid's zone, :func:`hinterland.core.clock.time_zones`). Sorted by ``zip``.
        A fresh copy on every call (the parsed table is cached in-process).
    """
    return _zip_areas_cached(str(data_dir())).copy()
