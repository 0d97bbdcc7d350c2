"""``hinterland demo``: the richest end-to-end job on the embedded default data."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from hinterland.commands._common import console, print_json, print_table
from hinterland.commands._options import JsonOpt


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command."""

    @app.command("demo")
    def demo(
        state: Annotated[str, typer.Option(help="State to plan.")] = "MT",
        new_stations: Annotated[int, typer.Option(help="Most new stations.")] = 6,
        route_seconds: Annotated[float, typer.Option(help="Routing time budget.")] = 20.0,
        seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
        as_json: JsonOpt = False,
    ) -> None:
        """Design new rural stations, promise a day of orders, route one station."""
        from hinterland.pipeline import rural_day_demo

        with console.status("starting") as status:
            result = rural_day_demo(
                state,
                new_stations=new_stations,
                route_seconds=route_seconds,
                seed=seed,
                say=lambda stage: status.update(f"hinterland demo: {stage}"),
            )
        if as_json:
            print_json(result)
            return
        region, plan, routes = result["region"], result["design"], result["routes"]
        console.rule(f"hinterland demo: a rural day in {result['state']}")
        console.print(
            f"{region['zip_areas']:,} ZIP areas, {region['population']:,} people "
            f"({region['nonmetro_population']:,} non-metro)"
        )
        cert = plan["certificate"]
        console.print(
            f"design: {len(plan['new_stations'])} new stations, gap {cert['gap']:.4%}, "
            f"{cert['seconds']:.1f} s, recount verified={cert['verified']}"
        )
        classes = sorted(
            set(plan["population_by_class_before"]) | set(plan["population_by_class_after"])
        )
        print_table(
            pd.DataFrame(
                {
                    "promise_class": classes,
                    "population_before": [
                        plan["population_by_class_before"].get(c, 0) for c in classes
                    ],
                    "population_after": [
                        plan["population_by_class_after"].get(c, 0) for c in classes
                    ],
                }
            ),
            title="Best promise per person",
            formats={"population_before": ",d", "population_after": ",d"},
        )
        mix = result["promise"]["chosen_mode"]
        console.print(
            f"orders: {result['orders']:,}; tier met for "
            f"{result['promise']['tier_met_share']:.1%}; modes: "
            + ", ".join(f"{k} {v:,}" for k, v in mix.items())
        )
        console.print(
            f"routes from {routes['station']}: {routes['routes']} vans, "
            f"{routes['stops']:,} stops, {routes['km']:,.0f} km, "
            f"{routes['driver_hours']:.0f} driver h, ${routes['cost_per_parcel_usd']:.2f}"
            f"/parcel, {routes['co2_kg']:,.0f} kg CO2, unserved {routes['unserved']}, "
            f"verified={routes['verified']}"
        )
