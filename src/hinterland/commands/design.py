"""``hinterland design``: pick new stations, hybrid-hub upgrades and partner sites."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import typer

from hinterland.commands._common import (
    console,
    console_err,
    frame_records,
    print_json,
    print_table,
    split_options,
)
from hinterland.commands._options import (
    IdColOpt,
    JsonOpt,
    KindOpt,
    LatColOpt,
    LonColOpt,
    number,
    read_facilities,
)
from hinterland.commands._scenario import ScenarioOpt, clock_minutes, operating_model
from hinterland.io import Outputs, check_output_dir


def register(app: typer.Typer) -> None:
    """Add the ``design`` command."""

    @app.command("design")
    def design_cmd(
        state: Annotated[
            list[str] | None,
            typer.Option("--state", help="Study region: states (MT,WY); default all."),
        ] = None,
        objective: Annotated[
            Literal["coverage", "pmedian"],
            typer.Option("--objective", help="Max coverage, or p-median (min drive)."),
        ] = "coverage",
        target: Annotated[
            Literal["same_day", "next_day", "two_day"],
            typer.Option("--target", help="Promise class to cover."),
        ] = "next_day",
        weight: Annotated[
            Literal["population", "rural_population", "parcels"],
            typer.Option("--weight", help="What a covered ZIP area counts."),
        ] = "rural_population",
        candidates: Annotated[
            Path | None,
            typer.Option("--candidates", help="Candidate file (default: ZIP centroids)."),
        ] = None,
        lat_col: LatColOpt = None,
        lon_col: LonColOpt = None,
        id_col: IdColOpt = None,
        kind: KindOpt = None,
        min_population: Annotated[
            int,
            typer.Option(
                "--min-population", min=0, help="ZIP centroid candidates: least population."
            ),
        ] = 5000,
        candidate_kind: Annotated[
            str, typer.Option("--candidate-kind", help="Kind of ZIP-centroid candidates.")
        ] = "delivery_station",
        existing: Annotated[
            Path | None,
            typer.Option("--existing", help="Facility file of sites already open (default: the "
                         "default network's fulfillment centers, as line-haul sources)."),
        ] = None,
        existing_kind: Annotated[
            str | None, typer.Option("--existing-kind", help="Kind for every existing row.")
        ] = None,
        upgrades: Annotated[
            bool,
            typer.Option(
                "--upgrades/--no-upgrades", help="Offer hub upgrades of existing stations."
            ),
        ] = True,
        partners: Annotated[
            Path | None,
            typer.Option("--partners", help="Partner post offices file (hand-off points)."),
        ] = None,
        budget: Annotated[
            float | None,
            typer.Option("--budget-usd", callback=number(gt=0), help="Total cost allowed."),
        ] = None,
        max_count: Annotated[
            int, typer.Option("--max-count", min=1, help="Most new sites.")
        ] = 10,
        capacity: Annotated[
            float | None,
            typer.Option(
                "--capacity-per-day",
                callback=number(gt=0),
                help="Parcels/day per new site: a constraint of the coverage model.",
            ),
        ] = None,
        years: Annotated[
            float,
            typer.Option(
                "--years", callback=number(gt=0), help="Cost horizon: capital + years x yearly."
            ),
        ] = 5.0,
        hub_inventory: Annotated[
            bool, typer.Option("--hub-inventory/--no-hub-inventory", help="Hybrid hubs hold stock.")
        ] = True,
        time_limit: Annotated[
            float,
            typer.Option("--time-limit", callback=number(gt=0, le=86_400), help="Solver seconds."),
        ] = 60.0,
        gap: Annotated[
            float,
            typer.Option("--gap", callback=number(ge=0, lt=1), help="Relative gap to stop at."),
        ] = 1e-4,
        threads: Annotated[
            int,
            typer.Option(
                "--threads",
                min=1,
                help="Solver threads (2 or more: coverage also runs its MILP in a "
                "second process, for the bound).",
            ),
        ] = 1,
        out_dir: Annotated[
            Path | None,
            typer.Option("--out-dir", help="Write sites/zips/marginal CSV, GeoJSON, map."),
        ] = None,
        order_time: Annotated[
            str,
            typer.Option("--order-time", help="Local order time HH:MM at which a ZIP area "
                         "must get the target tier."),
        ] = "12:00",
        scenario: ScenarioOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Choose new sites under a budget and count: max coverage or p-median."""
        from hinterland.core.errors import HinterlandError
        from hinterland.data import data_path, zip_areas
        from hinterland.network.coverage import filter_states
        from hinterland.network.design import (
            DesignSpec,
            SiteCosts,
            design,
            upgrade_candidates,
            zip_candidates,
        )
        from hinterland.network.facilities import load_facilities
        from hinterland.network.outputs import write_design_outputs

        if out_dir is not None:
            check_output_dir(out_dir)
        zips = filter_states(zip_areas(), split_options(state))
        model = operating_model(scenario)
        from hinterland.demand.rates import DemandRates

        rates = DemandRates()
        if scenario is not None:
            from hinterland.scenario import load_scenario

            rates = load_scenario(scenario).demand_rates()
        spec = DesignSpec(
            order_min=clock_minutes(order_time, "--order-time"),
            demand=rates,
            objective=objective,
            target_class=target,
            weight=weight,
            max_count=max_count,
            budget_usd=budget,
            capacity_per_day=capacity,
            time_limit=time_limit,
            mip_gap=gap,
            threads=threads,
        )
        if existing is not None:
            ex = load_facilities(existing, kind=existing_kind)
        else:  # line-haul still needs its sources: the default network's fulfillment centers
            from hinterland.network.default_network import default_facilities

            ex = default_facilities()
            ex = ex[ex["kind"] == "fulfillment_center"].reset_index(drop=True)
        parts: list[pd.DataFrame] = []
        if candidates is not None:
            parts.append(read_facilities(candidates, lat_col, lon_col, id_col, kind or None))
        else:
            parts.append(zip_candidates(zips, min_population, candidate_kind))
        if upgrades and len(ex):
            parts.append(upgrade_candidates(ex))
        if partners is not None:
            parts.append(load_facilities(partners, kind="partner_post_office"))
        cols = ["id", "kind", "lat", "lon", "holds_inventory"]
        cand = pd.concat(
            [p[cols + (["upgrade_of"] if "upgrade_of" in p.columns else [])] for p in parts],
            ignore_index=True,
        )
        if len(cand) == 0:
            raise HinterlandError(
                f"no candidate sites (no ZIP area with >= {min_population:,} people in the region)"
            )
        if not hub_inventory:  # hybrid hubs act as plain stations
            for table in (cand, ex):
                if len(table):
                    table.loc[table["kind"].astype(str) == "hybrid_hub", "holds_inventory"] = False
        with console_err.status(f"Designing: {len(cand):,} candidates, {len(zips):,} ZIP areas..."):
            res = design(zips, cand, ex, spec, model, SiteCosts(years=years))
        files: dict[str, str] = {}
        if out_dir is not None:
            try:
                states_path: Path | None = data_path("boundaries/us-states.geojson")
            except HinterlandError:
                states_path = None
            title = f"{objective}: {len(res.sites)} new sites, target {target}"
            with Outputs() as staged:  # every file or none
                files = write_design_outputs(
                    out_dir,
                    res.sites,
                    res.zips,
                    res.marginal,
                    zips,
                    states_geojson=states_path,
                    title=title,
                    summary=res.summary,
                    outputs=staged,
                )
        if as_json:
            payload: dict[str, Any] = dict(res.summary)
            payload["sites"] = frame_records(res.sites)
            payload["marginal"] = frame_records(res.marginal)
            payload["files"] = files
            payload["verified"] = bool(res.certificate.verified)
            print_json(payload)
            if not res.certificate.verified:
                raise typer.Exit(1)
            return
        c = res.certificate
        s = res.summary
        console.print(
            f"[bold]{objective}[/bold] over {s['zip_areas']:,} ZIP areas, "
            f"{s['candidates']:,} candidates: "
            f"{s['chosen']} sites chosen, cost {s['cost_usd']:,.0f} usd"
        )
        console.print(
            f"objective {c.objective:,.1f}, bound {c.bound:,.1f}, gap {c.gap:.4%}, "
            f"{c.seconds:.1f}s, status {c.status}, recount {'ok' if c.verified else 'FAILED'}"
        )
        if objective == "coverage":
            console.print(
                f"people with {target} or better: {s['population_target_before']:,} -> "
                f"{s['population_target_after']:,} of {s['population']:,}"
            )
        show = res.sites[
            ["rank", "id", "kind", "cost_usd", "zip_areas_served", "population_served"]
        ]
        print_table(
            show, title="Chosen sites", formats={"cost_usd": ",.0f", "population_served": ",d"}
        )
        for name, path in files.items():
            console.print(f"wrote {name}: {path}")
        if not c.verified:
            console_err.print("[bold red]check failed[/]: the independent recount does not "
                              "confirm the design (outputs written)")
            raise typer.Exit(1)
