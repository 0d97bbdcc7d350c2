"""``hinterland forecast`` and ``hinterland assort``: demand forecasts and hub stocking plans."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from hinterland.commands._common import (
    console,
    console_err,
    frame_records,
    print_json,
    print_table,
    split_options,
    write_table,
)
from hinterland.commands._options import number
from hinterland.core.errors import HinterlandError, InputError
from hinterland.data.schema import Column, check_table
from hinterland.io import Outputs, check_output_file, read_table

#: Columns of ``assort --demand``, ``--items`` and ``--hubs`` (extra columns kept).
DEMAND_COLUMNS = (
    Column("hub", "str"),
    Column("item", "str"),
    Column("units_per_day", "float", min=0),
)
ITEM_COLUMNS = (Column("item", "str"), Column("cube_l", "float", min=0))
HUB_COLUMNS = (
    Column("hub", "str"),
    Column("slots", "int", min=0),
    Column("cube_l", "float", min=0),
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print a JSON summary.")]


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
        TimeElapsedColumn(),
        console=console_err,
        transient=True,
        disable=not enabled,
    )


def _read_table(path: Path, columns: tuple[Column, ...] = ()) -> pd.DataFrame:
    """Read a user table (typed columns inferred) and check ``columns`` if given."""
    table = read_table(path, dtype=None)
    return check_table(table, columns, str(path)) if columns else table


def _start_day(text: str) -> str:
    try:
        return pd.Timestamp(text).date().isoformat()
    except (ValueError, TypeError):
        raise InputError("--start", f"{text!r} is not a date YYYY-MM-DD") from None


def _generated_history(
    states: list[str], n_items: int, days: int, start: str, seed: int, items_out: Path | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    from hinterland.data.region import select_zip_areas
    from hinterland.data.zip_areas import zip_areas
    from hinterland.demand.catalogue import generate_catalogue
    from hinterland.demand.history import orders_to_history
    from hinterland.demand.orders import generate_order_stream

    start = _start_day(start)
    zips = select_zip_areas(zip_areas(), states, [], [])
    if zips.empty:
        raise HinterlandError(f"no ZIP areas in states {states}")
    cat = generate_catalogue(n_items, seed=seed)
    orders = generate_order_stream(zips, cat, start, days, seed=seed + 1)
    if items_out is not None:
        write_table(cat.items.assign(item=cat.items["item"].astype(str)), items_out)
    hubs = zips[["zip", "county_fips"]].rename(columns={"county_fips": "hub"})
    return orders_to_history(orders), hubs


@contextmanager
def _dask_client(workers: int, scheduler: str | None) -> Iterator[Any]:
    """A Dask client for ``--workers``/``--scheduler``, or ``None`` to run in-process."""
    if not workers and not scheduler:
        yield None
        return
    from hinterland.scale import dask_client

    with dask_client(scheduler, workers=workers or None) as client:
        yield client


def register(app: typer.Typer) -> None:
    """Add the ``forecast`` and ``assort`` commands."""

    @app.command("forecast")
    def forecast(
        out: Annotated[Path, typer.Option("--out", help="Forecast table (.parquet or .csv).")],
        history: Annotated[
            Path | None,
            typer.Option(
                "--history", help="Order history CSV/Parquet: timestamp,item,zip,quantity."
            ),
        ] = None,
        series: Annotated[
            Path | None,
            typer.Option("--series", help="Long series file: series_id,period,demand."),
        ] = None,
        zip_hub: Annotated[
            Path | None,
            typer.Option("--zip-hub", help="CSV zip,hub mapping ZIP areas to hubs (history only)."),
        ] = None,
        generate: Annotated[
            bool,
            typer.Option("--generate", help="Generate an order history instead of reading one."),
        ] = False,
        state: Annotated[
            list[str] | None, typer.Option("--state", help="States to generate (with --generate).")
        ] = None,
        items: Annotated[
            int, typer.Option("--items", min=1, help="Generated catalogue size.")
        ] = 2_000,
        days: Annotated[
            int, typer.Option("--days", min=1, help="Generated days of history.")
        ] = 112,
        start: Annotated[str, typer.Option("--start", help="First generated day.")] = "2025-01-06",
        items_out: Annotated[
            Path | None, typer.Option("--items-out", help="Write the generated catalogue here.")
        ] = None,
        seed: Annotated[int, typer.Option("--seed")] = 0,
        freq: Annotated[
            Literal["D", "W"], typer.Option("--freq", help="Daily (D) or weekly (W) periods.")
        ] = "W",
        horizon: Annotated[
            int, typer.Option("--horizon", min=1, help="Periods to forecast.")
        ] = 4,
        method: Annotated[
            str, typer.Option("--method", help="combo, pooled, per_series, per_series_topk.")
        ] = "combo",
        models: Annotated[
            list[str] | None, typer.Option("--model", help="Candidate models (default: all).")
        ] = None,
        n_windows: Annotated[
            int, typer.Option("--n-windows", min=1, help="Validation windows.")
        ] = 4,
        season_length: Annotated[
            int | None,
            typer.Option("--season-length", min=1, help="Default 7 daily, 52 weekly."),
        ] = None,
        period_days: Annotated[
            float | None,
            typer.Option(
                "--period-days", callback=number(gt=0), help="Days per period of --series data."
            ),
        ] = None,
        workers: Annotated[
            int,
            typer.Option(
                "--workers", min=0, help="Run chunks on a Dask LocalCluster of N processes."
            ),
        ] = 0,
        scheduler: Annotated[
            str | None,
            typer.Option("--scheduler", help="Address of a running Dask scheduler."),
        ] = None,
        chunk_size: Annotated[
            int, typer.Option("--chunk-size", min=1, help="Series per forecasting task.")
        ] = 50_000,
        as_json: JsonOpt = False,
    ) -> None:
        """Forecast item x hub demand with statsforecast and a validated model combination."""
        from hinterland.demand.forecast import DEFAULT_MODELS
        from hinterland.demand.history import (
            check_zips,
            demand_series,
            load_order_history,
            validate_series,
        )
        from hinterland.demand.pipeline import forecast_table

        t0 = time.perf_counter()
        if freq not in ("D", "W"):
            raise HinterlandError(f"--freq must be D or W, got {freq!r}")
        if sum(x is not None and x is not False for x in (history, series, generate or None)) != 1:
            raise HinterlandError("give exactly one of --history, --series, --generate")
        check_output_file(out)
        if items_out is not None:
            check_output_file(items_out)
        with _progress(not as_json) as prog:
            task = prog.add_task("reading demand", total=1)
            if series is not None:
                long = validate_series(read_table(series), str(series))
                pdays = period_days or 1.0
            else:
                hubs: pd.DataFrame | None
                if generate:
                    hist, hubs = _generated_history(
                        split_options(state) or ["MT"], items, days, start, seed, items_out
                    )
                else:
                    assert history is not None
                    hist = load_order_history(history)
                    hub_map = None
                    if zip_hub is not None:
                        hub_map = read_table(zip_hub, required=("zip", "hub"))
                        hub_map = check_table(
                            hub_map, (Column("zip", "str"), Column("hub", "str")), str(zip_hub)
                        )
                        hub_map["zip"] = hub_map["zip"].str.zfill(5)
                        dropped = int((~hist["zip"].isin(set(hub_map["zip"]))).sum())
                        if dropped == len(hist):
                            raise InputError(str(zip_hub), "no ZIP of the history is mapped "
                                             "to a hub", column="zip")
                        if dropped:
                            console_err.print(f"warning: {dropped:,} order lines of ZIP areas "
                                              f"not in {zip_hub} are left out")
                    else:
                        from hinterland.data.zip_areas import zip_areas

                        check_zips(hist, set(zip_areas()["zip"]), str(history))
                    hubs = hub_map
                long = demand_series(hist, hubs, freq=freq)
                pdays = 7.0 if freq == "W" else 1.0
            n_series = long["series_id"].nunique()
            prog.update(task, description="forecasting", total=n_series, completed=0)
            season = season_length or (52 if pdays == 7.0 else 7)
            with _dask_client(workers, scheduler) as client:
                fc, sels = forecast_table(
                    long,
                    horizon,
                    method=method,
                    models=split_options(models) or DEFAULT_MODELS,
                    n_windows=n_windows,
                    season_length=season,
                    period_days=pdays,
                    chunk_size=chunk_size,
                    on_chunk=lambda done: prog.update(task, completed=done),
                    client=client,
                )
            with Outputs() as files:
                files.table(fc, out)
        summary: dict[str, Any] = {
            "series": int(n_series),
            "periods": int(long["period"].nunique()),
            "horizon": horizon,
            "period_days": pdays,
            "method": method,
            "chosen": [s.chosen for s in sels],
            "validation": frame_records(sels[0].validation.head(8)),
            "forecast_units_total": float(fc["forecast"].sum()),
            "out": str(out),
            "seconds": time.perf_counter() - t0,
        }
        if as_json:
            print_json(summary)
            return
        print_table(
            sels[0].validation.head(8),
            title="validation RMSSE (lower is better)",
            formats={"rmsse": ".4f"},
        )
        console.print(
            f"{n_series:,} series x {horizon} periods -> {out} "
            f"(chosen: {sels[0].chosen}; {summary['seconds']:.1f} s)"
        )

    @app.command("assort")
    def assort(
        out: Annotated[Path, typer.Option("--out", help="Stocking plan (.parquet or .csv).")],
        forecast_file: Annotated[
            Path | None, typer.Option("--forecast", help="Output of `hinterland forecast`.")
        ] = None,
        demand_file: Annotated[
            Path | None,
            typer.Option("--demand", help="Table hub,item,units_per_day[,orders_per_day,vmr]."),
        ] = None,
        items_file: Annotated[
            Path | None, typer.Option("--items", help="Table item,cube_l (litres per unit).")
        ] = None,
        default_cube_l: Annotated[
            float | None,
            typer.Option(
                "--default-cube-l",
                callback=number(gt=0),
                help="Unit cube when --items is absent.",
            ),
        ] = None,
        hubs_file: Annotated[
            Path | None, typer.Option("--hubs", help="Table hub,slots,cube_l.")
        ] = None,
        slots: Annotated[
            int, typer.Option("--slots", min=0, help="Slots per hub without --hubs.")
        ] = 500,
        cube_l: Annotated[
            float,
            typer.Option("--cube-l", callback=number(ge=0), help="Litres per hub without --hubs."),
        ] = 20_000.0,
        fill_target: Annotated[
            float,
            typer.Option("--fill-target", callback=number(gt=0, lt=1), help="Fill-rate target."),
        ] = 0.95,
        review_days: Annotated[
            float,
            typer.Option(
                "--review-days", callback=number(gt=0), help="Days between replenishments."
            ),
        ] = 1.0,
        lead_days: Annotated[
            float,
            typer.Option(
                "--lead-days", callback=number(ge=0), help="Replenishment lead time (days)."
            ),
        ] = 1.0,
        method: Annotated[
            Literal["milp", "greedy"],
            typer.Option("--method", help="Exact MILP, or greedy LP rounding."),
        ] = "milp",
        time_limit: Annotated[
            float,
            typer.Option("--time-limit", callback=number(gt=0, le=86_400), help="Seconds per hub."),
        ] = 60.0,
        summary_out: Annotated[
            Path | None, typer.Option("--summary-out", help="Per-hub summary table.")
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Choose items and base-stock levels per hub under slot and cube capacity."""
        from hinterland.demand.pipeline import demand_for_assortment
        from hinterland.inventory.assortment import StockPolicy, plan_assortment

        if (forecast_file is None) == (demand_file is None):
            raise HinterlandError("give exactly one of --forecast or --demand")
        for target in (out, summary_out):
            if target is not None:
                check_output_file(target)
        if forecast_file is not None:
            fc_table = _read_table(
                forecast_file,
                (Column("hub", "str"), Column("item", "str"), Column("forecast", "float", min=0),
                 Column("period_days", "float", min=1e-9)),
            )
            demand = check_table(demand_for_assortment(fc_table), DEMAND_COLUMNS,
                                 str(forecast_file))
        else:
            assert demand_file is not None
            demand = _read_table(demand_file, DEMAND_COLUMNS)
        demand = demand.assign(item=demand["item"].astype(str), hub=demand["hub"].astype(str))
        if items_file is not None:
            item_tab = _read_table(items_file, ITEM_COLUMNS)
            item_tab = item_tab.assign(item=item_tab["item"].astype(str))
        elif default_cube_l is not None:
            item_tab = pd.DataFrame({"item": demand["item"].unique(), "cube_l": default_cube_l})
        else:
            raise HinterlandError("give --items (item,cube_l) or --default-cube-l")
        if hubs_file is not None:
            hubs = _read_table(hubs_file, HUB_COLUMNS).astype({"hub": str})
        else:
            hubs = pd.DataFrame({"hub": demand["hub"].unique(), "slots": slots, "cube_l": cube_l})
        policy = StockPolicy(fill_target=fill_target, review_days=review_days, lead_days=lead_days)
        plan, summary, _ = plan_assortment(
            demand,
            item_tab,
            hubs,
            policy=policy,
            method=method,
            time_limit=time_limit,
            progress=not as_json,
        )
        with Outputs() as files:  # both or neither
            files.table(plan, out)
            if summary_out is not None:
                files.table(summary, summary_out)
        total = float(summary["orders_per_day"].sum())
        served = float(summary["served_per_day"].sum())
        result = {
            "hubs": len(summary),
            "items_stocked": int(summary["items_stocked"].sum()),
            "orders_per_day": total,
            "served_per_day": served,
            "same_day_share": served / total if total > 0 else float("nan"),
            "max_gap": float(np.nanmax(summary["gap"])) if len(summary) else 0.0,
            "all_verified": bool(summary["verified"].all()),
            "out": str(out),
            "by_hub": frame_records(summary),
        }
        verified = bool(summary["verified"].all()) if len(summary) else True
        if as_json:
            print_json(result)
            if not verified:
                raise typer.Exit(1)
            return
        shown = summary[
            ["hub", "items_stocked", "slots", "cube_used_l", "orders_per_day",
             "served_per_day", "same_day_share", "gap", "verified"]
        ].rename(columns={"items_stocked": "items", "cube_used_l": "cube_l",
                          "orders_per_day": "orders/d", "served_per_day": "served/d",
                          "same_day_share": "same_day"})
        print_table(
            shown,
            title="hub stocking plans (per day)",
            formats={
                "cube_l": ",.0f",
                "orders/d": ",.1f",
                "served/d": ",.1f",
                "same_day": ".1%",
                "gap": ".1e",
            },
        )
        console.print(
            f"expected same-day share {result['same_day_share']:.1%} over {len(summary)} hubs "
            f"-> {out}"
        )
        if not verified:
            bad = summary.loc[~summary["verified"].astype(bool), "hub"].astype(str).tolist()
            console_err.print(f"[bold red]check failed[/]: the plans of {len(bad)} hubs do not "
                              f"verify ({', '.join(bad[:10])}); plans written", highlight=False)
            raise typer.Exit(1)
