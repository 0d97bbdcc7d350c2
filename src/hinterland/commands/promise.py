"""``hinterland promise``, ``hinterland settle`` and ``hinterland serve``."""

from __future__ import annotations

import errno
import gc
import re
import socket
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
)
from hinterland.commands._scenario import ScenarioOpt, operating_model
from hinterland.core.errors import HinterlandError, InputError
from hinterland.io import Outputs, check_output_file, read_table

#: Orders named one by one when the re-check disagrees (the JSON lists them all).
SHOWN_PROBLEMS = 20


def _read_table(path: Path) -> pd.DataFrame:
    return read_table(path)


class _Unreconciled(Exception):
    """Statements that do not reconcile with the ledger (raised before the commit)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems[:5]))


def _known_places(facilities: Path | None) -> tuple[set[str], set[str]]:
    """ZIP areas and partner office ids a parcel may name."""
    from hinterland.data import zip_areas

    if facilities is not None:
        from hinterland.network.facilities import load_facilities

        sites = load_facilities(facilities)
    else:
        from hinterland.network.default_network import default_facilities

        sites = default_facilities()
    offices = sites.loc[sites["kind"] == "partner_post_office", "id"].astype(str)
    return set(zip_areas()["zip"].astype(str)), set(offices)


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``, or a named error if it cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError("--host", f"cannot resolve {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = "it is already in use" if exc.errno == errno.EADDRINUSE else (
            exc.strerror or str(exc))
        raise HinterlandError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.set_inheritable(True)
    return sock


def _certify(certify: Any, result: Any, seconds: float, engine: Any, table: pd.DataFrame
             ) -> Any:
    """The re-check's certificate, re-deriving from the engine's inputs when it can."""
    import inspect

    if "inputs" in inspect.signature(certify).parameters:
        return certify(result, seconds, engine, orders=table)
    return certify(result, seconds)  # a re-check without raw inputs


def _disagreements(result: Any, cert: Any, engine: Any, table: pd.DataFrame
                   ) -> dict[str, list[str]]:
    """Order id -> what the independent re-check found wrong with its answer."""
    if cert.verified:
        return {}
    import inspect

    from hinterland.promise import verify

    found: list[Any]
    check = getattr(verify, "recheck", None)
    if check is not None:
        found = list(check(result, engine, orders=table).problems)
    elif "inputs" in inspect.signature(verify.verify_choices).parameters:
        found = list(verify.verify_choices(result, engine, orders=table))
    else:
        found = list(verify.verify_choices(result, limit=None))
    ids = {str(x) for x in result.ids()}
    out: dict[str, list[str]] = {}
    for problem in found:
        text = str(problem)
        m = re.match(r"order (.+?)(?: mode \S+)?: ", text)
        oid = m.group(1) if m and m.group(1) in ids else "?"
        out.setdefault(oid, []).append(text)
    if not out:  # the certificate failed without naming an order
        out["?"] = [str(p) for p in cert.checks.get("first_problems", [])] or ["unverified"]
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
        capacity: Annotated[bool, typer.Option(
            "--capacity/--no-capacity", help="Promise the orders as one day's batch with "
            "every site's daily capacity binding (order-time order).")] = False,
        scenario: ScenarioOpt = None,
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
            model = operating_model(scenario) if scenario is not None else None
            if facilities is not None:
                from hinterland.network.facilities import load_facilities

                engine = PromiseEngine(load_facilities(facilities), zip_areas(), model,
                                       partner_service=service)
            elif service is not None or model is not None:
                from hinterland.network.default_network import default_facilities

                engine = PromiseEngine(default_facilities(), zip_areas(), model,
                                       partner_service=service)
            else:
                engine = default_engine()
            bar.update(task, description=f"promising {len(table):,} orders")
            started = time.perf_counter()
            stock_index = None
            if stock is not None:
                stock_index = StockIndex.build(engine, _read_table(stock), source=str(stock))
            result = engine.promise(table, policy=policy, source=str(orders), stock=stock_index,
                                    capacity=capacity)
            seconds = time.perf_counter() - started
            bar.update(task, description="re-checking choices")
            from hinterland.promise.reference import EngineInputs

            inputs = EngineInputs.from_engine(engine, partner_service=service, stock=stock_index,
                                              capacity=capacity)
            cert = _certify(certify, result, seconds, inputs, table)
            problems = _disagreements(result, cert, inputs, table)
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
        facilities: Annotated[Path | None, typer.Option(
            "--facilities", help="The network the parcels were promised over, to check "
            "their partner offices (default: the national demo network).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Record the day's partner parcels and write daily statements (idempotent).

        The statements are re-checked against the ledger and the output files staged
        before the ledger commits: a failed check (exit 1) or an unwritable output
        (exit 2) leaves the database and the files as they were.
        """
        from hinterland.carriers.settlement import (
            check_places,
            ledger_lines,
            parse_date,
            reconcile,
        )
        from hinterland.store import ledger as store
        from hinterland.store.db import database_url, make_engine, shown_url, sqlite_file

        day = parse_date(date, source="--date")
        targets = [p for p in (out, ledger_out) if p is not None]
        for target in targets:
            check_output_file(target)
        if len({p.resolve() for p in targets}) < len(targets):
            raise HinterlandError("--out and --ledger-out must be different files")
        lines = None
        if parcels is not None:
            table = _read_table(parcels)
            if "date" not in table.columns:
                raise InputError(str(parcels), "missing column", column="date")
            lines_all = ledger_lines(table, source=str(parcels))
            check_places(lines_all, *_known_places(facilities), source=str(parcels))
            same_day = (lines_all["date"] == day).to_numpy()
            skipped = int((~same_day).sum())
            if skipped:
                console_err.print(f"{skipped:,} parcels of other days in {parcels} ignored")
            lines = lines_all[same_day].reset_index(drop=True)
        url = database_url(db)
        file = sqlite_file(url)
        if file is not None and not Path(file).exists():
            console_err.print(f"creating the ledger database {Path(file).resolve()} "
                              "(choose another with --db or HINTERLAND_DB_URL)", highlight=False)
        else:
            console_err.print(f"ledger database: {shown_url(url)}", highlight=False)
        engine = make_engine(db)
        staged = Outputs()
        seen: dict[str, pd.DataFrame] = {}

        def stage(statements: pd.DataFrame, day_lines: pd.DataFrame) -> None:
            problems = reconcile(day_lines, statements)
            if problems:
                raise _Unreconciled(problems)
            seen["lines"] = day_lines
            if out is not None:
                staged.table(statements.astype({c: str for c in statements.columns[3:]}), out)
            if ledger_out is not None:
                staged.table(day_lines.astype({c: str for c in day_lines.columns[7:]}),
                             ledger_out)
            staged.commit(hold=True)  # files in place; undone if the ledger commit fails

        try:
            statements = store.settle_day(engine, day, lines, before_commit=stage)
        except _Unreconciled as exc:
            staged.undo()
            console_err.print("[bold red]check failed[/]: statements do not reconcile with "
                              "the ledger; nothing was recorded or written: "
                              + "; ".join(exc.problems[:5]), highlight=False)
            raise typer.Exit(1) from None
        except BaseException:
            staged.undo()
            raise
        staged.release()
        day_lines = seen["lines"]
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
        """Serve the promise API (FastAPI; docs at /docs, served offline)."""
        import uvicorn

        from hinterland.api import create_app
        from hinterland.promise.service import default_engine

        sock = _listen(host, port)  # a busy port fails here, before anything is printed
        engine = None
        if warm:
            with _progress() as bar:
                bar.add_task("building the national network", total=None)
                engine = default_engine()
            gc.collect()
            gc.freeze()  # long-lived network tables: keep GC pauses short
        shown = f"[{host}]" if ":" in host else host
        console_err.print(f"serving on http://{shown}:{port} (docs at /docs)", highlight=False)
        config = uvicorn.Config(create_app(engine), host=host, port=port, log_level="warning",
                                access_log=False)
        try:
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            sock.close()
