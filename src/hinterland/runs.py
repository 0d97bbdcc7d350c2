"""Orchestrations the CLI, the API and the simulation share: a scenario's network, a run.

:func:`scenario_network` reads a scenario's ``[network]`` (the facility file or the
default national network, plus files of added sites), :func:`scenario_region` its
``[region]``, and :func:`simulate_scenario` runs the simulation of a scenario file;
:func:`expansion_study` is the main job (``hinterland demo``): today's network against
a designed expansion, simulated with common random numbers, and the report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from hinterland.core.errors import InputError
from hinterland.data import zip_areas
from hinterland.data.region import select_zip_areas
from hinterland.network.default_network import default_facilities
from hinterland.network.facilities import load_facilities
from hinterland.operations import OperatingModel
from hinterland.promise.engine import PromiseEngine
from hinterland.scenario import Scenario, load_scenario
from hinterland.sim.run import SimResult, SimSpec, simulate

__all__ = [
    "assumptions_table",
    "expansion_study",
    "scenario_network",
    "scenario_region",
    "sim_spec",
    "simulate_scenario",
]


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


def assumptions_table(model: OperatingModel) -> pd.DataFrame:
    """Every operating rule of ``model`` as ``part, field, value`` rows (sources:
    ``docs/operations.md``)."""
    rows = []
    for part in ("van", "linehaul", "partner", "drone", "hub", "fc", "station"):
        obj = getattr(model, part)
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}"
                                  for k, v in value.items())
            rows.append({"part": part, "field": f.name, "value": str(value)})
    rows.append({"part": "model", "field": "date", "value": str(model.date)})
    return pd.DataFrame(rows)


def expansion_study(
    states: list[str],
    *,
    new_hubs: int = 8,
    days: int = 7,
    replications: int = 3,
    seed: int = 0,
    out_dir: str | Path = "hinterland-demo",
    model: OperatingModel | None = None,
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Today's network against a designed expansion: design, simulate both, report.

    Today's network is the default national network; the expansion adds up to
    ``new_hubs`` hybrid hubs (new sites at populous ZIP areas or upgrades of existing
    stations) chosen by the certified coverage design for same-day at noon; both
    networks are simulated for ``days`` days over ``replications`` replications with
    common random numbers; the comparison report is written to ``out_dir``.

    Returns
    -------
    dict
        ``report`` (path), ``deltas`` (table records), ``design`` (certificate and sites),
        ``files`` (every file written).
    """
    from hinterland.io import Outputs
    from hinterland.network.coverage import promise_coverage
    from hinterland.network.design import DesignSpec, design, upgrade_candidates, zip_candidates
    from hinterland.report.html import comparison_report
    from hinterland.sim.compare import compare_runs, delta_table
    from hinterland.sim.kpis import kpi_table, kpis

    note = say or (lambda _text: None)
    model = model or OperatingModel()
    out = Path(out_dir)
    note("region and today's network")
    zips = select_zip_areas(zip_areas(), states).reset_index(drop=True)
    today = default_facilities()
    note("design: where the new hybrid hubs go")
    local = today[today["kind"].astype(str) == "delivery_station"]
    local = local[local["lat"].between(zips["lat"].min() - 1, zips["lat"].max() + 1)
                  & local["lon"].between(zips["lon"].min() - 1, zips["lon"].max() + 1)]
    cands = pd.concat([zip_candidates(zips, 2_000, kind="hybrid_hub"),
                       upgrade_candidates(local)], ignore_index=True)
    spec = DesignSpec(max_count=new_hubs, target_class="same_day", time_limit=60.0)
    plan = design(zips, cands, today, spec, model)
    chosen = plan.sites
    upgraded = set(chosen["upgrade_of"].dropna().astype(str))
    cols = ["id", "kind", "lat", "lon", "holds_inventory"]
    proposed = pd.concat([today[~today["id"].astype(str).isin(upgraded)],
                          chosen.assign(holds_inventory=True, operator="own")[
                              [*cols, "operator"]]], ignore_index=True)
    engines = {"A": PromiseEngine(today, zips, model), "B": PromiseEngine(proposed, zips, model)}
    nets = {"A": today, "B": proposed}
    base = SimSpec(days=days, seed=seed)

    def runner(name: str) -> Callable[[SimSpec], SimResult]:
        def run(rep: SimSpec) -> SimResult:
            return simulate(zips, nets[name], model, rep, engine=engines[name])
        return run

    note(f"simulating {days} days of both networks x {replications} replications")
    runs, last = compare_runs(runner("A"), runner("B"), base, replications, say=note)
    deltas = delta_table(runs)
    note("writing the report")
    cov_a = promise_coverage(zips, today, model, engine=engines["A"])
    cov_b = promise_coverage(zips, proposed, model, engine=engines["B"])
    ka, kb = kpis(last[0]), kpis(last[1])
    title = (f"Rural expansion study: {', '.join(states)}: {len(chosen)} new hybrid hubs, "
             f"{days} days x {replications} replications")
    page = comparison_report(
        title=title, deltas=deltas, coverage_before=cov_a, coverage_after=cov_b,
        sites_before=today, sites_after=proposed, new_sites=list(chosen["id"].astype(str)),
        parcels_a=last[0].parcels, parcels_b=last[1].parcels,
        by_rurality_a=kpi_table(last[0], "rurality"), by_rurality_b=kpi_table(last[1], "rurality"),
        kpis_a=ka, kpis_b=kb, marginal=plan.marginal, assumptions=assumptions_table(model),
        notes=[f"Design certificate: objective {plan.certificate.objective:,.0f}, gap "
               f"{plan.certificate.gap:.4%}, verified {plan.certificate.verified}.",
               "Defaults and their sources: docs/operations.md. Van routes use the "
               "continuous approximation of the van rule; hub holding cost is not "
               "valued (no stock valuation in the run)."])
    files: dict[str, str] = {}
    with Outputs() as staged:
        files["report"] = str(staged.write(out / "report.html",
                                           lambda p: p.write_text(page, encoding="utf-8")))
        files["deltas"] = str(staged.table(deltas, out / "deltas.csv"))
        files["runs"] = str(staged.table(runs, out / "runs.csv"))
        files["sites"] = str(staged.table(chosen, out / "new_sites.csv"))
        files["events_b"] = str(staged.table(last[1].events, out / "events_proposed.parquet"))
    return {"report": files["report"], "files": files,
            "deltas": deltas.to_dict("records"),
            "design": {"sites": chosen["id"].astype(str).tolist(),
                       "certificate": plan.certificate.to_dict()},
            "states": states}
