"""Road-graph travel backend over an OpenStreetMap extract (``.osm.pbf``).

Drivable ``highway=*`` ways become a directed graph (one-way streets respected);
edge length is the great-circle length of each segment, edge time uses the
way's ``maxspeed`` when tagged, else a default speed by highway class (the
OSMnx habit of imputing speeds by class). Points snap to the nearest graph
node of the largest strongly connected component; the snap distance is driven
at ``snap_speed_kmh``. Shortest paths come from SciPy's Dijkstra.

Requires the optional ``osmium`` package (``pip install hinterland[roads]``).
It offers the same ``matrix`` / ``within`` / ``nearest`` methods as
:class:`~hinterland.geo.TravelModel`, so either can serve any stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from hinterland.core.errors import HinterlandError, InputError
from hinterland.geo.distance import chord_to_km, haversine_km, unit_vectors
from hinterland.geo.travel import empty_pairs, pairs_frame

#: Default speed (km/h) by OSM highway class where ``maxspeed`` is not tagged.
DEFAULT_HIGHWAY_SPEED_KMH: dict[str, float] = {
    "motorway": 105,
    "motorway_link": 60,
    "trunk": 90,
    "trunk_link": 50,
    "primary": 80,
    "primary_link": 45,
    "secondary": 70,
    "secondary_link": 40,
    "tertiary": 60,
    "tertiary_link": 35,
    "unclassified": 50,
    "residential": 40,
    "living_street": 15,
    "service": 20,
    "road": 40,
    "track": 20,
}

_MPH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*mph\s*$", re.IGNORECASE)
_KMH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:km/h|kmh)?\s*$", re.IGNORECASE)


def parse_maxspeed(value: str | None) -> float | None:
    """OSM ``maxspeed`` tag -> km/h (``"55 mph"`` -> 88.5); ``None`` when not numeric."""
    if not value:
        return None
    if m := _MPH.match(value):
        return float(m.group(1)) * 1.609344
    if m := _KMH.match(value):
        return float(m.group(1))
    return None


def _read_ways(
    path: Path,
) -> tuple[NDArray[np.int64], NDArray[np.float64], list[tuple[list[int], float, int]]]:
    try:
        import osmium
    except ImportError as exc:  # optional dependency
        raise HinterlandError(
            "the road-graph backend needs the 'osmium' package: pip install osmium"
        ) from exc

    ways: list[tuple[list[int], float, int]] = []
    coords: dict[int, tuple[float, float]] = {}

    class _Handler(osmium.SimpleHandler):
        def way(self, w: object) -> None:
            tags = w.tags  # type: ignore[attr-defined]
            kind = tags.get("highway")
            if kind not in DEFAULT_HIGHWAY_SPEED_KMH or tags.get("access") in ("private", "no"):
                return
            speed = parse_maxspeed(tags.get("maxspeed")) or DEFAULT_HIGHWAY_SPEED_KMH[kind]
            oneway = tags.get("oneway")
            direction = 1 if oneway in ("yes", "true", "1") or kind.startswith("motorway") else 0
            if oneway == "-1":
                direction = -1
            ids = []
            for n in w.nodes:  # type: ignore[attr-defined]
                if not n.location.valid():
                    continue
                coords[n.ref] = (n.location.lat, n.location.lon)
                ids.append(n.ref)
            if len(ids) >= 2:
                ways.append((ids, speed, direction))

    try:
        _Handler().apply_file(str(path), locations=True)
    except RuntimeError as exc:
        raise InputError(str(path), f"cannot read OSM file: {exc}") from exc
    if not ways:
        raise InputError(str(path), "no drivable highway ways in this OSM extract")
    node_ids = np.fromiter(coords.keys(), dtype=np.int64, count=len(coords))
    latlon = np.array(list(coords.values()), dtype=float)
    return node_ids, latlon, ways


@dataclass
class RoadGraph:
    """Road-graph travel backend built from an OSM extract.

    Parameters
    ----------
    path
        ``.osm.pbf`` (or ``.osm``) file.
    snap_speed_kmh
        Speed for the straight leg from a point to its nearest graph node.
    access_min
        Fixed minutes added to every trip (as in :class:`~hinterland.geo.TravelModel`).
    """

    path: Path
    snap_speed_kmh: float = 20.0
    access_min: float = 5.0
    lat: NDArray[np.float64] = field(init=False, repr=False)
    lon: NDArray[np.float64] = field(init=False, repr=False)
    km_graph: csr_matrix = field(init=False, repr=False)
    min_graph: csr_matrix = field(init=False, repr=False)
    _tree: cKDTree = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        if not self.path.is_file():
            raise InputError(str(self.path), "file not found")
        node_ids, latlon, ways = _read_ways(self.path)
        index = pd.Series(np.arange(len(node_ids)), index=node_ids)
        src, dst, speed = [], [], []
        for ids, kmh, direction in ways:
            pos = index.loc[ids].to_numpy()
            a, b = (pos[:-1], pos[1:]) if direction >= 0 else (pos[1:], pos[:-1])
            src.append(a)
            dst.append(b)
            speed.append(np.full(len(a), kmh))
            if direction == 0:
                src.append(b)
                dst.append(a)
                speed.append(np.full(len(a), kmh))
        s, d, v = np.concatenate(src), np.concatenate(dst), np.concatenate(speed)
        km = haversine_km(latlon[s, 0], latlon[s, 1], latlon[d, 0], latlon[d, 1])
        n = len(node_ids)
        # Keep the largest strongly connected component: every kept node reaches every other.
        reach = csr_matrix((np.ones_like(km), (s, d)), shape=(n, n))
        _, labels = connected_components(reach, directed=True, connection="strong")
        keep_nodes = labels == np.bincount(labels).argmax()
        keep = keep_nodes[s] & keep_nodes[d]
        new = np.cumsum(keep_nodes) - 1
        m = int(keep_nodes.sum())
        s, d, km, v = new[s[keep]], new[d[keep]], km[keep], v[keep]
        # Parallel edges: the minimum wins (csr would sum duplicates).
        order = np.lexsort((km, d, s))
        s, d, km, v = s[order], d[order], km[order], v[order]
        first = np.ones(len(s), dtype=bool)
        first[1:] = (s[1:] != s[:-1]) | (d[1:] != d[:-1])
        s, d, km, v = s[first], d[first], np.maximum(km[first], 1e-6), v[first]
        self.lat, self.lon = latlon[keep_nodes, 0], latlon[keep_nodes, 1]
        self.km_graph = csr_matrix((km, (s, d)), shape=(m, m))
        self.min_graph = csr_matrix((km / v * 60.0, (s, d)), shape=(m, m))
        self._tree = cKDTree(unit_vectors(self.lat, self.lon))

    @property
    def nodes(self) -> int:
        """Number of graph nodes (largest strongly connected component)."""
        return len(self.lat)

    def snap(self, points: pd.DataFrame) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Nearest graph node of each point and the great-circle km to it."""
        chord, idx = self._tree.query(
            unit_vectors(points["lat"].to_numpy(), points["lon"].to_numpy())
        )
        return np.asarray(idx, dtype=np.int64), chord_to_km(chord)

    def _legs(
        self, points: pd.DataFrame
    ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        node, km = self.snap(points)
        return node, km, km / self.snap_speed_kmh * 60.0

    def matrix(
        self, origins: pd.DataFrame, destinations: pd.DataFrame
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Shortest road km and fastest drive minutes (each on its own optimal path)."""
        o_node, o_km, o_min = self._legs(origins)
        d_node, d_km, d_min = self._legs(destinations)
        uniq, inv = np.unique(o_node, return_inverse=True)
        km = dijkstra(self.km_graph, directed=True, indices=uniq)[inv][:, d_node]
        minutes = dijkstra(self.min_graph, directed=True, indices=uniq)[inv][:, d_node]
        km = km + o_km[:, None] + d_km[None, :]
        minutes = self.access_min + minutes + o_min[:, None] + d_min[None, :]
        return km, minutes

    def within(
        self,
        points: pd.DataFrame,
        centres: pd.DataFrame,
        radius_km: float | None = None,
        radius_min: float | None = None,
    ) -> pd.DataFrame:
        """Sparse (point, centre) pairs reachable from the centre within the radius."""
        if (radius_km is None) == (radius_min is None):
            raise HinterlandError("give exactly one of radius_km or radius_min")
        if len(points) == 0 or len(centres) == 0:
            return empty_pairs()
        km, minutes = self.matrix(centres, points)
        if radius_km is not None:
            centre, point = np.nonzero(km <= radius_km)
        else:
            centre, point = np.nonzero(minutes <= float(radius_min or 0.0))
        order = np.lexsort((centre, point))
        point, centre = point[order], centre[order]
        gc = haversine_km(
            points["lat"].to_numpy()[point],
            points["lon"].to_numpy()[point],
            centres["lat"].to_numpy()[centre],
            centres["lon"].to_numpy()[centre],
        )
        return pairs_frame(point, centre, gc, km[centre, point], minutes[centre, point])

    def nearest(self, points: pd.DataFrame, centres: pd.DataFrame, k: int = 1) -> pd.DataFrame:
        """The ``k`` centres with the shortest drive time (centre to point) of each point."""
        km_cp, minutes_cp = self.matrix(centres, points)
        km, minutes = km_cp.T, minutes_cp.T
        k = min(k, len(centres))
        idx = np.argsort(minutes, axis=1, kind="stable")[:, :k]
        point = np.repeat(np.arange(len(points), dtype=np.int64), k)
        centre = idx.ravel().astype(np.int64)
        gc = haversine_km(
            points["lat"].to_numpy()[point],
            points["lon"].to_numpy()[point],
            centres["lat"].to_numpy()[centre],
            centres["lon"].to_numpy()[centre],
        )
        return pairs_frame(point, centre, gc, km[point, centre], minutes[point, centre])
