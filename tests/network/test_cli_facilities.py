"""Facility files a user brings: off-US rows, cut rows, encodings and shapes are named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hinterland.core.errors import InputError
from hinterland.network.facilities import load_facilities, on_us_soil

HEAD = "id,kind,lat,lon\n"


@pytest.mark.parametrize(
    ("body", "message", "row", "column"),
    [
        ("a,delivery_station,46.6,-112.0\nb,delivery_station,46.6,112.0\n", "flipped sign", 2,
         "lon"),
        ("a,delivery_station,46.6,-112.0\nb,delivery_station,46.6,-10\n", "not on US soil", 2,
         "lon"),
        ("a,delivery_station,0,0\n", "0,0 usually stands", 1, "lon"),
        ("a,delivery_station,46.6,-112.0\nb,delivery_station,46.6\n", "empty value", 2, "lon"),
    ],
)
def test_bad_rows_are_named(tmp_path: Path, body: str, message: str, row: int,
                            column: str) -> None:
    p = tmp_path / "f.csv"
    p.write_text(HEAD + body)
    with pytest.raises(InputError, match=message) as info:
        load_facilities(p)
    assert (info.value.row, info.value.column) == (row, column)


def test_user_column_names_in_errors(tmp_path: Path) -> None:
    p = tmp_path / "f.csv"
    p.write_text("site,kind,latitude,lng\na,delivery_station,46.6,112.0\n")
    with pytest.raises(InputError) as info:
        load_facilities(p)
    assert info.value.column == "lng"


def test_us_soil_edges() -> None:
    inside = [(46.6, -112.0), (64.84, -147.72), (51.9, 176.6), (21.3, -157.85),
              (18.4, -66.1), (13.45, 144.8), (-14.27, -170.7), (24.55, -81.8), (49.38, -95.15)]
    outside = [(46.6, 112.0), (0.0, 0.0), (51.5, -0.1), (-33.9, 151.2), (23.0, -82.4),
               (60.0, 30.0)]
    assert on_us_soil([a for a, _ in inside], [b for _, b in inside]).all()
    assert not on_us_soil([a for a, _ in outside], [b for _, b in outside]).any()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id;kind;lat;lon\na;delivery_station;46.6;-112\n", "semicolon"),
        (b"id\tkind\tlat\tlon\na\tdelivery_station\t46.6\t-112\n", "tab-separated"),
        ("id,kind,lat,lon\na,delivery_station,46.6,-112\n".encode("utf-16"), "UTF-16"),
        ("id,kind,lat,lon,name\na,delivery_station,46.6,-112,Caf\xe9\n".encode("latin-1"),
         "Latin-1"),
        (b'id,kind,lat,lon\n"a,delivery_station,46.6,-112\n', "unclosed quote"),
    ],
)
def test_file_format_problems(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "f.csv"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_facilities(p)


@pytest.mark.parametrize(
    "doc",
    [
        "not json",
        json.dumps({"type": "FeatureCollection", "features": [[1, 2]]}),
        json.dumps({"type": "FeatureCollection", "features": [{"geometry": "x"}]}),
        json.dumps({"type": "FeatureCollection",
                    "features": [{"geometry": {"type": "Point", "coordinates": 5}}]}),
        json.dumps({"type": "FeatureCollection", "features": [
            {"geometry": {"type": "Point", "coordinates": [-112, 46.6]}, "properties": [1]}]}),
    ],
)
def test_malformed_geojson_is_named(tmp_path: Path, doc: str) -> None:
    p = tmp_path / "f.geojson"
    p.write_text(doc)
    with pytest.raises(InputError):
        load_facilities(p, kind="delivery_station")
