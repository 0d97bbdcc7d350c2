"""Reusable Typer options: facility-file column mapping, JSON switch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from hinterland.network.facilities import load_facilities

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON with the same numbers.")]
FacilitiesOpt = Annotated[
    Path, typer.Option("--facilities", help="Facility file: CSV, Parquet or GeoJSON.")
]
LatColOpt = Annotated[str | None, typer.Option("--lat-col", help="Latitude column (detected).")]
LonColOpt = Annotated[str | None, typer.Option("--lon-col", help="Longitude column (detected).")]
IdColOpt = Annotated[str | None, typer.Option("--id-col", help="Id column (detected).")]
KindOpt = Annotated[
    str | None, typer.Option("--kind", help="Kind for every row, e.g. delivery_station.")
]


def read_facilities(
    path: Path,
    lat_col: str | None,
    lon_col: str | None,
    id_col: str | None,
    kind: str | None,
) -> pd.DataFrame:
    """Load a facility file with the CLI's column-mapping options."""
    return load_facilities(path, lat_col=lat_col, lon_col=lon_col, id_col=id_col, kind=kind)
