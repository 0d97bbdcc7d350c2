"""``hinterland simulate`` and ``hinterland compare``: days of operation and scenario deltas."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from hinterland.commands._common import console, console_err, print_json, print_table
from hinterland.io import Outputs, check_output_dir


def register(app: typer.Typer) -> None:
    """Add the ``simulate`` and ``compare`` commands."""

    @app.command("simulate")
    def simulate_cmd(
        scenario: Annotated[Path, typer.Argument(help="Scenario TOML ([region], [network], "
                                                  "[operations], [demand], [sim]).")],
        days: Annotated[int | None, typer.Option("--days", min=1, max=366,
                                                 help="Days to simulate (default: the "
                                                 "scenario's).")] = None,
        seed: Annotated[int | None, typer.Option("--seed", help="Seed (default: the "
                                                 "scenario's).")] = None,
        out: Annotated[Path | None, typer.Option(
            "--out", help="Folder for events.parquet, parcels.parquet, routes.csv, "
            "kpis.json, by_rurality.csv, by_state.csv (all or none).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the KPIs as JSON.")] = False,
    ) -> None:
        """Simulate days of operation of one scenario: tracking events and KPIs."""
        from hinterland.runs import simulate_scenario
        from hinterland.sim.kpis import kpi_table, kpis

        if out is not None:
            check_output_dir(out)
        with console_err.status("simulating..."):
            res = simulate_scenario(scenario, days, seed)
        k = kpis(res)
        by_rur = kpi_table(res, "rurality")
        if out is not None:
            with Outputs() as files:
                files.table(res.events, out / "events.parquet")
                files.table(res.parcels, out / "parcels.parquet")
                files.table(res.routes, out / "routes.csv")
                files.json(k, out / "kpis.json")
                files.table(by_rur, out / "by_rurality.csv")
                files.table(kpi_table(res, "state"), out / "by_state.csv")
        if as_json:
            print_json(k)
            return
        console.print(f"{res.spec.days} days, {int(k['parcels']):,} parcels: order-to-door "
                      f"p50 {k['order_to_door_h_p50']:.1f} h, on time "
                      f"{k['on_time_rate']:.1%}, {k['cost_per_parcel_usd']:.2f} USD/parcel")
        print_table(by_rur[["rurality", "parcels", "order_to_door_h_p50", "next_day_share",
                            "on_time_rate"]], title="By rurality",
                    formats={"parcels": ",.0f", "order_to_door_h_p50": ".1f",
                             "next_day_share": ".1%", "on_time_rate": ".1%"})
        if out is not None:
            console.print(f"wrote {out}")

    @app.command("compare")
    def compare_cmd(
        a: Annotated[Path, typer.Argument(help="Scenario A (e.g. today's network).")],
        b: Annotated[Path, typer.Argument(help="Scenario B (e.g. the proposed one).")],
        days: Annotated[int | None, typer.Option("--days", min=1, max=366)] = None,
        replications: Annotated[int | None, typer.Option(
            "--replications", min=2, max=100, help="Replications with common random "
            "numbers (default: A's [sim] replications).")] = None,
        out: Annotated[Path | None, typer.Option(
            "--out", help="Folder for deltas.csv and runs.csv (all or none).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the deltas as JSON.")]
        = False,
    ) -> None:
        """Compare two scenarios: each KPI's delta B - A with a 95 % confidence interval."""
        from hinterland.io import jsonable
        from hinterland.runs import scenario_network, scenario_region, sim_spec
        from hinterland.scenario import load_scenario
        from hinterland.sim.compare import compare_runs, delta_table
        from hinterland.sim.run import SimResult, SimSpec, simulate

        if out is not None:
            check_output_dir(out)
        sa, sb = load_scenario(a), load_scenario(b)
        runs = []
        for sc, path in ((sa, a), (sb, b)):
            runs.append((scenario_region(sc), scenario_network(sc, path.parent),
                         sc.operating_model(), sim_spec(sc, days)))
        reps = replications or sa.sim.replications

        def runner(i: int) -> Callable[[SimSpec], SimResult]:
            zips, fac, model, spec = runs[i]

            def run(rep: SimSpec) -> SimResult:
                return simulate(zips, fac, model, dataclasses.replace(spec, seed=rep.seed))
            return run

        with console_err.status("simulating...") as status:
            table, _ = compare_runs(runner(0), runner(1), runs[0][3], reps,
                                    say=lambda text: status.update(text))
        deltas = delta_table(table)
        if out is not None:
            with Outputs() as files:
                files.table(deltas, out / "deltas.csv")
                files.table(table, out / "runs.csv")
        if as_json:
            print_json(jsonable({"replications": reps, "deltas": deltas.to_dict("records")}))
            return
        show = deltas[deltas["kpi"].isin(["order_to_door_h_p50", "rural:order_to_door_h_p50",
                                          "next_day_share", "on_time_rate",
                                          "cost_per_parcel_usd", "jobs_per_station"])]
        print_table(show[["kpi", "a_mean", "b_mean", "delta_pct", "pct_low", "pct_high"]],
                    title=f"B - A over {reps} replications (95 % CI, % of A)",
                    formats={"a_mean": ".3g", "b_mean": ".3g", "delta_pct": "+.1f",
                             "pct_low": "+.1f", "pct_high": "+.1f"})
        if out is not None:
            console.print(f"wrote {out}")
