"""``hinterland demo``: the richest end-to-end job on the embedded default data."""

from __future__ import annotations

from typing import Annotated

import typer

from hinterland.commands._common import console, print_json, print_table
from hinterland.pipeline import foundation_demo


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command."""

    @app.command("demo")
    def demo(
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Run the main job on the default data and print its result."""
        result = foundation_demo()
        if as_json:
            print_json(result)
            return
        console.rule("hinterland demo: how far rural America is from a fulfillment center")
        console.print(
            f"{result['zip_areas']:,} ZIP areas, {result['population']:,} people; "
            f"{result['fulfillment_centers']} fulfillment-center sites (2019, deduplicated)"
        )
        import pandas as pd

        print_table(
            pd.DataFrame(result["by_rurality"]),
            title="Drive to the nearest fulfillment center",
            formats={
                "population": ",d",
                "median_drive_min": ".0f",
                "p90_drive_min": ".0f",
                "share_within_60_min": ".1%",
            },
        )
