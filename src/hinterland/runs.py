"""Orchestrations the CLI, the API and the simulation share: a scenario's network, a run.

:func:`scenario_network` reads a scenario's ``[network]`` (the facility file or the
default national network, plus files of added sites), :func:`scenario_region` its
``[region]``, and :func:`simulate_scenario` runs the simulation of a scenario file.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from hinterland.core.errors import InputError
from hinterland.data import zip_areas
from hinterland.data.region import select_zip_areas
from hinterland.network.default_network import default_facilities
from hinterland.network.facilities import load_facilities
from hinterland.scenario import Scenario, load_scenario
from hinterland.sim.run import SimResult, SimSpec, simulate

__all__ = ["scenario_network", "scenario_region", "sim_spec", "simulate_scenario"]


def scenario_network(scenario: Scenario, base: Path) -> pd.DataFrame:
    """The facility table a scenario names (paths relative to ``base``, its folder)."""
    net = scenario.network
    frames = []
    if net.facilities == "default":
        frames.append(default_facilities())
    else:
        path = (base / net.facilities).resolve()
        if not path.is_file():
            raise InputError(str(path), "facility file does not exist", column="network.facilities")
        frames.append(load_facilities(path))
    for extra in net.add:
        path = (base / extra).resolve()
        if not path.is_file():
            raise InputError(str(path), "facility file does not exist", column="network.add")
        frames.append(load_facilities(path))
    return pd.concat(frames, ignore_index=True)


def scenario_region(scenario: Scenario) -> pd.DataFrame:
    """The ZIP areas of a scenario's region."""
    return select_zip_areas(zip_areas(), scenario.region.states or None).reset_index(drop=True)


def sim_spec(scenario: Scenario, days: int | None = None, seed: int | None = None) -> SimSpec:
    """The :class:`SimSpec` of a scenario (``days``/``seed`` override it)."""
    s = scenario.sim
    spec = SimSpec(days=s.days, start=s.start, seed=scenario.seed, dispersion=s.dispersion,
                   linehaul_cv=s.linehaul_cv, route_cv=s.route_cv, fail_rate=s.fail_rate,
                   capacity=s.capacity, demand=scenario.demand_rates())
    if days is not None:
        spec = dataclasses.replace(spec, days=days)
    if seed is not None:
        spec = dataclasses.replace(spec, seed=seed)
    return spec


def simulate_scenario(path: str | Path, days: int | None = None, seed: int | None = None
                      ) -> SimResult:
    """Load a scenario file and simulate it."""
    src = Path(path)
    scenario = load_scenario(src)
    facilities = scenario_network(scenario, src.parent)
    return simulate(scenario_region(scenario), facilities, scenario.operating_model(),
                    sim_spec(scenario, days, seed))
