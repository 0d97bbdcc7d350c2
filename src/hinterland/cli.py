"""The ``hinterland`` command line: one sub-command per stage.

Each stage's commands live in :mod:`hinterland.commands` (one module per stage,
each exposing ``register(app)``); this module only assembles them and turns
outcomes into exit codes (documented in ``docs/cli.md``):

====  ==============================================================================
code  meaning
====  ==============================================================================
0     success
1     a failed check or an unverified result (e.g. ``data verify`` found a changed
      file, a route plan did not verify, a promise re-check disagreed); outputs are
      written, the problems are named
2     bad usage or bad input (unknown option, bad value, unreadable or invalid file,
      unwritable output); nothing is written
130   interrupted (Ctrl-C); nothing half-written is kept
====  ==============================================================================
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from hinterland.commands._common import console_err
from hinterland.core.errors import HinterlandError

#: Exit code of a success.
EXIT_OK = 0
#: Exit code of a failed check or an unverified result.
EXIT_CHECK_FAILED = 1
#: Exit code of bad usage or bad input.
EXIT_BAD_INPUT = 2
#: Exit code after Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130

#: Stage command modules, in the order they appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "data",
    "zips",
    "facilities",
    "coverage",
    "design",
    "promise",
    "route",
    "forecast",
    "simulate",
    "demo",
)

app = typer.Typer(
    name="hinterland",
    help="Plan and run rural last-mile delivery networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        from hinterland import __version__

        print(f"hinterland {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="HINTERLAND_DATA_DIR",
            help="Folder holding a local mirror of the registered data files.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Plan and run rural last-mile delivery networks.

    Exit codes: 0 ok, 1 a failed check or unverified result, 2 bad usage or bad
    input, 130 interrupted.
    """
    if data_dir is not None:
        os.environ["HINTERLAND_DATA_DIR"] = str(data_dir)


for _name in COMMAND_MODULES:
    importlib.import_module(f"hinterland.commands.{_name}").register(app)


def _close_dask_quietly() -> None:
    """Close Dask clusters still starting or running, without their exit-time traceback.

    A Ctrl-C while a LocalCluster starts leaves workers in ``init``; Dask's own
    ``atexit`` hook then fails on an assertion and prints a traceback. Close them
    here, errors suppressed, and drop that hook.
    """
    spec = sys.modules.get("distributed.deploy.spec")
    if spec is None:
        return
    import atexit
    import contextlib
    import logging

    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    for cluster in list(spec.SpecCluster._instances):
        with contextlib.suppress(Exception, KeyboardInterrupt):
            cluster.close(timeout=10)
    atexit.unregister(spec.close_clusters)


def _interrupted() -> None:
    _close_dask_quietly()
    console_err.print("[yellow]interrupted[/]: nothing half-written was kept")
    sys.exit(EXIT_INTERRUPTED)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit with its code (0 ok, 1 failed check, 2 bad input, 130 Ctrl-C).

    Typer runs with ``standalone_mode=False`` so that errors reach the handlers
    here; in that mode Click *returns* the code of a ``typer.Exit`` (and turns
    Ctrl-C into ``Exit(130)``) instead of exiting, so the returned code is honoured.
    """
    try:
        code = app(args=argv, prog_name="hinterland", standalone_mode=False)
    except HinterlandError as exc:
        console_err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                          soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    except (typer.Abort, KeyboardInterrupt):
        _interrupted()
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        # stdout closed early (``| head``): stop quietly, as other tools do.
        sys.stderr.close()
        sys.exit(EXIT_CHECK_FAILED)
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            sys.exit(EXIT_CHECK_FAILED)
        where = f" {exc.filename}" if exc.filename else ""
        console_err.print(f"[bold red]error:[/] cannot access{escape(where)}: "
                          f"{escape(str(exc.strerror or exc))}", highlight=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    except Exception as exc:
        # Click usage errors (unknown command, bad option) carry their own message
        # and exit code; typer vendors click, so recognise them by shape.
        show = getattr(exc, "show", None)
        exit_code = getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
    if isinstance(code, int) and code != EXIT_OK:
        if code == EXIT_INTERRUPTED:
            _interrupted()
        sys.exit(code)


if __name__ == "__main__":
    main()
