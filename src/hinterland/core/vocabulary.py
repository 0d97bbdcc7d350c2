"""The one vocabulary every stage, the API and the CLI use.

* :data:`TIERS`: delivery promise tiers, fastest first, and their deadlines
  (:func:`tier_deadline_min`). Coverage reports the best tier a ZIP area can be
  promised; ``beyond`` (:data:`COVERAGE_CLASSES`) is "slower than every tier".
* :data:`FACILITY_KINDS` and :data:`CAPABILITIES`: what each kind of facility does
  (one table: which kinds may hold stock, run vans, launch drones, hand off to the
  postal partner, send line-haul).
* :class:`Reason`: why a delivery option is not offered, or a tier not met.

Times are minutes from local midnight of the order's day at the destination (the
order's clock); ``1440 + 600`` is 10:00 the next day.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "CAPABILITIES",
    "COVERAGE_CLASSES",
    "DAY_MIN",
    "FACILITY_KINDS",
    "REASON_NAMES",
    "REASON_TEXT",
    "TIERS",
    "TIER_DEADLINE_DAYS",
    "Capability",
    "Reason",
    "kinds_with",
    "tier_code",
    "tier_deadline_min",
]

#: Minutes in a day.
DAY_MIN = 1440.0

#: Promise tiers, fastest first.
TIERS: tuple[str, ...] = ("60min", "same_day", "next_day", "two_day")

#: Coverage classes: the tiers, then ``beyond`` (no tier can be promised).
COVERAGE_CLASSES: tuple[str, ...] = (*TIERS, "beyond")

#: Deadline of each day tier: end of the order's day + this many days (``60min`` is
#: relative to the order time, see :func:`tier_deadline_min`).
TIER_DEADLINE_DAYS: dict[str, int] = {"same_day": 0, "next_day": 1, "two_day": 2}


def tier_code(tier: str) -> int:
    """Index of ``tier`` in :data:`TIERS` (``ValueError`` naming the known tiers)."""
    try:
        return TIERS.index(tier)
    except ValueError:
        raise ValueError(f"{tier!r} is not one of {', '.join(TIERS)}") from None


def tier_deadline_min(tier: ArrayLike, order_min: ArrayLike) -> NDArray[np.float64]:
    """Latest promised minute meeting each tier (tier codes into :data:`TIERS`).

    ``60min``: order time + 60; ``same_day``: end of the order's day (1440);
    ``next_day``: end of the next day (2880); ``two_day``: 4320.
    """
    code = np.asarray(tier, dtype=np.int64)
    t = np.asarray(order_min, dtype=float)
    days = np.array([0.0, *(TIER_DEADLINE_DAYS[x] + 1.0 for x in TIERS[1:])]) * DAY_MIN
    return np.where(code == 0, t + 60.0, days[code])


#: Facility kinds.
FACILITY_KINDS: tuple[str, ...] = (
    "fulfillment_center",
    "sort_center",
    "delivery_station",
    "hybrid_hub",
    "partner_post_office",
    "retail_store",
    "drone_site",
)


@dataclass(frozen=True)
class Capability:
    """What one kind of facility does.

    Attributes
    ----------
    may_hold_stock
        May hold inventory (the facility row's ``holds_inventory`` says whether it does).
    stocked_by_default
        Holds inventory when the facility table does not say.
    runs_vans
        Own vans leave from its dock (a delivery station for the last mile).
    launches_drones
        Drones fly from it.
    partner_handoff
        The postal partner takes parcels over here.
    sends_linehaul
        Line-haul trucks leave from it (a source of next-day stock).
    """

    may_hold_stock: bool
    stocked_by_default: bool
    runs_vans: bool
    launches_drones: bool
    partner_handoff: bool
    sends_linehaul: bool


#: The one table of facility capabilities.
CAPABILITIES: dict[str, Capability] = {
    "fulfillment_center": Capability(True, True, False, False, False, True),
    "sort_center": Capability(False, False, False, False, False, False),
    "delivery_station": Capability(False, False, True, False, False, False),
    "hybrid_hub": Capability(True, True, True, False, False, False),
    "partner_post_office": Capability(False, False, False, False, True, False),
    "retail_store": Capability(True, True, True, False, False, False),
    "drone_site": Capability(True, False, False, True, False, False),
}


def kinds_with(capability: str) -> frozenset[str]:
    """Facility kinds having ``capability`` (a field of :class:`Capability`)."""
    return frozenset(k for k, c in CAPABILITIES.items() if getattr(c, capability))


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
    AT_CAPACITY = 11


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
    Reason.AT_CAPACITY: "the site's capacity for that day is used up",
}
REASON_NAMES: tuple[str, ...] = tuple(r.name for r in Reason)
