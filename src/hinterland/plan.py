"""The Plan: one scenario and the tables that flow between the stages.

A :class:`Plan` holds the :class:`~hinterland.scenario.Scenario` (and so the one
:class:`~hinterland.operations.OperatingModel` every stage reads) and the tables
one stage hands to the next. Each stage is a method that returns a **new** Plan
with its tables set and every table derived from the stage's earlier output
cleared (a new region clears everything; a new design or a new day of orders
clears the promises and routes), so a table never outlives the inputs it was
made from::

    import hinterland as hl

    plan = (
        hl.Plan()
        .region(["MT"])                                  # ZIP areas of Montana
        .design(hl.DesignSpec(max_count=6))              # new rural hybrid hubs
        .orders("2026-03-04", seed=0)                    # one generated day
        .promise(capacity=True)                          # every order promised
        .routes()                                        # the busiest new station
    )
    plan.promises, plan.route_plan.certificate

The adapters between stages are plain functions here, usable alone:
:func:`promise_orders` (generated orders -> the promise engine's order table),
:func:`network_with` (existing facilities + designed sites -> one facility table),
:func:`van_stations` (promise choices -> the station whose van carries each order),
:func:`route_parcels` (one station's van orders -> routing parcels at delivery
points) and :func:`solve_routes` (the one place that decides on sector
decomposition). No caller renames a column.

Tables
------
``zips``
    The study region's ZIP areas (:func:`hinterland.data.zip_areas` schema).
``existing``
    Facilities already open (:mod:`hinterland.network.facilities` schema); default
    :func:`hinterland.network.default_network.default_facilities`.
``candidates``
    Candidate sites of the design (:func:`hinterland.network.design.zip_candidates`).
``design_result``
    :class:`~hinterland.network.design.DesignResult` (sites, per-ZIP classes before
    and after, marginal curve, certificate).
``facilities``
    The network orders are promised over: ``existing`` with the designed sites
    (upgrades replace the station they upgrade).
``coverage``
    Best promise per ZIP area over ``facilities``
    (:func:`hinterland.network.coverage.promise_coverage`).
``order_table``
    Orders in the promise engine's schema (:func:`hinterland.promise.parse_orders`):
    ``order_id``, ``destination_zip``, ``item_id``, ``weight_kg``, ``order_min``,
    ``tier``.
``forecasts``, ``stock``
    Item x hub forecasts and the stock table (``facility_id``, ``item_id``) the
    promise reads when given.
``promises``
    One row per order: the chosen option (:meth:`PromiseResult.choices`).
``parcels``, ``route_problem``, ``route_plan``
    One station's day: parcels at delivery points, the routing problem and the
    verified :class:`~hinterland.routing.RoutePlan`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.io.geo import from_geodataframe
from hinterland.scenario import Scenario

if TYPE_CHECKING:
    from hinterland.demand.catalogue import Catalogue
    from hinterland.network.design import DesignResult, DesignSpec
    from hinterland.operations import OperatingModel
    from hinterland.routing import RoutePlan, RoutingProblem

__all__ = [
    "VAN_MODES",
    "Plan",
    "network_with",
    "promise_orders",
    "route_parcels",
    "solve_routes",
    "van_stations",
]

#: Van modes whose last mile runs from one of our stations.
VAN_MODES: tuple[str, ...] = ("hub_van", "fc_van")

#: Columns of a facility table that a designed site carries into the network.
_SITE_COLUMNS = ["id", "kind", "lat", "lon"]


# ------------------------------------------------------------------------------ adapters


def promise_orders(
    orders: pd.DataFrame,
    catalogue: Catalogue,
    *,
    same_day_share: float = 0.2,
    seed: int = 0,
) -> pd.DataFrame:
    """Generated orders as the promise engine reads them.

    Parameters
    ----------
    orders
        :func:`hinterland.demand.generate_orders` output (``order_id``, ``zip``,
        ``item``, ``quantity``, ``minute``).
    catalogue
        The catalogue the orders were drawn from (weights per item).
    same_day_share
        Share of orders that ask for same-day (drawn with ``seed``); the rest ask
        for next-day.
    seed
        Seed of the tier draw.

    Returns
    -------
    pandas.DataFrame
        ``order_id`` (str), ``destination_zip`` (str), ``item_id`` (str),
        ``weight_kg`` (item weight x quantity), ``order_min`` (float), ``tier``.
    """
    if not 0.0 <= same_day_share <= 1.0:
        raise HinterlandError(f"same_day_share must be within 0..1, got {same_day_share!r}")
    rng = np.random.default_rng(seed)
    weight = catalogue.items.set_index("item")["weight_kg"]
    return pd.DataFrame(
        {
            "order_id": orders["order_id"].astype(str).to_numpy(),
            "destination_zip": orders["zip"].astype(str).to_numpy(),
            "item_id": orders["item"].astype(str).to_numpy(),
            "weight_kg": weight.reindex(orders["item"]).to_numpy(float)
            * orders["quantity"].to_numpy(float),
            "order_min": orders["minute"].to_numpy(float),
            "tier": np.where(rng.random(len(orders)) < same_day_share, "same_day", "next_day"),
        }
    )


def network_with(existing: pd.DataFrame, sites: pd.DataFrame,
                 source: str = "designed sites") -> pd.DataFrame:
    """The facility table after a design: ``existing`` plus the chosen ``sites``.

    A site with ``upgrade_of`` replaces the facility it upgrades. Whether a site holds
    stock follows its kind (the facility schema's default) unless ``sites`` has a
    ``holds_inventory`` column.

    Parameters
    ----------
    existing
        Facility table of the sites already open.
    sites
        :attr:`DesignResult.sites` (``id``, ``kind``, ``lat``, ``lon``, optional
        ``upgrade_of``, ``holds_inventory``, ``capacity_per_day``).
    source
        Name used in schema errors.
    """
    from hinterland.network.facilities import facilities_frame

    keep = [c for c in (*_SITE_COLUMNS, "holds_inventory", "capacity_per_day")
            if c in sites.columns]
    new = facilities_frame(sites[keep].assign(id=sites["id"].astype(str)), source=source)
    upgraded: set[str] = set()
    if "upgrade_of" in sites.columns:
        upgraded = {str(u) for u in sites["upgrade_of"].dropna()}
    kept = existing[~existing["id"].astype(str).isin(upgraded)]
    parts = [p for p in (kept, new) if len(p)]
    if not parts:
        return existing.iloc[0:0].copy()
    return pd.concat(parts, ignore_index=True)


def van_stations(choices: pd.DataFrame) -> pd.Series:
    """The station whose van delivers each van order of a promise.

    A ``hub_van`` order leaves from its source (the hub holds the item); an
    ``fc_van`` order is line-hauled to the station it is handed to.

    Parameters
    ----------
    choices
        :meth:`PromiseResult.choices` table.

    Returns
    -------
    pandas.Series
        Station id per row of ``choices`` whose ``mode`` is a van mode (same index).
    """
    vans = choices[choices["mode"].isin(VAN_MODES)]
    station = np.where(vans["mode"] == "fc_van", vans["handoff_id"], vans["source_id"])
    return pd.Series(station.astype(str), index=vans.index, name="station_id")


def route_parcels(
    choices: pd.DataFrame,
    orders: pd.DataFrame,
    zips: pd.DataFrame,
    station_id: str,
    *,
    facilities: pd.DataFrame,
    model: OperatingModel | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """One station's van orders as routing parcels at delivery points.

    Parameters
    ----------
    choices
        :meth:`PromiseResult.choices` table.
    orders
        The promise engine's order table (``order_id``, ``destination_zip``,
        ``order_min``, optional ``weight_kg``).
    zips
        ZIP areas the orders name (``zip``, ``lat``, ``lon``, ``land_km2``).
    station_id
        The station (see :func:`van_stations`).
    facilities
        The facility table the promise used (line-haul legs of ``fc_van`` orders).
    model
        The operating model the promise used (pick, line-haul, sort times).
    seed
        Seed of the delivery points (scattered within each ZIP area,
        :func:`hinterland.demand.points.scatter_points`).

    Returns
    -------
    pandas.DataFrame
        The routing parcels table: ``parcel_id`` (the order id), ``address_id`` (the
        order id too: one stop per order), ``lat``, ``lon``, ``tier``, ``ready_min``
        (at the station and sorted, :func:`hinterland.routing.ready.ready_from_promise`),
        ``due_min`` (the promise), ``weight_kg`` when the orders have it.
    """
    from hinterland.demand.points import scatter_points
    from hinterland.routing.ready import ready_from_promise

    station = van_stations(choices)
    mine = choices.loc[station.index[station.to_numpy() == str(station_id)]]
    by_id = orders.assign(order_id=orders["order_id"].astype(str)).set_index("order_id")
    ids = mine["order_id"].astype(str)
    dest = by_id["destination_zip"].astype(str).reindex(ids)
    rows = pd.Series(np.arange(len(zips)), index=zips["zip"].astype(str).to_numpy())
    pick = rows.reindex(dest.to_numpy())
    if pick.isna().any():
        missing = dest.to_numpy()[pick.isna().to_numpy()][0]
        raise HinterlandError(f"order destination {missing!r} is not a ZIP area of the plan")
    lat, lon = scatter_points(zips, pick.to_numpy(dtype=np.int64), np.random.default_rng(seed))
    order_min = by_id["order_min"].reindex(ids).to_numpy(float)
    parcels = pd.DataFrame(
        {
            "parcel_id": ids.to_numpy(),
            # each order is its own delivery point: the points are drawn, not addresses,
            # and areas without land area put every point at the centroid
            "address_id": ids.to_numpy(),
            "lat": lat,
            "lon": lon,
            "tier": mine["tier"].to_numpy(),
            "ready_min": ready_from_promise(mine, order_min, facilities, model),
            "due_min": mine["promised_min"].to_numpy(float),
        }
    )
    if "weight_kg" in by_id.columns:
        parcels["weight_kg"] = by_id["weight_kg"].reindex(ids).to_numpy(float)
    return parcels


def solve_routes(
    problem: RoutingProblem,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    decompose: Literal["auto", "on", "off"] = "auto",
) -> RoutePlan:
    """Solve a routing problem whole or by sectors (the one place that decides).

    ``"auto"`` decomposes above :data:`hinterland.routing.decompose.DECOMPOSE_ABOVE`
    stops when Dask is installed (the ``scale`` extra) and solves whole otherwise;
    ``"on"`` always decomposes (and needs Dask).
    """
    from importlib.util import find_spec

    from hinterland.routing import plan_routes, plan_routes_decomposed
    from hinterland.routing.decompose import DECOMPOSE_ABOVE

    if decompose not in ("auto", "on", "off"):
        raise HinterlandError(f"decompose must be auto, on or off, not {decompose!r}")
    big = problem.n_stops > DECOMPOSE_ABOVE
    if decompose == "on" and find_spec("distributed") is None:
        raise HinterlandError("sector decomposition runs on Dask: pip install 'hinterland[scale]'")
    if decompose == "on" or (decompose == "auto" and big and find_spec("distributed")):
        return plan_routes_decomposed(problem, time_limit_s=time_limit_s, seed=seed)
    return plan_routes(problem, time_limit_s=time_limit_s, seed=seed)


# ------------------------------------------------------------------------------ the Plan

_DAY = ("promises", "parcels", "route_problem", "route_plan")

#: Tables a stage makes stale when it runs again: what was derived from its output.
_STALE: dict[str, tuple[str, ...]] = {
    "region": ("candidates", "design_result", "facilities", "coverage", "catalogue",
               "order_table", "date", *_DAY),
    "design": _DAY,  # orders depend on the region only: they are kept
    "orders": _DAY,
    "promise": _DAY[1:],
    "routes": (),
}


@dataclass(frozen=True)
class Plan:
    """A scenario and the tables that flow between the stages (module docstring).

    Every stage method returns a new Plan; the Plan it was called on is unchanged.

    Parameters
    ----------
    scenario
        The scenario (operating model, demand rates, seed); default all defaults.
    zips, existing, candidates, design_result, facilities, coverage, catalogue,
    order_table, date, forecasts, stock, promises, parcels, route_problem, route_plan
        The tables (module docstring); usually set by the stage methods, but any may
        be given directly (e.g. ``Plan(zips=my_zips, existing=my_sites)``).
    """

    scenario: Scenario = field(default_factory=Scenario)
    zips: pd.DataFrame | None = None
    existing: pd.DataFrame | None = None
    candidates: pd.DataFrame | None = None
    design_result: DesignResult | None = None
    facilities: pd.DataFrame | None = None
    coverage: pd.DataFrame | None = None
    catalogue: Catalogue | None = None
    order_table: pd.DataFrame | None = None
    date: dt.date | None = None
    forecasts: pd.DataFrame | None = None
    stock: pd.DataFrame | None = None
    promises: pd.DataFrame | None = None
    parcels: pd.DataFrame | None = None
    route_problem: RoutingProblem | None = None
    route_plan: RoutePlan | None = None

    # -- helpers ---------------------------------------------------------------------------

    @property
    def model(self) -> OperatingModel:
        """The operating model every stage reads (the scenario's, on the plan's date)."""
        model = self.scenario.operating_model()
        if self.date is not None and model.date != self.date:
            model = dataclasses.replace(model, date=self.date)
        return model

    @property
    def network(self) -> pd.DataFrame:
        """The facility table stages run over: ``facilities`` or else ``existing`` (or the
        default national network)."""
        if self.facilities is not None:
            return from_geodataframe(self.facilities, source="facilities")
        if self.existing is not None:
            return from_geodataframe(self.existing, source="existing")
        from hinterland.network.default_network import default_facilities

        return default_facilities()

    def _need(self, name: str, stage: str) -> Any:
        value = getattr(self, name)
        if value is None:
            raise HinterlandError(f"the plan has no {name} yet: run {stage} first")
        return value

    def _set(self, stage: str, **tables: Any) -> Plan:
        """A new Plan with ``tables`` set and the tables derived from the stage cleared."""
        changes: dict[str, Any] = {t: None for t in _STALE[stage]}
        changes.update(tables)
        return dataclasses.replace(self, **changes)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table the plan holds, by name (designed sites as ``sites``, the
        design's per-ZIP classes as ``design_zips``, routes as ``routes``)."""
        out: dict[str, pd.DataFrame] = {}
        for name in ("zips", "existing", "candidates", "facilities", "coverage",
                     "order_table", "forecasts", "stock", "promises", "parcels"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.design_result is not None:
            out["sites"] = self.design_result.sites
            out["design_zips"] = self.design_result.zips
        if self.route_plan is not None:
            out["routes"] = self.route_plan.routes
        return out

    def __repr__(self) -> str:
        held = ", ".join(f"{k}={len(v):,} rows" for k, v in self.tables().items())
        return f"Plan(scenario={self.scenario.name!r}, {held or 'empty'})"

    # -- stages ----------------------------------------------------------------------------

    def region(self, states: Sequence[str] | str | None = None, *,
               rurality: Sequence[str] | None = None,
               counties: Sequence[str] | None = None) -> Plan:
        """Set ``zips``: the real ZIP areas of some states, rurality classes, counties.

        Parameters
        ----------
        states
            Two-letter codes (``"MT"`` or ``["MT", "WY"]``); ``None``: all.
        rurality, counties
            Further filters (:func:`hinterland.data.region.select_zip_areas`).
        """
        from hinterland.data.region import select_zip_areas
        from hinterland.data.zip_areas import zip_areas

        if isinstance(states, str):
            states = [s.strip() for s in states.split(",") if s.strip()]
        zips = select_zip_areas(zip_areas(), states, rurality, counties).reset_index(drop=True)
        if len(zips) == 0:
            raise HinterlandError(f"no ZIP areas in {states or 'the whole country'}")
        return self._set("region", zips=zips)

    def design(self, spec: DesignSpec | None = None, *, min_population: int = 1_000,
               kind: str = "hybrid_hub", candidates: pd.DataFrame | None = None) -> Plan:
        """Choose new sites for the region; set ``design_result``, ``facilities``,
        ``coverage``.

        Parameters
        ----------
        spec
            Objective and limits (:class:`~hinterland.network.design.DesignSpec`).
        min_population, kind
            Candidates at the centroids of ZIP areas with at least this many people,
            of this facility kind (when ``candidates`` is not given).
        candidates
            Candidate sites (:func:`~hinterland.network.design.zip_candidates` schema);
            a GeoDataFrame is read through :func:`hinterland.io.geo.from_geodataframe`.
        """
        from hinterland.network.coverage import promise_coverage
        from hinterland.network.design import DesignSpec, design, zip_candidates


        zips = self._need("zips", "region()")
        spec = spec or DesignSpec()
        existing = (from_geodataframe(self.existing, source="existing")
                    if self.existing is not None else self.network)
        cands = (from_geodataframe(candidates, source="candidates") if candidates is not None
                 else zip_candidates(zips, min_population=min_population, kind=kind))
        model = self.model
        result = design(zips, cands, existing=existing, spec=spec, model=model)
        facilities = network_with(existing, result.sites)
        cov = promise_coverage(zips, facilities, model, order_min=spec.order_min)
        return self._set("design", existing=existing, candidates=cands, design_result=result,
                         facilities=facilities, coverage=cov.reset_index(drop=True))

    def score(self, facilities: pd.DataFrame | None = None, *,
              order_min: float | None = None) -> Plan:
        """Best promise per ZIP area of a network as it is; set ``coverage``.

        Parameters
        ----------
        facilities
            The network to score (default: the plan's :attr:`network`); a table or a
            GeoDataFrame of points.
        order_min
            Local order minute of each area (default: the design default, 12:00).
        """
        from hinterland.network.coverage import DEFAULT_ORDER_MIN, promise_coverage


        zips = self._need("zips", "region()")
        fac = (from_geodataframe(facilities, source="facilities") if facilities is not None
               else self.network)
        minute = DEFAULT_ORDER_MIN if order_min is None else order_min
        cov = promise_coverage(zips, fac, self.model, order_min=minute).reset_index(drop=True)
        if facilities is None:
            return dataclasses.replace(self, coverage=cov)
        # A new network: the design and everything promised over the old one is stale.
        return self._set("design", facilities=fac, coverage=cov, candidates=None,
                         design_result=None)

    def orders(self, date: str | dt.date = "2026-03-04", *, seed: int | None = None,
               same_day_share: float = 0.2, n_items: int = 5_000) -> Plan:
        """Generate one day of orders over the region; set ``order_table``.

        Parameters
        ----------
        date
            The operating day (weekday and season of demand; the operating model's
            reference date for time zones and daylight).
        seed
            Seed of the catalogue, orders and tiers (default: the scenario's).
        same_day_share
            Share of orders asking for same-day; the rest ask for next-day.
        n_items
            Catalogue size.
        """
        from hinterland.demand.catalogue import generate_catalogue
        from hinterland.demand.orders import generate_orders

        zips = self._need("zips", "region()")
        seed = self.scenario.seed if seed is None else seed
        day = dt.date.fromisoformat(date) if isinstance(date, str) else date
        catalogue = generate_catalogue(n_items, seed=seed)
        raw = generate_orders(zips, catalogue, day, seed=seed, rates=self.scenario.demand_rates())
        table = promise_orders(raw, catalogue, same_day_share=same_day_share, seed=seed)
        return self._set("orders", catalogue=catalogue, order_table=table, date=day)

    def with_orders(self, orders: pd.DataFrame, *, date: str | dt.date | None = None) -> Plan:
        """Use a given order table (:func:`hinterland.promise.parse_orders` schema, e.g.
        ``examples/orders.csv``); set ``order_table`` (and ``date``, the operating day
        of the operating model, when given)."""
        day = dt.date.fromisoformat(date) if isinstance(date, str) else date
        return self._set("orders", order_table=from_geodataframe(orders, source="orders"),
                         date=day, catalogue=None)

    def with_stock(self, stock: pd.DataFrame, *, forecasts: pd.DataFrame | None = None
                   ) -> Plan:
        """Use a stock table (``facility_id``, ``item_id``: what each hub holds, e.g. from
        :func:`hinterland.inventory.plan_assortment`) and optionally the forecasts it
        was planned from; clears the promises and routes made without it."""
        for col in ("facility_id", "item_id"):
            if col not in stock.columns:
                raise HinterlandError(f"a stock table needs a {col} column")
        stock = stock.assign(facility_id=stock["facility_id"].astype(str),
                             item_id=stock["item_id"].astype(str))
        plan = self._set("orders")
        return dataclasses.replace(plan, stock=stock,
                                   forecasts=forecasts if forecasts is not None
                                   else self.forecasts)

    def promise(self, *, policy: str = "fastest", capacity: bool = False,
                stock: pd.DataFrame | None = None) -> Plan:
        """Promise every order over the network; set ``promises``.

        Parameters
        ----------
        policy
            Choice policy (:data:`hinterland.promise.POLICIES`).
        capacity
            Promise the day as one batch with site capacities binding.
        stock
            Stock table (``facility_id``, ``item_id``); default the plan's ``stock``.
            Without one every item counts as stocked at every hub.
        """
        from hinterland.data.zip_areas import zip_areas
        from hinterland.promise import PromiseEngine

        orders = self._need("order_table", "orders()")
        engine = PromiseEngine(self.network, zip_areas(), self.model)
        use_stock = stock if stock is not None else self.stock
        result = engine.promise(orders, policy=policy, capacity=capacity, stock=use_stock)
        return self._set("promise", promises=result.choices(), stock=use_stock)

    def busiest_station(self, *, prefer_new: bool = True) -> str:
        """The station whose vans carry the most promised orders.

        With ``prefer_new``, the busiest of the designed sites when any carries one.
        """
        station = van_stations(self._need("promises", "promise()"))
        if len(station) == 0:
            raise HinterlandError("no order is carried by one of our vans")
        counts = station.value_counts()
        if prefer_new and self.design_result is not None:
            ours = counts[counts.index.isin(self.design_result.sites["id"].astype(str))]
            if len(ours):
                counts = ours
        return str(counts.index[0])

    def routes(self, station: str | None = None, *, time_limit_s: float = 20.0,
               seed: int | None = None, decompose: Literal["auto", "on", "off"] = "auto",
               fleet: pd.DataFrame | None = None) -> Plan:
        """Plan and verify one station's van routes for the day; set ``parcels``,
        ``route_problem`` and ``route_plan``.

        Parameters
        ----------
        station
            Station id (default :meth:`busiest_station`).
        time_limit_s
            Routing time budget.
        seed
            Seed of delivery points and search (default: the scenario's).
        decompose
            Sector decomposition (:func:`solve_routes`).
        fleet
            Fleet table (default :func:`hinterland.routing.default_fleet` of the
            operating model).
        """
        from hinterland.routing import RoutingParams, Station, build_problem_from_parcels
        from hinterland.routing import default_fleet as _default_fleet

        choices = self._need("promises", "promise()")
        orders = self._need("order_table", "orders()")
        zips = self._need("zips", "region()")
        seed = self.scenario.seed if seed is None else seed
        station_id = station if station is not None else self.busiest_station()
        net = self.network
        site = net.loc[net["id"].astype(str) == str(station_id)]
        if len(site) == 0:
            raise HinterlandError(f"station {station_id!r} is not in the plan's network")
        row = site.iloc[0]
        model = self.model
        parcels = route_parcels(choices, orders, zips, str(station_id), facilities=net,
                                 model=model, seed=seed)
        depot = Station(str(station_id), float(row["lat"]), float(row["lon"]),
                        kind=str(row["kind"]))
        problem = build_problem_from_parcels(
            parcels, fleet if fleet is not None else _default_fleet(operations=model), depot,
            params=RoutingParams(operations=model), source=f"van parcels of {station_id}")
        plan = solve_routes(problem, time_limit_s=time_limit_s, seed=seed, decompose=decompose)
        return self._set("routes", parcels=parcels, route_problem=problem, route_plan=plan)

