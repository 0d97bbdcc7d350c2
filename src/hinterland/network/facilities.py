"""Facility tables: the buildings of a delivery network, loaded from user files.

Schema of a facility table (one row per site):

============== ====== =====================================================
column         type   meaning
============== ====== =====================================================
id             str    unique site id
kind           str    one of :data:`FACILITY_KINDS`
lat, lon       float  WGS84 degrees
operator       str    who runs it (e.g. ``own``, ``postal_partner``)
capacity_per_day float parcels per day the site can handle (``inf`` if unknown)
holds_inventory bool  whether orders can ship from local stock
============== ====== =====================================================

Files may be CSV, Parquet or GeoJSON (Point features). Columns are mapped by
option or detected from common names (``latitude``/``lat``, ``longitude``/
``lng``/``lon``/``long``, and names ending in ``_lat``/``_lon``...). A bad row
raises :class:`~hinterland.core.errors.InputError` naming file, row and column, and
nothing is returned.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from hinterland.core.errors import InputError
from hinterland.core.vocabulary import FACILITY_KINDS, kinds_with
from hinterland.data.schema import Column, check_table
from hinterland.io.tables import read_table

#: Kinds that hold inventory unless the file says otherwise.
INVENTORY_KINDS = kinds_with("stocked_by_default")

#: Default operator by kind.
DEFAULT_OPERATOR = {"partner_post_office": "postal_partner", "retail_store": "retail_partner"}

FACILITY_COLUMNS: tuple[Column, ...] = (
    Column("id", "str"),
    Column("kind", "str", choices=FACILITY_KINDS),
    Column("lat", "float", min=-90, max=90),
    Column("lon", "float", min=-180, max=180),
    Column("operator", "str"),
    Column("capacity_per_day", "float", min=0, finite=False),
    Column("holds_inventory", "bool"),
)

#: Boxes (lat_min, lat_max, lon_min, lon_max) around US soil, half a degree of margin:
#: the 48 states, Alaska (both sides of 180 degrees), Hawaii (with the north-western
#: islands), Puerto Rico and the Virgin Islands, Guam and the Northern Marianas,
#: American Samoa. A longitude with a flipped sign, or a row cut mid-number, falls
#: outside them.
US_BOXES: tuple[tuple[float, float, float, float], ...] = (
    (24.0, 50.0, -125.5, -66.4),
    (50.5, 72.0, -180.0, -129.4),
    (50.5, 72.0, 171.5, 180.0),
    (18.3, 29.0, -179.0, -154.2),
    (17.1, 19.1, -68.5, -64.0),
    (12.7, 21.1, 144.1, 146.6),
    (-15.1, -10.5, -171.6, -167.6),
)


def on_us_soil(lat: object, lon: object) -> np.ndarray:
    """Boolean mask: which points lie in one of :data:`US_BOXES`."""
    la = np.atleast_1d(np.asarray(lat, dtype=float))
    lo = np.atleast_1d(np.asarray(lon, dtype=float))
    ok = np.zeros(la.shape, bool)
    for a, b, c, d in US_BOXES:
        ok |= (la >= a) & (la <= b) & (lo >= c) & (lo <= d)
    return ok


def check_us_soil(table: pd.DataFrame, source: str, *, lat: str = "lat", lon: str = "lon",
                  row_offset: int = 1) -> None:
    """Refuse the first row whose point is not on US soil, naming row and column.

    Raises
    ------
    InputError
        Naming the row and the longitude column (the usual culprit: a flipped sign).
    """
    la = pd.to_numeric(table[lat], errors="coerce").to_numpy(dtype=float)
    lo = pd.to_numeric(table[lon], errors="coerce").to_numpy(dtype=float)
    present = np.isfinite(la) & np.isfinite(lo)
    bad = np.flatnonzero(present & ~on_us_soil(la, lo))
    if bad.size:
        i = int(bad[0])
        hint = ""
        if on_us_soil(la[i], -lo[i])[0]:
            hint = f"; with longitude {-lo[i]:g} it would be: a flipped sign?"
        elif la[i] == 0 and lo[i] == 0:
            hint = "; 0,0 usually stands for a missing value"
        raise InputError(source, f"({la[i]:g}, {lo[i]:g}) is not on US soil{hint}",
                         row=i + row_offset, column=lon)


_LAT_NAMES = ("lat", "latitude", "y")
_LON_NAMES = ("lon", "lng", "long", "longitude", "x")
_ID_NAMES = ("id", "facility_id", "site_id", "name_id", "code")


def _detect(columns: list[str], names: tuple[str, ...], suffixes: tuple[str, ...]) -> str | None:
    lower = {c.lower().strip(): c for c in columns}
    for name in names:
        if name in lower:
            return lower[name]
    matches = [c for c in columns if c.lower().endswith(suffixes)]
    return matches[0] if len(matches) == 1 else None


def _read_any(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix in (".geojson", ".json"):
            return _read_geojson(path)
        return read_table(path, allow_empty=True)
    except InputError:
        raise
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read file: {exc}") from exc


def _read_geojson(path: Path) -> pd.DataFrame:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text; save it as UTF-8") from None
    except ValueError as exc:
        raise InputError(str(path), f"not valid JSON ({exc})") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise InputError(str(path), "GeoJSON must be a FeatureCollection")
    rows = []
    for i, feat in enumerate(features, start=1):
        if not isinstance(feat, dict):
            raise InputError(str(path), "each feature must be a JSON object", row=i)
        geom = feat.get("geometry") or {}
        if not isinstance(geom, dict):
            raise InputError(str(path), "geometry must be a JSON object", row=i,
                             column="geometry")
        if geom.get("type") != "Point":
            raise InputError(
                str(path),
                f"geometry must be a Point, got {geom.get('type')!r}",
                row=i,
                column="geometry",
            )
        coords = geom.get("coordinates") or []
        if not isinstance(coords, list) or len(coords) < 2:
            raise InputError(str(path), "Point needs [lon, lat]", row=i, column="geometry")
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            raise InputError(str(path), "properties must be a JSON object", row=i,
                             column="properties")
        props = dict(props)
        if "id" not in props and feat.get("id") is not None:
            props["id"] = feat["id"]
        props["lon"], props["lat"] = coords[0], coords[1]
        rows.append(props)
    return pd.DataFrame(rows)


def load_facilities(
    path: str | os.PathLike[str],
    *,
    lat_col: str | None = None,
    lon_col: str | None = None,
    id_col: str | None = None,
    kind: str | None = None,
    kind_col: str | None = None,
    operator: str | None = None,
    capacity_per_day: float | None = None,
) -> pd.DataFrame:
    """Load a facility table a user brings.

    Parameters
    ----------
    path
        CSV, Parquet or GeoJSON file.
    lat_col, lon_col, id_col
        Column names; detected from common names when omitted. Without an id
        column, ids are ``"<file stem>-<row>"``.
    kind
        Kind for every row (overrides a ``kind`` column); one of :data:`FACILITY_KINDS`.
    kind_col
        Column holding each row's kind (default: ``kind`` when present).
    operator
        Operator for every row (default: a column ``operator``, else by kind).
    capacity_per_day
        Capacity for every row (default: a ``capacity_per_day`` column, else ``inf``).

    Returns
    -------
    pandas.DataFrame
        The facility table (schema in the module docstring), extra columns kept after.

    Raises
    ------
    InputError
        Unreadable file, missing or ambiguous column, bad value, duplicate id.
    """
    src = Path(path)
    source = str(src)
    if not src.is_file():
        raise InputError(source, "file not found")
    raw = _read_any(src)
    if raw.empty:
        raise InputError(source, "file has no rows")
    cols = [str(c) for c in raw.columns]
    raw.columns = pd.Index(cols)
    lat = lat_col or _detect(cols, _LAT_NAMES, ("_lat", "_latitude"))
    lon = lon_col or _detect(cols, _LON_NAMES, ("_lon", "_lng", "_long", "_longitude"))
    for opt, name, given in (("--lat-col", lat, lat_col), ("--lon-col", lon, lon_col)):
        if name is None:
            raise InputError(source, f"no latitude/longitude column found; name it with {opt}")
        if name not in cols:
            raise InputError(source, f"column given by {opt} does not exist", column=given)
    ident = id_col or _detect(cols, _ID_NAMES, ("_id",))
    if id_col is not None and id_col not in cols:
        raise InputError(source, "column given by --id-col does not exist", column=id_col)

    out = pd.DataFrame(index=raw.index)
    if ident is None:
        out["id"] = [f"{src.stem}-{i}" for i in range(1, len(raw) + 1)]
    else:
        out["id"] = raw[ident]
    if kind is not None:
        if kind not in FACILITY_KINDS:
            raise InputError(source, f"--kind {kind!r} is not one of {', '.join(FACILITY_KINDS)}")
        out["kind"] = kind
    else:
        kcol = kind_col or ("kind" if "kind" in cols else None)
        if kcol is None or kcol not in cols:
            raise InputError(source, "no 'kind' column; give --kind for every row", column=kcol)
        out["kind"] = raw[kcol].astype("string").str.strip().str.lower()
    out["lat"] = raw[lat]
    out["lon"] = raw[lon]
    if operator is not None:
        out["operator"] = operator
    elif "operator" in cols:
        out["operator"] = raw["operator"]
    else:
        out["operator"] = out["kind"].map(DEFAULT_OPERATOR).fillna("own")
    if capacity_per_day is not None:
        out["capacity_per_day"] = float(capacity_per_day)
    elif "capacity_per_day" in cols:
        out["capacity_per_day"] = raw["capacity_per_day"]
    else:
        out["capacity_per_day"] = np.inf
    if "holds_inventory" in cols:
        out["holds_inventory"] = raw["holds_inventory"]
    else:
        out["holds_inventory"] = out["kind"].isin(INVENTORY_KINDS)
    used = {lat, lon, ident, "kind", "operator", "capacity_per_day", "holds_inventory"}
    for c in cols:
        if c not in used and c not in out.columns:
            out[c] = raw[c]
    # Errors must name the user's column, not ours.
    renamed = {"lat": lat, "lon": lon, "id": ident or "id"}
    try:
        table = check_table(out.reset_index(drop=True), FACILITY_COLUMNS, source)
        check_us_soil(table, source)
    except InputError as exc:
        col = renamed.get(exc.column or "", exc.column)
        raise InputError(source, exc.reason, row=exc.row, column=col) from None
    dup = table["id"].duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup.to_numpy())[0]) + 1
        raise InputError(
            source, f"duplicate id {table['id'].iloc[row - 1]!r}", row=row, column=ident or "id"
        )
    return table


def facilities_frame(
    rows: list[dict[str, object]] | pd.DataFrame, source: str = "facilities"
) -> pd.DataFrame:
    """Check an in-memory facility table (e.g. built by code) against the schema."""
    df = pd.DataFrame(rows)
    if "operator" not in df.columns and "kind" in df.columns:
        df["operator"] = df["kind"].map(DEFAULT_OPERATOR).fillna("own")
    if "capacity_per_day" not in df.columns:
        df["capacity_per_day"] = np.inf
    if "holds_inventory" not in df.columns and "kind" in df.columns:
        df["holds_inventory"] = df["kind"].isin(INVENTORY_KINDS)
    return check_table(df, FACILITY_COLUMNS, source)
