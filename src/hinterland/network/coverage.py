"""Coverage of ZIP areas by facilities: reach within a radius, and best promise class.

Two questions planners ask every day:

* :func:`reach`: which ZIP areas (and how many people) lie within X miles/km
  (straight line) or Y drive minutes of any site in a facility table?
* :func:`promise_coverage`: given operating assumptions
  (:class:`PromiseAssumptions`), what is the best delivery promise each ZIP area
  can get from the network (``same_day``, ``next_day``, ``two_day``, ``beyond``),
  from which facility and how far?

Both are vectorised with k-d trees (:meth:`hinterland.geo.TravelModel.nearest`), so
all 33,639 ZIP areas against tens of thousands of sites take seconds.

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

from hinterland.core.errors import HinterlandError
from hinterland.data.region import select_zip_areas
from hinterland.data.rurality import RURALITY_CLASSES
from hinterland.geo import TravelModel
from hinterland.network.verify import check_reach

__all__ = [
    "PROMISE_CLASSES",
    "PromiseAssumptions",
    "ReachResult",
    "filter_states",
    "promise_coverage",
    "promise_summary",
    "reach",
    "site_promise_days",
]

#: Promise classes, best first. ``beyond`` means slower than two days or unserved.
PROMISE_CLASSES: tuple[str, ...] = ("same_day", "next_day", "two_day", "beyond")

KM_PER_MILE = 1.609344

#: Kinds that run last-mile vans from their own dock.
VAN_KINDS = frozenset({"delivery_station", "hybrid_hub", "retail_store"})


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


@dataclass(frozen=True)
class PromiseAssumptions:
    """Operating assumptions that turn geography into a delivery promise.

    Times are minutes from midnight of the order day (day 0); later days add 1,440.

    Attributes
    ----------
    order_cutoff_min
        Orders placed by this time are promised by the rules below (default 10:00).
    pick_pack_min
        Minutes from cut-off until an order is ready on a dock with local stock.
    linehaul_departure_min
        Line-haul trucks leave the fulfillment centers at this time (default 20:00).
    linehaul_arrival_min
        Latest arrival at a station, minutes from midnight of the arrival day, for
        that day's vans (default 06:00).
    van_dispatch_min
        Vans leave stations at this time every day (default 10:00 is too early for
        same-day; same-day needs ``order_cutoff_min + pick_pack_min`` by this time).
    shift_length_min
        Van shift; a ZIP area is in van reach when ``2 x drive + stop_allowance_min``
        fits in it.
    stop_allowance_min
        Shift minutes spent delivering (not driving to and from the area).
    hub_inventory
        Whether hybrid hubs hold stock (off: they act as plain stations).
    postal_extra_days
        Extra days when a partner post office hands the parcel to the postal carrier.
    default_linehaul_days
        Line-haul days assumed for stations when the table has no fulfillment center.
    travel
        Travel model for drive times (line-haul uses it too).
    """

    order_cutoff_min: float = 600.0
    pick_pack_min: float = 90.0
    linehaul_departure_min: float = 1200.0
    linehaul_arrival_min: float = 360.0
    van_dispatch_min: float = 720.0
    shift_length_min: float = 600.0
    stop_allowance_min: float = 240.0
    hub_inventory: bool = True
    postal_extra_days: int = 1
    default_linehaul_days: int = 1
    travel: TravelModel = field(default_factory=TravelModel)

    def __post_init__(self) -> None:
        if self.shift_length_min <= 0:
            raise HinterlandError("shift_length_min must be positive")
        if self.stop_allowance_min < 0 or self.pick_pack_min < 0:
            raise HinterlandError("stop_allowance_min and pick_pack_min must be >= 0")

    @property
    def van_reach_min(self) -> float:
        """Longest one-way drive a van can make within its shift."""
        return max(self.shift_length_min - self.stop_allowance_min, 0.0) / 2.0

    @property
    def same_day_possible(self) -> bool:
        """Whether orders at cut-off are picked before the vans leave."""
        return self.order_cutoff_min + self.pick_pack_min <= self.van_dispatch_min


def site_promise_days(facilities: pd.DataFrame, assumptions: PromiseAssumptions) -> pd.DataFrame:
    """Promise each site can give to ZIP areas in its van reach, as days (0 = same day).

    Rules (per site): a site holding stock (fulfillment center, retail store, or a
    hybrid hub when ``hub_inventory``) that runs vans gives same day when
    :attr:`PromiseAssumptions.same_day_possible`. Other van-running sites get
    line-haul from the nearest fulfillment center: trucks leave at
    ``linehaul_departure_min`` on day 0 and must arrive by ``linehaul_arrival_min``
    (and before ``van_dispatch_min``) of day ``k``; the site then delivers on day ``k``.
    A partner post office does the same and adds ``postal_extra_days``. Other kinds
    (fulfillment centers, sort centers, drone sites) do not deliver to doors here.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``kind``, ``days`` (int, ``-1`` when the site does not deliver),
        ``linehaul_min`` (drive from the nearest fulfillment center, ``nan`` if none).
    """
    a = assumptions
    kinds = facilities["kind"].astype(str).to_numpy()
    stock = facilities["holds_inventory"].astype(bool).to_numpy()
    if not a.hub_inventory:
        stock = stock & (kinds != "hybrid_hub")
    fcs = facilities[kinds == "fulfillment_center"]
    n = len(facilities)
    lh = np.full(n, np.nan)
    if len(fcs):
        near = a.travel.nearest(facilities, fcs, k=1)
        lh = near["drive_min"].to_numpy()
        lh_days = np.zeros(n, dtype=np.int64)
        arrive_by = min(a.linehaul_arrival_min, a.van_dispatch_min)
        finish = a.linehaul_departure_min + lh
        lh_days = np.maximum(np.ceil((finish - arrive_by) / 1440.0), 1).astype(np.int64)
    else:
        lh_days = np.full(n, a.default_linehaul_days, dtype=np.int64)
    days = np.full(n, -1, dtype=np.int64)
    vans = np.isin(kinds, list(VAN_KINDS))
    days[vans] = lh_days[vans]
    if a.same_day_possible:
        days[vans & stock] = 0
    post = kinds == "partner_post_office"
    days[post] = lh_days[post] + a.postal_extra_days
    return pd.DataFrame(
        {
            "id": facilities["id"].astype(str).to_numpy(),
            "kind": kinds,
            "days": days,
            "linehaul_min": lh,
        }
    )


def promise_coverage(
    zips: pd.DataFrame, facilities: pd.DataFrame, assumptions: PromiseAssumptions | None = None
) -> pd.DataFrame:
    """Best promise class per ZIP area, its serving facility and drive minutes.

    For each promise class (best first) the nearest site able to give it is found
    with one k-d tree query; a ZIP area gets the best class whose nearest able site is
    within van reach (:attr:`PromiseAssumptions.van_reach_min`). Ties go to the
    faster class; ``beyond`` rows name the nearest delivering site, if any.

    Parameters
    ----------
    zips
        ZIP table with ``zip``, ``lat``, ``lon`` and optional ``rurality``.
    facilities
        Facility table (``id``, ``kind``, ``lat``, ``lon``, ``holds_inventory``).
    assumptions
        Operating assumptions (defaults documented on :class:`PromiseAssumptions`).

    Returns
    -------
    pandas.DataFrame
        One row per ZIP area, input order: ``zip`` (str), ``promise_class`` (one of
        :data:`PROMISE_CLASSES`), ``facility_id`` (str, ``""`` when no site delivers),
        ``drive_min`` (float, ``nan`` when no site delivers).
    """
    a = assumptions or PromiseAssumptions()
    n = len(zips)
    cls = np.full(n, len(PROMISE_CLASSES) - 1, dtype=np.int64)
    fac = np.full(n, "", dtype=object)
    drive = np.full(n, np.nan)
    if len(facilities) and n:
        sites = site_promise_days(facilities, a)
        days = sites["days"].to_numpy()
        ids = sites["id"].to_numpy()
        reach_min = a.van_reach_min
        for level in (0, 1, 2):
            able = (days >= 0) & (days <= level)
            if not able.any():
                continue
            todo = cls > level
            if not todo.any():
                break
            sub = facilities[able]
            near = a.travel.nearest(zips[todo], sub, k=1)
            dm = near["drive_min"].to_numpy()
            ok = dm <= reach_min
            rows = np.nonzero(todo)[0]
            hit = rows[ok]
            cls[hit] = level
            fac[hit] = ids[able][near["centre"].to_numpy()[ok]]
            drive[hit] = dm[ok]
        # beyond: name the nearest delivering site
        rest = np.nonzero(cls == len(PROMISE_CLASSES) - 1)[0]
        delivering = days >= 0
        if rest.size and delivering.any():
            near = a.travel.nearest(zips.iloc[rest], facilities[delivering], k=1)
            fac[rest] = ids[delivering][near["centre"].to_numpy()]
            drive[rest] = near["drive_min"].to_numpy()
    return pd.DataFrame(
        {
            "zip": zips["zip"].astype(str).to_numpy(),
            "promise_class": np.asarray(PROMISE_CLASSES, dtype=object)[cls],
            "facility_id": fac.astype(str),
            "drive_min": drive,
        }
    )


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
