"""Geometry in and out: GeoJSON without extras, GeoParquet and GeoDataFrames with ``geo``."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.io import geo

SQUARE = {"type": "Polygon",
          "coordinates": [[[-110.0, 45.0], [-109.0, 45.0], [-109.0, 46.0], [-110.0, 45.0]]]}


def _table() -> pd.DataFrame:
    return pd.DataFrame({"zip": ["59001", "59002"], "lat": [45.5, 46.2], "lon": [-109.5, -108.1],
                         "class_before": ["two_day", "beyond"],
                         "class_after": ["next_day", "beyond"], "score": [np.float64(1.5), np.nan]})


def test_geojson_points_with_classes_strict_json(tmp_path: Path) -> None:
    path = geo.write_geojson(_table(), tmp_path / "zips.geojson")
    text = path.read_text()
    assert "NaN" not in text
    fc = json.loads(text)
    assert [f["geometry"] for f in fc["features"]] == [
        {"type": "Point", "coordinates": [-109.5, 45.5]},
        {"type": "Point", "coordinates": [-108.1, 46.2]}]
    props = fc["features"][0]["properties"]
    assert props == {"zip": "59001", "class_before": "two_day", "class_after": "next_day",
                     "score": 1.5}
    assert fc["features"][1]["properties"]["score"] is None


def test_polygons_where_a_boundary_file_has_the_key(tmp_path: Path) -> None:
    src = tmp_path / "zcta.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ZCTA5": "59001"}, "geometry": SQUARE}]}))
    shapes = geo.load_boundaries(src, "ZCTA5")
    fc = geo.feature_collection(_table(), boundaries=shapes)
    assert fc["features"][0]["geometry"] == SQUARE
    assert fc["features"][1]["geometry"]["type"] == "Point"  # no boundary: its point
    with pytest.raises(InputError, match="no property 'GEOID'"):
        geo.load_boundaries(src, "GEOID")
    with pytest.raises(InputError, match="FeatureCollection"):
        geo.load_boundaries({"type": "Feature"}, "ZCTA5")


def test_rows_without_a_point_are_named() -> None:
    bad = _table().assign(lat=[45.5, np.nan])
    with pytest.raises(InputError, match="row 2"):
        geo.feature_collection(bad)
    with pytest.raises(InputError, match="missing column 'lon'"):
        geo.feature_collection(_table().drop(columns=["lon"]))


def test_geoparquet_and_geodataframes_round_trip(tmp_path: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    path = geo.write_geoparquet(_table(), tmp_path / "zips.parquet")
    back = gpd.read_parquet(path)
    assert back.crs.to_epsg() == 4326
    assert back["class_after"].tolist() == ["next_day", "beyond"]
    assert back.geometry.x.tolist() == [-109.5, -108.1]
    plain = geo.from_geodataframe(back.to_crs(3857))  # reprojected back to lon/lat
    assert not geo.is_geodataframe(plain) and "geometry" not in plain.columns
    assert plain["lat"].to_numpy() == pytest.approx([45.5, 46.2])
    from shapely.geometry import shape

    poly = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shape(SQUARE)], crs="EPSG:4326")
    inside = geo.from_geodataframe(poly)
    assert 45.0 < inside["lat"].iloc[0] < 46.0 and -110.0 < inside["lon"].iloc[0] < -109.0
    assert geo.from_geodataframe(_table()) is not None  # plain tables pass through


def test_missing_geo_extra_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_geopandas(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] == "geopandas":
            raise ImportError("No module named 'geopandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_geopandas)
    with pytest.raises(geo.MissingExtraError, match=r"hinterland\[geo\]"):
        geo.to_geodataframe(_table())
    assert geo.feature_collection(_table())["type"] == "FeatureCollection"  # no extra needed


def test_tables_with_a_zip_column_take_their_points_from_the_zip_areas() -> None:
    zips = _table()[["zip", "lat", "lon"]]
    coverage = pd.DataFrame({"zip": ["59002", "59001"], "promise_class": ["beyond", "next_day"]})
    fc = geo.feature_collection(coverage, zips=zips)
    assert [f["geometry"]["coordinates"] for f in fc["features"]] == [[-108.1, 46.2],
                                                                       [-109.5, 45.5]]
    assert fc["features"][0]["properties"] == {"zip": "59002", "promise_class": "beyond"}
    with pytest.raises(InputError, match=r"row 1, column 'zip'.*'99999'"):
        geo.with_points(pd.DataFrame({"zip": ["99999"]}), zips)
