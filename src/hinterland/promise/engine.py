"""Promise engine: feasible delivery options per order, and the one chosen by policy.

Options (:data:`~hinterland.promise.modes.MODES`), each with a promised delivery
time, a cost and a CO2 estimate:

==================================  ========================================================
mode                                path
==================================  ========================================================
``hub_van``                         a site's own stock (hybrid hub, retail store) -> own van
                                    on the next van wave whose cut-off the order makes
``fc_van``                          fulfillment center -> line-haul (hours of service) ->
                                    delivery station sort -> own van on the next wave
``postal_express_24h``              fulfillment center -> line-haul to the partner post
                                    office serving the ZIP -> partner carrier ("Express 24h")
``postal_priority_same_day``        fulfillment center -> direct shuttle to the partner
                                    office -> partner carrier the same day, where offered
``drone``                           drone site stock -> drone, within its radius, payload,
                                    daylight hours and daily sorties
==================================  ========================================================

Every rule comes from the :class:`~hinterland.operations.OperatingModel` (one home):
van routes must fit the shift and the delivery day
(:meth:`~hinterland.operations.vans.VanFleet.route`), trucks stop as drivers' hours
require, and every facility's schedule is on its own local clock, converted to the
destination's (the order's clock) with IANA time zones. Each destination considers
its ``nearest_sites`` nearest sites of each kind and keeps the best. Promised times
are rounded up to whole minutes, so equal promises tie exactly.

Times are minutes from local midnight of the order's day at the destination; a
promise at ``1440 + 600`` is 10:00 the next day. Each order asks for a tier
(:data:`~hinterland.core.vocabulary.TIERS`). The policy picks, among options
meeting the tier, the ``fastest`` (ties: cheaper) or the ``cheapest`` (ties:
faster). When none meets the tier the order says why (``MISSES_TIER`` with the
earliest option, or ``NO_OPTION``), and every option carries a reason code
(:class:`~hinterland.core.vocabulary.Reason`). ``best_tier`` is the fastest tier
the order could be promised, whatever it asked.

With ``capacity=True`` a batch is promised as one day's operations: each station's
van capacity and each drone site's sorties are consumed in order-time order; an
order that finds its site full slips to the site's next day, or takes the next
best option, with ``AT_CAPACITY`` where an option is gone.

Costs are estimates in whole cents (``int64``, exact integer arithmetic); fees and
revenue shares use the partner's exact schedule. Settlement of what is billed is in
:mod:`hinterland.carriers.settlement` (exact Decimals).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from hinterland.core.clock import clock_shift_min, time_zones, utc_offset_min
from hinterland.core.errors import HinterlandError, InputError
from hinterland.core.money import to_cents, usd
from hinterland.core.vocabulary import (
    COVERAGE_CLASSES,
    DAY_MIN,
    REASON_NAMES,
    REASON_TEXT,
    TIERS,
    Reason,
    kinds_with,
    tier_deadline_min,
)
from hinterland.data.rurality import RURALITY_CLASSES
from hinterland.geo import haversine_km, unit_vectors
from hinterland.geo.distance import chord_to_km
from hinterland.operations.model import DEFAULT_SHIPPING_FEE_USD, OperatingModel
from hinterland.operations.postal import check_service_table, service_areas
from hinterland.promise import modes as md
from hinterland.promise.modes import MODE_CARRIER, MODES
from hinterland.promise.orders_check import check_orders

__all__ = [
    "DEFAULT_SHIPPING_FEE_USD",
    "MODES",
    "MODE_CARRIER",
    "POLICIES",
    "REASON_NAMES",
    "REASON_TEXT",
    "TIERS",
    "ParsedOrders",
    "PromiseEngine",
    "PromiseResult",
    "Reason",
    "StockIndex",
    "UnknownZipError",
    "best_tier_codes",
    "parse_orders",
]

HUB_VAN, FC_VAN, POSTAL_EXPRESS, POSTAL_PRIORITY, DRONE = range(5)
POLICIES: tuple[str, ...] = ("fastest", "cheapest")
DAY = DAY_MIN


def best_tier_codes(order_min: NDArray[np.float64], promised_min: NDArray[np.float64]
                    ) -> NDArray[np.int8]:
    """Fastest tier (code into :data:`~hinterland.core.vocabulary.COVERAGE_CLASSES`) that a
    promise at ``promised_min`` meets for an order at ``order_min``; ``beyond`` (4) when
    none or infeasible (NaN)."""
    t = np.asarray(order_min, dtype=float)
    p = np.asarray(promised_min, dtype=float)
    out = np.full(p.shape, len(COVERAGE_CLASSES) - 1, np.int8)
    for code in range(len(TIERS) - 1, -1, -1):
        out = np.where(p <= tier_deadline_min(np.full(p.shape, code), t), code, out
                       ).astype(np.int8)
    return out


# ---------------------------------------------------------------------------------------------
# Static per-destination features
# ---------------------------------------------------------------------------------------------


class _Nearest:
    """Nearest-site search over a fixed set of sites (cKDTree on 3-D unit vectors, built once)."""

    def __init__(self, sites: pd.DataFrame) -> None:
        self.n = len(sites)
        self.tree = (cKDTree(unit_vectors(sites["lat"].to_numpy(), sites["lon"].to_numpy()))
                     if self.n else None)

    def query(self, lat: NDArray[np.float64], lon: NDArray[np.float64], k: int = 1
              ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Positions of the ``k`` nearest sites to each point, shape ``(k, n)``, and
        great-circle km (-1 and inf where there are fewer sites)."""
        n = len(lat)
        if self.tree is None:
            return np.full((k, n), -1, np.int64), np.full((k, n), np.inf)
        kk = min(k, self.n)
        chord, idx = self.tree.query(unit_vectors(lat, lon), k=kk)
        idx = np.asarray(idx, dtype=np.int64).reshape(n, kk).T
        km = chord_to_km(np.asarray(chord).reshape(n, kk).T)
        if kk < k:
            idx = np.vstack([idx, np.full((k - kk, n), -1, np.int64)])
            km = np.vstack([km, np.full((k - kk, n), np.inf)])
        return idx, km


@dataclass(frozen=True)
class _Sites:
    """Facility subsets by capability (positions into the facility table)."""

    facilities: pd.DataFrame
    hubs: NDArray[np.int64]
    stations: NDArray[np.int64]
    offices: NDArray[np.int64]
    fcs: NDArray[np.int64]
    drones: NDArray[np.int64]


class Destinations:
    """Order-independent features of a set of destinations (arrays, one column each).

    Built by :meth:`PromiseEngine.destinations`. Slot arrays have shape ``(s, n)``: one
    row per van wave (``hub_*``) or line-haul departure (``fcv_*``, ``pex_*``); see
    :func:`hinterland.promise.modes.at_order`.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.offset = np.zeros(n)  # UTC offset (min) of the destination on the model date
        self.hub_prom = self.hub_cut = self.hub_dep = self.hub_stem = np.empty((0, n))
        self.hub_src = np.empty((0, n), np.int32)
        self.hub_cost = np.empty((0, n), np.int64)
        self.hub_co2 = np.empty((0, n))
        self.hub_reason = np.zeros(n, np.uint8)
        self.fcv_prom = self.fcv_cut = np.empty((0, n))
        self.fcv_leave = self.fcv_ready = self.fcv_dep = self.fcv_stem = np.empty((0, n))
        self.fcv_src = self.fcv_station = np.empty((0, n), np.int32)
        self.fcv_cost = np.empty((0, n), np.int64)
        self.fcv_co2 = np.empty((0, n))
        self.fcv_reason = np.zeros(n, np.uint8)
        self.po_src = np.full(n, -1, np.int32)
        self.fc_for_office = np.full(n, -1, np.int32)
        self.pex_prom = self.pex_cut = self.pex_hand = np.empty((0, n))
        self.pex_leave = self.pex_ready = self.pex_handtime = np.empty((0, n))
        self.ppr_ready = np.full(n, np.nan)
        self.ppr_cutoff = np.full(n, np.nan)
        self.pex_reason = np.zeros(n, np.uint8)
        self.pex_cost = np.zeros(n, np.int64)  # without weight fee and revenue share
        self.pex_co2 = np.full(n, np.nan)
        self.ppr_reason = np.zeros(n, np.uint8)
        self.ppr_latest_order = np.full(n, np.nan)
        self.ppr_promise = np.full(n, np.nan)
        self.drone_src = np.full(n, -1, np.int32)
        self.drone_reason = np.zeros(n, np.uint8)
        self.drone_flight = np.full(n, np.nan)
        self.drone_open = np.full(n, np.nan)
        self.drone_close = np.full(n, np.nan)
        self.drone_cost = np.zeros(n, np.int64)
        self.drone_co2 = np.full(n, np.nan)


def _site_slots(*arrays: NDArray[Any]) -> tuple[NDArray[Any], ...]:
    """``(s, k, n)`` slot arrays over the ``k`` nearest sites -> ``(k * s, n)``, site-major.

    Every (site, schedule slot) pair stays its own slot, each with its own cut-off
    (sites may be on other clocks), and :func:`~hinterland.promise.modes.at_order` takes
    the earliest one an order makes; between equal promises the nearer site wins.
    """
    out = []
    for a in arrays:
        s, k, n = a.shape
        out.append(np.ascontiguousarray(a.swapaxes(0, 1)).reshape(k * s, n))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Orders and results
# ---------------------------------------------------------------------------------------------


class UnknownZipError(InputError):
    """A destination ZIP is not a known ZIP area (the API answers 404)."""

    def __init__(self, source: str, zip_code: str, *, row: int | None = None,
                 column: str | None = "destination_zip") -> None:
        self.zip_code = zip_code
        super().__init__(source, f"unknown ZIP area {zip_code!r} (not a US ZIP code "
                         "tabulation area in the data)", row=row, column=column)


@dataclass
class PromiseResult:
    """Options and choices of a batch of ``n`` orders (arrays; ``k = len(MODES)``).

    Attributes
    ----------
    order_id
        ``(n,)`` order ids (str), or ``None`` for ``"1".."n"`` (made when tables are built).
    day_start
        ``(n,)`` ``datetime64[s]`` wall-clock start of each order's day, or ``None``
        when orders were given as minutes.
    tz_suffix
        ``(n,)`` UTC offset text of each order time (``""`` when naive), or ``None``.
    order_min, tier, policy
        Order minute of the day, tier code (index into :data:`TIERS`), policy.
    promised_min
        ``(n, k)`` promised delivery time, minutes from the order's day start; NaN when
        the option is infeasible.
    cost_cents
        ``(n, k)`` cost estimate in cents; -1 when infeasible.
    co2_kg
        ``(n, k)`` CO2 estimate; NaN when infeasible.
    reason
        ``(n, k)`` :class:`Reason` code of each option (``OK`` when feasible).
    source
        ``(n, k)`` facility row position the parcel leaves from (-1 when none).
    handoff
        ``(n, k)`` facility row position where the last-mile carrier takes over: the
        delivery station (``fc_van``) or the partner's post office (postal modes);
        -1 otherwise.
    meets_tier
        ``(n, k)`` feasible and no later than the tier's deadline.
    chosen
        ``(n,)`` index into :data:`MODES` of the chosen option, -1 when none.
    tier_reason
        ``(n,)`` ``OK``, ``MISSES_TIER`` or ``NO_OPTION``.
    facility_ids
        Facility ids by row position (to name sources).
    weight_kg, shipping_fee_cents
        ``(n,)`` the orders' parcel weights and shipping fees (for settlement).
    handoff_day
        ``(n,)`` days after the order's day on which the chosen partner option hands
        the parcel to the partner; -1 when the chosen option is not the partner's.
    leave_fc_min, ready_min, depart_min, first_min
        ``(n,)`` timeline of the chosen option (destination clock, NaN when none or not
        applicable): the line-haul leaves the fulfillment center; the parcel is ready at
        its last-mile site (picked from stock, or sorted at the station after the
        truck, or at the partner's office); it leaves that site (van wave, hand-off to
        the partner, drone launch; slips for capacity included); the earliest it can be
        delivered (the route's first stop). ``promised_min`` is the latest.
    """

    order_id: NDArray[Any] | None
    day_start: NDArray[Any] | None
    tz_suffix: NDArray[Any] | None
    order_min: NDArray[np.float64]
    tier: NDArray[np.int8]
    policy: str
    promised_min: NDArray[np.float64]
    cost_cents: NDArray[np.int64]
    co2_kg: NDArray[np.float64]
    reason: NDArray[np.uint8]
    source: NDArray[np.int32]
    handoff: NDArray[np.int32]
    meets_tier: NDArray[np.bool_]
    chosen: NDArray[np.int8]
    tier_reason: NDArray[np.uint8]
    facility_ids: NDArray[Any]
    weight_kg: NDArray[np.float64]
    shipping_fee_cents: NDArray[np.int64]
    handoff_day: NDArray[np.int16]
    dest_zip: NDArray[Any] | None = None
    leave_fc_min: NDArray[np.float64] | None = None
    ready_min: NDArray[np.float64] | None = None
    depart_min: NDArray[np.float64] | None = None
    first_min: NDArray[np.float64] | None = None

    def __len__(self) -> int:
        return len(self.chosen)

    def best_tier(self) -> NDArray[np.int8]:
        """Code (into :data:`~hinterland.core.vocabulary.COVERAGE_CLASSES`) of the fastest
        tier each order can be promised, whatever tier it asked."""
        earliest = np.min(np.where(np.isfinite(self.promised_min), self.promised_min, np.inf),
                          axis=1)
        return best_tier_codes(self.order_min, np.where(np.isfinite(earliest), earliest,
                                                        np.nan))

    def ids(self) -> NDArray[Any]:
        """Order ids as an object array (``"1".."n"`` when none were given)."""
        if self.order_id is None:
            return np.arange(1, len(self.chosen) + 1).astype(str).astype(object)
        return self.order_id

    def _time_text(self, minutes: NDArray[np.float64], rows: NDArray[np.int64]) -> NDArray[Any]:
        if self.day_start is None or self.tz_suffix is None:
            return np.full(len(rows), None, dtype=object)
        ok = np.isfinite(minutes)
        secs = np.where(ok, np.round(minutes * 60.0), 0).astype(np.int64)
        stamps = self.day_start[rows] + secs.astype("timedelta64[s]")
        text = np.datetime_as_string(stamps, unit="m").astype(object) + self.tz_suffix[rows]
        return cast("NDArray[Any]", np.where(ok, text, None))

    def options(self) -> pd.DataFrame:
        """Long table, one row per (order, mode).

        Columns: ``order_id``, ``mode``, ``carrier``, ``feasible``, ``reason``,
        ``source_id``, ``handoff_id``, ``promised_min``, ``promised_time`` (ISO, when
        orders had times), ``cost_usd``, ``co2_kg``, ``meets_tier``, ``chosen``.
        """
        n, k = self.promised_min.shape
        rows = np.repeat(np.arange(n), k)
        modes = np.tile(np.arange(k), n)
        reason = self.reason.ravel()
        src = self.source.ravel()
        hand = self.handoff.ravel()
        ids = np.append(self.facility_ids.astype(object), np.array([None], dtype=object))
        cost = self.cost_cents.ravel()
        prom = self.promised_min.ravel()
        return pd.DataFrame(
            {
                "order_id": self.ids()[rows],
                "mode": np.array(MODES, dtype=object)[modes],
                "carrier": np.array([MODE_CARRIER[m] for m in MODES], dtype=object)[modes],
                "feasible": reason == Reason.OK,
                "reason": np.array(REASON_NAMES, dtype=object)[reason],
                "source_id": ids[np.where(src >= 0, src, len(ids) - 1)],
                "handoff_id": ids[np.where(hand >= 0, hand, len(ids) - 1)],
                "promised_min": prom,
                "promised_time": self._time_text(prom, rows),
                "cost_usd": np.where(cost >= 0, cost / 100.0, np.nan),
                "co2_kg": self.co2_kg.ravel(),
                "meets_tier": self.meets_tier.ravel(),
                "chosen": self.chosen[rows] == modes,
            }
        )

    def partner_parcels(self) -> pd.DataFrame:
        """Parcels whose chosen option goes through the postal partner, for settlement.

        Returns the parcel table of :mod:`hinterland.carriers.settlement`
        (``parcel_id`` = order id, ``date`` = hand-off date). Needs order times
        (``order_time``), since settlement is by calendar day.
        """
        if self.day_start is None:
            raise HinterlandError("partner parcels need order_time (dates), not order_min")
        rows = np.flatnonzero(self.handoff_day >= 0)
        c = self.chosen[rows].astype(np.int64)
        day = self.day_start[rows].astype("datetime64[D]") + self.handoff_day[rows].astype(
            "timedelta64[D]")
        return pd.DataFrame(
            {
                "parcel_id": self.ids()[rows],
                "date": np.datetime_as_string(day, unit="D"),
                "zip": self.dest_zip[rows] if self.dest_zip is not None else None,
                "office_id": self.facility_ids[self.handoff[rows, c]],
                "weight_kg": self.weight_kg[rows],
                "service": np.where(c == POSTAL_PRIORITY, "priority_same_day", "express_24h"),
                "shipping_fee_usd": [f"{v // 100}.{v % 100:02d}"
                                     for v in self.shipping_fee_cents[rows]],
            }
        )

    def choices(self) -> pd.DataFrame:
        """One row per order: the chosen option or why the tier cannot be met.

        Columns: ``order_id``, ``tier``, ``policy``, ``mode`` (None when no option
        meets the tier), ``carrier``, ``source_id``, ``handoff_id``, ``promised_min``,
        ``promised_time``, ``cost_usd``, ``co2_kg``, ``reason`` (``OK``,
        ``MISSES_TIER`` or ``NO_OPTION``), ``earliest_mode`` and ``earliest_min`` (the
        fastest feasible option, whatever the tier), ``best_tier`` (the fastest tier of
        :data:`~hinterland.core.vocabulary.COVERAGE_CLASSES` that option meets).
        """
        n = len(self.chosen)
        rows = np.arange(n)
        has = self.chosen >= 0
        c = np.maximum(self.chosen, 0).astype(np.int64)
        ids = np.append(self.facility_ids.astype(object), np.array([None], dtype=object))
        src = np.where(has, self.source[rows, c], -1)
        hand = np.where(has, self.handoff[rows, c], -1)
        prom = np.where(has, self.promised_min[rows, c], np.nan)
        cost = np.where(has, self.cost_cents[rows, c], -1)
        earliest = np.nanargmin(np.where(np.isfinite(self.promised_min), self.promised_min,
                                         np.inf), axis=1)
        any_ok = np.isfinite(self.promised_min).any(axis=1)
        mode_names = np.array([*MODES, None], dtype=object)
        carriers = np.array([*(MODE_CARRIER[m] for m in MODES), None], dtype=object)
        return pd.DataFrame(
            {
                "order_id": self.ids(),
                "tier": np.array(TIERS, dtype=object)[self.tier],
                "policy": self.policy,
                "mode": mode_names[np.where(has, c, len(MODES))],
                "carrier": carriers[np.where(has, c, len(MODES))],
                "source_id": ids[np.where(src >= 0, src, len(ids) - 1)],
                "handoff_id": ids[np.where(hand >= 0, hand, len(ids) - 1)],
                "promised_min": prom,
                "promised_time": self._time_text(prom, rows),
                "cost_usd": np.where(cost >= 0, cost / 100.0, np.nan),
                "co2_kg": np.where(has, self.co2_kg[rows, c], np.nan),
                "reason": np.array(REASON_NAMES, dtype=object)[self.tier_reason],
                "earliest_mode": mode_names[np.where(any_ok, earliest, len(MODES))],
                "earliest_min": np.where(any_ok, self.promised_min[rows, earliest], np.nan),
                "best_tier": np.array(COVERAGE_CLASSES, dtype=object)[self.best_tier()],
            }
        )


# ---------------------------------------------------------------------------------------------
# Engine
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockIndex:
    """Which items each local site stocks (hubs, retail stores, drone sites).

    Built by :meth:`StockIndex.build` from a table with ``facility_id`` and
    ``item_id`` (one row per stocked pair, e.g. an assortment plan). Membership is a
    binary search over sorted integer keys (vectorised).
    """

    items: pd.Index
    keys: NDArray[np.int64]

    @classmethod
    def build(cls, engine: PromiseEngine, stock: pd.DataFrame, source: str = "stock"
              ) -> StockIndex:
        """Index ``stock`` (columns ``facility_id``, ``item_id``) against ``engine``'s sites.

        Raises
        ------
        InputError
            A missing column, or a facility id that is not in the network.
        """
        for col in ("facility_id", "item_id"):
            if col not in stock.columns:
                raise InputError(source, "missing column", column=col)
        fac = pd.Index(engine.facility_ids)
        rows = fac.get_indexer(stock["facility_id"].astype(str).to_numpy())
        bad = _first(rows < 0)
        if bad is not None:
            raise InputError(source, f"facility {stock['facility_id'].iloc[bad]!r} is not in "
                             "the network", row=bad + 1, column="facility_id")
        items = pd.Index(pd.unique(stock["item_id"].astype(str).to_numpy()))
        codes = items.get_indexer(pd.Index(stock["item_id"].astype(str)))
        keys = np.unique(rows.astype(np.int64) * max(len(items), 1) + codes)
        return cls(items=items, keys=keys)

    def codes(self, item_ids: NDArray[Any]) -> NDArray[np.int64]:
        """Code of each item id (-1 for items no site stocks)."""
        values = pd.Index(pd.Series(np.asarray(item_ids, dtype=object)).astype(str))
        return np.asarray(self.items.get_indexer(values), dtype=np.int64)

    def has(self, facility_rows: NDArray[Any], codes: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Whether each (facility row, item code) pair is stocked."""
        f = np.asarray(facility_rows, dtype=np.int64)
        valid = (f >= 0) & (codes >= 0)
        key = np.where(valid, f * max(len(self.items), 1) + codes, -1)
        pos = np.minimum(np.searchsorted(self.keys, key), max(len(self.keys) - 1, 0))
        if len(self.keys) == 0:
            return np.zeros(len(f), bool)
        return valid & (self.keys[pos] == key)


def _rurality_codes(rurality: NDArray[Any]) -> NDArray[np.int64]:
    codes = pd.Categorical(np.asarray(rurality, dtype=object).ravel(),
                           categories=list(RURALITY_CLASSES)).codes
    return np.asarray(np.maximum(codes, 0), dtype=np.int64).reshape(np.shape(rurality))


def _site_rows(sites: NDArray[np.int64], j: NDArray[np.int64]) -> NDArray[np.int64]:
    """Facility rows of nearest-site hits ``j`` into ``sites`` (-1 where none)."""
    if len(sites) == 0:
        return np.full(j.shape, -1, np.int64)
    return np.where(j >= 0, sites[np.maximum(j, 0)], -1)


class PromiseEngine:
    """Promise options for orders over one network.

    Parameters
    ----------
    facilities
        Facility table (:mod:`hinterland.network.facilities` schema). What each kind
        does comes from :data:`hinterland.core.vocabulary.CAPABILITIES`: sites that
        run vans and hold stock give same-day from stock (``hub_van``), every
        van-running site takes line-haul freight (``fc_van``), fulfillment centers
        holding stock send line-haul, partner post offices hand off, drone sites fly.
        An optional ``capacity_per_day`` column caps a site's daily van parcels (or
        drone sorties); empty cells take the operating model's default.
    zips
        ZIP areas (:func:`hinterland.data.zip_areas` schema: ``zip``, ``lat``, ``lon``,
        ``rurality``; optional ``time_zone``) that orders may name.
    model
        The operating model (default :class:`~hinterland.operations.OperatingModel`).
    partner_service
        The partner's service table (:data:`~hinterland.operations.postal.SERVICE_COLUMNS`
        with ``office_id`` naming facility ids); default
        :func:`~hinterland.operations.postal.service_areas` over the partner offices.
    """

    def __init__(
        self,
        facilities: pd.DataFrame,
        zips: pd.DataFrame,
        model: OperatingModel | None = None,
        partner_service: pd.DataFrame | None = None,
    ) -> None:
        self.model = model or OperatingModel()
        self.travel = self.model.travel
        fac = facilities.reset_index(drop=True)
        kind = fac["kind"].astype(str).to_numpy()
        inv = fac["holds_inventory"].astype(bool).to_numpy()

        def has(cap: str) -> NDArray[np.bool_]:
            return np.isin(kind, sorted(kinds_with(cap)))

        self.sites = _Sites(
            facilities=fac,
            hubs=np.flatnonzero(has("runs_vans") & has("may_hold_stock") & inv),
            stations=np.flatnonzero(has("runs_vans")),
            offices=np.flatnonzero(has("partner_handoff")),
            fcs=np.flatnonzero(has("sends_linehaul") & inv),
            drones=np.flatnonzero(has("launches_drones")),
        )
        self.facility_ids = fac["id"].astype(str).to_numpy().astype(object)
        date = self.model.date
        self.facility_zone = time_zones(fac["lat"].to_numpy(), fac["lon"].to_numpy())
        self.facility_offset = utc_offset_min(self.facility_zone, date)
        cols = ["zip", "lat", "lon", "rurality"] + (["time_zone"] if "time_zone" in zips else [])
        self.zips = zips.reset_index(drop=True)[cols].copy()
        self.zips["zip"] = self.zips["zip"].astype(str)
        self.zips["rurality"] = self.zips["rurality"].astype(str)
        if "time_zone" not in self.zips:
            self.zips["time_zone"] = time_zones(self.zips["lat"].to_numpy(),
                                                self.zips["lon"].to_numpy())
        self.zip_offset = utc_offset_min(self.zips["time_zone"].to_numpy(), date)
        self._zip_rur_code = _rurality_codes(self.zips["rurality"].to_numpy())
        self._zip_index = pd.Index(self.zips["zip"].to_numpy())
        #: ZIP code -> row, for one-order lookups (the API).
        self.zip_position: dict[str, int] = {z: i for i, z in enumerate(self.zips["zip"])}
        self._zip_tree = cKDTree(unit_vectors(self.zips["lat"].to_numpy(),
                                              self.zips["lon"].to_numpy()))
        self._service = self._service_by_zip(partner_service)
        sub = self.sites
        self._near = {name: _Nearest(fac.iloc[getattr(sub, name)])
                      for name in ("hubs", "stations", "offices", "fcs", "drones")}
        self._station_feed = self._feeder(sub.stations)
        self._office_feed = self._feeder(sub.offices)
        dr = fac.iloc[sub.drones]
        self._drone_hours = self.model.drone.hours(
            dr["lat"].to_numpy(), dr["lon"].to_numpy(), self.facility_zone[sub.drones], date)
        self.capacity = self._capacities(fac)
        self.dest = self.destinations(self.zips, service_rows=np.arange(len(self.zips)))

    # -- static features ---------------------------------------------------------------------

    def _capacities(self, fac: pd.DataFrame) -> NDArray[np.float64]:
        """Daily capacity of each facility row: van parcels at van sites, sorties at
        drone sites (``capacity_per_day`` column where given), ``inf`` elsewhere."""
        cap = np.full(len(fac), np.inf)
        given = (pd.to_numeric(fac["capacity_per_day"], errors="coerce").to_numpy(float)
                 if "capacity_per_day" in fac else np.full(len(fac), np.nan))
        st = self.sites.stations
        cap[st] = np.where(np.isfinite(given[st]), given[st], self.model.station.capacity_per_day)
        dr = self.sites.drones
        sorties = self.model.drone.daily_capacity(*self._drone_hours)
        cap[dr] = np.where(np.isfinite(given[dr]), given[dr], sorties)
        return cap

    def _feeder(self, targets: NDArray[np.int64]
                ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """Nearest FC of each target site (-1 if none), line-haul road km and truck minutes
        (hours-of-service rest stops included)."""
        fac = self.sites.facilities.iloc[targets]
        j, gc = _Nearest(self.sites.facilities.iloc[self.sites.fcs]).query(
            fac["lat"].to_numpy(), fac["lon"].to_numpy())
        lh = self.model.linehaul
        km = self.travel.road_km(gc[0], lh.rurality)
        src = _site_rows(self.sites.fcs, j[0])
        return src, km, lh.transit_min(self.travel.drive_min(km, lh.rurality))

    def _service_by_zip(self, table: pd.DataFrame | None) -> pd.DataFrame:
        offices = self.sites.facilities.iloc[self.sites.offices]
        if table is None:
            table = service_areas(self.zips, offices, self.model.partner, self.travel)
        else:
            table = check_service_table(table)
        pos = pd.Series(self.sites.offices, index=offices["id"].astype(str).to_numpy())
        unknown = ~table["office_id"].astype(str).isin(pos.index)
        if unknown.any():
            row = int(np.flatnonzero(unknown.to_numpy())[0]) + 1
            raise InputError("partner service table", "office_id is not a partner post office "
                             "of the facility table", row=row, column="office_id")
        t = table.copy()
        t["office_pos"] = pos.loc[t["office_id"].astype(str)].to_numpy()
        t["zip"] = t["zip"].astype(str)
        return t.drop_duplicates("zip").set_index("zip")

    def _shift(self, offset: NDArray[np.float64], rows: NDArray[np.int64]
               ) -> NDArray[np.float64]:
        """Clock shift facility ``rows`` -> destinations of UTC ``offset`` (0 where none)."""
        fo = np.where(rows >= 0, self.facility_offset[np.maximum(rows, 0)], offset)
        return clock_shift_min(fo, offset)

    def destinations(self, points: pd.DataFrame, service_rows: NDArray[np.int64] | None = None
                     ) -> Destinations:
        """Order-independent features of destinations ``points`` (``lat``, ``lon``,
        ``rurality``; optional ``time_zone``).

        ``service_rows`` gives each point's row in :attr:`zips` (its time zone and the
        partner's service); without it (lat/lon destinations), the point is served as
        its nearest ZIP area is, from that ZIP area's office.
        """
        m = self.model
        van, lh, drone, partner = m.van, m.linehaul, m.drone, m.partner
        n = len(points)
        k = m.nearest_sites
        d = Destinations(n)
        lat = points["lat"].to_numpy(dtype=float)
        lon = points["lon"].to_numpy(dtype=float)
        rur = points["rurality"].astype(str).to_numpy()
        if service_rows is None:
            _, zrow = self._zip_tree.query(unit_vectors(lat, lon))
        else:
            zrow = np.asarray(service_rows, dtype=np.int64)
        d.offset = offset = self.zip_offset[zrow]
        rur_k = np.broadcast_to(rur, (k, n))
        rur_code = np.broadcast_to(_rurality_codes(rur), (k, n))  # for the van rule
        road, drive = self.travel.road_km, self.travel.drive_min

        # hub_van: the earliest of the k nearest stocked van sites, per wave ---------------------
        j, gc = self._near["hubs"].query(lat, lon, k)
        rows = _site_rows(self.sites.hubs, j)
        km = road(gc, rur_k)
        stem = drive(km, rur_k)
        shift = self._shift(offset[None], rows)
        prom, cut = md.hub_van_slots(m, stem, rur_code, shift)
        dep = md.hub_van_departures(m, shift)
        w = prom.shape[0]
        cost = (to_cents(m.hub.handling_usd)
                + van.parcel_cost_cents(np.where(rows >= 0, km, 0), np.where(rows >= 0, stem, 0),
                                        rur_k))
        co2 = van.parcel_co2_kg(np.where(rows >= 0, km, 0), rur_k)
        each = (np.broadcast_to(x[None], (w, k, n)) for x in (rows, cost, co2, stem))
        (d.hub_prom, d.hub_cut, d.hub_dep, d.hub_src, d.hub_cost, d.hub_co2,
         d.hub_stem) = _site_slots(prom, cut, dep, *each)
        d.hub_src = d.hub_src.astype(np.int32)
        reach = np.array([van.max_stem_min(van.waves_min[0], r) for r in RURALITY_CLASSES])
        near = (rows >= 0) & (stem <= reach[_rurality_codes(rur_k)])
        d.hub_reason = np.where(~near.any(axis=0), Reason.NO_SITE,
                                np.where(np.isfinite(d.hub_prom).any(axis=0), Reason.OK,
                                         Reason.TOO_FAR)).astype(np.uint8)

        # fc_van: line-haul to one of the k nearest van sites, then its waves -------------------
        j, gc = self._near["stations"].query(lat, lon, k)
        rows = _site_rows(self.sites.stations, j)
        km = road(gc, rur_k)
        stem = drive(km, rur_k)
        if len(self.sites.stations) and len(self.sites.fcs):
            f_src, f_km, f_min = (a[np.maximum(j, 0)] for a in self._station_feed)
            f_src = np.where(j >= 0, f_src, -1)
        else:
            f_src, f_km, f_min = np.full((k, n), -1), np.full((k, n), np.inf), np.full(
                (k, n), np.inf)
        f_src = np.asarray(f_src, dtype=np.int64)
        ok = (rows >= 0) & (f_src >= 0)
        lane = (m, np.where(ok, stem, np.inf), rur_code, self._shift(offset[None], rows),
                f_min, self._shift(offset[None], f_src))
        prom, cut = md.fc_van_slots(*lane)
        leave, ready, wdep = md.fc_van_timeline(*lane)
        s = prom.shape[0]
        okk, kmk, stk, fkm = ok, np.where(ok, km, 0), np.where(ok, stem, 0), np.where(ok, f_km, 0)
        cost = (to_cents(m.fc.handling_usd) + lh.parcel_cost_cents(fkm)
                + van.parcel_cost_cents(kmk, stk, rur_k))
        co2 = lh.parcel_co2_kg(fkm) + van.parcel_co2_kg(kmk, rur_k)
        each = (np.broadcast_to(x[None], (s, k, n)) for x in (f_src, rows, cost, co2, stem))
        (d.fcv_prom, d.fcv_cut, d.fcv_leave, d.fcv_ready, d.fcv_dep, d.fcv_src, d.fcv_station,
         d.fcv_cost, d.fcv_co2, d.fcv_stem) = _site_slots(prom, cut, leave, ready, wdep, *each)
        d.fcv_src = d.fcv_src.astype(np.int32)
        d.fcv_station = d.fcv_station.astype(np.int32)
        near = okk & (stem <= reach[_rurality_codes(rur_k)])
        d.fcv_reason = np.where(~near.any(axis=0), Reason.NO_SITE,
                                np.where(np.isfinite(d.fcv_prom).any(axis=0), Reason.OK,
                                         Reason.TOO_FAR)).astype(np.uint8)

        # postal ---------------------------------------------------------------------------------
        office = np.full(n, -1, np.int64)
        transit = np.full(n, np.nan)
        express = np.zeros(n, bool)
        priority = np.zeros(n, bool)
        svc = self._service.reindex(self.zips["zip"].to_numpy()[zrow])
        hs = svc["office_pos"].notna().to_numpy()
        office[hs] = svc["office_pos"].to_numpy()[hs].astype(np.int64)
        transit[hs] = svc["transit_days"].to_numpy()[hs].astype(float)
        express[hs] = svc["express_24h"].to_numpy()[hs].astype(bool)
        priority[hs] = svc["priority_same_day"].to_numpy()[hs].astype(bool)
        if len(self.sites.offices) and len(self.sites.fcs):
            o_src, o_km, o_min = self._office_feed
            opos = np.searchsorted(self.sites.offices, np.maximum(office, 0))
            fsrc = np.where(hs, o_src[opos], -1)
            fkm = np.where(hs, o_km[opos], np.inf)
            fmin = np.where(hs, o_min[opos], np.inf)
        else:
            fsrc, fkm, fmin = np.full(n, -1), np.full(n, np.inf), np.full(n, np.inf)
        served = hs & (fsrc >= 0)
        off_shift = self._shift(offset, np.where(served, office, -1))
        fc_shift = self._shift(offset, np.where(served, fsrc, -1))
        d.po_src = np.where(served, office, -1).astype(np.int32)
        d.fc_for_office = np.where(served, fsrc, -1).astype(np.int32)
        ex_ok = served & express
        d.pex_reason = np.where(ex_ok, Reason.OK, Reason.NOT_SERVED).astype(np.uint8)
        lane_po = (m, np.where(ex_ok, transit, np.nan), off_shift, fmin, fc_shift)
        d.pex_prom, d.pex_cut, d.pex_hand = md.postal_express_slots(*lane_po)
        d.pex_leave, d.pex_ready, d.pex_handtime = md.postal_timeline(*lane_po)
        gkm = np.where(served, fkm, 0)
        d.pex_cost = (to_cents(m.fc.handling_usd) + to_cents(partner.premises_fee_usd)
                      + lh.parcel_cost_cents(gkm))
        d.pex_co2 = np.where(served, lh.parcel_co2_kg(gkm) + partner.co2_kg_per_parcel, np.nan)
        pr_ok = served & priority
        d.ppr_reason = np.where(pr_ok, Reason.OK, Reason.NOT_SERVED).astype(np.uint8)
        # A direct shuttle leaves when the order is picked and must reach the office by the
        # partner's priority cut-off (office clock), on the order's clock here.
        d.ppr_latest_order = np.where(
            pr_ok, partner.priority_cutoff_min + off_shift - m.fc.pick_min
            - self.travel.drive_min(gkm, lh.rurality), np.nan)
        d.ppr_promise = np.where(pr_ok, partner.priority_delivery_end_min + off_shift, np.nan)
        d.ppr_cutoff = np.where(pr_ok, partner.priority_cutoff_min + off_shift, np.nan)
        d.ppr_ready = np.where(pr_ok, m.fc.pick_min + self.travel.drive_min(gkm, lh.rurality),
                               np.nan)  # minutes after the order: picked and shuttled

        # drone: the nearest drone site, if within radius -------------------------------------
        j, gc = self._near["drones"].query(lat, lon, 1)
        j, gc = j[0], gc[0]
        ok = (j >= 0) & (gc <= drone.radius_km)
        rows = np.where(ok, _site_rows(self.sites.drones, j), -1)
        d.drone_src = rows.astype(np.int32)
        d.drone_reason = np.where(ok, Reason.OK, Reason.NO_SITE).astype(np.uint8)
        d.drone_flight = np.where(ok, drone.flight_min(gc), np.nan)
        sh = self._shift(offset, rows)
        jj = np.maximum(j, 0)
        if len(self.sites.drones):
            d.drone_open = np.where(ok, self._drone_hours[0][jj] + sh, np.nan)
            d.drone_close = np.where(ok, self._drone_hours[1][jj] + sh, np.nan)
        d.drone_cost = np.full(n, to_cents(drone.cost_per_delivery_usd)
                               + to_cents(m.hub.handling_usd), np.int64)
        d.drone_co2 = np.where(ok, drone.parcel_co2_kg(gc), np.nan)
        return d

    def _row_feed(self) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """Line-haul feeder of every facility row (nearest FC, road km, truck minutes)."""
        if not hasattr(self, "_feed_all"):
            self._feed_all = self._feeder(np.arange(len(self.sites.facilities)))
        return self._feed_all

    def pair_promise(self, dest_rows: NDArray[np.int64], fac_rows: NDArray[np.int64],
                     order_min: float | NDArray[np.float64]) -> NDArray[np.float64]:
        """Earliest promise facility ``fac_rows[i]`` alone gives ZIP area ``dest_rows[i]``.

        The same mode rules as :meth:`destinations` (:mod:`hinterland.promise.modes`),
        for any (ZIP area, facility) pairs, as if the facility were the only site of its
        kind: same-day from its stock and vans, line-haul freight on its vans, the
        partner's express from an office (the distance rule of
        :func:`~hinterland.operations.postal.service_areas`), a drone sortie. Light,
        stocked parcels in good weather; no capacity. NaN when the facility serves the
        area by no mode. Coverage and design read this; whole minutes.
        """
        m = self.model
        r = np.asarray(dest_rows, dtype=np.int64)
        f = np.asarray(fac_rows, dtype=np.int64)
        t = np.broadcast_to(np.asarray(order_min, dtype=float), r.shape)
        fac = self.sites.facilities
        kind = fac["kind"].astype(str).to_numpy()[f]
        inv = fac["holds_inventory"].astype(bool).to_numpy()[f]
        lat, lon = self.zips["lat"].to_numpy()[r], self.zips["lon"].to_numpy()[r]
        rur = self.zips["rurality"].to_numpy()[r]
        rur_code = self._zip_rur_code[r]
        offset = self.zip_offset[r]
        gc = haversine_km(lat, lon, fac["lat"].to_numpy()[f], fac["lon"].to_numpy()[f])
        km = self.travel.road_km(gc, rur)
        stem = self.travel.drive_min(km, rur)
        shift = self._shift(offset, f)
        best = np.full(len(r), np.inf)

        def keep(p: NDArray[np.float64], ok: NDArray[np.bool_]) -> None:
            np.minimum(best, np.where(ok & np.isfinite(p), p, np.inf), out=best)

        vans = np.isin(kind, sorted(kinds_with("runs_vans")))
        hub = vans & np.isin(kind, sorted(kinds_with("may_hold_stock"))) & inv
        if hub.any():
            prom, cut = md.hub_van_slots(m, stem, rur_code, shift)
            keep(md.at_order(prom, cut, t)[0], hub)
        feed_src, _, f_min = self._row_feed()
        f_src = np.asarray(feed_src[f], dtype=np.int64)
        f_min = f_min[f]
        if vans.any():
            prom, cut = md.fc_van_slots(m, stem, rur_code, shift, f_min,
                                        self._shift(offset, f_src))
            keep(md.at_order(prom, cut, t)[0], vans & (f_src >= 0))
        office = np.isin(kind, sorted(kinds_with("partner_handoff")))
        if office.any():
            pt = m.partner
            transit = np.where(km <= pt.local_radius_km, 0.0,
                               np.where(km <= pt.service_radius_km, 1.0, np.nan))
            prom, cut, _ = md.postal_express_slots(m, transit, shift, f_min,
                                                   self._shift(offset, f_src))
            keep(md.at_order(prom, cut, t)[0], office & (f_src >= 0))
        drones = np.isin(kind, sorted(kinds_with("launches_drones")))
        if drones.any():
            pos = np.searchsorted(self.sites.drones, f)
            pos = np.minimum(pos, max(len(self.sites.drones) - 1, 0))
            known = drones & (len(self.sites.drones) > 0)
            if len(self.sites.drones):
                known &= self.sites.drones[pos] == f
                o = self._drone_hours[0][pos] + shift
                c = self._drone_hours[1][pos] + shift
                pd_, fits = md.drone_promise(m, t, m.drone.flight_min(gc), o, c)
                keep(pd_, known & fits & (gc <= m.drone.radius_km))
        return np.where(np.isfinite(best), np.ceil(best - 1e-6), np.nan)

    # -- lookups -----------------------------------------------------------------------------

    def zip_rows(self, zips: NDArray[Any] | pd.Series) -> NDArray[np.int64]:
        """Row of each ZIP code in :attr:`zips` (-1 when unknown); codes are zero-padded."""
        raw = np.asarray(zips, dtype=object)
        rows = np.asarray(self._zip_index.get_indexer(raw), dtype=np.int64)
        miss = rows < 0
        if miss.any():  # slow path only for values that are not already 5-char strings
            fixed = pd.Series(raw[miss]).astype(str).str.strip().str.zfill(5).to_numpy()
            rows[miss] = self._zip_index.get_indexer(fixed)
        return rows

    def point_destinations(self, lat: NDArray[np.float64], lon: NDArray[np.float64]
                           ) -> Destinations:
        """Features of lat/lon destinations (rurality and clock of the nearest ZIP area)."""
        _, zrow = self._zip_tree.query(unit_vectors(lat, lon))
        pts = pd.DataFrame({"lat": lat, "lon": lon,
                            "rurality": self.zips["rurality"].to_numpy()[zrow]})
        return self.destinations(pts, service_rows=None)

    # -- the vectorised core -----------------------------------------------------------------

    def option_arrays(
        self,
        dest_rows: NDArray[np.int64],
        order_min: NDArray[np.float64],
        weight_kg: NDArray[np.float64],
        *,
        dest: Destinations | None = None,
        in_stock: NDArray[np.bool_] | None = None,
        weather_ok: NDArray[np.bool_] | None = None,
        shipping_fee_cents: NDArray[np.int64] | None = None,
        items: NDArray[np.int64] | None = None,
        stock: StockIndex | None = None,
    ) -> dict[str, NDArray[Any]]:
        """Every mode's option for each order, mode-major ``(k, n)`` arrays.

        Keys: ``promised`` (whole minutes, NaN when infeasible), ``cost`` (cents, -1),
        ``co2``, ``reason``, ``source``, ``handoff``, ``handoff_day`` (postal express).
        """
        m = self.model
        van, drone, partner = m.van, m.drone, m.partner
        d = dest or self.dest
        r = np.asarray(dest_rows, dtype=np.int64)
        t = np.asarray(order_min, dtype=float)
        w = np.asarray(weight_kg, dtype=float)
        n = len(r)
        k = len(MODES)
        prom = np.empty((k, n))
        cost = np.empty((k, n), np.int64)
        co2 = np.empty((k, n))
        reason = np.empty((k, n), np.uint8)
        src = np.empty((k, n), np.int32)
        hand = np.full((k, n), -1, np.int32)
        # Timeline of each option (destination clock): leaves the FC (line-haul), ready at
        # the last-mile site, leaves it (van wave, hand-off, launch), first possible delivery.
        leave_fc = np.full((k, n), np.nan)
        ready = np.full((k, n), np.nan)
        depart = np.full((k, n), np.nan)
        first = np.full((k, n), np.nan)

        def first_failing(base: NDArray[np.uint8],
                          checks: list[tuple[NDArray[np.bool_] | None, int]]) -> NDArray[np.uint8]:
            """Reason code: the base (site) reason, else the first failing check, else OK."""
            out = np.zeros(n, np.uint8)
            for cond, code in reversed(checks):
                if cond is not None:
                    out[cond] = code
            return np.where(base != 0, base, out)

        def gather(a: NDArray[Any], flat: NDArray[np.int64], fill: Any) -> NDArray[Any]:
            """Per-order value of slot array ``a`` at the flat slot index ``at_order`` gave."""
            if a.size == 0:
                return np.full(n, fill, a.dtype)
            return np.where(flat >= 0, a.ravel().take(np.maximum(flat, 0)), fill)

        van_heavy = w > van.max_parcel_kg
        no_stock = None if in_stock is None else ~np.asarray(in_stock, bool)

        # hub_van
        p, slot = md.at_order(d.hub_prom, d.hub_cut, t, r)
        hub_src = gather(d.hub_src, slot, -1)
        no_hub = no_stock
        if stock is not None and items is not None:
            no_hub = ~stock.has(hub_src, items) | (False if no_stock is None else no_stock)
        reason[HUB_VAN] = first_failing(d.hub_reason[r], [
            (van_heavy, Reason.TOO_HEAVY), (no_hub, Reason.NOT_IN_STOCK)])
        prom[HUB_VAN] = p
        late = (gather(d.hub_cut, slot, np.inf) < t) * DAY
        ready[HUB_VAN] = t + m.hub.pick_min
        depart[HUB_VAN] = gather(d.hub_dep, slot, np.nan) + late
        first[HUB_VAN] = depart[HUB_VAN] + gather(d.hub_stem, slot, np.nan)
        cost[HUB_VAN] = gather(d.hub_cost, slot, 0)
        co2[HUB_VAN] = gather(d.hub_co2, slot, np.nan)
        src[HUB_VAN] = hub_src

        # fc_van
        p, slot = md.at_order(d.fcv_prom, d.fcv_cut, t, r)
        reason[FC_VAN] = first_failing(d.fcv_reason[r], [(van_heavy, Reason.TOO_HEAVY)])
        prom[FC_VAN] = p
        late = (gather(d.fcv_cut, slot, np.inf) < t) * DAY
        leave_fc[FC_VAN] = gather(d.fcv_leave, slot, np.nan) + late
        ready[FC_VAN] = gather(d.fcv_ready, slot, np.nan) + late
        depart[FC_VAN] = gather(d.fcv_dep, slot, np.nan) + late
        first[FC_VAN] = depart[FC_VAN] + gather(d.fcv_stem, slot, np.nan)
        cost[FC_VAN] = gather(d.fcv_cost, slot, 0)
        co2[FC_VAN] = gather(d.fcv_co2, slot, np.nan)
        src[FC_VAN] = gather(d.fcv_src, slot, -1)
        hand[FC_VAN] = gather(d.fcv_station, slot, -1)

        # postal: fee by weight band + revenue share of the shipping fee.
        if shipping_fee_cents is None:
            shipping_fee_cents = np.zeros(n, np.int64)
        fee = partner.fees.fee_cents(w)
        heavy = fee < 0
        share = partner.revenue_share_cents(shipping_fee_cents)
        p, slot = md.at_order(d.pex_prom, d.pex_cut, t, r)
        late_po = gather(d.pex_cut, slot, np.inf) < t
        handoff_day = gather(d.pex_hand, slot, np.nan) + late_po
        reason[POSTAL_EXPRESS] = first_failing(d.pex_reason[r], [(heavy, Reason.TOO_HEAVY)])
        prom[POSTAL_EXPRESS] = p
        leave_fc[POSTAL_EXPRESS] = gather(d.pex_leave, slot, np.nan) + late_po * DAY
        ready[POSTAL_EXPRESS] = gather(d.pex_ready, slot, np.nan) + late_po * DAY
        depart[POSTAL_EXPRESS] = gather(d.pex_handtime, slot, np.nan) + late_po * DAY
        first[POSTAL_EXPRESS] = depart[POSTAL_EXPRESS]
        base = d.pex_cost[r] + fee + share
        cost[POSTAL_EXPRESS] = base
        co2[POSTAL_EXPRESS] = d.pex_co2[r]
        src[POSTAL_EXPRESS] = d.fc_for_office[r]
        hand[POSTAL_EXPRESS] = d.po_src[r]
        reason[POSTAL_PRIORITY] = first_failing(d.ppr_reason[r], [
            (heavy, Reason.TOO_HEAVY),
            (t + m.fc.pick_min > d.ppr_cutoff[r], Reason.AFTER_CUTOFF),
            (t > d.ppr_latest_order[r], Reason.TOO_FAR)])
        prom[POSTAL_PRIORITY] = d.ppr_promise[r]
        leave_fc[POSTAL_PRIORITY] = t + m.fc.pick_min
        ready[POSTAL_PRIORITY] = depart[POSTAL_PRIORITY] = first[POSTAL_PRIORITY] = (
            t + d.ppr_ready[r])
        cost[POSTAL_PRIORITY] = base + to_cents(partner.priority_surcharge_usd)
        co2[POSTAL_PRIORITY] = d.pex_co2[r]
        src[POSTAL_PRIORITY] = d.fc_for_office[r]
        hand[POSTAL_PRIORITY] = d.po_src[r]

        # drone
        drone_src = d.drone_src[r]
        no_drone = no_stock
        if stock is not None and items is not None:
            no_drone = ~stock.has(drone_src, items) | (False if no_stock is None else no_stock)
        no_weather = None if weather_ok is None else ~np.asarray(weather_ok, bool)
        p, fits = md.drone_promise(m, t, d.drone_flight[r], d.drone_open[r], d.drone_close[r])
        reason[DRONE] = first_failing(d.drone_reason[r], [
            (w > drone.payload_kg, Reason.TOO_HEAVY), (no_drone, Reason.NOT_IN_STOCK),
            (no_weather, Reason.WEATHER), (~fits, Reason.OUTSIDE_HOURS)])
        prom[DRONE] = p
        ready[DRONE] = t + m.drone.prep_min
        depart[DRONE] = p - d.drone_flight[r]
        first[DRONE] = p
        cost[DRONE] = d.drone_cost[r]
        co2[DRONE] = d.drone_co2[r]
        src[DRONE] = drone_src

        bad = (reason != 0) | ~np.isfinite(prom)
        reason[(reason == 0) & bad] = Reason.TOO_FAR
        prom = np.ceil(prom - 1e-6)  # whole minutes: equal promises tie exactly
        np.putmask(prom, bad, np.nan)
        np.putmask(cost, bad, -1)
        np.putmask(co2, bad, np.nan)
        np.putmask(src, bad, -1)
        np.putmask(hand, bad, -1)
        for a in (leave_fc, ready, depart, first):
            np.putmask(a, bad, np.nan)
        return {"promised": prom, "cost": cost, "co2": co2, "reason": reason, "source": src,
                "handoff": hand, "handoff_day": handoff_day, "leave_fc": leave_fc,
                "ready": ready, "depart": depart, "first": first}

    @staticmethod
    def choose(promised: NDArray[np.float64], cost: NDArray[np.int64], tier: NDArray[np.int8],
               order_min: NDArray[np.float64], policy: str
               ) -> tuple[NDArray[np.bool_], NDArray[np.int8]]:
        """Options meeting each order's tier and the one the policy picks (-1 if none).

        ``fastest``: earliest promise, then cheaper, then the lower mode index;
        ``cheapest``: cheaper, then earlier, then the lower mode index. Promises are
        whole minutes and costs whole cents, so the key is exact.
        """
        deadline = tier_deadline_min(tier, order_min)
        meets = promised <= deadline[None, :]  # NaN compares False
        p = np.where(meets, promised, 0.0)
        c = np.where(meets, cost, 0).astype(float)
        key = p * 1e8 + c if policy == "fastest" else c * 1e5 + p
        np.putmask(key, ~meets, np.inf)
        any_meets = meets.any(axis=0)
        chosen = np.where(any_meets, np.argmin(key, axis=0), -1).astype(np.int8)
        return meets, chosen

    def _bind_capacity(self, opt: dict[str, NDArray[Any]], tier: NDArray[np.int8],
                       t: NDArray[np.float64], policy: str, rounds: int = 16
                       ) -> tuple[NDArray[np.bool_], NDArray[np.int8], NDArray[np.int64]]:
        """Consume daily site capacity in order-time order (see the module docstring).

        An order over its van site's capacity on a day takes the same mode from another
        of its nearest sites (one it has not found full; not with a stock table, whose
        item check is per site), else slips to the same site's next day (promise +
        1440); all orders still open are re-chosen; after three slips the option is gone
        (``AT_CAPACITY``). Returns ``meets``, ``chosen`` and the slips.
        """
        prom, cost, reason = opt["promised"], opt["cost"], opt["reason"]
        opt["_blocked"] = np.full((prom.shape[1], 4), -1, np.int64)
        n = prom.shape[1]
        n_fac = len(self.capacity)
        days = 8
        used = np.zeros(n_fac * days)
        cap = np.repeat(self.capacity, days)
        locked = np.zeros(n, bool)
        slips = np.zeros((len(MODES), n), np.int64)
        res_of = {HUB_VAN: opt["source"], FC_VAN: opt["handoff"], DRONE: opt["source"]}
        meets, chosen = self.choose(prom, cost, tier, t, policy)
        for _ in range(rounds):
            open_ = ~locked & (chosen >= 0)
            c = np.maximum(chosen, 0).astype(np.int64)
            site = np.full(n, -1, np.int64)
            for mode, arr in res_of.items():
                pick = open_ & (c == mode)
                site[pick] = arr[mode, pick]
            want = np.flatnonzero(site >= 0)
            locked |= open_ & (site < 0)
            if want.size == 0:
                break
            day = np.clip(np.floor(prom[c[want], want] / DAY_MIN), 0, days - 1).astype(np.int64)
            key = site[want] * days + day
            order = np.lexsort((t[want], key))
            ks = key[order]
            start = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
            rank = np.arange(len(ks)) - np.repeat(start, np.diff(np.r_[start, len(ks)]))
            fits = used[ks] + rank < cap[ks]
            ok_rows = want[order][fits]
            np.add.at(used, ks[fits], 1.0)
            locked[ok_rows] = True
            over = want[order][~fits]
            if over.size == 0:
                break
            mode = c[over]
            moved = self._other_site(opt, over, mode, site[over], t)
            over, mode = over[~moved], mode[~moved]
            slips[mode, over] += 1
            gone = slips[mode, over] > 3
            prom[mode, over] = np.where(gone, np.nan, prom[mode, over] + DAY_MIN)
            reason[mode[gone], over[gone]] = Reason.AT_CAPACITY
            cost[mode[gone], over[gone]] = -1
            over = np.union1d(over, np.asarray(opt["_moved"], dtype=np.int64))
            meets_o, chosen_o = self.choose(prom[:, over], cost[:, over], tier[over], t[over],
                                            policy)
            meets[:, over], chosen[over] = meets_o, chosen_o
        # Orders still open after the last round lose their capacitated options.
        c = np.maximum(chosen, 0).astype(np.int64)
        left = ~locked & (chosen >= 0) & np.isin(c, list(res_of))
        if left.any():
            rows = np.flatnonzero(left)
            for mode in res_of:
                prom[mode, rows] = np.nan
                reason[mode, rows] = Reason.AT_CAPACITY
                cost[mode, rows] = -1
            meets[:, rows], chosen[rows] = self.choose(prom[:, rows], cost[:, rows], tier[rows],
                                                       t[rows], policy)
        return meets, chosen, slips

    def _other_site(self, opt: dict[str, Any], rows: NDArray[np.int64],
                    mode: NDArray[np.int64], full: NDArray[np.int64],
                    t: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Move van options of ``rows`` off their ``full`` site to the earliest slot of
        another nearest site not yet found full (the slot arrays of :meth:`destinations`);
        returns which rows moved and records them in ``opt["_moved"]``."""
        moved = np.zeros(len(rows), bool)
        opt["_moved"] = np.empty(0, np.int64)
        d: Destinations | None = opt.get("_dest")
        if d is None or opt.get("_stock") is not None:
            return moved
        blocked = opt["_blocked"]
        r_all = opt["_rows"]
        slots = {HUB_VAN: (d.hub_prom, d.hub_cut, d.hub_src, d.hub_src, d.hub_cost,
                           d.hub_co2, d.hub_dep, d.hub_stem, None, None),
                 FC_VAN: (d.fcv_prom, d.fcv_cut, d.fcv_station, d.fcv_src, d.fcv_cost,
                          d.fcv_co2, d.fcv_dep, d.fcv_stem, d.fcv_ready, d.fcv_leave)}
        for m_code, (sp, sc, ssite, ssrc, scost, sco2, sdep, sstem, sready, sleave) in \
                slots.items():
            pick = np.flatnonzero(mode == m_code)
            if pick.size == 0 or sp.shape[0] == 0:
                continue
            rows_m = rows[pick]
            free = np.argmax(blocked[rows_m] < 0, axis=1)
            blocked[rows_m, free] = full[pick]
            r = r_all[rows_m]
            tt = t[rows_m]
            best = np.full(len(r), np.nan)
            flat = np.full(len(r), -1, np.int64)
            big_n = sp.shape[1]
            for i in range(sp.shape[0]):
                site_i = ssite[i].take(r)
                cand = sp[i].take(r) + DAY_MIN * (tt > sc[i].take(r))
                cand = np.where((blocked[rows_m] == site_i[:, None]).any(axis=1), np.nan, cand)
                better = (cand < best) | (np.isnan(best) & ~np.isnan(cand))
                best = np.where(better, cand, best)
                flat = np.where(better, i * big_n + r, flat)
            ok = np.isfinite(best)
            if not ok.any():
                continue
            rr, ff = rows_m[ok], flat[ok]
            late = (sc.ravel().take(ff) < t[rr]) * DAY_MIN
            opt["promised"][m_code, rr] = np.ceil(best[ok] - 1e-6)
            opt["cost"][m_code, rr] = scost.ravel().take(ff)
            opt["co2"][m_code, rr] = sco2.ravel().take(ff)
            opt["source"][m_code, rr] = ssrc.ravel().take(ff)
            if sready is not None and sleave is not None:
                opt["handoff"][m_code, rr] = ssite.ravel().take(ff)
                opt["ready"][m_code, rr] = sready.ravel().take(ff) + late
                opt["leave_fc"][m_code, rr] = sleave.ravel().take(ff) + late
            opt["depart"][m_code, rr] = sdep.ravel().take(ff) + late
            opt["first"][m_code, rr] = opt["depart"][m_code, rr] + sstem.ravel().take(ff)
            moved[pick[ok]] = True
        opt["_moved"] = rows[moved]
        return moved

    def promise_arrays(
        self,
        dest_rows: NDArray[np.int64],
        order_min: NDArray[np.float64],
        weight_kg: NDArray[np.float64],
        tier: NDArray[np.int8],
        *,
        in_stock: NDArray[np.bool_] | None = None,
        weather_ok: NDArray[np.bool_] | None = None,
        shipping_fee_cents: NDArray[np.int64] | None = None,
        policy: str = "fastest",
        dest: Destinations | None = None,
        items: NDArray[np.int64] | None = None,
        stock: StockIndex | None = None,
        capacity: bool = False,
        order_id: NDArray[Any] | None = None,
        day_start: NDArray[Any] | None = None,
        tz_suffix: NDArray[Any] | None = None,
        dest_zip: NDArray[Any] | None = None,
    ) -> PromiseResult:
        """Promise a batch given as arrays (the fast path; no parsing).

        Parameters
        ----------
        dest_rows
            Row of each order's destination in ``dest`` (default: the ZIP areas).
        order_min
            Order time, minutes from local midnight of the order's day at the
            destination (0 <= t < 1440).
        weight_kg
            Parcel weight (> 0).
        tier
            Index into :data:`~hinterland.core.vocabulary.TIERS`.
        in_stock
            Item stocked at the local hub / drone site (default all True).
        items, stock
            Item codes (:meth:`StockIndex.codes`) and the stock index: the item must
            also be stocked at the hub / drone site in question.
        weather_ok
            Drones may fly (default all True).
        shipping_fee_cents
            Shipping fee paid (default: the tier's fee from the operating model).
        policy
            ``"fastest"`` or ``"cheapest"``.
        capacity
            Promise the batch as one day: site capacities bind (module docstring).
        """
        if policy not in POLICIES:
            raise HinterlandError(f"policy {policy!r} is not one of {', '.join(POLICIES)}")
        t = np.asarray(order_min, dtype=float)
        w = np.asarray(weight_kg, dtype=float)
        tier = np.asarray(tier, dtype=np.int8)
        if shipping_fee_cents is None:
            tier_fee = np.array([to_cents(self.model.shipping_fee_usd[x]) for x in TIERS],
                                np.int64)
            shipping_fee_cents = tier_fee[tier]
        opt = self.option_arrays(dest_rows, t, w, dest=dest, in_stock=in_stock,
                                 weather_ok=weather_ok, shipping_fee_cents=shipping_fee_cents,
                                 items=items, stock=stock)
        slips = None
        if capacity:
            opt_any: dict[str, Any] = opt
            opt_any["_dest"] = dest or self.dest
            opt_any["_rows"] = np.asarray(dest_rows, dtype=np.int64)
            opt_any["_stock"] = stock
            meets, chosen, slips = self._bind_capacity(opt, tier, t, policy)
        else:
            meets, chosen = self.choose(opt["promised"], opt["cost"], tier, t, policy)
        c = np.maximum(chosen, 0).astype(np.int64)
        cols = np.arange(len(c))
        has = chosen >= 0
        extra = (slips[c, cols] * DAY) if slips is not None else 0.0
        timeline = {key: np.where(has, opt[key][c, cols] + (extra if key in ("depart", "first")
                                                              else 0.0), np.nan)
                    for key in ("leave_fc", "ready", "depart", "first")}
        prom, reason = opt["promised"], opt["reason"]
        bad = ~np.isfinite(prom)
        any_meets = chosen >= 0
        tier_reason = np.where(any_meets, np.uint8(Reason.OK), np.where(
            bad.all(axis=0), np.uint8(Reason.NO_OPTION), np.uint8(Reason.MISSES_TIER)))
        slip = np.nan_to_num(opt["handoff_day"], nan=0.0)
        handoff_day = np.where(chosen == POSTAL_EXPRESS, slip,
                               np.where(chosen == POSTAL_PRIORITY, 0, -1)).astype(np.int16)
        return PromiseResult(
            order_id=None if order_id is None else np.asarray(order_id, dtype=object),
            day_start=day_start,
            tz_suffix=tz_suffix,
            order_min=t,
            tier=tier,
            policy=policy,
            promised_min=prom.T,
            cost_cents=opt["cost"].T,
            co2_kg=opt["co2"].T,
            reason=reason.T,
            source=opt["source"].T,
            handoff=opt["handoff"].T,
            meets_tier=meets.T,
            chosen=chosen,
            tier_reason=tier_reason,
            facility_ids=self.facility_ids,
            weight_kg=w,
            shipping_fee_cents=np.asarray(shipping_fee_cents, np.int64),
            handoff_day=handoff_day,
            dest_zip=dest_zip,
            leave_fc_min=timeline["leave_fc"],
            ready_min=timeline["ready"],
            depart_min=timeline["depart"],
            first_min=timeline["first"],
        )

    def promise(self, orders: pd.DataFrame, *, policy: str = "fastest",
                source: str = "orders", stock: StockIndex | pd.DataFrame | None = None,
                capacity: bool = False) -> PromiseResult:
        """Promise every order of a table (schema in :func:`parse_orders`).

        ``stock`` (a :class:`StockIndex` or a ``facility_id``, ``item_id`` table) makes
        local stock per item: orders then need an ``item_id`` column. ``capacity``
        promises the table as one day's batch with site capacities binding.
        """
        parsed = parse_orders(orders, self, source=source)
        if isinstance(stock, pd.DataFrame):
            stock = StockIndex.build(self, stock)
        if stock is not None and parsed.item_id is None:
            raise InputError(source, "a stock table needs an item_id column in the orders",
                             column="item_id")
        return self.promise_parsed(parsed, policy=policy, stock=stock, capacity=capacity)

    def promise_parsed(self, o: ParsedOrders, *, policy: str = "fastest",
                       stock: StockIndex | None = None, capacity: bool = False
                       ) -> PromiseResult:
        """Promise orders already checked by :func:`parse_orders`.

        With ``capacity``, ZIP-area and lat/lon destinations bind capacity in two
        batches (ZIP areas first).
        """
        n = len(o.order_min)
        pts = o.zip_row < 0
        items = (stock.codes(o.item_id) if stock is not None and o.item_id is not None
                 else None)
        if not pts.any():
            return self.promise_arrays(
                o.zip_row, o.order_min, o.weight_kg, o.tier, in_stock=o.in_stock,
                weather_ok=o.weather_ok, shipping_fee_cents=o.shipping_fee_cents,
                policy=policy, order_id=o.order_id, day_start=o.day_start, tz_suffix=o.tz_suffix,
                dest_zip=o.dest_zip, items=items, stock=stock, capacity=capacity)
        # Lat/lon destinations: features of those points, promised apart and scattered back.
        extra = self.point_destinations(o.lat[pts], o.lon[pts])
        rows = o.zip_row.copy()
        rows[pts] = np.arange(pts.sum())
        out = None
        for mask, d in ((~pts, self.dest), (pts, extra)):
            if not mask.any():
                continue
            part = self.promise_arrays(
                rows[mask], o.order_min[mask], o.weight_kg[mask], o.tier[mask],
                in_stock=o.in_stock[mask], weather_ok=o.weather_ok[mask],
                shipping_fee_cents=o.shipping_fee_cents[mask], policy=policy, dest=d,
                items=None if items is None else items[mask], stock=stock, capacity=capacity)
            if out is None:
                out = _empty_like(part, n)
            _scatter(out, part, mask)
        assert out is not None
        out.order_id = o.order_id
        out.day_start = o.day_start
        out.tz_suffix = o.tz_suffix
        out.order_min = o.order_min
        out.tier = o.tier
        out.policy = policy
        out.dest_zip = o.dest_zip
        return out


_ARRAY_FIELDS = ("promised_min", "cost_cents", "co2_kg", "reason", "source", "handoff",
                 "meets_tier", "chosen", "tier_reason", "weight_kg", "shipping_fee_cents",
                 "handoff_day", "leave_fc_min", "ready_min", "depart_min", "first_min")


def _empty_like(part: PromiseResult, n: int) -> PromiseResult:
    arrays = {f: np.empty((n, *getattr(part, f).shape[1:]), getattr(part, f).dtype)
              for f in _ARRAY_FIELDS}
    return PromiseResult(order_id=np.empty(n, object), day_start=None, tz_suffix=None,
                         order_min=np.empty(n), tier=np.empty(n, np.int8), policy=part.policy,
                         facility_ids=part.facility_ids, **arrays)


def _scatter(out: PromiseResult, part: PromiseResult, mask: NDArray[np.bool_]) -> None:
    for f in _ARRAY_FIELDS:
        getattr(out, f)[mask] = getattr(part, f)


# ---------------------------------------------------------------------------------------------
# Parsing order tables
# ---------------------------------------------------------------------------------------------


@dataclass
class ParsedOrders:
    """Checked order arrays (see :func:`parse_orders`)."""

    order_id: NDArray[Any]
    zip_row: NDArray[np.int64]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    weight_kg: NDArray[np.float64]
    order_min: NDArray[np.float64]
    tier: NDArray[np.int8]
    in_stock: NDArray[np.bool_]
    weather_ok: NDArray[np.bool_]
    shipping_fee_cents: NDArray[np.int64]
    day_start: NDArray[Any] | None
    tz_suffix: NDArray[Any] | None
    dest_zip: NDArray[Any]
    item_id: NDArray[Any] | None = None


_TZ = r"(Z|[+-]\d{2}(?::?\d{2})?)$"


def _naive_times(values: pd.Series) -> pd.Series | None:
    """Parse ISO 8601 times when none carries an offset (fast path); else ``None``."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if getattr(values.dtype, "tz", None) is not None:
            return None
        return values
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mixed offsets: handled by the slow path
            stamps = pd.to_datetime(values, format="ISO8601", errors="coerce")
    except (ValueError, TypeError):
        return None
    if not pd.api.types.is_datetime64_dtype(stamps.dtype):
        return None  # offsets present (tz-aware or mixed): keep each order's wall clock
    return stamps


def _first(mask: NDArray[np.bool_]) -> int | None:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if idx.size else None


def _bools(values: pd.Series, source: str, column: str) -> NDArray[np.bool_]:
    """true/false/1/0/yes/no; empty cells take the default (true)."""
    if values.dtype == bool:
        return values.to_numpy()
    text = values.astype(str).str.strip().str.lower()
    text = text.where(values.notna() & (text != ""), "true")
    mapping = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False,
               "1.0": True, "0.0": False}
    out = text.map(mapping)
    bad = _first(out.isna().to_numpy())
    if bad is not None:
        raise InputError(source, f"not true/false: {values.iloc[bad]!r}", row=bad + 1,
                         column=column)
    return out.to_numpy(dtype=bool)


def parse_orders(orders: pd.DataFrame, engine: PromiseEngine, *, source: str = "orders"
                 ) -> ParsedOrders:
    """Check an order table and turn it into arrays.

    Order table columns:

    ==================== ======== ============================================================
    column               type     meaning
    ==================== ======== ============================================================
    order_id             str      optional (default ``1..n``)
    destination_zip      str      ZIP area (or ``zip``); empty where ``lat``/``lon`` are given
    lat, lon             float    destination point, when there is no ZIP (served as its
                                  nearest ZIP area is by the partner)
    weight_kg            float    parcel weight, > 0
    order_time           str      ISO 8601 (``2025-03-04T13:05``, optional offset); or
    order_min            float    minutes from the start of the order's day, 0 <= t < 1440
    tier                 str      one of :data:`TIERS`
    item_id              str      optional; with a stock table, the item must be stocked at
                                  the hub / drone site
    in_hub_stock         bool     optional (default true): item stocked at local hub/drone site
    weather_ok           bool     optional (default true): drones may fly
    shipping_fee_usd     decimal  optional (default: the tier's fee)
    ==================== ======== ============================================================

    Raises
    ------
    InputError
        First bad value, naming the 1-based row and the column.
    UnknownZipError
        A ZIP that is not a ZIP area.
    """
    # The table-wide rules the CLI and the API apply (one validation layer); a library
    # caller may carry columns of its own.
    check_orders(orders, source=source, allow_extra=True)
    n = len(orders)
    cols = set(orders.columns)
    if n == 0:
        raise InputError(source, "no orders")
    if "order_id" in cols:
        oid = orders["order_id"].astype(str).to_numpy().astype(object)
    else:
        oid = np.arange(1, n + 1).astype(str).astype(object)
    zcol = "destination_zip" if "destination_zip" in cols else ("zip" if "zip" in cols else None)
    has_pt = "lat" in cols and "lon" in cols
    if zcol is None and not has_pt:
        raise InputError(source, "need a destination_zip column or lat and lon columns",
                         column="destination_zip")
    zip_row = np.full(n, -1, np.int64)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    has_zip = np.zeros(n, bool)
    if zcol is not None:
        zs = orders[zcol]
        zip_row = engine.zip_rows(zs.to_numpy())
        has_zip = zip_row >= 0
        miss = ~has_zip
        if miss.any():
            text = zs[miss].astype(str).str.strip()
            has_zip[miss] = (zs[miss].notna() & (text != "") & (text.str.lower() != "nan")
                             ).to_numpy()
        if has_zip.any():
            bad = _first(has_zip & (zip_row < 0))
            if bad is not None:
                code = str(zs.iloc[bad]).strip()
                if not (code.isdigit() and len(code) <= 5):
                    raise InputError(source, f"{code!r} is not a 5-digit ZIP code", row=bad + 1,
                                     column=zcol)
                raise UnknownZipError(source, code.zfill(5), row=bad + 1, column=zcol)
    dest_zip = np.full(n, None, dtype=object)
    dest_zip[has_zip] = engine.zips["zip"].to_numpy()[zip_row[has_zip]]
    need = ~has_zip
    if need.any():
        if not has_pt:
            bad = _first(need)
            raise InputError(source, "no destination: give destination_zip or lat/lon",
                             row=(bad or 0) + 1, column=zcol)
        for name, arr, lim in (("lat", lat, 90.0), ("lon", lon, 180.0)):
            vals = pd.to_numeric(orders[name], errors="coerce").to_numpy(dtype=float)
            bad = _first(need & ~(np.abs(vals) <= lim))
            if bad is not None:
                raise InputError(source, f"{orders[name].iloc[bad]!r} is not a valid {name} "
                                 f"(|{name}| <= {lim:g})", row=bad + 1, column=name)
            arr[need] = vals[need]
        _, nearest_zip = engine._zip_tree.query(unit_vectors(lat[need], lon[need]))
        dest_zip[need] = engine.zips["zip"].to_numpy()[nearest_zip]
    if "weight_kg" not in cols:
        raise InputError(source, "missing column", column="weight_kg")
    w = pd.to_numeric(orders["weight_kg"], errors="coerce").to_numpy(dtype=float)
    bad = _first(~(w > 0) | ~np.isfinite(w))
    if bad is not None:
        raise InputError(source, f"weight must be a number > 0 kg, got "
                         f"{orders['weight_kg'].iloc[bad]!r}", row=bad + 1, column="weight_kg")
    day_start = tz = None
    if "order_time" in cols:
        raw = orders["order_time"]
        stamps = _naive_times(raw)
        if stamps is not None:  # fast path: no offsets anywhere
            tz = np.full(n, "", dtype=object)
        else:
            text = raw.astype(str).str.strip()
            tz = text.str.extract(_TZ, expand=False).fillna("").to_numpy().astype(object)
            wall = text.str.replace(_TZ, "", regex=True)
            stamps = pd.to_datetime(wall, format="ISO8601", errors="coerce")
        bad = _first(stamps.isna().to_numpy())
        if bad is not None:
            raise InputError(source, f"{orders['order_time'].iloc[bad]!r} is not an ISO 8601 "
                             "date-time", row=bad + 1, column="order_time")
        values = stamps.to_numpy().astype("datetime64[s]")
        day_start = values.astype("datetime64[D]").astype("datetime64[s]")
        t = (values - day_start).astype(np.int64) / 60.0
    elif "order_min" in cols:
        t = pd.to_numeric(orders["order_min"], errors="coerce").to_numpy(dtype=float)
        bad = _first(~((t >= 0) & (t < DAY)))
        if bad is not None:
            raise InputError(source, f"order_min must be within 0..1439.99, got "
                             f"{orders['order_min'].iloc[bad]!r}", row=bad + 1, column="order_min")
    else:
        raise InputError(source, "need an order_time (ISO 8601) or order_min column",
                         column="order_time")
    if "tier" not in cols:
        raise InputError(source, f"missing column (one of {', '.join(TIERS)})", column="tier")
    tcode = np.asarray(pd.Categorical(orders["tier"], categories=list(TIERS)).codes)
    if (tcode < 0).any():
        stripped = orders["tier"].astype(str).str.strip()
        tcode = np.asarray(pd.Categorical(stripped, categories=list(TIERS)).codes)
    bad = _first(tcode < 0)
    if bad is not None:
        raise InputError(source, f"{orders['tier'].iloc[bad]!r} is not one of {', '.join(TIERS)}",
                         row=bad + 1, column="tier")
    stock = (_bools(orders["in_hub_stock"], source, "in_hub_stock") if "in_hub_stock" in cols
             else np.ones(n, bool))
    weather = (_bools(orders["weather_ok"], source, "weather_ok") if "weather_ok" in cols
               else np.ones(n, bool))
    cfg = engine.model
    tier_fee = np.array([to_cents(cfg.shipping_fee_usd[x]) for x in TIERS], np.int64)
    fee = tier_fee[tcode]
    if "shipping_fee_usd" in cols:
        given = orders["shipping_fee_usd"]
        present = given.notna().to_numpy() & (given.astype(str).str.strip() != "").to_numpy()
        for i in np.flatnonzero(present):
            try:
                value = usd(str(given.iloc[i]).strip(), name="shipping_fee_usd")
                if value < 0:
                    raise HinterlandError("must be >= 0")
            except HinterlandError as exc:
                raise InputError(source, f"bad shipping fee: {exc}", row=int(i) + 1,
                                 column="shipping_fee_usd") from None
            fee[i] = to_cents(value)
    return ParsedOrders(order_id=oid, zip_row=zip_row, lat=lat, lon=lon, weight_kg=w,
                        order_min=t, tier=tcode.astype(np.int8), in_stock=stock,
                        weather_ok=weather, shipping_fee_cents=fee, day_start=day_start,
                        tz_suffix=tz, dest_zip=dest_zip,
                        item_id=(orders["item_id"].astype(str).to_numpy().astype(object)
                                 if "item_id" in cols else None))


def minutes_text(minutes: float) -> str:
    """``1440 + 630`` -> ``"day+1 10:30"`` (for messages)."""
    if not math.isfinite(minutes):
        return "-"
    day, rest = divmod(round(minutes), 1440)
    clock = f"{rest // 60:02d}:{rest % 60:02d}"
    return f"day+{day} {clock}" if day else clock
