"""The postal partner: hand-off at its post offices, fees, revenue share, service areas.

We hand parcels to the partner at one of its post offices (destination delivery
unit injection); the partner's own carriers deliver the last mile on routes they
run every day anyway, which is why it reaches remote ZIP areas our vans do not.

Money (all exact :class:`~decimal.Decimal`, cents):

* a per-parcel **fee** by weight band (:class:`FeeSchedule`), plus a surcharge for
  the "Priority same-day" product;
* a **revenue share**: a percentage of the shipping fee the customer paid,
  rounded half up to the cent per parcel;
* a **premises fee** per parcel for receiving and holding it at the office.

Service (which ZIP areas, at which tiers, how many days in transit) comes from a
service table (:func:`service_areas`): by default a ZIP area is served from its
nearest partner office when that office is within ``service_radius_km`` road km;
transit is 0 days (delivered the day of hand-off) within ``local_radius_km`` and
1 day beyond; "Priority same-day" is offered within ``priority_radius_km`` of an
office. A partner's real table can replace it (same columns).

Defaults are planning assumptions, not a tariff. The weight bands follow the
pound breaks of US domestic parcel price lists (1, 2, 5, 10, 20, 70 lb) and the
70 lb (31.75 kg) maximum weight of USPS domestic mail; the amounts are of the
order of destination-delivery-unit parcel rates.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from hinterland.core.errors import HinterlandError, InputError
from hinterland.core.money import CENT, round_cents, to_cents, usd
from hinterland.data.schema import Column, check_table
from hinterland.geo import TravelModel, unit_vectors
from hinterland.geo.distance import chord_to_km

LB_KG = 0.45359237

#: Default weight bands: (upper weight in kg, inclusive; fee per parcel).
DEFAULT_FEE_BANDS: tuple[tuple[float, str], ...] = (
    (1 * LB_KG, "3.10"),
    (2 * LB_KG, "3.60"),
    (5 * LB_KG, "4.70"),
    (10 * LB_KG, "6.90"),
    (20 * LB_KG, "9.80"),
    (70 * LB_KG, "15.40"),
)

#: Columns of a partner service table (one row per served ZIP area).
SERVICE_COLUMNS = (
    "zip",  # str, 5 chars
    "office",  # int row position of the hand-off office in the facility table's offices
    "office_id",  # str facility id of the hand-off office
    "office_road_km",  # float, road km office -> ZIP centroid
    "transit_days",  # int, days after hand-off day (0 = delivered the day of hand-off)
    "express_24h",  # bool, "Express 24h" offered
    "priority_same_day",  # bool, "Priority same-day" offered
)


@dataclass(frozen=True)
class FeeSchedule:
    """Per-parcel fee by weight band.

    Parameters
    ----------
    bands
        ``(max_kg, fee)`` pairs with strictly increasing ``max_kg``; a parcel of
        weight ``w`` pays the fee of the first band with ``w <= max_kg``. Fees are
        decimal strings or Decimals (exact cents) and must not decrease.
    """

    bands: tuple[tuple[float, Decimal], ...] = field(
        default_factory=lambda: tuple((kg, Decimal(fee)) for kg, fee in DEFAULT_FEE_BANDS)
    )

    def __post_init__(self) -> None:
        if not self.bands:
            raise HinterlandError("fee schedule needs at least one weight band")
        bands = tuple((float(kg), usd(fee, name=f"fee of band <= {kg} kg"))
                      for kg, fee in self.bands)
        limits = [kg for kg, _ in bands]
        fees = [fee for _, fee in bands]
        if any(not np.isfinite(kg) or kg <= 0 for kg in limits):
            raise HinterlandError("weight band limits must be positive and finite")
        if any(b <= a for a, b in itertools.pairwise(limits)):
            raise HinterlandError("weight band limits must strictly increase")
        if any(b < a for a, b in itertools.pairwise(fees)):
            raise HinterlandError("weight band fees must not decrease with weight")
        if fees[0] < 0:
            raise HinterlandError("weight band fees must be >= 0")
        object.__setattr__(self, "bands", bands)
        object.__setattr__(self, "_limits", np.array(limits, dtype=float))
        object.__setattr__(self, "_cents", np.array([to_cents(f) for f in fees], dtype=np.int64))

    @property
    def max_kg(self) -> float:
        """Heaviest parcel the partner accepts."""
        return self.bands[-1][0]

    def band_index(self, weight_kg: ArrayLike) -> NDArray[np.int64]:
        """Band of each weight (vectorised); ``-1`` where not accepted (<= 0, NaN, too heavy)."""
        w = np.asarray(weight_kg, dtype=float)
        limits: NDArray[np.float64] = self._limits  # type: ignore[attr-defined]
        idx = np.searchsorted(limits, w, side="left").astype(np.int64)
        bad = ~(w > 0) | (idx >= len(limits))
        return np.where(bad, -1, idx)

    def fee_cents(self, weight_kg: ArrayLike) -> NDArray[np.int64]:
        """Fee of each weight in whole cents (vectorised); ``-1`` where not accepted."""
        idx = self.band_index(weight_kg)
        cents: NDArray[np.int64] = self._cents  # type: ignore[attr-defined]
        return np.where(idx >= 0, cents[np.maximum(idx, 0)], -1)

    def fee(self, weight_kg: float) -> Decimal:
        """Fee of one parcel as an exact Decimal.

        Raises
        ------
        HinterlandError
            Weight not positive or above :attr:`max_kg`.
        """
        w = float(weight_kg)
        if not w > 0:
            raise HinterlandError(f"parcel weight must be > 0 kg, got {weight_kg!r}")
        for limit, fee in self.bands:
            if w <= limit:
                return fee
        raise HinterlandError(
            f"parcel of {w:g} kg is above the partner's maximum of {self.max_kg:.2f} kg"
        )


@dataclass(frozen=True)
class PostalPartner:
    """A postal partner delivering from its post offices (defaults documented above).

    Times are minutes from the start of the operating day (midnight).
    """

    name: str = "postal_partner"
    fees: FeeSchedule = field(default_factory=FeeSchedule)
    priority_surcharge_usd: Decimal = field(default_factory=lambda: Decimal("4.00"))
    revenue_share_pct: Decimal = field(default_factory=lambda: Decimal("10"))
    premises_fee_usd: Decimal = field(default_factory=lambda: Decimal("0.25"))
    handoff_cutoff_min: float = 9 * 60.0
    delivery_start_min: float = 8 * 60.0
    delivery_end_min: float = 17 * 60.0
    priority_cutoff_min: float = 11 * 60.0
    priority_delivery_end_min: float = 20 * 60.0
    local_radius_km: float = 40.0
    service_radius_km: float = 120.0
    priority_radius_km: float = 15.0
    co2_kg_per_parcel: float = 0.10

    def __post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise HinterlandError("postal partner needs a name")
        object.__setattr__(self, "priority_surcharge_usd",
                           usd(self.priority_surcharge_usd, name="priority_surcharge_usd"))
        object.__setattr__(self, "premises_fee_usd",
                           usd(self.premises_fee_usd, name="premises_fee_usd"))
        try:
            pct = Decimal(self.revenue_share_pct)
        except Exception:
            raise HinterlandError("revenue_share_pct must be a decimal percentage") from None
        if not pct.is_finite() or not Decimal(0) <= pct <= Decimal(100):
            raise HinterlandError(f"revenue_share_pct must be within 0..100, got {pct}")
        object.__setattr__(self, "revenue_share_pct", pct)
        if min(self.priority_surcharge_usd, self.premises_fee_usd) < 0:
            raise HinterlandError("partner fees must be >= 0")
        for name in ("handoff_cutoff_min", "delivery_start_min", "delivery_end_min",
                     "priority_cutoff_min",
                     "priority_delivery_end_min"):
            v = getattr(self, name)
            if not 0 <= v <= 24 * 60:
                raise HinterlandError(f"partner {name} must be within 0..1440 min, got {v}")
        if not (np.isfinite(self.service_radius_km)
                and 0 <= self.local_radius_km <= self.service_radius_km):
            raise HinterlandError("partner radii need 0 <= local_radius_km <= service_radius_km"
                                  " (finite)")
        for name in ("priority_radius_km", "co2_kg_per_parcel"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v >= 0):
                raise HinterlandError(f"partner {name} must be finite and >= 0, got {v!r}")

    def revenue_share(self, shipping_fee_usd: Decimal) -> Decimal:
        """The partner's share of one parcel's shipping fee, rounded half up to the cent."""
        fee = usd(shipping_fee_usd, name="shipping_fee_usd")
        if fee < 0:
            raise HinterlandError("shipping_fee_usd must be >= 0")
        return round_cents(fee * self.revenue_share_pct / 100)

    def revenue_share_cents(self, shipping_fee_cents: ArrayLike) -> NDArray[np.int64]:
        """Vectorised :meth:`revenue_share` on integer cents (exact: integer arithmetic).

        ``pct`` is scaled to an integer of 1e-6 percent; the share is
        ``round_half_up(cents * pct / 100)`` computed with integer floor division.
        """
        cents = np.asarray(shipping_fee_cents, dtype=np.int64)
        scale = 10**6
        num = int((self.revenue_share_pct * scale).to_integral_value())
        if Decimal(num) != self.revenue_share_pct * scale:
            # Finer than 1e-6 percent: fall back to exact Decimal per value.
            flat = [to_cents(self.revenue_share(Decimal(int(c)) / 100)) for c in cents.ravel()]
            return np.array(flat, dtype=np.int64).reshape(cents.shape)
        den = 100 * scale
        return (cents * num * 2 + den) // (2 * den)

    def parcel_charges(self, weight_kg: float, shipping_fee_usd: Decimal,
                       *, priority: bool = False) -> dict[str, Decimal]:
        """Exact charges of one parcel: ``fee``, ``revenue_share``, ``premises_fee``, ``total``."""
        fee = self.fees.fee(weight_kg) + (self.priority_surcharge_usd if priority else Decimal(0))
        share = self.revenue_share(shipping_fee_usd)
        premises = self.premises_fee_usd
        return {"fee": fee, "revenue_share": share, "premises_fee": premises,
                "total": (fee + share + premises).quantize(CENT)}


SERVICE_SCHEMA: tuple[Column, ...] = (
    Column("zip", "str", length=5),
    Column("office_id", "str"),
    Column("transit_days", "int", min=0, max=30),
    Column("express_24h", "bool"),
    Column("priority_same_day", "bool"),
)


def check_service_table(table: pd.DataFrame, source: str = "partner service table"
                        ) -> pd.DataFrame:
    """Check a partner's own service table (``zip``, ``office_id``, ``transit_days``,
    ``express_24h``, ``priority_same_day``; one row per served ZIP area).

    Raises
    ------
    InputError
        A missing column or bad value (file, 1-based row, column), or a ZIP listed twice.
    """
    t = table.copy()
    if "zip" in t.columns:
        t["zip"] = t["zip"].astype("string").str.strip().str.zfill(5)
    checked = check_table(t, SERVICE_SCHEMA, source)
    dup = checked["zip"].duplicated().to_numpy()
    if dup.any():
        row = int(np.flatnonzero(dup)[0]) + 1
        raise InputError(source, f"ZIP {checked['zip'].iloc[row - 1]} listed twice", row=row,
                         column="zip")
    return checked


def service_areas(
    zips: pd.DataFrame,
    offices: pd.DataFrame,
    partner: PostalPartner | None = None,
    travel: TravelModel | None = None,
) -> pd.DataFrame:
    """Default service table of a partner: nearest office per ZIP area and what it offers.

    Parameters
    ----------
    zips
        ZIP areas with ``zip``, ``lat``, ``lon`` and ``rurality``
        (:func:`hinterland.data.zip_areas`).
    offices
        The partner's post offices (facility table rows: ``id``, ``lat``, ``lon``).
    partner
        Radii and products (defaults: :class:`PostalPartner`).
    travel
        Road distance model (default :class:`~hinterland.geo.TravelModel`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SERVICE_COLUMNS`, one row per served ZIP area.
    """
    partner = partner or PostalPartner()
    travel = travel or TravelModel()
    if len(offices) == 0 or len(zips) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SERVICE_COLUMNS})
    tree = cKDTree(unit_vectors(offices["lat"].to_numpy(), offices["lon"].to_numpy()))
    chord, office = tree.query(unit_vectors(zips["lat"].to_numpy(), zips["lon"].to_numpy()))
    rur = zips["rurality"].astype(str).to_numpy() if "rurality" in zips else None
    road = travel.road_km(chord_to_km(chord), rur)
    served = road <= partner.service_radius_km
    out = pd.DataFrame(
        {
            "zip": zips["zip"].astype(str).to_numpy(),
            "office": office.astype(np.int64),
            "office_id": offices["id"].astype(str).to_numpy()[office],
            "office_road_km": road,
            "transit_days": np.where(road <= partner.local_radius_km, 0, 1).astype(np.int64),
            "express_24h": np.ones(len(zips), dtype=bool),
            "priority_same_day": road <= partner.priority_radius_km,
        }
    )
    return out[served].reset_index(drop=True)
