"""Road-graph backend on real OSM extracts and a hand-made one-way street."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.geo import haversine_km
from hinterland.geo.roadgraph import RoadGraph, parse_maxspeed

pytest.importorskip("osmium")


@pytest.fixture(scope="module")
def bangor(data_folder):
    return RoadGraph(data_folder / "roads" / "bangor_maine.osm.pbf")


def _sample(graph, n, seed):
    idx = np.random.default_rng(seed).choice(graph.nodes, n, replace=False)
    return pd.DataFrame({"lat": graph.lat[idx], "lon": graph.lon[idx]})


def test_road_distance_never_below_great_circle(bangor):
    pts = _sample(bangor, 60, 1)
    km, minutes = bangor.matrix(pts, pts)
    gc = haversine_km(
        pts.lat.to_numpy()[:, None],
        pts.lon.to_numpy()[:, None],
        pts.lat.to_numpy()[None],
        pts.lon.to_numpy()[None],
    )
    assert (km >= gc - 1e-9).all()
    assert np.allclose(np.diag(km), 0) and np.allclose(np.diag(minutes), bangor.access_min)
    far = gc > 2
    ratio = np.median(km[far] / gc[far])
    assert 1.0 < ratio < 2.5  # a plausible circuity, measured not assumed


def test_within_agrees_with_matrix(bangor):
    pts, ctr = _sample(bangor, 50, 2), _sample(bangor, 5, 3)
    pairs = bangor.within(pts, ctr, radius_min=15)
    _, minutes = bangor.matrix(ctr, pts)
    assert set(zip(pairs.centre, pairs.point, strict=True)) == set(
        zip(*np.nonzero(minutes <= 15), strict=True)
    )
    near = bangor.nearest(pts, ctr)
    assert np.allclose(near["drive_min"], minutes.T.min(axis=1))


def test_one_way_street_is_respected(tmp_path):
    osm = tmp_path / "t.osm"
    osm.write_text(
        """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6">
 <node id="1" lat="45.000" lon="-100.000" version="1"/>
 <node id="2" lat="45.000" lon="-99.990" version="1"/>
 <node id="3" lat="45.010" lon="-99.995" version="1"/>
 <way id="10" version="1"><nd ref="1"/><nd ref="2"/>
  <tag k="highway" v="primary"/><tag k="oneway" v="yes"/><tag k="maxspeed" v="45 mph"/></way>
 <way id="11" version="1"><nd ref="2"/><nd ref="3"/><nd ref="1"/>
  <tag k="highway" v="residential"/></way>
</osm>"""
    )
    g = RoadGraph(osm, access_min=0)
    a = pd.DataFrame({"lat": [45.0], "lon": [-100.0]})
    b = pd.DataFrame({"lat": [45.0], "lon": [-99.99]})
    ab, _ = g.matrix(a, b)
    ba, _ = g.matrix(b, a)
    direct = float(haversine_km(45, -100, 45, -99.99))
    assert ab[0, 0] == pytest.approx(direct)
    assert ba[0, 0] > direct * 1.5  # must go round through node 3


def test_parse_maxspeed():
    assert parse_maxspeed("55 mph") == pytest.approx(88.51392)
    assert parse_maxspeed("50") == 50.0
    assert parse_maxspeed("signals") is None


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        RoadGraph(tmp_path / "none.osm.pbf")
