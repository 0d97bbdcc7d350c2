"""Files a design run writes: sites and per-ZIP table (CSV, GeoJSON, optional GeoParquet),
marginal curve, map PNG.

Every file is written atomically (a temporary file renamed on success), so an
interrupted run leaves no half-written output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hinterland.io import Outputs, atomic_path, check_output_dir
from hinterland.io.geo import feature_collection, write_geoparquet
from hinterland.network.coverage import PROMISE_CLASSES

__all__ = ["CLASS_COLOURS", "sites_geojson", "write_design_outputs", "write_map"]

#: Map colour per promise class.
CLASS_COLOURS: dict[str, str] = {
    "same_day": "#1a9850",
    "next_day": "#91cf60",
    "two_day": "#fee08b",
    "beyond": "#d73027",
}


def sites_geojson(sites: pd.DataFrame) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of Point features, other columns as properties."""
    return feature_collection(sites, source="sites")


def _state_rings(path: Path) -> list[np.ndarray]:
    data = json.loads(path.read_text())
    rings: list[np.ndarray] = []
    for feat in data.get("features", []):
        geom = feat.get("geometry") or {}
        polys = geom.get("coordinates", [])
        if geom.get("type") == "Polygon":
            polys = [polys]
        for poly in polys:
            for ring in poly:
                rings.append(np.asarray(ring, dtype=float))
    return rings


def write_map(
    path: str | Path,
    zips: pd.DataFrame,
    zip_class: pd.Series,
    sites: pd.DataFrame,
    *,
    states_geojson: Path | None = None,
    title: str = "",
) -> Path:
    """Static map: ZIP-area centroids coloured by promise class, chosen sites, state outlines.

    ``zips`` needs ``lat``, ``lon``; ``zip_class`` one class per row of ``zips``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 6.5), dpi=110)
    lon = zips["lon"].to_numpy(float)
    lat = zips["lat"].to_numpy(float)
    pad = 1.0
    xlim = (lon.min() - pad, lon.max() + pad)
    ylim = (lat.min() - pad, lat.max() + pad)
    if states_geojson is not None and Path(states_geojson).exists():
        for ring in _state_rings(Path(states_geojson)):
            if ring.ndim == 2 and ring.shape[0] > 2:
                ax.plot(ring[:, 0], ring[:, 1], color="#888888", linewidth=0.5, zorder=1)
    classes = np.asarray(zip_class.astype(str))
    for cls in PROMISE_CLASSES:
        m = classes == cls
        if m.any():
            ax.scatter(
                lon[m],
                lat[m],
                s=3,
                c=CLASS_COLOURS[cls],
                label=f"{cls} ({m.sum():,})",
                zorder=2,
                linewidths=0,
            )
    if len(sites):
        ax.scatter(
            sites["lon"],
            sites["lat"],
            s=40,
            marker="^",
            c="#2c7bb6",
            edgecolors="black",
            linewidths=0.5,
            label=f"new sites ({len(sites)})",
            zorder=3,
        )
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect(1.0 / np.cos(np.radians(float(np.mean(ylim)))))
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8, markerscale=2)
    target = Path(path)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", bbox_inches="tight")
    plt.close(fig)
    return target


def write_design_outputs(
    out_dir: str | Path,
    sites: pd.DataFrame,
    zip_table: pd.DataFrame,
    marginal: pd.DataFrame,
    zips_geo: pd.DataFrame,
    *,
    states_geojson: Path | None = None,
    title: str = "",
    summary: dict[str, Any] | None = None,
    outputs: Outputs | None = None,
    geoparquet: bool = False,
) -> dict[str, str]:
    """Write ``sites.csv``, ``sites.geojson``, ``zips.csv``, ``zips.geojson`` (each ZIP
    area's point with its classes before and after), ``marginal.csv``, ``map.png``
    (and ``summary.json`` when given; ``sites.parquet`` and ``zips.parquet`` as
    GeoParquet with ``geoparquet``, which needs the ``geo`` extra) into ``out_dir``;
    returns name -> path.

    All files appear together or none does: they are staged in ``outputs`` (a
    :class:`~hinterland.io.Outputs` transaction the caller commits), or in a
    transaction of their own when ``outputs`` is ``None``.
    """
    folder = Path(out_dir)
    if outputs is None:
        with Outputs() as own:
            return write_design_outputs(
                folder, sites, zip_table, marginal, zips_geo, states_geojson=states_geojson,
                title=title, summary=summary, outputs=own, geoparquet=geoparquet,
            )
    check_output_dir(folder)
    paths: dict[str, Path] = {
        "sites_csv": outputs.table(sites, folder / "sites.csv"),
        "zips_csv": outputs.table(zip_table, folder / "zips.csv"),
        "marginal_csv": outputs.table(marginal, folder / "marginal.csv"),
        "sites_geojson": outputs.json(sites_geojson(sites), folder / "sites.geojson",
                                      indent=None),
        "zips_geojson": outputs.json(feature_collection(zip_table, source="zips"),
                                     folder / "zips.geojson", indent=None),
    }
    if geoparquet:
        for name, table in (("sites", sites), ("zips", zip_table)):
            target = folder / f"{name}.parquet"
            write_geoparquet(table, outputs.path(target), source=name)
            paths[f"{name}_geoparquet"] = target
    map_png = folder / "map.png"
    write_map(
        outputs.path(map_png),
        zips_geo,
        zip_table["class_after"],
        sites,
        states_geojson=states_geojson,
        title=title,
    )
    paths["map_png"] = map_png
    if summary is not None:
        paths["summary_json"] = outputs.json(summary, folder / "summary.json")
    return {k: str(v) for k, v in paths.items()}
