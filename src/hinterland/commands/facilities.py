"""``hinterland facilities check``: load a user's facility file and summarise it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hinterland.commands._common import console, frame_records, print_json, print_table
from hinterland.commands._options import (
    IdColOpt,
    JsonOpt,
    KindOpt,
    LatColOpt,
    LonColOpt,
    read_facilities,
)


def register(app: typer.Typer) -> None:
    """Add the ``facilities`` sub-app."""
    fac_app = typer.Typer(help="Facility files a user brings.", no_args_is_help=True)

    @fac_app.command("check")
    def check(
        path: Annotated[Path, typer.Argument(help="CSV, Parquet or GeoJSON file.")],
        lat_col: LatColOpt = None,
        lon_col: LonColOpt = None,
        id_col: IdColOpt = None,
        kind: KindOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Validate a facility file and count its sites by kind and operator."""
        table = read_facilities(path, lat_col, lon_col, id_col, kind)
        counts = (
            table.groupby(["kind", "operator"], as_index=False)
            .agg(sites=("id", "size"), holding_inventory=("holds_inventory", "sum"))
            .sort_values("sites", ascending=False)
        )
        if as_json:
            print_json({"file": str(path), "sites": len(table), "by_kind": frame_records(counts)})
            return
        console.print(f"{path}: {len(table):,} sites, all rows valid")
        print_table(counts, formats={"sites": ",d"})

    app.add_typer(fac_app, name="facilities")
