"""``hinterland route``: plan one station day of van routes, verified, with outputs."""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import typer

from hinterland.commands._common import (
    console_err,
    frame_records,
    print_json,
    print_table,
)
from hinterland.commands._options import number
from hinterland.commands._scenario import ScenarioOpt, operating_model
from hinterland.core.errors import InputError
from hinterland.io import Outputs, check_output_dir, read_table


def _read_table(path: Path, source: str) -> pd.DataFrame:
    return read_table(
        path,
        source=source,
        dtype={"stop_id": str, "zip": str, "parcel_id": str, "address_id": str},
    )


def _station(text: str | None, source: str) -> tuple[float, float]:
    if not text:
        raise InputError(source, "--station LAT,LON is required with a stops or parcels file")
    try:
        lat, lon = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise InputError("--station", f"expected LAT,LON, got {text!r}") from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError("--station", f"coordinates out of range: {text!r}")
    return lat, lon


class _Ticker:
    """Advance a rich progress bar by elapsed time while a blocking solve runs."""

    def __init__(self, seconds: float, enabled: bool) -> None:
        self.seconds = max(seconds, 0.1)
        self.enabled = enabled
        self._stop = threading.Event()
        self._progress: Any = None
        self._thread: threading.Thread | None = None
        self.phase = "solving"

    def __enter__(self) -> _Ticker:
        if not self.enabled:
            return self
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console_err,
            transient=True,
        )
        self._progress.start()
        task = self._progress.add_task("solving", total=self.seconds)
        t0 = time.perf_counter()

        def run() -> None:
            while not self._stop.wait(0.25):
                self._progress.update(
                    task,
                    completed=min(time.perf_counter() - t0, self.seconds),
                    description=self.phase,
                )

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._progress is not None:
            self._progress.stop()


def _write_outputs(
    out: Path, plan: Any, problem: Any, stops: pd.DataFrame, k: dict[str, Any]
) -> dict[str, str]:
    """Write every output file into ``out``: all of them, or none (one transaction)."""
    from hinterland.routing.outputs import (
        load_plan,
        parcel_sheet,
        route_map,
        route_sheets,
        routes_geojson,
    )

    parcels = None
    if "parcel_ids" in stops.columns:
        parcels = (
            stops[["stop_id", "parcel_ids"]]
            .explode("parcel_ids")
            .rename(columns={"parcel_ids": "parcel_id"})
        )
    with Outputs() as files:
        paths: dict[str, Path] = {
            "routes": files.table(plan.routes, out / "routes.csv"),
            "summary": files.table(plan.summary, out / "route_summary.csv"),
            "route_sheets": files.table(route_sheets(plan), out / "route_sheets.csv"),
            "load_plan": files.table(load_plan(plan, parcels), out / "load_plan.csv"),
            "parcels": files.table(parcel_sheet(plan, problem), out / "parcels.csv"),
            "unserved": files.table(plan.unserved, out / "unserved.csv"),
            "violations": files.table(plan.violations, out / "violations.csv"),
            "drone_queue": files.table(plan.drone_queue, out / "drone_queue.csv"),
            "stops": files.table(
                stops.drop(columns=["parcel_ids"], errors="ignore"), out / "stops.csv"
            ),
            "routes_geojson": files.json(
                routes_geojson(plan, problem), out / "routes.geojson", indent=1
            ),
            "kpis": files.json(
                {"kpis": k, "certificate": plan.certificate.to_dict()}, out / "kpis.json",
                indent=1,
            ),
        }
        route_map(plan, problem, files.path(out / "routes_map.png"))
        paths["map"] = out / "routes_map.png"
    return {k2: str(v) for k2, v in paths.items()}


def route(
    county: Annotated[
        str | None, typer.Option(help="County FIPS of a generated rural day.")
    ] = None,
    stops: Annotated[
        int, typer.Option("--stops", min=1, help="Stops of the generated day.")
    ] = 2500,
    stops_file: Annotated[
        Path | None, typer.Option("--stops-file", help="Your stops CSV/Parquet (see docs).")
    ] = None,
    parcels_file: Annotated[
        Path | None,
        typer.Option("--parcels-file", help="Your parcels CSV/Parquet, grouped into stops."),
    ] = None,
    station: Annotated[
        str | None, typer.Option(help="Station LAT,LON (with --stops-file/--parcels-file).")
    ] = None,
    fleet_file: Annotated[
        Path | None, typer.Option("--fleet-file", help="Fleet CSV (vehicle types).")
    ] = None,
    vans: Annotated[int, typer.Option(min=0, help="Cargo vans in the default fleet.")] = 40,
    step_vans: Annotated[int, typer.Option(min=0, help="Step vans in the default fleet.")] = 8,
    handoffs: Annotated[
        int, typer.Option(min=0, help="Partner post-office hand-offs (generated).")
    ] = 0,
    seed: Annotated[int, typer.Option(help="Random seed (generation and search).")] = 0,
    time_limit: Annotated[
        float, typer.Option(callback=number(gt=0, le=86_400), help="Solve wall time, seconds.")
    ] = 60.0,
    workers: Annotated[
        int, typer.Option(min=1, help="Dask workers; parallel searches (up to idle cores).")
    ] = 2,
    decompose: Annotated[
        Literal["auto", "on", "off"],
        typer.Option(help="Sectors: auto (above 2,000 stops), always, never."),
    ] = "auto",
    sectors: Annotated[int | None, typer.Option(min=1, help="Number of sectors.")] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler ADDRESS (default: LocalCluster).")
    ] = None,
    in_process: Annotated[
        bool, typer.Option("--in-process", help="Solve sectors in-process, no Dask.")
    ] = False,
    drones: Annotated[bool, typer.Option(help="Move drone-eligible stops to drones.")] = True,
    allow_early: Annotated[
        bool, typer.Option("--allow-early", help="Deliver today parcels promised for later.")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Folder for all outputs.")] = None,
    scenario: ScenarioOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Plan one station day of van routes, verify them and write sheets, load plan, map."""
    from hinterland.routing.decompose import DECOMPOSE_ABOVE, plan_routes_decomposed
    from hinterland.routing.engine import free_cores
    from hinterland.routing.outputs import kpis
    from hinterland.routing.problem import (
        RoutingParams,
        Station,
        build_problem,
        build_problem_from_parcels,
        default_fleet,
    )
    from hinterland.routing.solve import plan_routes
    from hinterland.routing.station_day import station_day

    if decompose not in ("auto", "on", "off"):
        raise InputError("--decompose", f"expected auto, on or off, got {decompose!r}")
    if time_limit <= 0:
        raise InputError("--time-limit", "must be > 0")
    if out is not None:
        check_output_dir(out)
    if parcels_file is not None:
        table = _read_table(parcels_file, str(parcels_file))
        lat, lon = _station(station, str(parcels_file))
        st = Station("station", lat, lon)
        source = str(parcels_file)
    elif stops_file is not None:
        table = _read_table(stops_file, str(stops_file))
        lat, lon = _station(station, str(stops_file))
        st = Station("station", lat, lon)
        source = str(stops_file)
    elif county is not None:
        table, st = station_day(county, stops, seed=seed, handoffs=handoffs, promises=True)
        source = f"county {county}"
    else:
        raise InputError(
            "route",
            "give --county FIPS (generated day), --stops-file FILE or --parcels-file FILE",
        )
    model = operating_model(scenario)
    fleet = (
        _read_table(fleet_file, str(fleet_file)) if fleet_file
        else default_fleet(vans, step_vans, operations=model)
    )
    params = RoutingParams(drone_queue=drones, allow_early=allow_early, operations=model)
    t0 = time.perf_counter()
    build = build_problem_from_parcels if parcels_file is not None else build_problem
    problem = build(table, fleet, st, params=params, source=source)
    big = problem.n_stops > DECOMPOSE_ABOVE
    use_sectors = decompose == "on" or (decompose == "auto" and big)
    show = not as_json
    with _Ticker(time_limit, enabled=show) as ticker:
        if use_sectors:
            ticker.phase = "sectors"

            def cb(phase: str, frac: float) -> None:
                ticker.phase = f"{phase} {frac:.0%}"

            plan = plan_routes_decomposed(
                problem,
                time_limit_s=time_limit,
                seed=seed,
                n_sectors=sectors,
                scheduler=scheduler,
                local_cluster=not in_process,
                workers=workers,
                progress=cb,
            )
        else:
            plan = plan_routes(
                problem, time_limit_s=time_limit, seed=seed, workers=free_cores(workers)
            )
    k = kpis(plan, problem)
    k["wall_seconds"] = time.perf_counter() - t0
    files = _write_outputs(out, plan, problem, problem.raw_stops, k) if out is not None else {}
    if as_json:
        print_json(
            {
                "station": {"station_id": st.station_id, "lat": st.lat, "lon": st.lon},
                "kpis": k,
                "certificate": plan.certificate.to_dict(),
                "unserved_reasons": plan.unserved["reason"].value_counts().to_dict(),
                "violations": frame_records(plan.violations.head(100)),
                "files": files,
            }
        )
        return
    from hinterland.routing.outputs import clock

    sm = plan.summary
    shown = pd.DataFrame(
        {
            "route": sm["route_id"],
            "vehicle": sm["vehicle_type"],
            "leaves": [clock(x) for x in sm["start_min"]],
            "back": [clock(x) for x in sm["end_min"]],
            "stops": sm["stops"],
            "parcels": sm["parcels"],
            "km": sm["km"],
            "hours": sm["driver_hours"],
            "cost_usd": sm["cost_usd"],
        }
    )
    print_table(
        shown,
        title=f"Routes from {st.station_id}",
        formats={"km": ".1f", "hours": ".2f", "cost_usd": ".2f"},
    )
    kt = pd.DataFrame(
        {
            "kpi": list(k),
            "value": [
                (f"{v:,.2f}" if math.isfinite(v) else "-") if isinstance(v, float) else str(v)
                for v in k.values()
            ],
        }
    )
    print_table(kt, title="KPIs")
    c = plan.certificate
    console_err.print(
        f"[bold]{'verified feasible' if c.verified else 'NOT verified'}[/]: "
        f"{c.checks.get('violations', '?')} violations, status {c.status}, "
        f"{c.seconds:.1f} s" + (f"; outputs in {out}" if out else "")
    )
    if not c.verified:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``hinterland route`` to ``app``."""
    app.command("route")(route)
