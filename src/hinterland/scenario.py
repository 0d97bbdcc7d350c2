"""The scenario file (TOML): every assumption of a run, with defaults in one place.

A scenario file may set any subset of the sections below; what it leaves out
keeps the documented default. Example::

    name = "montana-2027"
    seed = 7

    [travel]
    access_min = 4
    circuity = { rural = 1.4 }

    [operations.van]
    shift_min = 540
    waves_min = [510, 840]

    [operations.linehaul]
    departures_min = [1290]
    team = true

Unknown keys are errors (a misspelt key must not silently keep its default).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hinterland.core.errors import HinterlandError, InputError
from hinterland.data.rurality import RURALITY_CLASSES
from hinterland.demand.rates import DemandRates
from hinterland.geo.travel import DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH, TravelModel
from hinterland.operations import OperatingModel


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _by_class(default: dict[str, float]) -> Any:
    return Field(default_factory=lambda: dict(default))


class TravelSettings(_Strict):
    """Great-circle x circuity travel model (see ``docs/travel.md`` for sources)."""

    circuity: dict[str, float] = _by_class(DEFAULT_CIRCUITY)
    speed_kmh: dict[str, float] = _by_class(DEFAULT_SPEED_KMH)
    access_min: float = Field(default=5.0, ge=0)
    default_rurality: str = "small_town"

    @field_validator("circuity", "speed_kmh", mode="before")
    @classmethod
    def _fill_classes(cls, value: dict[str, float], info: Any) -> dict[str, float]:
        base = DEFAULT_CIRCUITY if info.field_name == "circuity" else DEFAULT_SPEED_KMH
        unknown = set(value) - set(RURALITY_CLASSES)
        if unknown:
            raise ValueError(f"unknown rurality class(es) {sorted(unknown)}")
        return {**base, **value}

    def model(self) -> TravelModel:
        """The :class:`~hinterland.geo.TravelModel` these settings describe."""
        return TravelModel(
            circuity=dict(self.circuity),
            speed_kmh=dict(self.speed_kmh),
            access_min=self.access_min,
            default_rurality=self.default_rurality,
        )


class RegionSettings(_Strict):
    """The study region: 2-letter state codes (empty: the nation)."""

    states: list[str] = Field(default_factory=lambda: ["MT"])


class NetworkSettings(_Strict):
    """The network: a facility file (``"default"``: the national demo network) and
    files of sites to add (e.g. a design's new sites). Paths are relative to the
    scenario file."""

    facilities: str = "default"
    add: list[str] = Field(default_factory=list)


class SimSettings(_Strict):
    """Simulation settings (:class:`hinterland.sim.SimSpec`; defaults documented there)."""

    days: int = Field(default=7, ge=1, le=366)
    start: str = "2026-03-02"
    dispersion: float = Field(default=0.1, ge=0, le=5)
    linehaul_cv: float = Field(default=0.05, ge=0, le=5)
    route_cv: float = Field(default=0.08, ge=0, le=5)
    fail_rate: float = Field(default=0.02, ge=0, lt=1)
    capacity: bool = True
    replications: int = Field(default=3, ge=2, le=100)


class Scenario(_Strict):
    """A whole scenario: name, seed and one section per stage.

    ``demand`` holds overrides of :class:`hinterland.demand.rates.DemandRates`
    (its docstring documents every default and its source).
    """

    name: str = "default"
    seed: int = 0
    travel: TravelSettings = Field(default_factory=lambda: TravelSettings())
    demand: dict[str, Any] = Field(default_factory=dict)
    operations: dict[str, Any] = Field(default_factory=dict)
    region: RegionSettings = Field(default_factory=lambda: RegionSettings())
    network: NetworkSettings = Field(default_factory=lambda: NetworkSettings())
    sim: SimSettings = Field(default_factory=lambda: SimSettings())

    def demand_rates(self) -> DemandRates:
        """The demand rates: documented defaults with this scenario's overrides."""
        return DemandRates.from_mapping(self.demand)

    def operating_model(self) -> OperatingModel:
        """The operating model: documented defaults, this scenario's ``[operations]``
        overrides, and its travel model."""
        return OperatingModel.from_mapping(self.operations, travel=self.travel.model())


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario TOML file.

    Raises
    ------
    InputError
        Unreadable TOML or an invalid value, naming the file and the key.
    """
    src = Path(path)
    try:
        raw = tomllib.loads(src.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InputError(str(src), f"cannot read scenario: {exc}") from exc
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise InputError(str(src), first["msg"], column=key) from exc
    try:
        scenario.demand_rates()
    except (HinterlandError, TypeError, ValueError) as exc:
        raise InputError(str(src), str(exc), column="demand") from exc
    try:
        scenario.operating_model()
    except (HinterlandError, TypeError, ValueError) as exc:
        text = str(exc)
        if text.startswith("unknown key "):
            key = text.split()[2]
        elif text.startswith("operations."):
            key = text.split(":")[0]
        else:
            key = "operations"
        raise InputError(str(src), text, column=key) from exc
    return scenario
