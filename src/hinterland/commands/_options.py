"""Reusable Typer options and value checks shared by the command modules."""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from hinterland.network.facilities import FACILITY_KINDS, load_facilities


class FacilityKind(StrEnum):
    """Facility kinds as a choice (``--help`` lists them); the same as ``FACILITY_KINDS``."""

    fulfillment_center = "fulfillment_center"
    sort_center = "sort_center"
    delivery_station = "delivery_station"
    hybrid_hub = "hybrid_hub"
    partner_post_office = "partner_post_office"
    retail_store = "retail_store"
    drone_site = "drone_site"


if tuple(k.value for k in FacilityKind) != tuple(FACILITY_KINDS):  # pragma: no cover
    raise RuntimeError("FacilityKind is out of step with FACILITY_KINDS")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON with the same numbers.")]
FacilitiesOpt = Annotated[
    Path, typer.Option("--facilities", help="Facility file: CSV, Parquet or GeoJSON.")
]
LatColOpt = Annotated[str | None, typer.Option("--lat-col", help="Latitude column (detected).")]
LonColOpt = Annotated[str | None, typer.Option("--lon-col", help="Longitude column (detected).")]
IdColOpt = Annotated[str | None, typer.Option("--id-col", help="Id column (detected).")]
KindOpt = Annotated[
    FacilityKind | None, typer.Option("--kind", help="Kind for every row.")
]


def number(
    *,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    lt: float | None = None,
) -> Callable[[Any], Any]:
    """A Typer ``callback`` refusing NaN, infinity and values outside the bounds.

    Click's own ranges let ``nan`` through (every comparison with NaN is false);
    this check does not. ``None`` (an option not given) passes.

    Examples
    --------
    >>> opt = typer.Option("--years", callback=number(gt=0))  # doctest: +SKIP
    """

    def check(value: Any) -> Any:
        if value is None:
            return value
        v = float(value)
        if not math.isfinite(v):
            raise typer.BadParameter(f"{value!r} is not a finite number")
        for bound, ok, text in (
            (gt, lambda b: v > b, "greater than"),
            (ge, lambda b: v >= b, "at least"),
            (le, lambda b: v <= b, "at most"),
            (lt, lambda b: v < b, "less than"),
        ):
            if bound is not None and not ok(bound):
                raise typer.BadParameter(f"{value!r}: must be {text} {bound:g}")
        return value

    return check


def read_facilities(
    path: Path,
    lat_col: str | None,
    lon_col: str | None,
    id_col: str | None,
    kind: str | None,
) -> pd.DataFrame:
    """Load a facility file with the CLI's column-mapping options."""
    text = kind.value if isinstance(kind, Enum) else kind
    return load_facilities(path, lat_col=lat_col, lon_col=lon_col, id_col=id_col, kind=text)
