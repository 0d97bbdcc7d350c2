"""Geometry in and out: GeoJSON, GeoParquet and GeoDataFrames for per-ZIP and per-site tables.

Any table with ``lat``/``lon`` columns (ZIP areas, a design's per-ZIP classes
before and after, sites), or with a ``zip`` column and the ZIP-area table to take
the points from (``zips=``: coverage tables, promises), can be written with a
geometry per row: the row's point, or its polygon where a boundary file names the
row's key (e.g. a ZCTA boundary GeoJSON keyed by ZIP code).

* :func:`feature_collection` / :func:`write_geojson` need nothing beyond the
  standard library (strict JSON: ``NaN`` becomes ``null``);
* :func:`to_geodataframe`, :func:`write_geoparquet` and reading a GeoDataFrame with
  :func:`from_geodataframe` need the optional ``geo`` extra
  (``pip install 'hinterland[geo]'``: GeoPandas, shapely, pyogrio); without it they
  raise :class:`MissingExtraError` naming the extra.

Coordinates are WGS 84 longitude/latitude (EPSG:4326), as GeoJSON requires.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError, InputError
from hinterland.io.atomic import atomic_path, write_json
from hinterland.io.jsonio import jsonable

__all__ = [
    "GEO_EXTRA",
    "MissingExtraError",
    "feature_collection",
    "from_geodataframe",
    "geometries",
    "is_geodataframe",
    "load_boundaries",
    "to_geodataframe",
    "with_points",
    "write_geojson",
    "write_geoparquet",
]

#: The optional extra that brings GeoPandas, shapely and pyogrio.
GEO_EXTRA = "geo"

#: Coordinate reference system of everything written here.
CRS = "EPSG:4326"

Boundaries = Mapping[str, Mapping[str, Any]]


class MissingExtraError(HinterlandError):
    """An optional dependency is not installed; the message names the extra to install."""


def _geopandas() -> Any:
    try:
        import geopandas
    except ImportError as exc:
        raise MissingExtraError(
            "GeoDataFrames and GeoParquet need the optional 'geo' extra "
            "(GeoPandas, shapely, pyogrio): pip install 'hinterland[geo]'"
        ) from exc
    return geopandas


def is_geodataframe(table: object) -> bool:
    """Whether ``table`` is a GeoPandas GeoDataFrame (checked without importing GeoPandas)."""
    return any(
        cls.__name__ == "GeoDataFrame" and cls.__module__.startswith("geopandas")
        for cls in type(table).__mro__
    )


def from_geodataframe(table: pd.DataFrame, *, source: str = "table") -> pd.DataFrame:
    """A plain table with ``lat``/``lon`` from a GeoDataFrame (other tables unchanged).

    Points give their coordinates; other shapes their representative point (a point
    inside the shape). The geometry is reprojected to EPSG:4326 first when the
    frame has another CRS. The geometry column is dropped.

    Raises
    ------
    InputError
        Empty or missing geometries (naming the first such row).
    """
    if not is_geodataframe(table):
        return table
    gdf: Any = table
    if gdf.crs is not None and not gdf.crs.equals(CRS):
        gdf = gdf.to_crs(CRS)
    geom = gdf.geometry
    bad = (geom.isna() | geom.is_empty).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(source, "empty or missing geometry", row=row + 1,
                         column=str(geom.name))
    point = geom.where(geom.geom_type == "Point", geom.representative_point())
    out = pd.DataFrame(gdf.drop(columns=[geom.name]))
    out["lat"] = point.y.to_numpy(float)
    out["lon"] = point.x.to_numpy(float)
    return out


def load_boundaries(source: str | os.PathLike[str] | Mapping[str, Any], key: str
                    ) -> dict[str, dict[str, Any]]:
    """Geometries of a GeoJSON FeatureCollection by the value of property ``key``.

    Parameters
    ----------
    source
        A GeoJSON file or an already-parsed FeatureCollection.
    key
        The feature property naming each shape (e.g. ``"ZCTA5CE10"`` for ZIP areas).

    Raises
    ------
    InputError
        Unreadable file, not a FeatureCollection, or features without ``key``.
    """
    name = "boundaries" if isinstance(source, Mapping) else str(source)
    if isinstance(source, Mapping):
        data: Any = source
    else:
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8", errors="replace"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(name, f"cannot read GeoJSON: {exc}") from exc
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        raise InputError(name, "not a GeoJSON FeatureCollection")
    out: dict[str, dict[str, Any]] = {}
    for i, feat in enumerate(data.get("features") or []):
        props = feat.get("properties") or {}
        if key not in props:
            raise InputError(name, f"feature has no property {key!r}", row=i + 1, column=key)
        if feat.get("geometry"):
            out[str(props[key])] = dict(feat["geometry"])
    return out


def with_points(table: pd.DataFrame, zips: pd.DataFrame | None, *, key: str = "zip",
                source: str = "table") -> pd.DataFrame:
    """``table`` with ``lat``/``lon`` of its ZIP areas when it has none of its own.

    Parameters
    ----------
    table
        Rows naming a ZIP area in column ``key`` (or already with ``lat``/``lon``, or a
        GeoDataFrame: returned as a plain table with its points).
    zips
        ZIP areas (``zip``, ``lat``, ``lon``), e.g. :func:`hinterland.data.zip_areas`.
    key
        The column of ``table`` holding ZIP codes.

    Raises
    ------
    InputError
        A ZIP code that is not in ``zips`` (naming the first such row).
    """
    plain = from_geodataframe(table, source=source)
    if zips is None or {"lat", "lon"} <= set(plain.columns) or key not in plain.columns:
        return plain
    points = zips.assign(zip=zips["zip"].astype(str)).drop_duplicates("zip").set_index("zip")
    codes = plain[key].astype(str)
    missing = ~codes.isin(points.index).to_numpy()
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise InputError(source, f"ZIP {codes.iloc[row]!r} is not a ZIP area", row=row + 1,
                         column=key)
    return plain.assign(lat=points["lat"].reindex(codes).to_numpy(float),
                        lon=points["lon"].reindex(codes).to_numpy(float))


def geometries(
    table: pd.DataFrame,
    *,
    boundaries: Boundaries | None = None,
    key: str = "zip",
    source: str = "table",
) -> list[dict[str, Any]]:
    """One GeoJSON geometry per row: the boundary named by the row's ``key`` when
    ``boundaries`` has it, else the row's ``lat``/``lon`` point.

    Raises
    ------
    InputError
        No ``lat``/``lon`` columns, or a row with no boundary and no finite point.
    """
    table = from_geodataframe(table, source=source)
    for col in ("lat", "lon"):
        if col not in table.columns:
            raise InputError(source, f"missing column '{col}' (needed for the geometry)",
                             column=col)
    lat = pd.to_numeric(table["lat"], errors="coerce").to_numpy(float)
    lon = pd.to_numeric(table["lon"], errors="coerce").to_numpy(float)
    keys = (table[key].astype(str).to_numpy() if boundaries is not None and key in table.columns
            else None)
    out: list[dict[str, Any]] = []
    for i in range(len(table)):
        if keys is not None and boundaries is not None and keys[i] in boundaries:
            out.append(dict(boundaries[keys[i]]))
            continue
        if not (math.isfinite(lat[i]) and math.isfinite(lon[i])):
            raise InputError(source, "no point: lat/lon are not numbers", row=i + 1,
                             column="lat")
        out.append({"type": "Point", "coordinates": [float(lon[i]), float(lat[i])]})
    return out


def feature_collection(
    table: pd.DataFrame,
    *,
    boundaries: Boundaries | None = None,
    key: str = "zip",
    keep_coordinates: bool = False,
    zips: pd.DataFrame | None = None,
    source: str = "table",
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection: one feature per row, the other columns as properties.

    Parameters
    ----------
    table
        Rows with ``lat``/``lon`` (or a GeoDataFrame).
    boundaries
        Shapes by key (:func:`load_boundaries`); rows whose ``key`` is found get
        the shape instead of the point.
    key
        Column matched against ``boundaries``.
    keep_coordinates
        Keep ``lat``/``lon`` among the properties too.
    zips
        ZIP areas to take each row's point from when ``table`` has no ``lat``/``lon``
        (:func:`with_points`).
    source
        Name used in error messages.
    """
    plain = with_points(table, zips, key=key, source=source)
    geoms = geometries(plain, boundaries=boundaries, key=key, source=source)
    drop = [] if keep_coordinates else ["lat", "lon"]
    props = plain.drop(columns=[c for c in drop if c in plain.columns])
    records = jsonable(props.to_dict(orient="records"))
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": g, "properties": p}
            for g, p in zip(geoms, records, strict=True)
        ],
    }


def write_geojson(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    boundaries: Boundaries | None = None,
    key: str = "zip",
    zips: pd.DataFrame | None = None,
    source: str = "table",
) -> Path:
    """Write ``table`` as a GeoJSON FeatureCollection (atomic, strict JSON; arguments
    as :func:`feature_collection`)."""
    fc = feature_collection(table, boundaries=boundaries, key=key, zips=zips, source=source)
    return write_json(fc, path, indent=None)


def to_geodataframe(
    table: pd.DataFrame,
    *,
    boundaries: Boundaries | None = None,
    key: str = "zip",
    zips: pd.DataFrame | None = None,
    source: str = "table",
) -> Any:
    """A GeoDataFrame (EPSG:4326) of ``table``: points, or shapes from ``boundaries``
    (arguments as :func:`feature_collection`).

    Needs the ``geo`` extra (:class:`MissingExtraError` otherwise).
    """
    gpd = _geopandas()
    from shapely.geometry import shape

    plain = with_points(table, zips, key=key, source=source)
    geoms = [shape(g) for g in geometries(plain, boundaries=boundaries, key=key,
                                          source=source)]
    return gpd.GeoDataFrame(plain.reset_index(drop=True), geometry=geoms, crs=CRS)


def write_geoparquet(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    boundaries: Boundaries | None = None,
    key: str = "zip",
    zips: pd.DataFrame | None = None,
    source: str = "table",
) -> Path:
    """Write ``table`` as GeoParquet (atomic; arguments as :func:`feature_collection`).
    Needs the ``geo`` extra."""
    gdf = to_geodataframe(table, boundaries=boundaries, key=key, zips=zips, source=source)
    target = Path(path)
    with atomic_path(target) as tmp:
        gdf.to_parquet(tmp, index=False)
    return target
