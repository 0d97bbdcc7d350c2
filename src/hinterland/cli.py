"""The ``hinterland`` command line: one sub-command per stage.

Each stage's commands live in :mod:`hinterland.commands` (one module per stage,
each exposing ``register(app)``); this module only assembles them and turns
user errors into a clear message and a non-zero exit.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from hinterland.commands._common import console_err
from hinterland.core.errors import HinterlandError

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
    "demo",
)

app = typer.Typer(
    name="hinterland",
    help="Plan and run rural last-mile delivery networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


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
) -> None:
    """Plan and run rural last-mile delivery networks."""
    if data_dir is not None:
        os.environ["HINTERLAND_DATA_DIR"] = str(data_dir)


for _name in COMMAND_MODULES:
    importlib.import_module(f"hinterland.commands.{_name}").register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors print one clear message and exit with status 2."""
    try:
        app(args=argv, standalone_mode=False)
    except HinterlandError as exc:
        console_err.print(f"[bold red]error:[/] {exc}")
        sys.exit(2)
    except typer.Abort:
        console_err.print("[yellow]interrupted[/]: nothing half-written was kept")
        sys.exit(130)
    except KeyboardInterrupt:
        console_err.print("[yellow]interrupted[/]: nothing half-written was kept")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        # Click usage errors (unknown command, bad option) carry their own message
        # and exit code; typer vendors click, so recognise them by shape.
        show = getattr(exc, "show", None)
        code = getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        raise

if __name__ == "__main__":
    main()
