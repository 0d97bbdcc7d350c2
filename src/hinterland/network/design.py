"""Network design: where new stations, hybrid-hub upgrades and partner sites go.

:func:`design` picks sites from a candidate table under a count limit and a budget,
for one of two objectives:

* ``"coverage"`` (maximal coverage): maximise the (rurality-weighted) population or
  parcels of ZIP areas that reach a target promise class (``same_day``,
  ``next_day`` or ``two_day``) thanks to the new sites, on top of what existing
  sites already give. A candidate covers a ZIP area when the promise engine's mode
  rules give an order placed there at ``DesignSpec.order_min`` (local time) the target
  tier or better from that candidate
  (:func:`hinterland.network.coverage.pair_tiers`); existing coverage and the
  before/after classes are the promise engine evaluated per ZIP area
  (:func:`~hinterland.network.coverage.promise_coverage`), so design optimises exactly
  what the engine will promise. Solved by :func:`hinterland.network.maxcover.solve_max_coverage`
  (reductions, greedy + swap, LP/Lagrangian bound, HiGHS MILP). With a capacity per
  site (``DesignSpec.capacity_per_day``) the model is the capacitated version, solved
  by :func:`hinterland.network.capacitated.solve_capacitated_coverage`: each new site
  serves at most that many parcels a day, an area's parcels may be split between the
  new sites covering it or left partly unserved, and coverage counts served shares.
* ``"pmedian"``: minimise demand-weighted drive minutes from each ZIP area to its
  nearest site (existing or new) with exactly ``max_count`` new sites, solved to
  proven optimality by :func:`hinterland.network.pmedian.solve_pmedian`.

Candidate table: ``id``, ``kind`` (``delivery_station``, ``hybrid_hub``,
``partner_post_office``, ``retail_store``), ``lat``, ``lon``, ``holds_inventory``,
optional ``cost_usd`` (else from :class:`SiteCosts`), optional ``upgrade_of`` (id of
an existing station this candidate upgrades to a hybrid hub).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from hinterland.core.certificate import Certificate
from hinterland.core.errors import HinterlandError, InfeasibleError
from hinterland.core.vocabulary import kinds_with
from hinterland.data.rurality import RURALITY_CLASSES
from hinterland.data.rurality import RURALITY_CLASSES as _CLASSES
from hinterland.demand.rates import DemandRates
from hinterland.network.capacitated import CapacitatedResult, solve_capacitated_coverage
from hinterland.network.coverage import (
    DEFAULT_ORDER_MIN,
    PROMISE_CLASSES,
    pair_tiers,
    promise_coverage,
)
from hinterland.network.maxcover import solve_max_coverage
from hinterland.network.pmedian import solve_pmedian
from hinterland.operations import OperatingModel
from hinterland.promise.engine import PromiseEngine

__all__ = [
    "DEFAULT_RURALITY_WEIGHTS",
    "DesignResult",
    "DesignSpec",
    "SiteCosts",
    "design",
    "upgrade_candidates",
    "zip_candidates",
]

#: Default weight of a person by rurality class (rural people count more).
DEFAULT_RURALITY_WEIGHTS: dict[str, float] = {
    "metro": 1.0,
    "micropolitan": 1.5,
    "small_town": 2.0,
    "rural": 3.0,
}


@dataclass(frozen=True)
class SiteCosts:
    """Capital and yearly cost per site kind, usd (planning assumptions, overridable).

    A candidate's cost is ``capital + years x yearly`` unless it has ``cost_usd``.
    Defaults are round planning figures: a leased delivery station ~2.0 M usd to fit
    out and ~0.8 M usd a year; upgrading a station to a hybrid hub (racking, stock
    systems) ~1.0 M + 0.4 M a year; a partner post office or retail store hand-off
    point ~25 k + 30 k a year (fees, equipment).
    """

    capital_usd: dict[str, float] = field(
        default_factory=lambda: {
            "delivery_station": 2_000_000.0,
            "hybrid_hub": 3_000_000.0,
            "upgrade": 1_000_000.0,
            "partner_post_office": 25_000.0,
            "retail_store": 25_000.0,
        }
    )
    yearly_usd: dict[str, float] = field(
        default_factory=lambda: {
            "delivery_station": 800_000.0,
            "hybrid_hub": 1_200_000.0,
            "upgrade": 400_000.0,
            "partner_post_office": 30_000.0,
            "retail_store": 30_000.0,
        }
    )
    years: float = 5.0

    def cost(self, kind: str, upgrade: bool = False) -> float:
        """Cost over the horizon of one site of ``kind`` (or of an upgrade)."""
        key = "upgrade" if upgrade else kind
        if key not in self.capital_usd:
            raise HinterlandError(f"no cost for site kind {key!r}; give a cost_usd column")
        return self.capital_usd[key] + self.years * self.yearly_usd.get(key, 0.0)


@dataclass(frozen=True)
class DesignSpec:
    """What to optimise and under which limits.

    Attributes
    ----------
    objective
        ``"coverage"`` or ``"pmedian"``.
    target_class
        Promise class to cover (coverage objective).
    weight
        ``"population"``, ``"rural_population"`` (population x rurality weight) or
        ``"parcels"`` (``parcels_per_day`` column if present, else the demand model's
        average-day parcels of the area, :meth:`DemandRates.per_capita_per_day`, times
        the rurality weight).
    max_count
        Most new sites (exactly this many for p-median).
    budget_usd
        Total cost allowed (``None``: no budget).
    demand
        The demand model's rates: parcels per person per day by rurality, the same
        rates the order generator uses (one home).
    order_min
        Local order time at which a ZIP area must get the target tier (default 12:00).
    capacity_per_day
        Parcels per day one new site can serve (``None``: unlimited). A constraint of
        the coverage model (capacitated maximal coverage): the parcels of ZIP areas
        newly brought to the target class are assigned to chosen sites within this
        capacity, an area may be split between sites or left partly unserved, and
        only served shares count (``DesignResult.zips['covered_share']``). Areas the
        existing sites already cover stay covered (existing capacity is not
        modelled). Coverage objective only; p-median with a capacity is an error.
    """

    objective: str = "coverage"
    target_class: str = "next_day"
    weight: str = "rural_population"
    max_count: int = 10
    budget_usd: float | None = None
    capacity_per_day: float | None = None
    rurality_weights: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_RURALITY_WEIGHTS)
    )
    demand: DemandRates = field(default_factory=DemandRates)
    order_min: float = DEFAULT_ORDER_MIN
    time_limit: float = 60.0
    mip_gap: float = 1e-4
    threads: int = 1

    def __post_init__(self) -> None:
        if self.objective not in ("coverage", "pmedian"):
            raise HinterlandError(
                f"objective must be 'coverage' or 'pmedian', not {self.objective!r}"
            )
        if self.target_class not in PROMISE_CLASSES[:-1]:
            raise HinterlandError(
                f"target class must be one of {', '.join(PROMISE_CLASSES[:-1])}, "
                f"not {self.target_class!r}"
            )
        if not (0 <= self.order_min < 1440):
            raise HinterlandError(f"order_min must be within 0..1439, got {self.order_min!r}")
        if self.weight not in ("population", "rural_population", "parcels"):
            raise HinterlandError("weight must be population, rural_population or parcels")
        if self.max_count < 0:
            raise HinterlandError("max_count must be >= 0")
        if self.budget_usd is not None and self.budget_usd < 0:
            raise HinterlandError("budget must be >= 0")
        if self.capacity_per_day is not None:
            if not self.capacity_per_day >= 0:
                raise HinterlandError("capacity_per_day must be >= 0")
            if self.objective != "coverage":
                raise HinterlandError(
                    "capacity_per_day is supported for the coverage objective only"
                )


@dataclass(frozen=True)
class DesignResult:
    """Outcome of :func:`design`.

    Attributes
    ----------
    sites
        Chosen candidates in marginal order: ``rank``, ``id``, ``kind``, ``lat``,
        ``lon``, ``cost_usd``, ``upgrade_of``, ``zip_areas_served`` /
        ``population_served`` / ``parcels_per_day`` (without capacity: areas whose
        best site it is; with ``capacity_per_day``: areas, population and parcels the
        model assigns to it, shares counted pro rata), ``over_capacity`` (bool;
        always ``False`` with a capacity since it is then a model constraint).
    zips
        Per ZIP area: ``zip``, ``state``, ``rurality``, ``population``, ``weight``,
        ``class_before``, ``class_after``, ``facility_id``, ``mode``, ``promised_min``,
        ``lat``, ``lon``, ``covered``
        (target class reached), ``covered_share`` (share counted as covered: 1.0 /
        0.0 without capacity; with capacity the served share, 1.0 for areas existing
        sites cover).
    marginal
        ``sites`` (0..K), ``objective`` with the first ``sites`` chosen sites, and
        ``population_covered`` (coverage objective) in the same order.
    certificate
        Solver certificate (objective, bound, gap, seconds, recount).
    summary
        Headline figures (JSON-ready).
    """

    sites: pd.DataFrame
    zips: pd.DataFrame
    marginal: pd.DataFrame
    certificate: Certificate
    summary: dict[str, Any]


def zip_candidates(
    zips: pd.DataFrame, min_population: int, kind: str = "delivery_station"
) -> pd.DataFrame:
    """Candidate sites at ZIP-area centroids with at least ``min_population`` people."""
    sel = zips[zips["population"] >= min_population]
    return pd.DataFrame(
        {
            "id": "zip-" + sel["zip"].astype(str),
            "kind": kind,
            "lat": sel["lat"].to_numpy(float),
            "lon": sel["lon"].to_numpy(float),
            "holds_inventory": kind in ("hybrid_hub", "retail_store"),
        }
    ).reset_index(drop=True)


def upgrade_candidates(existing: pd.DataFrame) -> pd.DataFrame:
    """One hybrid-hub upgrade candidate per existing delivery station."""
    st = existing[existing["kind"].astype(str) == "delivery_station"]
    return pd.DataFrame(
        {
            "id": "hub-" + st["id"].astype(str),
            "kind": "hybrid_hub",
            "lat": st["lat"].to_numpy(float),
            "lon": st["lon"].to_numpy(float),
            "holds_inventory": True,
            "upgrade_of": st["id"].astype(str).to_numpy(),
        }
    ).reset_index(drop=True)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate, skipping empty frames (keeps dtypes of the non-empty ones)."""
    full = [f for f in frames if len(f)]
    return pd.concat(full, ignore_index=True) if full else frames[0].reset_index(drop=True)


def _weights(zips: pd.DataFrame, spec: DesignSpec) -> np.ndarray:
    pop = zips["population"].to_numpy(float)
    if spec.weight == "population":
        return pop
    rw = zips["rurality"].astype(str).map(spec.rurality_weights).fillna(1.0).to_numpy(float)
    if spec.weight == "rural_population":
        return pop * rw
    return _parcels(zips, spec) * rw


def _parcels(zips: pd.DataFrame, spec: DesignSpec) -> np.ndarray:
    """Average-day parcels per ZIP area: the column if given, else the demand model's."""
    if "parcels_per_day" in zips.columns:
        return zips["parcels_per_day"].to_numpy(float)
    rate = {c: spec.demand.per_capita_per_day(c) for c in _CLASSES}
    per = zips["rurality"].astype(str).map(rate).fillna(spec.demand.base_per_capita_per_day)
    return zips["population"].to_numpy(float) * per.to_numpy(float)


def _candidate_costs(cands: pd.DataFrame, costs: SiteCosts) -> np.ndarray:
    if "cost_usd" in cands.columns and cands["cost_usd"].notna().all():
        return cands["cost_usd"].to_numpy(float)
    up = (
        cands["upgrade_of"].notna().to_numpy()
        if "upgrade_of" in cands.columns
        else np.zeros(len(cands), bool)
    )
    out = np.array(
        [costs.cost(str(k), bool(u)) for k, u in zip(cands["kind"].astype(str), up, strict=True)]
    )
    if "cost_usd" in cands.columns:
        given = cands["cost_usd"].notna().to_numpy()
        out[given] = cands["cost_usd"].to_numpy(float)[given]
    return out


def design(
    zips: pd.DataFrame,
    candidates: pd.DataFrame,
    existing: pd.DataFrame | None = None,
    spec: DesignSpec | None = None,
    model: OperatingModel | None = None,
    costs: SiteCosts | None = None,
) -> DesignResult:
    """Choose new sites (see module docstring).

    Parameters
    ----------
    zips
        ZIP areas of the study region (``zip``, ``lat``, ``lon``, ``population``,
        ``land_km2``, ``state``, ``rurality``; optional ``parcels_per_day``).
    candidates
        Candidate sites (schema in the module docstring).
    existing
        Facility table of sites already open (fulfillment centers feed line-haul).
    spec, model, costs
        Objective and limits; the operating model; cost per kind.

    Raises
    ------
    InfeasibleError
        Budget below the cheapest candidate; no candidate in reach of any ZIP area.
    HinterlandError
        Empty candidate table or study region.
    """
    spec = spec or DesignSpec()
    a = model or OperatingModel()
    costs = costs or SiteCosts()
    if len(zips) == 0:
        raise HinterlandError("the study region has no ZIP areas")
    if len(candidates) == 0:
        raise HinterlandError("no candidate sites: lower the population threshold or give a file")
    existing = (
        existing
        if existing is not None
        else pd.DataFrame(columns=["id", "kind", "lat", "lon", "holds_inventory"])
    )
    zips = zips.reset_index(drop=True)
    cands = candidates.reset_index(drop=True).copy()
    if "upgrade_of" not in cands.columns:
        cands["upgrade_of"] = None
    cost = _candidate_costs(cands, costs)
    if spec.budget_usd is not None and cost.min() > spec.budget_usd:
        raise InfeasibleError(
            f"budget {spec.budget_usd:,.0f} usd is below the cheapest candidate "
            f"({cost.min():,.0f} usd)"
        )
    weight = _weights(zips, spec)
    parcels = _parcels(zips, spec)
    base = promise_coverage(zips, existing, a, order_min=spec.order_min)
    level = {c: i for i, c in enumerate(PROMISE_CLASSES)}
    before = base["promise_class"].map(level).to_numpy()
    served: CapacitatedResult | None = None
    if spec.objective == "coverage":
        result = _design_coverage(zips, cands, existing, spec, a, cost, weight, before, parcels)
        chosen, marginal, cert, extra, served = result
    else:
        chosen, marginal, cert, extra = _design_pmedian(
            zips, cands, existing, spec, a, cost, weight
        )
    # after: promise with existing + chosen
    chosen_tab = cands.iloc[chosen].copy()
    chosen_tab["cost_usd"] = cost[chosen]
    replaced = existing["id"].astype(str).isin(chosen_tab["upgrade_of"].dropna().astype(str))
    after_fac = _concat(
        [
            existing[~replaced][["id", "kind", "lat", "lon", "holds_inventory"]],
            chosen_tab[["id", "kind", "lat", "lon", "holds_inventory"]],
        ]
    )
    after = promise_coverage(zips, after_fac, a, order_min=spec.order_min)
    target = level[spec.target_class]
    after_lvl = after["promise_class"].map(level).to_numpy()
    table = zips[["zip", "state", "rurality", "population"]].copy()
    table["rurality"] = table["rurality"].astype(str)
    table["weight"] = weight
    table["class_before"] = base["promise_class"].to_numpy()
    table["class_after"] = after["promise_class"].to_numpy()
    table["facility_id"] = after["facility_id"].to_numpy()
    table["mode"] = after["mode"].to_numpy()
    table["promised_min"] = after["promised_min"].to_numpy()
    table["lat"] = zips["lat"].to_numpy(float)
    table["lon"] = zips["lon"].to_numpy(float)
    table["covered"] = after_lvl <= target
    table["covered_share"] = (
        served.covered if served is not None else table["covered"].to_numpy(float)
    )
    if spec.objective == "coverage" and served is None:
        # The promise engine over the new network must promise what the design counted.
        engine_value = float(weight[after_lvl <= target].sum())
        agree = bool(np.isclose(engine_value, cert.objective, rtol=1e-9, atol=1e-6))
        checks = {**cert.checks, "engine_recount": engine_value, "engine_agrees": agree}
        cert = dataclasses.replace(cert, verified=bool(cert.verified and agree), checks=checks)
    # per chosen site: areas it serves (best site, or the model's assignment), parcels
    if served is None:
        agg = _best_site_loads(table, chosen_tab, parcels)
    else:
        agg = _assigned_loads(served, cands, zips, parcels)
    sites = chosen_tab[["id", "kind", "lat", "lon", "cost_usd", "upgrade_of"]].copy()
    sites["id"] = sites["id"].astype(str)
    sites = sites.merge(agg, left_on="id", right_index=True, how="left").fillna(
        {"zip_areas_served": 0, "population_served": 0, "parcels_per_day": 0.0}
    )
    sites["zip_areas_served"] = sites["zip_areas_served"].astype(int)
    sites["population_served"] = sites["population_served"].astype(np.int64)
    cap = spec.capacity_per_day
    sites["over_capacity"] = (
        sites["parcels_per_day"] > cap * (1 + 1e-9) + 1e-9 if cap is not None else False
    )
    sites.insert(0, "rank", np.arange(1, len(sites) + 1))
    pop = zips["population"].to_numpy(float)
    summary: dict[str, Any] = {
        "objective": spec.objective,
        "target_class": spec.target_class,
        "weight": spec.weight,
        "zip_areas": len(zips),
        "candidates": len(cands),
        "chosen": len(sites),
        "cost_usd": float(sites["cost_usd"].sum()),
        "budget_usd": spec.budget_usd,
        "max_count": spec.max_count,
        "population": int(pop.sum()),
        "population_target_before": int(pop[before <= target].sum()),
        "population_target_after": int(pop[after_lvl <= target].sum()),
        "capacity_per_day": cap,
        "sites_over_capacity": int(np.asarray(sites["over_capacity"]).sum()),
        "certificate": cert.to_dict(),
        **extra,
    }
    return DesignResult(sites.reset_index(drop=True), table, marginal, cert, summary)


def _best_site_loads(
    table: pd.DataFrame, chosen_tab: pd.DataFrame, parcels: np.ndarray
) -> pd.DataFrame:
    """Per chosen site id: areas whose best facility it is, their population and parcels."""
    served = table[table["facility_id"].isin(chosen_tab["id"].astype(str))]
    return (
        served.assign(parcels=parcels[served.index])
        .groupby("facility_id")
        .agg(
            zip_areas_served=("zip", "size"),
            population_served=("population", "sum"),
            parcels_per_day=("parcels", "sum"),
        )
    )


def _assigned_loads(
    res: CapacitatedResult, cands: pd.DataFrame, zips: pd.DataFrame, parcels: np.ndarray
) -> pd.DataFrame:
    """Per chosen site id: areas, population and parcels the capacitated model assigns to it."""
    asg = res.assignment
    rows = asg["row"].to_numpy()
    share = asg["share"].to_numpy(float)
    pop = zips["population"].to_numpy(float)
    frame = pd.DataFrame(
        {
            "id": cands["id"].astype(str).to_numpy()[asg["col"].to_numpy()],
            "zip": rows,
            "population": pop[rows] * share,
            "parcels": parcels[rows] * share,
        }
    )
    agg = frame.groupby("id").agg(
        zip_areas_served=("zip", "size"),
        population_served=("population", "sum"),
        parcels_per_day=("parcels", "sum"),
    )
    agg["population_served"] = agg["population_served"].round()
    return agg


def _coverage_pairs(
    zips: pd.DataFrame,
    cands: pd.DataFrame,
    existing: pd.DataFrame,
    spec: DesignSpec,
    a: OperatingModel,
    before: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coverage pairs (ZIP row, candidate column) for the target class, and rows covered now.

    A pair covers when the candidate alone gives the ZIP area the target tier or better
    for an order at ``spec.order_min`` by the promise engine's mode rules
    (:func:`~hinterland.network.coverage.pair_tiers`; line-haul from the existing
    fulfillment centers). Pairs are searched within the longest reach any mode has
    (the van rule's longest stem, the partner's service radius, the drone radius).
    """
    target = PROMISE_CLASSES.index(spec.target_class)
    cols = ["id", "kind", "lat", "lon", "holds_inventory"]
    fcs = existing[existing["kind"].astype(str) == "fulfillment_center"]
    both = _concat([cands[cols], fcs[cols]])
    engine = PromiseEngine(both, zips, a)
    van = a.van
    reach_min = max(van.max_stem_min(w, c) for w in van.waves_min for c in _CLASSES)
    reach_km = max(a.partner.service_radius_km, a.drone.radius_km * 2.0)
    near = a.travel.within(zips, cands, radius_min=reach_min)
    far = a.travel.within(zips, cands, radius_km=reach_km)
    pts = np.concatenate([near["point"].to_numpy(), far["point"].to_numpy()])
    cen = np.concatenate([near["centre"].to_numpy(), far["centre"].to_numpy()])
    key = np.sort(pts.astype(np.int64) * len(cands) + cen)  # sort-based unique: fast
    key = key[np.r_[True, key[1:] != key[:-1]]] if key.size else key
    pts, cen = key // len(cands), key % len(cands)
    tiers = pair_tiers(engine, pts, cen, spec.order_min)
    ok = tiers <= target
    if not ok.any():
        stocked = cands["holds_inventory"].astype(bool) & cands["kind"].astype(str).isin(
            sorted(kinds_with("may_hold_stock")))
        hint = (" (same-day needs local stock, and no candidate holds any: hybrid hubs or "
                "retail stores do)" if target <= PROMISE_CLASSES.index("same_day")
                and not stocked.any() else "")
        raise InfeasibleError(
            f"no candidate can give any ZIP area {spec.target_class} (check kinds, stock, "
            f"line-haul from fulfillment centers, and reach){hint}"
        )
    return pts[ok], cen[ok], np.nonzero(before <= target)[0]


def _coverage_capacitated(
    zips: pd.DataFrame,
    cands: pd.DataFrame,
    spec: DesignSpec,
    cost: np.ndarray,
    weight: np.ndarray,
    parcels: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, pd.DataFrame, Certificate, dict[str, Any], CapacitatedResult]:
    """Coverage design with ``spec.capacity_per_day`` as a constraint of the model."""
    rows, cols, existing_rows = pairs
    budget = spec.budget_usd
    res = solve_capacitated_coverage(
        weight,
        parcels,
        rows,
        cols,
        len(cands),
        capacity=float(spec.capacity_per_day or 0.0),
        max_count=spec.max_count,
        cost=cost if budget is not None else None,
        budget=budget,
        existing_rows=existing_rows,
        time_limit=spec.time_limit,
        mip_gap=spec.mip_gap,
        threads=spec.threads,
    )
    marginal = pd.DataFrame(
        {
            "sites": np.arange(len(res.chosen) + 1),
            "objective": res.marginal,
            "population_covered": res.marginal_covered @ zips["population"].to_numpy(float),
        }
    )
    return res.chosen, marginal, res.certificate, {"solver_stats": res.stats}, res


def _design_coverage(
    zips: pd.DataFrame,
    cands: pd.DataFrame,
    existing: pd.DataFrame,
    spec: DesignSpec,
    a: OperatingModel,
    cost: np.ndarray,
    weight: np.ndarray,
    before: np.ndarray,
    parcels: np.ndarray,
) -> tuple[np.ndarray, pd.DataFrame, Certificate, dict[str, Any], CapacitatedResult | None]:
    rows, cols, existing_rows = _coverage_pairs(zips, cands, existing, spec, a, before)
    budget = spec.budget_usd
    if spec.capacity_per_day is not None:
        return _coverage_capacitated(
            zips, cands, spec, cost, weight, parcels, (rows, cols, existing_rows)
        )
    res = solve_max_coverage(
        weight,
        rows,
        cols,
        len(cands),
        max_count=spec.max_count,
        cost=cost if budget is not None else None,
        budget=budget,
        existing_rows=existing_rows,
        time_limit=spec.time_limit,
        mip_gap=spec.mip_gap,
        threads=spec.threads,
    )
    pop = zips["population"].to_numpy(float)
    cov = np.zeros(len(zips), dtype=bool)
    cov[existing_rows] = True
    pop_curve = [float(pop[cov].sum())]
    order = res.chosen
    acsc = sp.csc_matrix((np.ones(rows.shape[0]), (rows, cols)), shape=(len(zips), len(cands)))
    for j in order:
        cov[acsc.indices[acsc.indptr[j] : acsc.indptr[j + 1]]] = True
        pop_curve.append(float(pop[cov].sum()))
    marginal = pd.DataFrame(
        {
            "sites": np.arange(len(order) + 1),
            "objective": res.marginal,
            "population_covered": pop_curve,
        }
    )
    return order, marginal, res.certificate, {"solver_stats": res.stats}, None


def _design_pmedian(
    zips: pd.DataFrame,
    cands: pd.DataFrame,
    existing: pd.DataFrame,
    spec: DesignSpec,
    a: OperatingModel,
    cost: np.ndarray,
    weight: np.ndarray,
) -> tuple[np.ndarray, pd.DataFrame, Certificate, dict[str, Any]]:
    p = spec.max_count
    if spec.budget_usd is not None:
        if np.ptp(cost) > 1e-6 * max(1.0, float(cost.max())):
            raise HinterlandError(
                "p-median takes a budget only when every candidate costs the same; use --max-count"
            )
        p = min(p, math.floor(spec.budget_usd / float(cost[0]) + 1e-9))
    if p < 1:
        raise InfeasibleError("p-median needs at least one new site (max count and budget)")
    if p > len(cands):
        raise InfeasibleError(f"p-median asks for {p} sites but there are {len(cands)} candidates")
    if len(zips) * len(cands) > 40_000_000:
        raise HinterlandError(
            f"p-median over {len(zips):,} ZIP areas x {len(cands):,} candidates is too "
            "large for the "
            "dense solver; restrict with --state or raise --min-population"
        )
    _, minutes = a.travel.matrix(cands, zips)  # candidates x zips, zip rurality sets speed
    dmat = minutes.T.copy()
    delivering = existing[existing["kind"].astype(str).isin(sorted(kinds_with("runs_vans")))]
    if len(delivering):
        near = a.travel.nearest(zips, delivering, k=1)["drive_min"].to_numpy()
        np.minimum(dmat, near[:, None], out=dmat)
    cmat = dmat * weight[:, None]
    res = solve_pmedian(cmat, p, time_limit=spec.time_limit, threads=spec.threads)
    chosen = res.open
    # marginal order: greedy over the chosen set
    order: list[int] = []
    cur = (
        np.full(len(zips), np.inf)
        if not len(delivering)
        else (dmat.min(axis=1) * 0 + near) * weight
    )
    vals = [float(cur.sum()) if np.isfinite(cur).all() else math.nan]
    left = list(chosen)
    while left:
        best = min(left, key=lambda j: float(np.minimum(cur, cmat[:, j]).sum()))
        left.remove(best)
        order.append(int(best))
        cur = np.minimum(cur, cmat[:, best])
        vals.append(float(cur.sum()))
    marginal = pd.DataFrame({"sites": np.arange(len(order) + 1), "objective": vals})
    w_total = float(weight.sum())
    extra = {
        "weighted_mean_drive_min": res.certificate.objective / w_total if w_total > 0 else math.nan,
        "solver_stats": res.stats,
    }
    return np.asarray(order, dtype=np.int64), marginal, res.certificate, extra


def rurality_order() -> list[str]:
    """Rurality classes densest first (for tables)."""
    return list(RURALITY_CLASSES)
