"""Promise engine: feasible delivery options per order, and the one chosen by policy.

Options (``MODES``), each with a promised delivery time, a cost and a CO2 estimate:

==================================  ========================================================
mode                                path
==================================  ========================================================
``hub_van``                         hybrid hub stock -> own van, same day (waves, cut-off)
``fc_van``                          fulfillment center -> overnight line-haul -> delivery
                                    station -> own van the next morning
``postal_express_24h``              fulfillment center -> line-haul to the partner post
                                    office serving the ZIP -> partner carrier ("Express 24h")
``postal_priority_same_day``        fulfillment center -> direct shuttle to the partner
                                    office -> partner carrier the same day, where offered
``drone``                           drone site stock -> drone, within its radius, payload
                                    and hours
==================================  ========================================================

Times are minutes from the start (midnight) of the order's day; a promise at
``1440 + 600`` is 10:00 the next day. Each order asks for a tier (``TIERS``) with a
deadline: ``60min`` = order time + 60 min, ``same_day`` = end of the order's day,
``next_day`` = end of the next day, ``two_day`` = end of the day after. The policy
picks, among options meeting the tier, the ``fastest`` (ties: cheaper) or the
``cheapest`` (ties: faster). When none meets the tier the order says why
(``MISSES_TIER`` with the earliest option, or ``NO_OPTION``), and every option
carries a reason code (:class:`Reason`).

Everything that does not depend on the order (nearest sites, drive times, line-haul
schedules, fixed costs) is precomputed per destination (ZIP area) once, so a batch
is a handful of numpy gathers and element-wise operations per order.

Costs are estimates in whole cents (``int64``, exact integer arithmetic); fees and
revenue shares use the partner's exact schedule. Settlement of what is billed is in
:mod:`hinterland.carriers.settlement` (exact Decimals).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from hinterland.core.errors import HinterlandError, InputError
from hinterland.core.money import to_cents, usd
from hinterland.geo import TravelModel, unit_vectors
from hinterland.geo.distance import chord_to_km
from hinterland.operations.drones import DroneFleet
from hinterland.operations.postal import PostalPartner, check_service_table, service_areas
from hinterland.operations.vans import LineHaul, VanFleet

MODES: tuple[str, ...] = (
    "hub_van",
    "fc_van",
    "postal_express_24h",
    "postal_priority_same_day",
    "drone",
)
HUB_VAN, FC_VAN, POSTAL_EXPRESS, POSTAL_PRIORITY, DRONE = range(5)

#: Carrier of each mode.
MODE_CARRIER: dict[str, str] = {
    "hub_van": "own_van",
    "fc_van": "own_van",
    "postal_express_24h": "postal_partner",
    "postal_priority_same_day": "postal_partner",
    "drone": "drone",
}

TIERS: tuple[str, ...] = ("60min", "same_day", "next_day", "two_day")
POLICIES: tuple[str, ...] = ("fastest", "cheapest")

#: Default shipping fee the customer pays per tier (the partner's revenue share base).
DEFAULT_SHIPPING_FEE_USD: dict[str, str] = {
    "60min": "9.99",
    "same_day": "5.99",
    "next_day": "2.99",
    "two_day": "0.00",
}

DAY = 1440.0


class Reason(IntEnum):
    """Why an option is not offered (per mode) or a tier not met (per order)."""

    OK = 0
    NO_SITE = 1
    NOT_SERVED = 2
    TOO_HEAVY = 3
    NOT_IN_STOCK = 4
    WEATHER = 5
    AFTER_CUTOFF = 6
    OUTSIDE_HOURS = 7
    TOO_FAR = 8
    MISSES_TIER = 9
    NO_OPTION = 10


REASON_TEXT: dict[int, str] = {
    Reason.OK: "ok",
    Reason.NO_SITE: "no site of this kind within range of the destination",
    Reason.NOT_SERVED: "the partner does not offer this product in this ZIP area",
    Reason.TOO_HEAVY: "parcel heavier than this mode carries",
    Reason.NOT_IN_STOCK: "item not stocked at the nearest local site",
    Reason.WEATHER: "drones grounded by weather",
    Reason.AFTER_CUTOFF: "ordered after this mode's cut-off",
    Reason.OUTSIDE_HOURS: "outside operating hours",
    Reason.TOO_FAR: "too far to deliver within this mode's window",
    Reason.MISSES_TIER: "no option arrives before the tier's deadline",
    Reason.NO_OPTION: "no delivery option reaches this destination",
}
REASON_NAMES: tuple[str, ...] = tuple(r.name for r in Reason)


@dataclass(frozen=True)
class PromiseConfig:
    """Carriers and site operations of the promise engine (defaults documented).

    Times are minutes from midnight. Defaults (assumptions):

    * hub: pick and pack 30 min; same-day van waves leave at 10:00 and 15:00
      (cut-offs 09:30 and 14:30); handling 1.80 USD per parcel.
    * fulfillment center: pick and pack 60 min; line-haul trucks leave at 22:00
      (cut-off 21:00); handling 1.20 USD per parcel.
    * station: line-haul must arrive ``station_sort_min`` (60) before the morning
      van wave at 10:00.
    * shipping fees by tier: :data:`DEFAULT_SHIPPING_FEE_USD`.
    * line-haul trucks drive at the travel model's ``linehaul_rurality`` (rural:
      highway-like) circuity and speed.
    """

    van: VanFleet = field(default_factory=VanFleet)
    linehaul: LineHaul = field(default_factory=LineHaul)
    partner: PostalPartner = field(default_factory=PostalPartner)
    drone: DroneFleet = field(default_factory=DroneFleet)
    hub_pick_min: float = 30.0
    hub_waves_min: tuple[float, ...] = (600.0, 900.0)
    hub_handling_usd: Decimal = field(default_factory=lambda: Decimal("1.80"))
    fc_pick_min: float = 60.0
    fc_departure_min: float = 1320.0
    fc_handling_usd: Decimal = field(default_factory=lambda: Decimal("1.20"))
    station_wave_min: float = 600.0
    station_sort_min: float = 60.0
    linehaul_rurality: str = "rural"
    shipping_fee_usd: dict[str, Decimal] = field(
        default_factory=lambda: {k: Decimal(v) for k, v in DEFAULT_SHIPPING_FEE_USD.items()}
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "hub_handling_usd", usd(self.hub_handling_usd,
                                                         name="hub_handling_usd"))
        object.__setattr__(self, "fc_handling_usd", usd(self.fc_handling_usd,
                                                        name="fc_handling_usd"))
        fees = {k: usd(v, name=f"shipping fee of {k}") for k, v in self.shipping_fee_usd.items()}
        if set(fees) != set(TIERS):
            raise HinterlandError(f"shipping_fee_usd needs exactly the tiers {', '.join(TIERS)}")
        object.__setattr__(self, "shipping_fee_usd", fees)
        waves = tuple(sorted(float(w) for w in self.hub_waves_min))
        if not waves or not all(0 <= w <= DAY for w in waves):
            raise HinterlandError("hub_waves_min needs one or more times within 0..1440")
        object.__setattr__(self, "hub_waves_min", waves)
        for name in ("hub_pick_min", "fc_pick_min", "station_sort_min"):
            if getattr(self, name) < 0:
                raise HinterlandError(f"{name} must be >= 0")
        for name in ("fc_departure_min", "station_wave_min"):
            if not 0 <= getattr(self, name) <= DAY:
                raise HinterlandError(f"{name} must be within 0..1440")


# ---------------------------------------------------------------------------------------------
# Static per-destination features
# ---------------------------------------------------------------------------------------------


def _site_pos(sites: NDArray[np.int64], j: NDArray[np.int64]) -> NDArray[np.int64]:
    """Facility row of nearest-site hits ``j`` into ``sites`` (-1 where none)."""
    if len(sites) == 0:
        return np.full(len(j), -1, np.int64)
    return np.where(j >= 0, sites[np.maximum(j, 0)], -1)


class _Nearest:
    """Nearest-site search over a fixed set of sites (cKDTree on 3-D unit vectors, built once)."""

    def __init__(self, sites: pd.DataFrame) -> None:
        self.n = len(sites)
        self.tree = (cKDTree(unit_vectors(sites["lat"].to_numpy(), sites["lon"].to_numpy()))
                     if self.n else None)

    def query(self, lat: NDArray[np.float64], lon: NDArray[np.float64]
              ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Position of the nearest site to each point and great-circle km (-1, inf if none)."""
        if self.tree is None:
            return np.full(len(lat), -1, np.int64), np.full(len(lat), np.inf)
        chord, idx = self.tree.query(unit_vectors(lat, lon))
        return np.asarray(idx, dtype=np.int64), chord_to_km(chord)


@dataclass(frozen=True)
class _Sites:
    """Facility subsets (positions into the facility table) and their line-haul feeders."""

    facilities: pd.DataFrame
    hubs: NDArray[np.int64]
    stations: NDArray[np.int64]
    offices: NDArray[np.int64]
    fcs: NDArray[np.int64]
    drones: NDArray[np.int64]


class Destinations:
    """Order-independent features of a set of destinations (arrays, one row each).

    Built by :meth:`PromiseEngine.destinations`; attributes are documented inline.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        nan = np.full(n, np.nan)
        none = np.full(n, -1, np.int32)
        # hub_van: nearest stocked hub, stem, and minutes from wave departure to "delivered by".
        self.hub_src = none.copy()
        self.hub_reason = np.zeros(n, np.uint8)
        self.hub_after_wave = nan.copy()
        self.hub_cost = np.zeros(n, np.int64)
        self.hub_co2 = nan.copy()
        # fc_van: promise and reason if the order makes today's FC cut-off (+1 day otherwise).
        self.fcv_src = none.copy()
        self.fcv_station = none.copy()  # delivery station where the van takes over
        self.fcv_reason = np.zeros(n, np.uint8)
        self.fcv_promise0 = nan.copy()
        self.fcv_cost = np.zeros(n, np.int64)
        self.fcv_co2 = nan.copy()
        # postal: hand-off office, express promise for today's cut-off, priority latest order.
        self.po_src = none.copy()
        self.pex_reason = np.zeros(n, np.uint8)
        self.pex_promise0 = nan.copy()
        self.pex_handoff0 = np.zeros(n, np.int64)  # hand-off day offset for today's cut-off
        self.pex_cost = np.zeros(n, np.int64)  # without weight fee and revenue share
        self.pex_co2 = nan.copy()
        self.ppr_reason = np.zeros(n, np.uint8)
        self.ppr_latest_order = nan.copy()
        # drone: site, flight minutes, distance.
        self.drone_src = none.copy()
        self.drone_reason = np.zeros(n, np.uint8)
        self.drone_flight = nan.copy()
        self.drone_cost = np.zeros(n, np.int64)
        self.drone_co2 = nan.copy()
        self.fc_for_office = none.copy()


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

    def __len__(self) -> int:
        return len(self.chosen)

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
        fastest feasible option, whatever the tier).
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


class PromiseEngine:
    """Promise options for orders over one network.

    Parameters
    ----------
    facilities
        Facility table (:mod:`hinterland.network.facilities` schema). Used kinds:
        ``fulfillment_center`` (line-haul sources), ``delivery_station`` and
        ``hybrid_hub`` (van stations), ``hybrid_hub``/``retail_store`` holding
        inventory (same-day sources), ``partner_post_office`` (hand-off), and
        ``drone_site``.
    zips
        ZIP areas (:func:`hinterland.data.zip_areas` schema: ``zip``, ``lat``, ``lon``,
        ``rurality``) that orders may name.
    config
        Carriers and operations (:class:`PromiseConfig`).
    travel
        Travel model for road km and drive minutes (default
        :class:`~hinterland.geo.TravelModel`).
    partner_service
        The partner's service table (:data:`~hinterland.operations.postal.SERVICE_COLUMNS`
        with ``office_id`` naming facility ids); default
        :func:`~hinterland.operations.postal.service_areas` over the partner offices.
    """

    def __init__(
        self,
        facilities: pd.DataFrame,
        zips: pd.DataFrame,
        config: PromiseConfig | None = None,
        travel: TravelModel | None = None,
        partner_service: pd.DataFrame | None = None,
    ) -> None:
        self.config = config or PromiseConfig()
        self.travel = travel or TravelModel()
        fac = facilities.reset_index(drop=True)
        kind = fac["kind"].astype(str).to_numpy()
        inv = fac["holds_inventory"].astype(bool).to_numpy()
        self.sites = _Sites(
            facilities=fac,
            hubs=np.flatnonzero(np.isin(kind, ["hybrid_hub", "retail_store"]) & inv),
            stations=np.flatnonzero(np.isin(kind, ["delivery_station", "hybrid_hub"])),
            offices=np.flatnonzero(kind == "partner_post_office"),
            fcs=np.flatnonzero((kind == "fulfillment_center") & inv),
            drones=np.flatnonzero(kind == "drone_site"),
        )
        self.facility_ids = fac["id"].astype(str).to_numpy().astype(object)
        self.zips = zips.reset_index(drop=True)[["zip", "lat", "lon", "rurality"]].copy()
        self.zips["zip"] = self.zips["zip"].astype(str)
        self.zips["rurality"] = self.zips["rurality"].astype(str)
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
        self.dest = self.destinations(self.zips, service_rows=np.arange(len(self.zips)))
        self._waves = np.array(self.config.hub_waves_min)

    # -- static features ---------------------------------------------------------------------

    def _feeder(self, targets: NDArray[np.int64]
                ) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
        """Nearest FC of each target site (-1 if none), line-haul road km and minutes."""
        fac = self.sites.facilities.iloc[targets]
        j, gc = _Nearest(self.sites.facilities.iloc[self.sites.fcs]).query(
            fac["lat"].to_numpy(), fac["lon"].to_numpy())
        lhr = self.config.linehaul_rurality
        km = self.travel.road_km(gc, lhr)
        src = _site_pos(self.sites.fcs, j)
        return src, km, self.travel.drive_min(km, lhr)

    def _service_by_zip(self, table: pd.DataFrame | None) -> pd.DataFrame:
        offices = self.sites.facilities.iloc[self.sites.offices]
        if table is None:
            table = service_areas(self.zips, offices, self.config.partner, self.travel)
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

    def destinations(self, points: pd.DataFrame, service_rows: NDArray[np.int64] | None = None
                     ) -> Destinations:
        """Order-independent features of destinations ``points`` (``lat``, ``lon``, ``rurality``).

        ``service_rows`` gives each point's row in :attr:`zips` to look up the partner's
        service table; without it (lat/lon destinations), the point is served as its
        nearest ZIP area is, from that ZIP area's office.
        """
        cfg = self.config
        van, lh, drone, partner = cfg.van, cfg.linehaul, cfg.drone, cfg.partner
        n = len(points)
        d = Destinations(n)
        lat = points["lat"].to_numpy(dtype=float)
        lon = points["lon"].to_numpy(dtype=float)
        rur = points["rurality"].astype(str).to_numpy()
        road = self.travel.road_km
        drive = self.travel.drive_min

        # hub_van ------------------------------------------------------------------------------
        j, gc = self._near["hubs"].query(lat, lon)
        km = road(gc, rur)
        mins = drive(km, rur)
        ok = (j >= 0) & (mins <= van.max_stem_min)
        d.hub_src[:] = _site_pos(self.sites.hubs, j)
        d.hub_reason[:] = np.where(ok, Reason.OK, Reason.NO_SITE)
        d.hub_after_wave[:] = np.where(ok, mins + van.route_allowance_min, np.nan)
        d.hub_cost[:] = to_cents(cfg.hub_handling_usd) + van.parcel_cost_cents(
            np.where(ok, km, 0), np.where(ok, mins, 0), rur)
        d.hub_co2[:] = np.where(ok, van.parcel_co2_kg(np.where(ok, km, 0), rur), np.nan)

        # fc_van -------------------------------------------------------------------------------
        j, gc = self._near["stations"].query(lat, lon)
        km = road(gc, rur)
        mins = drive(km, rur)
        st = _site_pos(self.sites.stations, j)
        if len(self.sites.stations) and len(self.sites.fcs):
            f_src, f_km, f_min = self._station_feed
            fsrc, fkm, fmin = f_src[np.maximum(j, 0)], f_km[np.maximum(j, 0)], f_min[
                np.maximum(j, 0)]
        else:
            fsrc, fkm, fmin = np.full(n, -1), np.full(n, np.inf), np.full(n, np.inf)
        ok = (j >= 0) & (fsrc >= 0) & (mins <= van.max_stem_min)
        arrive = cfg.fc_departure_min + fmin + cfg.station_sort_min
        k = np.maximum(np.ceil((arrive - cfg.station_wave_min) / DAY), 1.0)
        promise = k * DAY + cfg.station_wave_min + mins + van.route_allowance_min
        late = promise > k * DAY + van.shift_end_min
        d.fcv_src[:] = np.where(ok, fsrc, -1)
        d.fcv_reason[:] = np.where(~ok, Reason.NO_SITE, np.where(late, Reason.TOO_FAR, Reason.OK))
        d.fcv_promise0[:] = np.where(d.fcv_reason == Reason.OK, promise, np.nan)
        d.fcv_cost[:] = (to_cents(cfg.fc_handling_usd)
                         + lh.parcel_cost_cents(np.where(ok, fkm, 0))
                         + van.parcel_cost_cents(np.where(ok, km, 0), np.where(ok, mins, 0), rur))
        d.fcv_co2[:] = np.where(ok, lh.parcel_co2_kg(np.where(ok, fkm, 0))
                                + van.parcel_co2_kg(np.where(ok, km, 0), rur), np.nan)
        d.fcv_station[:] = np.where(ok, st, -1)

        # postal -------------------------------------------------------------------------------
        office = np.full(n, -1, np.int64)
        transit = np.full(n, -1, np.int64)
        express = np.zeros(n, bool)
        priority = np.zeros(n, bool)
        if service_rows is None:
            _, zrow = self._zip_tree.query(unit_vectors(lat, lon))
            zcodes = self.zips["zip"].to_numpy()[zrow]
        else:
            zcodes = self.zips["zip"].to_numpy()[service_rows]
        svc = self._service.reindex(zcodes)
        has = svc["office_pos"].notna().to_numpy()
        office[has] = svc["office_pos"].to_numpy()[has].astype(np.int64)
        transit[has] = svc["transit_days"].to_numpy()[has].astype(np.int64)
        express[has] = svc["express_24h"].to_numpy()[has].astype(bool)
        priority[has] = svc["priority_same_day"].to_numpy()[has].astype(bool)
        if len(self.sites.offices) and len(self.sites.fcs):
            o_src, o_km, o_min = self._office_feed
            opos = np.searchsorted(self.sites.offices, np.maximum(office, 0))
            fsrc = np.where(has, o_src[opos], -1)
            fkm = np.where(has, o_km[opos], np.inf)
            fmin = np.where(has, o_min[opos], np.inf)
        else:
            fsrc, fkm, fmin = np.full(n, -1), np.full(n, np.inf), np.full(n, np.inf)
        served = has & (fsrc >= 0)
        arrive = cfg.fc_departure_min + fmin
        h = np.maximum(np.ceil((arrive - partner.handoff_cutoff_min) / DAY), 1.0)
        d.po_src[:] = np.where(served, office, -1)
        d.fc_for_office[:] = np.where(served, fsrc, -1)
        ex_ok = served & express
        d.pex_reason[:] = np.where(ex_ok, Reason.OK, Reason.NOT_SERVED)
        d.pex_promise0[:] = np.where(ex_ok, (h + transit) * DAY + partner.delivery_end_min, np.nan)
        d.pex_handoff0[:] = np.where(ex_ok, h, 0).astype(np.int64)
        fixed = (to_cents(cfg.fc_handling_usd) + to_cents(partner.premises_fee_usd)
                 + lh.parcel_cost_cents(np.where(served, fkm, 0)))
        d.pex_cost[:] = fixed
        d.pex_co2[:] = np.where(served, lh.parcel_co2_kg(np.where(served, fkm, 0))
                                + partner.co2_kg_per_parcel, np.nan)
        pr_ok = served & priority
        d.ppr_reason[:] = np.where(pr_ok, Reason.OK, Reason.NOT_SERVED)
        d.ppr_latest_order[:] = np.where(
            pr_ok, partner.priority_cutoff_min - cfg.fc_pick_min - fmin, np.nan)

        # drone --------------------------------------------------------------------------------
        j, gc = self._near["drones"].query(lat, lon)
        ok = (j >= 0) & (gc <= drone.radius_km)
        d.drone_src[:] = np.where(ok, _site_pos(self.sites.drones, j), -1)
        d.drone_reason[:] = np.where(ok, Reason.OK, Reason.NO_SITE)
        d.drone_flight[:] = np.where(ok, drone.flight_min(gc), np.nan)
        d.drone_cost[:] = to_cents(drone.cost_per_delivery_usd) + to_cents(cfg.hub_handling_usd)
        d.drone_co2[:] = np.where(ok, drone.parcel_co2_kg(gc), np.nan)
        return d

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
        """Features of lat/lon destinations (rurality of the nearest ZIP area)."""
        _, zrow = self._zip_tree.query(unit_vectors(lat, lon))
        pts = pd.DataFrame({"lat": lat, "lon": lon,
                            "rurality": self.zips["rurality"].to_numpy()[zrow]})
        return self.destinations(pts, service_rows=None)

    # -- the vectorised core -----------------------------------------------------------------

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
            Order time, minutes from the start of the order's day (0 <= t < 1440).
        weight_kg
            Parcel weight (> 0).
        tier
            Index into :data:`TIERS`.
        in_stock
            Item stocked at the local hub / drone site (default all True).
        items, stock
            Item codes (:meth:`StockIndex.codes`) and the stock index: the item must
            also be stocked at the hub / drone site in question.
        weather_ok
            Drones may fly (default all True).
        shipping_fee_cents
            Shipping fee paid (default: the tier's fee from the config).
        policy
            ``"fastest"`` or ``"cheapest"``.
        """
        if policy not in POLICIES:
            raise HinterlandError(f"policy {policy!r} is not one of {', '.join(POLICIES)}")
        cfg = self.config
        van, drone, partner = cfg.van, cfg.drone, cfg.partner
        d = dest or self.dest
        r = np.asarray(dest_rows, dtype=np.int64)
        t = np.asarray(order_min, dtype=float)
        w = np.asarray(weight_kg, dtype=float)
        tier = np.asarray(tier, dtype=np.int8)
        n = len(r)
        k = len(MODES)
        if shipping_fee_cents is None:
            tier_fee = np.array([to_cents(cfg.shipping_fee_usd[x]) for x in TIERS], np.int64)
            shipping_fee_cents = tier_fee[tier]
        # Mode-major (k, n) arrays: each mode writes contiguous rows.
        prom = np.empty((k, n))
        cost = np.empty((k, n), np.int64)
        co2 = np.empty((k, n))
        reason = np.empty((k, n), np.uint8)
        src = np.empty((k, n), np.int32)
        hand = np.full((k, n), -1, np.int32)
        no_stock = None if in_stock is None else ~np.asarray(in_stock, bool)
        no_hub_stock = no_drone_stock = no_stock
        if stock is not None and items is not None:
            codes = np.asarray(items, dtype=np.int64)
            no_hub_stock = ~stock.has(d.hub_src[r], codes)
            no_drone_stock = ~stock.has(d.drone_src[r], codes)
            if no_stock is not None:
                no_hub_stock = no_hub_stock | no_stock
                no_drone_stock = no_drone_stock | no_stock
        no_weather = None if weather_ok is None else ~np.asarray(weather_ok, bool)
        van_heavy = w > van.max_parcel_kg

        def first_failing(base: NDArray[np.uint8],
                          checks: list[tuple[NDArray[np.bool_] | None, int]]) -> NDArray[np.uint8]:
            """Reason code: the base (site) reason, else the first failing check, else OK."""
            out = np.zeros(n, np.uint8)
            for cond, code in reversed(checks):
                if cond is not None:
                    out[cond] = code
            return np.where(base != 0, base, out)

        # hub_van: first wave whose cut-off (wave - pick) is not before the order; after the
        # last cut-off the stock is still local, so the parcel rides tomorrow's first wave.
        wi = np.searchsorted(self._waves - cfg.hub_pick_min, t, side="left")
        after = wi >= len(self._waves)
        day = np.where(after, 1440.0, 0.0)
        wave = np.where(after, self._waves[0], self._waves[np.minimum(wi, len(self._waves) - 1)])
        p = day + wave + d.hub_after_wave[r]
        reason[HUB_VAN] = first_failing(d.hub_reason[r], [
            (van_heavy, Reason.TOO_HEAVY), (no_hub_stock, Reason.NOT_IN_STOCK),
            (p - day > van.shift_end_min, Reason.TOO_FAR)])
        prom[HUB_VAN] = p
        cost[HUB_VAN] = d.hub_cost[r]
        co2[HUB_VAN] = d.hub_co2[r]
        src[HUB_VAN] = d.hub_src[r]

        # fc_van: today's line-haul if the order makes the FC cut-off, else tomorrow's.
        slip = (t + cfg.fc_pick_min > cfg.fc_departure_min) * DAY
        reason[FC_VAN] = first_failing(d.fcv_reason[r], [(van_heavy, Reason.TOO_HEAVY)])
        prom[FC_VAN] = d.fcv_promise0[r] + slip
        cost[FC_VAN] = d.fcv_cost[r]
        co2[FC_VAN] = d.fcv_co2[r]
        src[FC_VAN] = d.fcv_src[r]
        hand[FC_VAN] = d.fcv_station[r]

        # postal: fee by weight band + revenue share of the shipping fee.
        fee = partner.fees.fee_cents(w)
        heavy = fee < 0
        share = partner.revenue_share_cents(shipping_fee_cents)
        office = d.po_src[r]
        fc_o = d.fc_for_office[r]
        pco2 = d.pex_co2[r]
        reason[POSTAL_EXPRESS] = first_failing(d.pex_reason[r], [(heavy, Reason.TOO_HEAVY)])
        prom[POSTAL_EXPRESS] = d.pex_promise0[r] + slip
        base = d.pex_cost[r] + fee + share
        cost[POSTAL_EXPRESS] = base
        co2[POSTAL_EXPRESS] = pco2
        src[POSTAL_EXPRESS] = fc_o
        hand[POSTAL_EXPRESS] = office
        reason[POSTAL_PRIORITY] = first_failing(d.ppr_reason[r], [
            (heavy, Reason.TOO_HEAVY),
            (t + cfg.fc_pick_min > partner.priority_cutoff_min, Reason.AFTER_CUTOFF),
            (t > d.ppr_latest_order[r], Reason.TOO_FAR)])
        prom[POSTAL_PRIORITY] = partner.priority_delivery_end_min
        cost[POSTAL_PRIORITY] = base + to_cents(partner.priority_surcharge_usd)
        co2[POSTAL_PRIORITY] = pco2
        src[POSTAL_PRIORITY] = fc_o
        hand[POSTAL_PRIORITY] = office

        # drone: launch after prep (not before opening), back before closing.
        flight = d.drone_flight[r]
        launch = np.maximum(t + drone.prep_min, drone.open_min)
        reason[DRONE] = first_failing(d.drone_reason[r], [
            (w > drone.payload_kg, Reason.TOO_HEAVY), (no_drone_stock, Reason.NOT_IN_STOCK),
            (no_weather, Reason.WEATHER),
            (launch + 2.0 * flight > drone.close_min, Reason.OUTSIDE_HOURS)])
        prom[DRONE] = launch + flight
        cost[DRONE] = d.drone_cost[r]
        co2[DRONE] = d.drone_co2[r]
        src[DRONE] = d.drone_src[r]

        # Mask infeasible options, check the tier, choose by policy.
        bad = reason != 0
        np.putmask(prom, bad, np.nan)
        np.putmask(cost, bad, -1)
        np.putmask(co2, bad, np.nan)
        np.putmask(src, bad, -1)
        np.putmask(hand, bad, -1)
        deadline = np.array([0.0, DAY, 2 * DAY, 3 * DAY])[tier]
        deadline = np.where(tier == 0, t + 60.0, deadline)
        meets = prom <= deadline  # NaN compares False
        key = prom * 1e6 + cost if policy == "fastest" else cost * 1e5 + prom
        np.putmask(key, ~meets, np.inf)
        any_meets = meets.any(axis=0)
        chosen = np.where(any_meets, np.argmin(key, axis=0), -1).astype(np.int8)
        tier_reason = np.where(any_meets, np.uint8(Reason.OK), np.where(
            bad.all(axis=0), np.uint8(Reason.NO_OPTION), np.uint8(Reason.MISSES_TIER)))
        handoff_day = np.where(chosen == POSTAL_EXPRESS, d.pex_handoff0[r] + (slip > 0),
                               np.where(chosen == POSTAL_PRIORITY, 0, -1)).astype(np.int16)
        return PromiseResult(
            order_id=None if order_id is None else np.asarray(order_id, dtype=object),
            day_start=day_start,
            tz_suffix=tz_suffix,
            order_min=t,
            tier=tier,
            policy=policy,
            promised_min=prom.T,
            cost_cents=cost.T,
            co2_kg=co2.T,
            reason=reason.T,
            source=src.T,
            handoff=hand.T,
            meets_tier=meets.T,
            chosen=chosen,
            tier_reason=tier_reason,
            facility_ids=self.facility_ids,
            weight_kg=w,
            shipping_fee_cents=np.asarray(shipping_fee_cents, np.int64),
            handoff_day=handoff_day,
            dest_zip=dest_zip,
        )

    # -- tables ------------------------------------------------------------------------------

    def promise(self, orders: pd.DataFrame, *, policy: str = "fastest",
                source: str = "orders", stock: StockIndex | pd.DataFrame | None = None
                ) -> PromiseResult:
        """Promise every order of a table (schema in :func:`parse_orders`).

        ``stock`` (a :class:`StockIndex` or a ``facility_id``, ``item_id`` table) makes
        local stock per item: orders then need an ``item_id`` column.
        """
        parsed = parse_orders(orders, self, source=source)
        if isinstance(stock, pd.DataFrame):
            stock = StockIndex.build(self, stock)
        if stock is not None and parsed.item_id is None:
            raise InputError(source, "a stock table needs an item_id column in the orders",
                             column="item_id")
        return self.promise_parsed(parsed, policy=policy, stock=stock)

    def promise_parsed(self, o: ParsedOrders, *, policy: str = "fastest",
                       stock: StockIndex | None = None) -> PromiseResult:
        """Promise orders already checked by :func:`parse_orders`."""
        n = len(o.order_min)
        pts = o.zip_row < 0
        items = (stock.codes(o.item_id) if stock is not None and o.item_id is not None
                 else None)
        if not pts.any():
            return self.promise_arrays(
                o.zip_row, o.order_min, o.weight_kg, o.tier, in_stock=o.in_stock,
                weather_ok=o.weather_ok, shipping_fee_cents=o.shipping_fee_cents,
                policy=policy, order_id=o.order_id, day_start=o.day_start, tz_suffix=o.tz_suffix,
                dest_zip=o.dest_zip, items=items, stock=stock)
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
                items=None if items is None else items[mask], stock=stock)
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
                 "handoff_day")


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
    cfg = engine.config
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
