"""``hinterland coverage``: reach within a radius, and best promise class per ZIP area."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from hinterland.commands._common import (
    console,
    console_err,
    frame_records,
    print_json,
    print_table,
    split_options,
    write_table,
)
from hinterland.commands._options import (
    FacilitiesOpt,
    IdColOpt,
    JsonOpt,
    KindOpt,
    LatColOpt,
    LonColOpt,
    number,
    read_facilities,
)
from hinterland.commands._scenario import ScenarioOpt, clock_minutes, operating_model
from hinterland.io import check_output_file

StateOpt = Annotated[
    list[str] | None,
    typer.Option("--state", help="Only ZIP areas in these states (MT,WY or repeat the option)."),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Write the per-ZIP table (CSV/Parquet).")
]


def _sites_any_kind(
    path: Path, lat_col: str | None, lon_col: str | None, id_col: str | None, kind: str | None
):
    """Load sites for reach, where the kind does not matter: default ``delivery_station``."""
    from hinterland.core.errors import InputError

    try:
        return read_facilities(path, lat_col, lon_col, id_col, kind)
    except InputError as exc:
        if kind is None and "kind" in exc.reason:
            return read_facilities(path, lat_col, lon_col, id_col, "delivery_station")
        raise


def _zips(states: list[str] | None):
    from hinterland.data import zip_areas
    from hinterland.network.coverage import filter_states

    return filter_states(zip_areas(), split_options(states))


def register(app: typer.Typer) -> None:
    """Add the ``coverage`` sub-app with ``reach`` and ``promise``."""
    cov = typer.Typer(
        help="Who is within reach of a set of sites, and with what promise.", no_args_is_help=True
    )

    @cov.command("reach")
    def reach_cmd(
        facilities: FacilitiesOpt,
        radius_mi: Annotated[
            float | None,
            typer.Option("--radius-mi", callback=number(gt=0), help="Straight-line miles."),
        ] = None,
        radius_km: Annotated[
            float | None,
            typer.Option("--radius-km", callback=number(gt=0), help="Straight-line km."),
        ] = None,
        drive_min: Annotated[
            float | None,
            typer.Option(
                "--drive-min", callback=number(gt=0), help="Drive minutes (travel model)."
            ),
        ] = None,
        lat_col: LatColOpt = None,
        lon_col: LonColOpt = None,
        id_col: IdColOpt = None,
        kind: KindOpt = None,
        state: StateOpt = None,
        out: OutOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Population and ZIP areas within a radius of any site, by rurality and state.

        Radii in miles or km are straight-line (great-circle) to the ZIP-area centroid;
        --drive-min uses the travel model. Files without a kind column need no --kind here.
        """
        from hinterland.network.coverage import reach

        if out is not None:
            check_output_file(out)
        sites = _sites_any_kind(facilities, lat_col, lon_col, id_col, kind)
        zips = _zips(state)
        res = reach(zips, sites, radius_km=radius_km, radius_mi=radius_mi, drive_min=drive_min)
        if out is not None:
            write_table(res.zips, out)
            console_err.print(f"wrote {out}", highlight=False)
        if as_json:
            payload: dict[str, Any] = dict(res.totals)
            payload["by_rurality"] = frame_records(res.by_rurality)
            payload["by_state"] = frame_records(res.by_state)
            print_json(payload)
            return
        t = res.totals
        console.print(
            f"{t['population_within']:,} of {t['population']:,} people "
            f"({t['population_share']:.1%}) and {t['zip_areas_within']:,} of "
            f"{t['zip_areas']:,} ZIP areas are within reach of {t['sites']:,} sites"
        )
        cols = [
            "zip_areas",
            "zip_areas_within",
            "population",
            "population_within",
            "population_share",
        ]
        fmt = {
            "population": ",d",
            "population_within": ",d",
            "population_share": ".1%",
            "zip_areas": ",d",
            "zip_areas_within": ",d",
        }
        print_table(res.by_rurality[["rurality", *cols]], title="By rurality", formats=fmt)
        print_table(res.by_state[["state", *cols]], title="By state", formats=fmt)

    @cov.command("promise")
    def promise_cmd(
        facilities: FacilitiesOpt,
        lat_col: LatColOpt = None,
        lon_col: LonColOpt = None,
        id_col: IdColOpt = None,
        kind: KindOpt = None,
        state: StateOpt = None,
        order_time: Annotated[
            str,
            typer.Option(
                "--order-time",
                help="Local order time HH:MM at each ZIP area (coverage is the promise "
                "engine for one order per ZIP area placed then).",
            ),
        ] = "12:00",
        day_shares_opt: Annotated[
            bool,
            typer.Option("--day-shares", help="Add the share of a day's orders (hourly "
                         "profile) that can get each tier."),
        ] = False,
        hub_inventory: Annotated[
            bool, typer.Option("--hub-inventory/--no-hub-inventory", help="Hybrid hubs hold stock.")
        ] = True,
        scenario: ScenarioOpt = None,
        out: OutOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Best tier per ZIP area (60min, same_day, next_day, two_day, beyond)."""
        from hinterland.network.coverage import day_shares, promise_coverage, promise_summary
        from hinterland.promise.engine import PromiseEngine

        if out is not None:
            check_output_file(out)
        minute = clock_minutes(order_time, "--order-time")
        model = operating_model(scenario)
        sites = read_facilities(facilities, lat_col, lon_col, id_col, kind)
        if not hub_inventory:
            sites.loc[sites["kind"].astype(str) == "hybrid_hub", "holds_inventory"] = False
        zips = _zips(state)
        engine = PromiseEngine(sites, zips, model) if len(sites) and len(zips) else None
        table = promise_coverage(zips, sites, model, order_min=minute, engine=engine)
        if day_shares_opt:
            shares = day_shares(zips, sites, model, engine=engine)
            table = table.merge(shares, on="zip", how="left")
        summary = promise_summary(zips, table)
        if out is not None:
            write_table(table, out)
            console_err.print(f"wrote {out}", highlight=False)
        if as_json:
            print_json(
                {
                    "zip_areas": len(table),
                    "sites": len(sites),
                    "order_time": order_time,
                    "summary": frame_records(summary),
                }
            )
            return
        console.print(
            f"{len(table):,} ZIP areas, {len(sites):,} sites, orders at {order_time} local time"
        )
        print_table(
            summary,
            title="Promise by rurality",
            formats={
                "population": ",d",
                "zip_areas": ",d",
                "land_km2": ",.0f",
                "population_share": ".1%",
            },
        )

    app.add_typer(cov, name="coverage")
