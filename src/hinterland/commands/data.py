"""``hinterland data list|verify``: the registered data files."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from hinterland.commands._common import console, frame_records, print_json, print_table
from hinterland.data.registry import REGISTRY, data_dir, verify_all


def register(app: typer.Typer) -> None:
    """Add the ``data`` sub-app."""
    data_app = typer.Typer(
        help="Registered public data files (hash-checked).", no_args_is_help=True
    )

    @data_app.command("list")
    def list_files(
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """List every registered file with its sha256, source URL and licence."""
        df = pd.DataFrame(
            [
                {"name": f.name, "sha256": f.sha256, "url": f.url, "licence": f.licence}
                for f in REGISTRY.values()
            ]
        )
        folder = data_dir()
        if as_json:
            print_json({"data_dir": str(folder) if folder else None, "files": frame_records(df)})
            return
        console.print(f"data folder: {folder or 'download cache (no local mirror found)'}")
        print_table(df.assign(sha256=df["sha256"].str[:12] + "…").drop(columns="url"))

    @data_app.command("verify")
    def verify(
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Check every file is present and matches its sha256; exit 1 if any does not."""
        rows = pd.DataFrame(verify_all())
        bad = int((rows["status"] != "ok").sum())
        if as_json:
            print_json({"ok": bad == 0, "files": frame_records(rows)})
        else:
            print_table(rows)
            console.print(f"{len(rows) - bad} ok, {bad} failed")
        if bad:
            raise typer.Exit(1)

    app.add_typer(data_app, name="data")
