"""The ``--scenario`` option every command takes, and local clock times on the command line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from hinterland.core.errors import InputError
from hinterland.operations import OperatingModel

#: ``--scenario FILE``: the scenario TOML whose sections set the operating model.
ScenarioOpt = Annotated[
    Path | None,
    typer.Option(
        "--scenario",
        help="Scenario TOML (its [operations], [travel] and [demand] sections set the "
        "operating rules; defaults in docs/operations.md).",
    ),
]

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def clock_minutes(text: str, option: str) -> float:
    """``"HH:MM"`` -> minutes after local midnight (an error naming the option)."""
    m = _HHMM.match(text.strip())
    if not m:
        raise InputError(option, f"{text!r} is not a local time HH:MM (00:00..23:59)")
    return float(int(m.group(1)) * 60 + int(m.group(2)))


def operating_model(scenario: Path | None) -> OperatingModel:
    """The scenario's operating model, or the documented defaults without one."""
    if scenario is None:
        return OperatingModel()
    from hinterland.scenario import load_scenario

    return load_scenario(scenario).operating_model()
