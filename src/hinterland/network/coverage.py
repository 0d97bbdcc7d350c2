"""Coverage of ZIP areas by facilities: reach within a radius, and best promise class.

Two questions planners ask every day:

* :func:`reach`: which ZIP areas (and how many people) lie within X miles/km
  (straight line) or Y drive minutes of any site in a facility table?
* :func:`promise_coverage`: what is the fastest tier each ZIP area can be promised
  by the network for an order placed at a given local time, by which mode and from
  which facility? This *is* the promise engine
  (:class:`~hinterland.promise.engine.PromiseEngine`) evaluated for one order per
  ZIP area, on the one operating model; :func:`day_shares` weights the day's order
  times by the demand model's hourly profile; :func:`pair_tiers` gives the tier of
  any (ZIP area, site) pair by the same mode rules, which design optimises.

All are vectorised (k-d trees, numpy), so all 33,639 ZIP areas against tens of
thousands of sites take seconds.

Tables
------
ZIP table (input): ``zip`` (str), ``lat``, ``lon``, ``population``, ``land_km2``,
``state``, ``rurality`` (as :func:`hinterland.data.zip_areas`).

Facility table (input): ``id``, ``kind``, ``lat``, ``lon``, ``holds_inventory``
(as :func:`hinterland.network.facilities.load_facilities`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hinterland.core.errors import HinterlandError
from hinterland.core.vocabulary import COVERAGE_CLASSES, TIERS, kinds_with
from hinterland.data.region import select_zip_areas
from hinterland.data.rurality import RURALITY_CLASSES
from hinterland.demand.orders import HOURLY_PROFILE
from hinterland.geo import TravelModel
from hinterland.network.verify import check_reach
from hinterland.operations import OperatingModel
from hinterland.promise.engine import MODES, PromiseEngine, best_tier_codes

__all__ = [
    "DEFAULT_ORDER_MIN",
    "PROMISE_CLASSES",
    "ReachResult",
    "day_shares",
    "filter_states",
    "pair_tiers",
    "promise_coverage",
    "promise_summary",
    "reach",
]

#: Coverage classes, best first (the one tier vocabulary, then ``beyond``: slower than
#: two days or unserved).
PROMISE_CLASSES: tuple[str, ...] = COVERAGE_CLASSES

KM_PER_MILE = 1.609344

#: Kinds that run last-mile vans from their own dock.
VAN_KINDS = kinds_with("runs_vans")


def filter_states(zips: pd.DataFrame, states: list[str] | None) -> pd.DataFrame:
    """Rows of ``zips`` in the given 2-letter state codes (all rows when ``None``/empty).

    Raises
    ------
    HinterlandError
        When a code is not a state present in the table.
    """
    return select_zip_areas(zips, states).reset_index(drop=True)


# --------------------------------------------------------------------------- reach


@dataclass(frozen=True)
class ReachResult:
    """Outcome of :func:`reach`.

    Attributes
    ----------
    zips
        One row per ZIP area: ``zip``, ``state``, ``rurality``, ``population``,
        ``land_km2``, ``nearest_id`` (nearest site), ``gc_km`` (straight line),
        ``drive_min`` (travel model), ``within`` (bool).
    totals
        ``population``, ``population_within``, ``population_share`` (0-1),
        ``zip_areas``, ``zip_areas_within``, ``land_km2``, ``land_km2_within``,
        ``sites``, and the radius used.
    by_rurality, by_state
        The same figures per rurality class (densest first) and per state.
    verified
        Whether the brute-force re-derivation
        (:func:`hinterland.network.verify.check_reach`) agreed with every figure.
    checks
        That re-derivation's figures (rows and pairs checked, sample seed, mismatches).
    """

    zips: pd.DataFrame
    totals: dict[str, Any]
    by_rurality: pd.DataFrame
    by_state: pd.DataFrame = field(repr=False)
    verified: bool = False
    checks: dict[str, Any] = field(default_factory=dict, repr=False)


def _breakdown(table: pd.DataFrame, key: str) -> pd.DataFrame:
    t = table.assign(
        pop_within=np.where(table["within"], table["population"], 0),
        land_within=np.where(table["within"], table["land_km2"], 0.0),
    )
    out = t.groupby(key, observed=True, sort=False).agg(
        zip_areas=("zip", "size"),
        zip_areas_within=("within", "sum"),
        population=("population", "sum"),
        population_within=("pop_within", "sum"),
        land_km2=("land_km2", "sum"),
        land_km2_within=("land_within", "sum"),
    )
    out["population_share"] = out["population_within"] / out["population"].where(
        out["population"] > 0
    )
    out = out.reset_index()
    if key == "rurality":
        order = {c: i for i, c in enumerate(RURALITY_CLASSES)}
        out = out.sort_values(key, key=lambda s: s.astype(str).map(order)).reset_index(drop=True)
    else:
        out = out.sort_values(key).reset_index(drop=True)
    out["zip_areas_within"] = out["zip_areas_within"].astype(int)
    return out


def reach(
    zips: pd.DataFrame,
    facilities: pd.DataFrame,
    *,
    radius_km: float | None = None,
    radius_mi: float | None = None,
    drive_min: float | None = None,
    travel: TravelModel | None = None,
    verify_seed: int = 0,
) -> ReachResult:
    """ZIP areas and people within a straight-line radius or a drive time of any site.

    Parameters
    ----------
    zips
        ZIP table (see module docstring).
    facilities
        Facility table with ``id``, ``lat``, ``lon``.
    radius_km, radius_mi
        Straight-line (great-circle) radius from a site to the ZIP-area centroid.
    drive_min
        Drive-time radius under ``travel`` (circuity and speed by the ZIP area's
        rurality, access time included).
    travel
        Travel model (default :class:`~hinterland.geo.TravelModel`).
    verify_seed
        Seed of the ZIP-area sample the brute-force check draws when checking every
        (ZIP area, site) pair would be too many (:func:`~hinterland.network.verify.check_reach`).

    Give exactly one of the three radii. Every result is re-derived by brute force
    (every pair for a state, a seeded sample of ZIP areas for the nation); the outcome
    is in :attr:`ReachResult.verified` and :attr:`ReachResult.checks`, and
    ``totals["verified"]``.

    Raises
    ------
    HinterlandError
        No radius or several, a negative radius, or an empty facility table.
    """
    given = [v for v in (radius_km, radius_mi, drive_min) if v is not None]
    if len(given) != 1:
        raise HinterlandError("give exactly one of --radius-km, --radius-mi or --drive-min")
    if not (math.isfinite(given[0]) and given[0] >= 0):
        raise HinterlandError(f"the radius must be finite and >= 0, got {given[0]!r}")
    if len(facilities) == 0:
        raise HinterlandError("the facility table has no sites")
    travel = travel or TravelModel()
    near = travel.nearest(zips, facilities, k=1)
    table = zips[["zip", "state", "rurality", "population", "land_km2"]].copy()
    table["rurality"] = table["rurality"].astype(str)
    ids = facilities["id"].astype(str).to_numpy()
    table["nearest_id"] = ids[near["centre"].to_numpy()]
    table["gc_km"] = near["gc_km"].to_numpy()
    table["drive_min"] = near["drive_min"].to_numpy()
    if drive_min is not None:
        table["within"] = table["drive_min"] <= drive_min
        radius: dict[str, Any] = {"drive_min": drive_min}
    else:
        km = radius_km if radius_km is not None else float(radius_mi) * KM_PER_MILE  # type: ignore[arg-type]
        table["within"] = table["gc_km"] <= km
        radius = (
            {"radius_km": km} if radius_mi is None else {"radius_mi": radius_mi, "radius_km": km}
        )
    pop = float(table["population"].sum())
    pop_in = float(table.loc[table["within"], "population"].sum())
    totals: dict[str, Any] = {
        "population": int(pop),
        "population_within": int(pop_in),
        "population_share": pop_in / pop if pop > 0 else 0.0,
        "zip_areas": len(table),
        "zip_areas_within": int(table["within"].sum()),
        "land_km2": float(table["land_km2"].sum()),
        "land_km2_within": float(table.loc[table["within"], "land_km2"].sum()),
        "sites": len(facilities),
        **radius,
    }
    by_rurality, by_state = _breakdown(table, "rurality"), _breakdown(table, "state")
    checks = check_reach(
        zips, facilities, table, totals,
        radius_km=None if drive_min is not None else float(radius["radius_km"]),
        drive_min=drive_min, circuity=travel.circuity, speed_kmh=travel.speed_kmh,
        access_min=travel.access_min, default_rurality=travel.default_rurality,
        breakdowns={"rurality": by_rurality, "state": by_state}, seed=verify_seed,
    )
    totals["verified"] = bool(checks["ok"])
    return ReachResult(table, totals, by_rurality, by_state, verified=bool(checks["ok"]),
                       checks=checks)


# --------------------------------------------------------------------------- promise

#: Order time at which coverage and design evaluate a ZIP area by default: noon, local
#: time of the ZIP area (before the hub's second-wave cut-off and the FC's line-haul
#: cut-off, so it shows what a midday order gets; :func:`day_shares` covers the day).
DEFAULT_ORDER_MIN = 12 * 60.0

#: Parcel weight of the reference order coverage evaluates (light, fits every mode).
REFERENCE_WEIGHT_KG = 1.0


def promise_coverage(
    zips: pd.DataFrame,
    facilities: pd.DataFrame,
    model: OperatingModel | None = None,
    *,
    order_min: float = DEFAULT_ORDER_MIN,
    partner_service: pd.DataFrame | None = None,
    engine: PromiseEngine | None = None,
) -> pd.DataFrame:
    """Best tier per ZIP area: the promise engine evaluated for one order per ZIP area.

    Coverage is not a second model: it builds a
    :class:`~hinterland.promise.engine.PromiseEngine` over ``facilities`` and promises
    one light (1 kg), in-stock order per ZIP area placed at ``order_min`` (the ZIP
    area's local time), in good weather, and reports the fastest tier it can get.

    Parameters
    ----------
    zips
        ZIP table with ``zip``, ``lat``, ``lon``, ``rurality`` (optional ``time_zone``).
    facilities
        Facility table (``id``, ``kind``, ``lat``, ``lon``, ``holds_inventory``).
    model
        The operating model (default :class:`~hinterland.operations.OperatingModel`).
    order_min
        Order minute, local time of each ZIP area (default 12:00).
    partner_service
        The partner's service table (default: its distance rule).
    engine
        An engine already built over these ZIP areas and facilities (saves the build).

    Returns
    -------
    pandas.DataFrame
        One row per ZIP area, input order: ``zip``, ``lat``, ``lon``, ``best_tier`` (one
        of :data:`PROMISE_CLASSES`), ``promise_class`` (the same, for older callers),
        ``mode`` (the fastest option's mode, ``""`` when none), ``facility_id`` (the
        last-mile site: the hub, station, partner office or drone site that delivers;
        ``""`` when none), ``source_id`` (where the parcel leaves from: the hub's stock or
        the fulfillment center), ``promised_min`` (NaN when none).
    """
    n = len(zips)
    if engine is None:
        if len(facilities) == 0 or n == 0:
            return _empty_coverage(zips)
        engine = PromiseEngine(facilities, zips, model, partner_service)
    res = engine.promise_arrays(np.arange(n), np.full(n, float(order_min)),
                                np.full(n, REFERENCE_WEIGHT_KG), np.full(n, 3, np.int8))
    best = res.best_tier()
    prom = np.where(np.isfinite(res.promised_min), res.promised_min, np.inf)
    first = np.argmin(prom, axis=1)
    has = np.isfinite(prom.min(axis=1))
    src = res.source[np.arange(n), first]
    hand = res.handoff[np.arange(n), first]
    serve = np.where(hand >= 0, hand, src)  # the last-mile site: station, office, hub, drone
    ids = np.append(engine.facility_ids.astype(str), "")
    cls = np.asarray(PROMISE_CLASSES, dtype=object)[best]
    return pd.DataFrame(
        {
            "zip": zips["zip"].astype(str).to_numpy(),
            "lat": zips["lat"].to_numpy(float),
            "lon": zips["lon"].to_numpy(float),
            "best_tier": cls,
            "promise_class": cls,
            "mode": np.where(has, np.asarray(MODES, dtype=object)[first], ""),
            "facility_id": ids[np.where(has & (serve >= 0), serve, len(ids) - 1)],
            "source_id": ids[np.where(has & (src >= 0), src, len(ids) - 1)],
            "promised_min": np.where(has, prom.min(axis=1), np.nan),
        }
    )


def _empty_coverage(zips: pd.DataFrame) -> pd.DataFrame:
    n = len(zips)
    return pd.DataFrame({
        "zip": zips["zip"].astype(str).to_numpy(), "lat": zips["lat"].to_numpy(float),
        "lon": zips["lon"].to_numpy(float), "best_tier": np.full(n, "beyond", dtype=object),
        "promise_class": np.full(n, "beyond", dtype=object), "mode": np.full(n, "", object),
        "facility_id": np.full(n, "", object), "source_id": np.full(n, "", object),
        "promised_min": np.full(n, np.nan)})


def day_shares(
    zips: pd.DataFrame,
    facilities: pd.DataFrame,
    model: OperatingModel | None = None,
    *,
    profile: tuple[float, ...] = HOURLY_PROFILE,
    engine: PromiseEngine | None = None,
) -> pd.DataFrame:
    """Order-weighted share of a day's orders per ZIP area that can get each tier.

    Orders are placed at each hour's midpoint (ZIP-local time), weighted by the hourly
    order profile of the demand model (:data:`hinterland.demand.orders.HOURLY_PROFILE`),
    and promised by the engine as in :func:`promise_coverage`.

    Returns
    -------
    pandas.DataFrame
        ``zip``, then ``share_<tier>`` for each tier of :data:`TIERS`: the share of the
        day's orders whose best tier is that tier or faster (so ``share_two_day`` is the
        share served at all within two days).
    """
    n = len(zips)
    w = np.asarray(profile, dtype=float)
    if len(w) != 24 or (w < 0).any() or w.sum() <= 0:
        raise HinterlandError("the hourly order profile needs 24 weights >= 0, not all zero")
    w = w / w.sum()
    out = {"zip": zips["zip"].astype(str).to_numpy()}
    shares = np.zeros((len(TIERS), n))
    if n and len(facilities):
        engine = engine or PromiseEngine(facilities, zips, model)
        rows = np.arange(n)
        for hour in range(24):
            if w[hour] == 0:
                continue
            res = engine.promise_arrays(rows, np.full(n, hour * 60.0 + 30.0),
                                        np.full(n, REFERENCE_WEIGHT_KG), np.full(n, 3, np.int8))
            best = res.best_tier()
            for code in range(len(TIERS)):
                shares[code] += w[hour] * (best <= code)
    for code, tier in enumerate(TIERS):
        out[f"share_{tier}"] = shares[code]
    return pd.DataFrame(out)


def pair_tiers(
    engine: PromiseEngine,
    dest_rows: NDArray[np.int64],
    fac_rows: NDArray[np.int64],
    order_min: float = DEFAULT_ORDER_MIN,
) -> NDArray[np.int8]:
    """Best tier (code into :data:`PROMISE_CLASSES`) each facility alone gives each ZIP
    area (:meth:`~hinterland.promise.engine.PromiseEngine.pair_promise`)."""
    p = engine.pair_promise(dest_rows, fac_rows, order_min)
    return best_tier_codes(np.full(len(p), float(order_min)), p)


def promise_summary(zips: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """ZIP areas, population and land area per rurality class and promise class.

    Returns
    -------
    pandas.DataFrame
        ``rurality``, ``promise_class``, ``zip_areas``, ``population``, ``land_km2``,
        ``population_share`` (of the rurality class); every class pair present.
    """
    t = (
        zips[["zip", "rurality", "population", "land_km2"]]
        .assign(rurality=lambda d: d["rurality"].astype(str))
        .merge(coverage[["zip", "promise_class"]], on="zip", how="left")
    )
    grid = pd.MultiIndex.from_product(
        [[*RURALITY_CLASSES, "all"], list(PROMISE_CLASSES)],
        names=["rurality", "promise_class"],
    )
    g = t.groupby(["rurality", "promise_class"]).agg(
        zip_areas=("zip", "size"), population=("population", "sum"), land_km2=("land_km2", "sum")
    )
    allg = t.groupby("promise_class").agg(
        zip_areas=("zip", "size"), population=("population", "sum"), land_km2=("land_km2", "sum")
    )
    allg.index = pd.MultiIndex.from_product(
        [["all"], allg.index], names=["rurality", "promise_class"]
    )
    out = pd.concat([g, allg]).reindex(grid, fill_value=0).reset_index()
    tot = out.groupby("rurality")["population"].transform("sum")
    out["population_share"] = np.where(tot > 0, out["population"] / tot.where(tot > 0, 1), 0.0)
    out["zip_areas"] = out["zip_areas"].astype(int)
    out["population"] = out["population"].astype(np.int64)
    return out
