"""Days of operation, end to end, on the operating model.

:func:`simulate` runs ``days`` consecutive days over a region and a network:

1. **orders** from the demand model (:func:`hinterland.demand.orders.generate_orders`),
   made over-dispersed by a gamma multiplier per ZIP area and day (mixed Poisson:
   ``SimSpec.dispersion`` is the squared coefficient of variation of the daily rate);
2. **promise**: each day's orders as one batch through the promise engine with
   capacities binding and (optionally) the hubs' stock table; every customer takes
   the fastest option offered within two days, and an order with none is
   ``cancelled`` with its reason;
3. **operations**, vectorised per parcel with seeded random variation: line-haul
   transit varies (lognormal, ``linehaul_cv``) and a truck that arrives after its wave
   has left puts its parcels on the next day's wave; each station's vans carry at
   most its daily capacity, the overflow waiting for the next day (in ready-time
   order); within a route, a parcel is delivered at a uniform point of the route's
   span from first stop to last, stretched by service and travel variation
   (``route_cv``); a first attempt fails with ``fail_rate`` (re-attempted on the next
   day's wave); the partner delivers within its delivery window on the promised day;
   drones are grounded on a site's weather day (``1 - availability`` of days);
4. **tracking events** (:data:`EVENT_COLUMNS`), one row per parcel and event, and a
   parcel table (:data:`PARCEL_COLUMNS`) for the KPIs (:mod:`hinterland.sim.kpis`).

The simulation adds no operating rule of its own: times, capacities, waves, costs
and hours come from the :class:`~hinterland.operations.OperatingModel`, through the
promise engine's timeline (:attr:`~hinterland.promise.engine.PromiseResult.ready_min`
and the rest). Same seed, same result.

Times in the tables are minutes from local midnight of the first simulated day at
the destination (day ``d`` starts at ``1440 d``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.core.vocabulary import DAY_MIN, TIERS
from hinterland.demand.catalogue import Catalogue, generate_catalogue
from hinterland.demand.orders import generate_orders
from hinterland.demand.rates import DemandRates
from hinterland.geo import haversine_km
from hinterland.operations import OperatingModel
from hinterland.promise.engine import MODES, PromiseEngine, StockIndex

__all__ = ["EVENTS", "EVENT_COLUMNS", "PARCEL_COLUMNS", "SimResult", "SimSpec", "simulate"]

#: Parcel ids are ``day x PARCEL_ID_DAY + sequence`` (int64).
PARCEL_ID_DAY = 100_000_000

#: Tracking event kinds, in the order a parcel meets them.
EVENTS: tuple[str, ...] = (
    "ordered",
    "picked",
    "departed_fc",
    "arrived_station",
    "sorted",
    "out_for_delivery",
    "handed_to_partner",
    "attempted",
    "delivered",
    "cancelled",
)

#: Columns of the event log (one row per parcel and event).
EVENT_COLUMNS: tuple[str, ...] = (
    "parcel_id",  # int64, day x PARCEL_ID_DAY + sequence (the parcel table's id)
    "event",  # categorical, one of EVENTS
    "minute",  # float, minutes from the first day's local midnight at the destination
    "local_time",  # timestamp (no offset): local wall-clock time at the destination
    "time_zone",  # categorical, IANA zone of the destination
    "facility_id",  # categorical, where it happened ("" at the customer's door)
    "route_id",  # categorical, station-day-wave of the van (van events), else ""
    "carrier",  # categorical: own_van, postal_partner, drone, or ""
)

#: Columns of the parcel table.
PARCEL_COLUMNS: tuple[str, ...] = (
    "parcel_id", "day", "zip", "state", "rurality", "mode", "carrier", "source_id",
    "site_id", "tier", "ordered_min", "promised_min", "delivered_min", "status",
    "reason", "attempts", "cost_cents", "co2_kg", "weight_kg", "late_min",
)


@dataclass(frozen=True)
class SimSpec:
    """What to simulate.

    Attributes
    ----------
    days
        Consecutive days.
    start
        First day (ISO date).
    seed
        Seed of every random draw (orders, variation, failures, weather).
    dispersion
        Squared coefficient of variation of a ZIP area's daily demand around the demand
        model's rate (0: Poisson). Default 0.1 (**assumption**).
    linehaul_cv, route_cv
        Coefficient of variation of line-haul transit and of a route's span
        (lognormal multipliers). Defaults 0.05 and 0.08 (**assumption**).
    fail_rate
        Share of first delivery attempts that fail (re-attempted next day). Default 0.02
        (**assumption**).
    capacity
        Promise with capacities binding and cap each station's daily van volume.
    catalogue_items
        Items of the generated catalogue (orders draw items from it).
    """

    days: int = 7
    start: str = "2026-03-02"
    seed: int = 0
    dispersion: float = 0.1
    linehaul_cv: float = 0.05
    route_cv: float = 0.08
    fail_rate: float = 0.02
    capacity: bool = True
    catalogue_items: int = 2_000
    demand: DemandRates = field(default_factory=DemandRates)

    def __post_init__(self) -> None:
        if not 1 <= self.days <= 366:
            raise HinterlandError(f"days must be within 1..366, got {self.days!r}")
        dt.date.fromisoformat(self.start)
        for name in ("dispersion", "linehaul_cv", "route_cv"):
            v = getattr(self, name)
            if not (np.isfinite(v) and 0 <= v <= 5):
                raise HinterlandError(f"{name} must be within 0..5, got {v!r}")
        if not 0 <= self.fail_rate < 1:
            raise HinterlandError(f"fail_rate must be within 0..1, got {self.fail_rate!r}")


@dataclass
class SimResult:
    """Outcome of :func:`simulate`: the parcel table, the event log and the inputs' sizes."""

    parcels: pd.DataFrame
    events: pd.DataFrame
    spec: SimSpec
    model: OperatingModel
    facilities: pd.DataFrame
    zips: pd.DataFrame
    routes: pd.DataFrame


def _orders(zips: pd.DataFrame, catalogue: Catalogue, day: pd.Timestamp, spec: SimSpec,
            rng: np.random.Generator, seed: int) -> pd.DataFrame:
    """One day's orders, over-dispersed by a gamma multiplier per ZIP area (mixed Poisson)."""
    base = generate_orders(zips, catalogue, day, seed=seed, rates=spec.demand)
    if spec.dispersion <= 0 or base.empty:
        return base
    k = 1.0 / spec.dispersion
    g = rng.gamma(k, 1.0 / k, len(zips))
    code = base["zip"].cat.codes.to_numpy() if hasattr(base["zip"], "cat") else \
        pd.Index(zips["zip"]).get_indexer(base["zip"].astype(str))
    keep = rng.random(len(base)) < np.minimum(g[code], 1.0)
    # g > 1: extra orders, copies of that day's orders at the same ZIP area.
    counts = np.bincount(code, minlength=len(zips))
    extra = rng.poisson(np.maximum(g - 1.0, 0.0) * counts)
    pick = []
    order = np.argsort(code, kind="stable")
    starts = np.r_[0, np.cumsum(counts)]
    for z in np.flatnonzero(extra):
        if counts[z]:
            pick.append(order[starts[z] + rng.integers(0, counts[z], extra[z])])
    out = base[keep]
    if pick:
        more = base.iloc[np.concatenate(pick)].copy()
        more["minute"] = rng.integers(0, 1440, len(more)).astype(np.int16)
        out = pd.concat([out, more], ignore_index=True)
    return out.reset_index(drop=True)


def _timeline(values: np.ndarray | None) -> np.ndarray:
    if values is None:  # pragma: no cover - the engine always fills it
        raise HinterlandError("the promise result carries no timeline")
    return values


def simulate(
    zips: pd.DataFrame,
    facilities: pd.DataFrame,
    model: OperatingModel | None = None,
    spec: SimSpec | None = None,
    *,
    stock: pd.DataFrame | None = None,
    engine: PromiseEngine | None = None,
) -> SimResult:
    """Simulate ``spec.days`` days of operation (see the module docstring).

    Parameters
    ----------
    zips
        ZIP areas of the region (:func:`hinterland.data.zip_areas` schema).
    facilities
        The network (facility table).
    model
        The operating model (default :class:`~hinterland.operations.OperatingModel`).
    spec
        Days, seeds and variation (:class:`SimSpec`).
    stock
        Hub stock (``facility_id``, ``item_id``; item ids are the catalogue's ``item``):
        an order for an item its hub does not stock is not promised from that hub.
    engine
        A promise engine already built over ``facilities`` and ``zips``.
    """
    spec = spec or SimSpec()
    model = model or OperatingModel()
    zips = zips.reset_index(drop=True)
    if len(zips) == 0:
        raise HinterlandError("the region has no ZIP areas")
    engine = engine or PromiseEngine(facilities, zips, model)
    index = StockIndex.build(engine, stock) if stock is not None else None
    catalogue = generate_catalogue(spec.catalogue_items, seed=spec.seed)
    items = catalogue.items
    seeds = np.random.SeedSequence(spec.seed).spawn(spec.days)
    rows_all, frames = [], []
    start = pd.Timestamp(spec.start)
    for d in range(spec.days):
        day = start + pd.Timedelta(days=d)
        rng = np.random.default_rng(seeds[d])
        o = _orders(zips, catalogue, day, spec, rng, int(seeds[d].generate_state(1)[0]))
        if o.empty:
            continue
        zrow = engine.zip_rows(o["zip"].astype(str).to_numpy())
        item = o["item"].to_numpy()
        w = items["weight_kg"].to_numpy()[item] * o["quantity"].to_numpy()
        t = o["minute"].to_numpy(float) + rng.random(len(o))  # within the minute
        # weather: a drone site flies on a day with probability `availability`
        n_fac = len(engine.facility_ids)
        flies = rng.random(n_fac) < model.drone.availability
        dsite = engine.dest.drone_src[zrow]
        weather = np.where(dsite >= 0, flies[np.maximum(dsite, 0)], True)
        res = engine.promise_arrays(
            zrow, t, w, np.full(len(o), TIERS.index("two_day"), np.int8), weather_ok=weather,
            capacity=spec.capacity,
            items=None if index is None else index.codes(item.astype(str)), stock=index)
        frames.append(pd.DataFrame({
            "parcel_id": d * PARCEL_ID_DAY + np.arange(len(o), dtype=np.int64),
            "day": d, "zrow": zrow, "t": t + d * DAY_MIN, "weight_kg": w,
            "chosen": res.chosen, "tier_reason": res.tier_reason,
            "best_tier": res.best_tier(),
            "promised": np.where(res.chosen >= 0, res.promised_min[
                np.arange(len(o)), np.maximum(res.chosen, 0)], np.nan) + d * DAY_MIN,
            "cost_cents": np.where(res.chosen >= 0, res.cost_cents[
                np.arange(len(o)), np.maximum(res.chosen, 0)], 0),
            "co2_kg": np.where(res.chosen >= 0, res.co2_kg[
                np.arange(len(o)), np.maximum(res.chosen, 0)], 0.0),
            "source": np.where(res.chosen >= 0, res.source[
                np.arange(len(o)), np.maximum(res.chosen, 0)], -1),
            "handoff": np.where(res.chosen >= 0, res.handoff[
                np.arange(len(o)), np.maximum(res.chosen, 0)], -1),
            "leave_fc": _timeline(res.leave_fc_min) + d * DAY_MIN,
            "ready": _timeline(res.ready_min) + d * DAY_MIN,
            "depart": _timeline(res.depart_min) + d * DAY_MIN,
            "first": _timeline(res.first_min) + d * DAY_MIN,
            "u": rng.random(len(o)), "v": rng.standard_normal(len(o)),
            "lh": rng.standard_normal(len(o)), "fail": rng.random(len(o)),
        }))
        rows_all.append(len(o))
    if not frames:
        raise HinterlandError("no orders in the simulated days (empty region?)")
    p = pd.concat(frames, ignore_index=True)
    parcels, routes = _operate(p, engine, model, spec)
    parcels.attrs["start"] = spec.start
    events = _events(parcels, p, engine)
    return SimResult(parcels=parcels, events=events, spec=spec, model=model,
                     facilities=engine.sites.facilities, zips=zips, routes=routes)


def _operate(p: pd.DataFrame, engine: PromiseEngine, model: OperatingModel, spec: SimSpec
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Physical operations on the promised parcels (vectorised; see the module docstring)."""
    van, partner = model.van, model.partner
    n = len(p)
    chosen = p["chosen"].to_numpy()
    mode = np.where(chosen >= 0, np.asarray(MODES, dtype=object)[np.maximum(chosen, 0)], None)
    is_van = np.isin(mode, ["hub_van", "fc_van"])
    is_po = np.isin(mode, ["postal_express_24h", "postal_priority_same_day"])
    is_fc = np.isin(mode, ["fc_van", "postal_express_24h"])
    site = np.where(p["handoff"].to_numpy() >= 0, p["handoff"].to_numpy(), p["source"].to_numpy())
    ready = p["ready"].to_numpy().copy()
    depart = p["depart"].to_numpy().copy()
    first = p["first"].to_numpy().copy()
    promised = p["promised"].to_numpy()
    # Line-haul variation: a late truck misses its wave, the parcel rides the next day's.
    lh_dep = p["leave_fc"].to_numpy()
    transit = np.where(is_fc, ready - lh_dep, 0.0)
    delay = transit * (np.exp(spec.linehaul_cv * p["lh"].to_numpy()
                              - 0.5 * spec.linehaul_cv ** 2) - 1.0)
    ready = np.where(is_fc, ready + delay, ready)
    missed = is_fc & (ready > depart)
    slip = np.where(missed, np.ceil((ready - depart) / DAY_MIN), 0.0)
    # Station capacity: each site's vans carry at most its capacity a day; overflow waits.
    cap = engine.capacity
    if spec.capacity:
        day = np.floor(np.where(is_van, depart + slip * DAY_MIN, 0.0) / DAY_MIN).astype(np.int64)
        last = int(day.max()) if is_van.any() else 0
        for k in range(int(day[is_van].min()) if is_van.any() else 0, last + 8):
            today = np.flatnonzero(is_van & (day == k))
            if today.size == 0:
                if k > last:
                    break
                continue
            key = site[today]
            order = np.lexsort((ready[today], key))
            ks = key[order]
            starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
            rank = np.arange(len(ks)) - np.repeat(starts, np.diff(np.r_[starts, len(ks)]))
            over = today[order][rank >= cap[ks]]
            slip[over] += 1.0
            day[over] += 1
            last = max(last, int(day[over].max()) if over.size else last)
    depart = depart + slip * DAY_MIN
    first = first + slip * DAY_MIN
    span = np.maximum(promised + slip * DAY_MIN - first, 0.0)
    stretch = np.exp(spec.route_cv * p["v"].to_numpy() - 0.5 * spec.route_cv ** 2)
    attempt = first + span * p["u"].to_numpy() * stretch
    # Partner: delivered within its delivery window (office clock ~ destination's) on
    # the promised day; drones as promised.
    pday = np.floor(promised / DAY_MIN) * DAY_MIN
    window = partner.delivery_end_min - partner.delivery_start_min
    attempt = np.where(is_po, np.maximum(pday + partner.delivery_start_min
                                         + p["u"].to_numpy() * window,
                                         depart), attempt)
    attempt = np.where(mode == "drone", promised, attempt)
    failed = (is_van | is_po) & (p["fail"].to_numpy() < spec.fail_rate)
    delivered = np.where(failed, attempt + DAY_MIN, attempt)
    cancelled = chosen < 0
    delivered = np.where(cancelled, np.nan, delivered)
    zr = p["zrow"].to_numpy()
    z = engine.zips
    late = np.where(cancelled, np.nan, np.maximum(delivered - promised, 0.0))
    ids = np.append(engine.facility_ids.astype(str), "")
    src = p["source"].to_numpy()
    carriers = {"hub_van": "own_van", "fc_van": "own_van", "drone": "drone",
                "postal_express_24h": "postal_partner",
                "postal_priority_same_day": "postal_partner"}
    status = np.where(cancelled, "cancelled", np.where(late > 0.5, "late", "on_time"))
    wave = np.full(n, -1)
    if is_van.any():
        waves = np.array(van.waves_min)
        minute = np.mod(depart, DAY_MIN)
        wave = np.where(is_van, np.argmin(np.abs(minute[:, None] - waves[None, :]), axis=1), -1)
    route_day = np.floor(np.where(is_van, depart, 0.0) / DAY_MIN).astype(np.int64)
    parcels = pd.DataFrame({
        "parcel_id": p["parcel_id"].to_numpy(),
        "day": p["day"].to_numpy(),
        "zip": z["zip"].to_numpy()[zr],
        "state": engine_state(engine, zr),
        "rurality": z["rurality"].to_numpy()[zr],
        "mode": np.where(cancelled, "", np.asarray(mode, dtype=object).astype(str)),
        "carrier": pd.Series(mode).map(carriers).fillna("").to_numpy(dtype=object),
        "source_id": ids[np.where(src >= 0, src, len(ids) - 1)],
        "site_id": ids[np.where(site >= 0, site, len(ids) - 1)],
        "tier": np.asarray(("60min", "same_day", "next_day", "two_day", "beyond"),
                           dtype=object)[p["best_tier"].to_numpy()],
        "ordered_min": p["t"].to_numpy(),
        "promised_min": promised,
        "delivered_min": delivered,
        "status": status,
        "reason": np.where(cancelled, "NO_OPTION_WITHIN_TWO_DAYS", ""),
        "attempts": np.where(cancelled, 0, 1 + failed.astype(int)),
        "cost_cents": p["cost_cents"].to_numpy(),
        "co2_kg": p["co2_kg"].to_numpy(),
        "weight_kg": p["weight_kg"].to_numpy(),
        "late_min": late,
        "ready_min": ready,
        "depart_min": depart,
        "leave_fc_min": lh_dep,
        "attempt_min": np.where(cancelled, np.nan, attempt),
        "route_id": _route_ids(is_van, site, route_day, wave, ids),
    })
    routes = _routes(parcels, engine, model)
    return parcels, routes


def _route_ids(is_van: np.ndarray, site: np.ndarray, day: np.ndarray, wave: np.ndarray,
               ids: np.ndarray) -> pd.Categorical:
    """``SITE-d<day>-w<wave>`` for van parcels (formatted once per route), else ``""``."""
    key = np.where(is_van, (np.maximum(site, 0).astype(np.int64) * 10_000 + day) * 10
                   + np.maximum(wave, 0), -1)
    codes, uniq = pd.factorize(key)
    names = np.array([f"{ids[k // 100_000]}-d{(k // 10) % 10_000}-w{k % 10}" if k >= 0 else ""
                      for k in uniq], dtype=object)
    return pd.Categorical.from_codes(codes, categories=pd.Index(names).unique()) \
        if len(set(names)) == len(names) else pd.Categorical(names[codes])


def engine_state(engine: PromiseEngine, zr: np.ndarray) -> np.ndarray:
    """State of each ZIP row (the engine keeps only coordinates: look it up by ZIP)."""
    from hinterland.data import zip_areas

    states = zip_areas().set_index("zip")["state"]
    return states.reindex(engine.zips["zip"].to_numpy()[zr]).fillna("").to_numpy()


def _routes(parcels: pd.DataFrame, engine: PromiseEngine, model: OperatingModel
            ) -> pd.DataFrame:
    """Van routes per station, day and wave from the calibrated continuous approximation
    (:func:`hinterland.operations.route_length.route_estimate`): stops = parcels / parcels
    per stop, spread over the equivalent area of the ZIP areas they go to
    (:func:`~hinterland.operations.route_length.equivalent_area_km2` over each area's
    land), the stem to the nearest of them; the van's capacity, shift, load, break and
    service from the operating model, speed and circuity from its travel model. One
    driver shift per route.
    """
    from hinterland.data import zip_areas
    from hinterland.operations.route_length import route_estimate

    van, travel = model.van, model.travel
    cols = ["route_id", "site_id", "day", "parcels", "stops", "routes", "km", "driver_h",
            "cost_usd", "co2_kg"]
    v = parcels[parcels["route_id"].astype(str) != ""]
    if v.empty:
        return pd.DataFrame(columns=cols)
    fac = engine.sites.facilities
    land = zip_areas().set_index("zip")["land_km2"]
    per_zip = v.groupby([v["route_id"].astype(str), v["zip"].astype(str)], sort=True).agg(
        parcels=("parcel_id", "size"), site_id=("site_id", "first"), day=("day", "first"),
        rur=("rurality", "first"))
    rid = per_zip.index.get_level_values(0).to_numpy()
    zipc = per_zip.index.get_level_values(1).to_numpy()
    pos = pd.Index(engine.facility_ids.astype(str)).get_indexer(per_zip["site_id"].astype(str))
    zpos = pd.Index(engine.zips["zip"]).get_indexer(zipc)
    rur = per_zip["rur"].astype(str).to_numpy()
    gc = haversine_km(engine.zips["lat"].to_numpy()[zpos], engine.zips["lon"].to_numpy()[zpos],
                      fac["lat"].to_numpy()[pos], fac["lon"].to_numpy()[pos])
    n_z = per_zip["parcels"].to_numpy() / van.parcels_per_stop
    a_z = np.maximum(land.reindex(zipc).to_numpy(float), 0.01)
    frame = pd.DataFrame({"route_id": rid, "span": np.sqrt(n_z * a_z), "stops": n_z,
                          "parcels": per_zip["parcels"].to_numpy(),
                          "stem": travel.road_km(gc, rur),
                          "site_id": per_zip["site_id"].to_numpy(),
                          "day": per_zip["day"].to_numpy(), "rur": rur})
    g = frame.groupby("route_id", sort=True).agg(
        span=("span", "sum"), stops=("stops", "sum"), parcels=("parcels", "sum"),
        stem=("stem", "min"), site_id=("site_id", "first"), day=("day", "first"),
        rur=("rur", "first"))
    stops = np.ceil(g["stops"].to_numpy())
    # equivalent uniform area of the route group's ZIP areas, (sum sqrt(n_z A_z))^2 / n
    # (:func:`~hinterland.operations.route_length.equivalent_area_km2`, grouped)
    area = g["span"].to_numpy() ** 2 / np.maximum(g["stops"].to_numpy(), 1e-9)
    codes = pd.Categorical(g["rur"], categories=list(travel.speed_kmh)).codes
    speed = np.array(list(travel.speed_kmh.values()))[np.maximum(codes, 0)]
    circ = np.array(list(travel.circuity.values()))[np.maximum(codes, 0)]
    est = route_estimate(
        np.maximum(stops, 1.0), g["parcels"].to_numpy(float), np.maximum(area, 1e-6),
        g["stem"].to_numpy(), capacity=van.capacity_parcels, shift_min=van.shift_min,
        load_min=van.load_min, break_min=van.break_min, stop_service_min=van.stop_service_min,
        parcel_service_min=van.parcel_service_min, speed_kmh=speed, circuity=circ)
    routes = np.maximum(np.asarray(est.routes, dtype=float),
                        np.ceil(g["parcels"].to_numpy() / van.capacity_parcels))
    km = np.asarray(est.km, dtype=float)
    hours = routes * van.shift_min / 60.0
    cost = (hours * float(van.cost_per_hour_usd) + km * float(van.cost_per_km_usd)
            + stops * float(van.cost_per_stop_usd) + routes * float(van.fixed_cost_per_day_usd))
    return pd.DataFrame({"route_id": g.index.to_numpy(), "site_id": g["site_id"].to_numpy(),
                         "day": g["day"].to_numpy(), "parcels": g["parcels"].to_numpy(),
                         "stops": stops.astype(int), "routes": routes.astype(int),
                         "km": km, "driver_h": hours, "cost_usd": cost,
                         "co2_kg": km * van.co2_kg_per_km}, columns=cols)


def _events(parcels: pd.DataFrame, p: pd.DataFrame, engine: PromiseEngine) -> pd.DataFrame:
    """The event log: one row per parcel and event (vectorised per event kind)."""
    del p
    zl = engine.zips.set_index("zip")["time_zone"]
    tz = pd.Categorical(zl.reindex(parcels["zip"].astype(str)).to_numpy())
    start = np.datetime64(pd.Timestamp(parcels.attrs.get("start", "2026-03-02")), "s")
    mode = parcels["mode"].to_numpy()
    fc_pick = parcels["ordered_min"].to_numpy() + engine.model.fc.pick_min
    pick = np.where(np.isin(mode, ["hub_van", "drone"]), parcels["ready_min"].to_numpy(),
                    np.where(np.isin(mode, ["fc_van", "postal_express_24h",
                                            "postal_priority_same_day"]), fc_pick, np.nan))
    van = np.isin(mode, ["hub_van", "fc_van"])
    fc = np.isin(mode, ["fc_van", "postal_express_24h"])
    po = np.isin(mode, ["postal_express_24h", "postal_priority_same_day"])
    status = parcels["status"].to_numpy()
    n = len(parcels)
    site = pd.Categorical(parcels["site_id"].astype(str))
    src = pd.Categorical(parcels["source_id"].astype(str), categories=site.categories.union(
        pd.Index(parcels["source_id"].astype(str).unique())))
    site = pd.Categorical(parcels["site_id"].astype(str), categories=src.categories)
    blank = pd.Categorical(np.full(n, ""), categories=src.categories)
    route = pd.Categorical(parcels["route_id"].astype(str))
    no_route = pd.Categorical(np.full(n, ""), categories=route.categories)
    carrier = pd.Categorical(parcels["carrier"].astype(str))
    spec = [
        ("ordered", np.ones(n, bool), parcels["ordered_min"], blank, no_route),
        ("picked", np.isfinite(pick), pick, src, no_route),
        ("departed_fc", fc, parcels["leave_fc_min"], src, no_route),
        ("arrived_station", fc & van,
         parcels["ready_min"] - engine.model.station.sort_min, site, no_route),
        ("sorted", fc & van, parcels["ready_min"], site, no_route),
        ("out_for_delivery", van, parcels["depart_min"], site, route),
        ("handed_to_partner", po, parcels["depart_min"], site, no_route),
        ("attempted", parcels["attempts"].to_numpy() > 1, parcels["attempt_min"], blank, route),
        ("delivered", status != "cancelled", parcels["delivered_min"], blank, route),
        ("cancelled", status == "cancelled", parcels["ordered_min"], blank, no_route),
    ]
    ev: list[np.ndarray] = []
    mins: list[np.ndarray] = []
    fcodes: list[np.ndarray] = []
    rcodes: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    for code, (_, mask, minute, facility, rid) in enumerate(spec):
        idx = np.flatnonzero(np.asarray(mask, bool))
        rows.append(idx)
        ev.append(np.full(len(idx), code, np.int8))
        mins.append(np.asarray(minute, dtype=float)[idx])
        fcodes.append(np.asarray(facility.codes)[idx])
        rcodes.append(np.asarray(rid.codes)[idx])
    r = np.concatenate(rows)
    e = np.concatenate(ev)
    order = np.lexsort((e, r))
    r, e = r[order], e[order]
    minute = np.concatenate(mins)[order]
    pid = parcels["parcel_id"].to_numpy()[r]
    return pd.DataFrame({
        "parcel_id": pid,
        "event": pd.Categorical.from_codes(e.astype(np.int64), categories=pd.Index(EVENTS),
                                           ordered=True),
        "minute": minute,
        "local_time": start + np.round(minute * 60.0).astype("timedelta64[s]"),
        "time_zone": pd.Categorical.from_codes(np.asarray(tz.codes)[r], tz.categories),
        "facility_id": pd.Categorical.from_codes(np.concatenate(fcodes)[order],
                                                 src.categories),
        "route_id": pd.Categorical.from_codes(np.concatenate(rcodes)[order], route.categories),
        "carrier": pd.Categorical.from_codes(np.asarray(carrier.codes)[r], carrier.categories),
    })
