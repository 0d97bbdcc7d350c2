"""Facility loading: formats, column detection, errors naming file/row/column."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.network.facilities import FACILITY_KINDS, facilities_frame, load_facilities


def test_real_post_offices_and_fcs(data_folder):
    po = load_facilities(
        data_folder / "facilities" / "post_offices_osm_2017_partial.csv", kind="partner_post_office"
    )
    assert len(po) == 19_849
    assert (po["operator"] == "postal_partner").all() and not po["holds_inventory"].any()
    fc = load_facilities(
        data_folder / "facilities" / "amazon_fulfillment_centers_2019.csv",
        kind="fulfillment_center",
    )  # aw_lat / aw_long detected
    assert len(fc) == 184 and fc["holds_inventory"].all()
    assert fc["lat"].between(18, 72).all() and fc["lon"].between(-170, -60).all()


def test_detects_common_names_and_kind_column(tmp_path):
    p = tmp_path / "sites.csv"
    p.write_text(
        "site_id,Latitude,Lng,kind\na,45.1,-109.2,delivery_station\nb,46,-110,hybrid_hub\n"
    )
    f = load_facilities(p)
    assert list(f["id"]) == ["a", "b"]
    assert list(f["holds_inventory"]) == [False, True]
    assert set(f["kind"]) <= set(FACILITY_KINDS)


def test_column_options(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("code,north,east\nz1,45,-100\n")
    f = load_facilities(p, lat_col="north", lon_col="east", id_col="code", kind="drone_site")
    assert f.loc[0, "id"] == "z1" and f.loc[0, "lat"] == 45


def test_parquet_and_geojson(tmp_path):
    pq = tmp_path / "s.parquet"
    pd.DataFrame({"id": ["p"], "lat": [40.0], "lon": [-100.0], "kind": ["sort_center"]}).to_parquet(
        pq
    )
    assert load_facilities(pq).loc[0, "kind"] == "sort_center"
    gj = tmp_path / "s.geojson"
    gj.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "id": "g1",
                        "geometry": {"type": "Point", "coordinates": [-100, 40]},
                        "properties": {"kind": "retail_store"},
                    }
                ],
            }
        )
    )
    f = load_facilities(gj)
    assert f.loc[0, "id"] == "g1" and f.loc[0, "lon"] == -100 and f.loc[0, "holds_inventory"]


@pytest.mark.parametrize(
    ("body", "kwargs", "row", "column", "words"),
    [
        ("id,lat,lon\na,45,-100\nb,95,-100\n", {"kind": "drone_site"}, 2, "lat", "maximum"),
        ("id,lat,lon\na,45,-100\nb,abc,-100\n", {"kind": "drone_site"}, 2, "lat", "not a number"),
        ("id,lat,lon\na,45,-100\na,46,-100\n", {"kind": "drone_site"}, 2, "id", "duplicate"),
        ("id,lat,lon,kind\na,45,-100,warehouse\n", {}, 1, "kind", "not one of"),
        ("id,lat,lon\na,45,\n", {"kind": "drone_site"}, 1, "lon", "empty"),
        ("id,y_deg,lon\na,45,-100\n", {"kind": "drone_site"}, None, None, "--lat-col"),
    ],
)
def test_bad_rows_name_file_row_column(tmp_path, body, kwargs, row, column, words):
    p = tmp_path / "bad.csv"
    p.write_text(body)
    with pytest.raises(InputError) as info:
        load_facilities(p, **kwargs)
    err = info.value
    assert err.source.endswith("bad.csv") and err.row == row and err.column == column
    assert words in str(err)


def test_missing_file_and_empty(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_facilities(tmp_path / "nope.csv")
    p = tmp_path / "empty.csv"
    p.write_text("id,lat,lon\n")
    with pytest.raises(InputError, match="no rows"):
        load_facilities(p, kind="drone_site")


def test_facilities_frame_defaults():
    f = facilities_frame([{"id": "h", "kind": "hybrid_hub", "lat": 45, "lon": -100}])
    assert f.loc[0, "holds_inventory"] and f.loc[0, "operator"] == "own"
