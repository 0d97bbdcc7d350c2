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
        state: Annotated[str, typer.Option(help="State(s) to plan, comma-separated.")]
        = "MT,WY,ND,SD",
        new_stations: Annotated[int, typer.Option(help="Most new hybrid hubs.")] = 8,
        days: Annotated[int, typer.Option(help="Days simulated.", min=1, max=60)] = 7,
        replications: Annotated[int, typer.Option(help="Replications (common random "
                                                  "numbers).", min=2, max=20)] = 3,
        out: Annotated[str, typer.Option("--out", help="Folder for the report.")]
        = "hinterland-demo",
        day_only: Annotated[bool, typer.Option(
            "--day-only", help="Instead: one state's day designed, promised and routed "
            "(first state).")] = False,
        route_seconds: Annotated[float, typer.Option(help="Routing time budget "
                                                     "(--day-only).")] = 20.0,
        seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
        as_json: JsonOpt = False,
    ) -> None:
        """The main job: today's rural network against a designed expansion, a week of
        operations of both simulated, and the comparison report."""
        states = [s.strip().upper() for s in state.split(",") if s.strip()]
        if not day_only:
            from hinterland.runs import expansion_study

            with console.status("starting") as status:
                study = expansion_study(
                    states, new_hubs=new_stations, days=days, replications=replications,
                    seed=seed, out_dir=out,
                    say=lambda stage: status.update(f"hinterland demo: {stage}"))
            if as_json:
                print_json(study)
                return
            deltas = pd.DataFrame(study["deltas"]).set_index("kpi")
            console.rule(f"hinterland demo: {', '.join(states)}")
            console.print(f"{len(study['design']['sites'])} new hybrid hubs (design gap "
                          f"{study['design']['certificate']['gap']:.4%}); {days} days x "
                          f"{replications} replications, common random numbers")
            for kpi in ("order_to_door_h_p50", "rural:order_to_door_h_p50", "next_day_share",
                        "on_time_rate", "cost_per_parcel_usd"):
                if kpi in deltas.index:
                    r = deltas.loc[kpi]
                    console.print(f"  {kpi}: {r['a_mean']:.3g} -> {r['b_mean']:.3g} "
                                  f"({r['delta_pct']:+.1f} % [{r['pct_low']:+.1f}, "
                                  f"{r['pct_high']:+.1f}])")
            console.print(f"report: {study['report']}")
            return
        state = states[0]
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
