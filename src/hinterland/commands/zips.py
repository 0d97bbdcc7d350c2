"""``hinterland zips summary``: ZIP areas, population and land by rurality."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from hinterland.commands._common import console, print_json, print_table, split_options
from hinterland.core.errors import HinterlandError
from hinterland.data.region import select_zip_areas, summarise_zip_areas
from hinterland.data.zip_areas import zip_areas


def register(app: typer.Typer) -> None:
    """Add the ``zips`` sub-app."""
    zips_app = typer.Typer(
        help="ZIP areas (ZCTA) with population and rurality.", no_args_is_help=True
    )

    @zips_app.command("summary")
    def summary(
        state: Annotated[
            list[str] | None, typer.Option("--state", help="State code(s), e.g. MT.")
        ] = None,
        rurality: Annotated[
            list[str] | None,
            typer.Option("--rurality", help="Class(es): metro, micropolitan, small_town, rural."),
        ] = None,
        county: Annotated[
            list[str] | None, typer.Option("--county", help="County FIPS code(s).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """ZIP count, population and land area per rurality class."""
        states, classes, counties = (
            split_options(state),
            split_options(rurality),
            split_options(county),
        )
        chosen = select_zip_areas(zip_areas(), states, classes, counties)
        if chosen.empty:
            given = [
                f"{name} {','.join(values)}"
                for name, values in (
                    ("--state", states),
                    ("--rurality", classes),
                    ("--county", counties),
                )
                if values
            ]
            raise HinterlandError(
                f"no ZIP area matches {' and '.join(given)} (filters combine with AND: "
                "is the county in that state?)"
            )
        result = summarise_zip_areas(chosen)
        if as_json:
            print_json(result)
            return
        table = pd.DataFrame(result["by_rurality"])
        total = pd.DataFrame(
            [
                {
                    "rurality": "total",
                    "zip_areas": result["zip_areas"],
                    "population": result["population"],
                    "land_km2": result["land_km2"],
                    "population_share": 1.0 if result["population"] else 0.0,
                }
            ]
        )
        print_table(
            pd.concat([table, total], ignore_index=True),
            title="ZIP areas by rurality",
            formats={
                "population": ",d",
                "land_km2": ",.0f",
                "zip_areas": ",d",
                "population_share": ".1%",
            },
        )
        console.print(
            f"non-metro (RUCA 4-10): {result['nonmetro_zip_areas']:,} ZIP areas, "
            f"{result['nonmetro_population']:,} people"
        )

    app.add_typer(zips_app, name="zips")
