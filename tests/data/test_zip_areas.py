"""ZIP areas against the source files they are built from."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd

from hinterland.data import RURALITY_CLASSES, ZIP_AREA_COLUMNS
from hinterland.data.region import summarise_zip_areas


def _raw_zip_rows(folder):
    with open(folder / "zip_areas" / "uszips_simplemaps_2025.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _raw_ruca(folder):
    with open(folder / "rurality" / "RUCA2010zipcode.csv", newline="") as fh:
        return {r["ZIP_CODE"].strip("'").zfill(5): int(r["RUCA1"]) for r in csv.DictReader(fh)}


def test_schema_and_counts_match_source(zips, data_folder):
    raw = _raw_zip_rows(data_folder)
    assert len(zips) == len(raw) == 33_639
    assert [c.name for c in ZIP_AREA_COLUMNS] == list(zips.columns[: len(ZIP_AREA_COLUMNS)])
    assert zips["zip"].str.fullmatch(r"\d{5}").all()
    assert zips["zip"].is_unique
    total = sum(int(r["population"]) for r in raw)
    assert int(zips["population"].sum()) == total
    assert abs(total - 329.7e6) / 329.7e6 < 0.001


def test_nonmetro_counts_follow_ruca_file(zips, data_folder):
    raw = _raw_zip_rows(data_folder)
    ruca = _raw_ruca(data_folder)
    nonmetro = [r for r in raw if 4 <= ruca[r["zip"].zfill(5)] <= 10]
    summary = summarise_zip_areas(zips)
    assert summary["nonmetro_zip_areas"] == len(nonmetro) == 15_250
    assert summary["nonmetro_population"] == sum(int(r["population"]) for r in nonmetro)
    assert abs(summary["nonmetro_population"] - 51.8e6) < 0.05e6
    # Every non-metro ZIP area has a non-metro class and vice versa.
    nm = zips["ruca"].between(4, 10)
    assert (zips.loc[nm, "rurality"] != "metro").all()
    assert (zips.loc[~nm, "rurality"] == "metro").all()


def test_rurality_classes_follow_ruca(zips):
    expected = {
        1: "metro",
        3: "metro",
        4: "micropolitan",
        6: "micropolitan",
        7: "small_town",
        9: "small_town",
        10: "rural",
    }
    for code, cls in expected.items():
        assert (zips.loc[zips["ruca"] == code, "rurality"] == cls).all()
    assert list(zips["rurality"].cat.categories) == list(RURALITY_CLASSES)


def test_known_places(zips):
    absarokee = zips.set_index("zip").loc["59001"]
    assert absarokee["state"] == "MT" and absarokee["rurality"] == "rural"
    assert absarokee["county_fips"] == "30095"  # Stillwater County
    north_pole = zips.set_index("zip").loc["99705"]
    assert north_pole["state"] == "AK" and north_pole["county_fips"] == "02090"
    # Leading zeros restored.
    assert "01001" in set(zips["zip"])


def test_county_fips_is_consistent_with_state(zips):
    state_fips = zips["county_fips"].str[:2]
    # ZIP areas whose primary county lies in a neighbouring state are rare.
    by_state = pd.crosstab(zips["state"], state_fips)
    dominant = by_state.max(axis=1) / by_state.sum(axis=1)
    assert (dominant > 0.95).all()


def test_land_area_is_positive_and_plausible(zips):
    assert (zips["land_km2"] > 0).all()
    # US land area is 9.15 M km2; ZIP areas leave unsettled land uncovered.
    assert 7.0e6 < zips["land_km2"].sum() < 9.5e6
    direct = zips["land_source"] == "density"
    assert direct.mean() > 0.95
    mt = zips[zips["state"] == "MT"]
    assert 300_000 < mt["land_km2"].sum() < 390_000  # Montana land: 376,962 km2


def test_uncoded_ruca_gets_nearest_class(zips):
    uncoded = zips[zips["ruca"] == 99]
    assert len(uncoded) == 8
    assert uncoded["rurality"].notna().all()
    assert np.isin(uncoded["rurality"].astype(str), RURALITY_CLASSES).all()


def test_returns_a_copy(zips):
    from hinterland.data import zip_areas

    a = zip_areas()
    a.loc[0, "population"] = -1
    assert zip_areas().loc[0, "population"] >= 0
