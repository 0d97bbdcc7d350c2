"""``hinterland promise``, ``hinterland settle`` and ``hinterland serve``."""

from __future__ import annotations

import gc
import re
import time
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from hinterland.commands._common import (
    console,
    console_err,
    frame_records,
    print_json,
    print_table,
    write_table,
)
from hinterland.core.errors import HinterlandError, InputError
from hinterland.io import Outputs, check_output_file, read_table

#: Orders named one by one when the re-check disagrees (the JSON lists them all).
SHOWN_PROBLEMS = 20


def _read_table(path: Path) -> pd.DataFrame:
    return read_table(path)


def _disagreements(result: Any, cert: Any) -> dict[str, list[str]]:
    """Order id -> what the independent re-check found wrong with its answer."""
    if cert.verified:
        return {}
    from hinterland.promise import verify

    found: list[Any] = []
    check = getattr(verify, "verify_choices", None)
    if check is not None:
        found = list(check(result, limit=None))
    else:  # pragma: no cover - a re-check without a per-order listing
        found = list(cert.checks.get("first_problems", []))
    ids = {str(x) for x in result.ids()}
    out: dict[str, list[str]] = {}
    for problem in found:
        if isinstance(problem, dict):
            oid, text = str(problem.get("order_id", "?")), str(problem.get("message", problem))
        else:
            text = str(problem)
            m = re.match(r"order (.+?)(?: mode \S+)?: ", text)
            oid = m.group(1) if m and m.group(1) in ids else "?"
        out.setdefault(oid, []).append(text)
    return out


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                    console=console_err, transient=True)


def register(app: typer.Typer) -> None:
    """Add the ``promise``, ``settle`` and ``serve`` commands."""

    @app.command("promise")
    def promise(
        orders: Annotated[Path, typer.Option("--orders", help="Orders (CSV or Parquet): "
                                             "destination_zip or lat/lon, weight_kg, "
                                             "order_time (ISO 8601) or order_min, tier.")],
        out: Annotated[Path | None, typer.Option("--out", help="Write one row per order "
                                                 "(choice or reason) to this CSV/Parquet.")]
        = None,
        options_out: Annotated[Path | None, typer.Option(
            "--options-out", help="Write every option of every order (long table).")] = None,
        parcels_out: Annotated[Path | None, typer.Option(
            "--parcels-out", help="Write the parcels routed through the postal partner "
            "(input of `hinterland settle --parcels`).")] = None,
        policy: Annotated[Literal["fastest", "cheapest"], typer.Option(
            "--policy", help="Choose the fastest or the cheapest option meeting the tier."
        )] = "fastest",
        facilities: Annotated[Path | None, typer.Option(
            "--facilities", help="Facility table with a kind column (default: the national "
            "demo network: real FCs and post offices, synthetic stations/hubs/drone sites)."
        )] = None,
        partner_service: Annotated[Path | None, typer.Option(
            "--partner-service", help="The partner's own service table (CSV/Parquet: zip, "
            "office_id, transit_days, express_24h, priority_same_day) instead of the "
            "distance rule.")] = None,
        stock: Annotated[Path | None, typer.Option(
            "--stock", help="Local stock (CSV/Parquet: facility_id, item_id), e.g. an "
            "assortment plan; orders then need an item_id column.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the choices as JSON.")]
        = False,
    ) -> None:
        """Promise delivery options for every order and choose one by policy.

        Every order gets an answer. If the independent re-check disagrees with some
        answers, all answers are still written, the orders concerned are named, and
        the exit code is 1.
        """
        from hinterland.data import zip_areas
        from hinterland.promise import POLICIES, PromiseEngine, StockIndex
        from hinterland.promise.orders_check import check_orders
        from hinterland.promise.service import default_engine
        from hinterland.promise.verify import certify

        if policy not in POLICIES:
            raise HinterlandError(f"--policy must be one of {', '.join(POLICIES)}")
        targets = [p for p in (out, options_out, parcels_out) if p is not None]
        for target in targets:
            check_output_file(target)
        if len({p.resolve() for p in targets}) < len(targets):
            raise HinterlandError("--out, --options-out and --parcels-out must be different "
                                  "files")
        with _progress() as bar:
            task = bar.add_task("reading orders", total=None)
            table = check_orders(_read_table(orders), source=str(orders))
            bar.update(task, description="building the network (nearest sites, line-haul)")
            service = None
            if partner_service is not None:
                from hinterland.operations.postal import check_service_table

                service = check_service_table(_read_table(partner_service),
                                              source=str(partner_service))
            if facilities is not None:
                from hinterland.network.facilities import load_facilities

                engine = PromiseEngine(load_facilities(facilities), zip_areas(),
                                       partner_service=service)
            elif service is not None:
                from hinterland.network.default_network import default_facilities

                engine = PromiseEngine(default_facilities(), zip_areas(), partner_service=service)
            else:
                engine = default_engine()
            bar.update(task, description=f"promising {len(table):,} orders")
            started = time.perf_counter()
            stock_index = None
            if stock is not None:
                stock_index = StockIndex.build(engine, _read_table(stock), source=str(stock))
            result = engine.promise(table, policy=policy, source=str(orders), stock=stock_index)
            seconds = time.perf_counter() - started
            bar.update(task, description="re-checking choices")
            cert = certify(result, seconds)
            problems = _disagreements(result, cert)
            choices = result.choices()
            bar.update(task, description="writing results")
            with Outputs() as files:  # all of them or none
                if out is not None:
                    files.table(choices, out)
                if options_out is not None:
                    files.table(result.options(), options_out)
                if parcels_out is not None:
                    files.table(result.partner_parcels(), parcels_out)
        if as_json:
            print_json({"orders": len(choices), "policy": policy,
                        "certificate": cert.to_dict(), "recheck_disagrees": problems,
                        "choices": frame_records(choices)})
            if not cert.verified:
                raise typer.Exit(1)
            return
        summary = (
            choices.assign(mode=choices["mode"].fillna("-"))
            .groupby(["mode", "reason"], dropna=False)
            .agg(orders=("order_id", "size"), mean_cost_usd=("cost_usd", "mean"),
                 mean_co2_kg=("co2_kg", "mean"))
            .reset_index()
        )
        print_table(summary, title=f"{len(choices):,} orders, policy {policy}",
                    formats={"orders": ",d", "mean_cost_usd": ".2f", "mean_co2_kg": ".3f"})
        verdict = "ok" if cert.verified else f"DISAGREES on {len(problems):,} orders"
        console.print(f"{len(choices):,} orders in {seconds:.2f} s; choices re-checked by "
                      f"independent code on {cert.checks['checked']:,} orders: {verdict}")
        for path in (out, options_out, parcels_out):
            if path is not None:
                console.print(f"wrote {path}")
        if not cert.verified:
            for oid, texts in list(problems.items())[:SHOWN_PROBLEMS]:
                console_err.print(f"re-check disagrees on order {oid}: {'; '.join(texts)}",
                                  highlight=False, markup=False)
            if len(problems) > SHOWN_PROBLEMS:
                console_err.print(f"... and {len(problems) - SHOWN_PROBLEMS:,} more orders "
                                  "(--json lists them all)")
            console_err.print("[bold red]check failed[/]: every order was answered and "
                              "written; the orders above need a look")
            raise typer.Exit(1)

    @app.command("settle")
    def settle(
        date: Annotated[str, typer.Option("--date", help="Day to settle, YYYY-MM-DD.")],
        parcels: Annotated[Path | None, typer.Option(
            "--parcels", help="Partner parcel table (from `promise --parcels-out`); its rows "
            "of --date replace that day's ledger lines. Without it, statements are rebuilt "
            "from the stored ledger.")] = None,
        db: Annotated[str | None, typer.Option(
            "--db", envvar="HINTERLAND_DB_URL",
            help="Database URL (default sqlite:///hinterland.sqlite; PostgreSQL: "
            "postgresql+psycopg://user:pass@host/db).")] = None,
        out: Annotated[Path | None, typer.Option("--out", help="Write the day's statements "
                                                 "(CSV/Parquet).")] = None,
        ledger_out: Annotated[Path | None, typer.Option(
            "--ledger-out", help="Write the day's ledger lines (CSV/Parquet).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Record the day's partner parcels and write daily statements (idempotent)."""
        from hinterland.carriers.settlement import ledger_lines, parse_date, reconcile
        from hinterland.store import ledger as store
        from hinterland.store.db import make_engine

        day = parse_date(date, source="--date")
        engine = make_engine(db)
        lines = None
        if parcels is not None:
            table = _read_table(parcels)
            if "date" not in table.columns:
                raise InputError(str(parcels), "missing column", column="date")
            same_day = table["date"].astype(str).str.strip() == day
            skipped = int((~same_day).sum())
            if skipped:
                console_err.print(f"{skipped:,} parcels of other days in {parcels} ignored")
            lines = ledger_lines(table[same_day], source=str(parcels))
        statements = store.settle_day(engine, day, lines)
        day_lines = store.ledger(engine, day)
        problems = reconcile(day_lines, statements)
        if problems:
            raise HinterlandError("statements do not reconcile: " + "; ".join(problems[:5]))
        if out is not None:
            write_table(statements.astype({c: str for c in statements.columns[3:]}), out)
        if ledger_out is not None:
            write_table(day_lines.astype({c: str for c in day_lines.columns[7:]}), ledger_out)
        shown = statements.assign(**{c: statements[c].astype(str)
                                     for c in statements.columns[3:]})
        if as_json:
            print_json({"date": day, "reconciled": True, "lines": len(day_lines),
                        "statements": frame_records(shown)})
            return
        if shown.empty:
            console.print(f"no partner parcels on {day}")
        else:
            print_table(shown, title=f"partner statements {day} (reconciled to the cent)")
        for path in (out, ledger_out):
            if path is not None:
                console.print(f"wrote {path}")

    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option("--host", help="Interface to listen on.")]
        = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
        warm: Annotated[bool, typer.Option("--warm/--no-warm", help="Build the national "
                                           "network before accepting requests.")] = True,
    ) -> None:
        """Serve the promise API (FastAPI; docs at /docs)."""
        import uvicorn

        from hinterland.api import create_app
        from hinterland.promise.service import default_engine

        engine = None
        if warm:
            with _progress() as bar:
                bar.add_task("building the national network", total=None)
                engine = default_engine()
            gc.collect()
            gc.freeze()  # long-lived network tables: keep GC pauses short
        console_err.print(f"serving on http://{host}:{port} (docs at /docs)")
        uvicorn.run(create_app(engine), host=host, port=port, log_level="warning",
                    access_log=False)
