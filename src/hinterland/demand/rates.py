"""Demand-rate defaults, in one place, with their sources.

Parcels per ZIP area per day::

    population x per-capita daily rate[rurality] x weekday factor x month factor

Every default below says where it comes from and whether it is a published
figure or our assumption. Override any of them with :meth:`DemandRates.replace`
or :meth:`DemandRates.from_mapping` (e.g. from a scenario file's ``[demand]``
table).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from hinterland.core.errors import HinterlandError

RURALITY_ORDER: tuple[str, ...] = ("metro", "micropolitan", "small_town", "rural")

_DEFAULT_RURALITY_MULTIPLIER = MappingProxyType(
    {"metro": 1.00, "micropolitan": 0.95, "small_town": 0.90, "rural": 0.85}
)


@dataclass(frozen=True)
class DemandRates:
    """Parameters of the ZIP-level parcel-demand model.

    Attributes
    ----------
    us_parcels_per_capita_per_year
        All US parcels (all carriers) per resident per year. Default 64:
        Pitney Bowes Parcel Shipping Index 2023 reports 21.2 billion US parcels
        in 2022; divided by the Census 2022 population estimate (333 million).
        *Published figure (rounded).*
    market_share
        Share of those parcels that this network delivers. Default 0.05, which
        gives about 2.9 million parcels on an average national day.
        *Assumption* (a mid-sized e-commerce network); set it for your network.
    rurality_multiplier
        Per-capita rate relative to metro areas, by rurality class. Default
        metro 1.00, micropolitan 0.95, small town 0.90, rural 0.85.
        *Assumption*, directionally from NTIA Internet Use Survey results
        (somewhat lower online-shopping adoption outside metro areas); no
        public source gives parcels per capita by RUCA class.
    weekday_factors
        Monday..Sunday multipliers, mean 1. Default (1.15, 1.10, 1.05, 1.05,
        1.05, 0.90, 0.70). *Assumption*: deliveries peak early in the week
        (weekend orders) and are lowest on Sunday; shape only.
    month_factors
        January..December multipliers, mean 1. Default follows the shape of
        US Census Bureau Monthly Retail Trade Survey, nonstore retailers
        (NAICS 454), not seasonally adjusted: flat most of the year, a
        November rise and a December peak. *Rounded approximation of the
        published series' shape, not the exact values.*
    mean_quantity
        Mean units per order line; quantities are ``1 + Poisson(mean - 1)``.
        Default 1.15. *Assumption.*
    """

    us_parcels_per_capita_per_year: float = 64.0
    market_share: float = 0.05
    rurality_multiplier: Mapping[str, float] = field(
        default_factory=lambda: _DEFAULT_RURALITY_MULTIPLIER
    )
    weekday_factors: tuple[float, ...] = (1.15, 1.10, 1.05, 1.05, 1.05, 0.90, 0.70)
    month_factors: tuple[float, ...] = (
        0.93,
        0.88,
        0.96,
        0.94,
        0.97,
        0.95,
        0.96,
        0.98,
        0.95,
        0.99,
        1.10,
        1.38,
    )
    mean_quantity: float = 1.15

    def __post_init__(self) -> None:
        if self.us_parcels_per_capita_per_year < 0 or not 0 <= self.market_share <= 1:
            raise HinterlandError("parcels per capita must be >= 0 and market_share in [0, 1]")
        if len(self.weekday_factors) != 7 or len(self.month_factors) != 12:
            raise HinterlandError("weekday_factors needs 7 values and month_factors 12")
        if min(self.weekday_factors) < 0 or min(self.month_factors) < 0:
            raise HinterlandError("weekday and month factors must be >= 0")
        missing = set(RURALITY_ORDER) - set(self.rurality_multiplier)
        if missing:
            raise HinterlandError(f"rurality_multiplier lacks {sorted(missing)}")
        if self.mean_quantity < 1:
            raise HinterlandError("mean_quantity must be >= 1")
        object.__setattr__(
            self, "rurality_multiplier", MappingProxyType(dict(self.rurality_multiplier))
        )

    @property
    def base_per_capita_per_day(self) -> float:
        """Metro parcels per resident per average day."""
        return self.us_parcels_per_capita_per_year * self.market_share / 365.25

    def per_capita_per_day(self, rurality: str) -> float:
        """Average-day parcels per resident in a rurality class."""
        try:
            return self.base_per_capita_per_day * float(self.rurality_multiplier[rurality])
        except KeyError:
            raise HinterlandError(f"unknown rurality class {rurality!r}") from None

    def day_factor(self, weekday: int, month: int) -> float:
        """Multiplier of a day: ``weekday`` 0 = Monday, ``month`` 1..12.

        Both factor lists are normalised to mean 1 here, so the annual mean
        rate equals :attr:`base_per_capita_per_day` whatever shapes are given.
        """
        w = self.weekday_factors[weekday] * 7 / sum(self.weekday_factors)
        m = self.month_factors[month - 1] * 12 / sum(self.month_factors)
        return w * m

    def replace(self, **changes: Any) -> DemandRates:
        """Copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> DemandRates:
        """Build from a plain mapping (e.g. a scenario's ``[demand]`` table).

        Unknown keys raise :class:`~hinterland.core.errors.HinterlandError`.
        """
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise HinterlandError(f"unknown demand settings: {sorted(unknown)}")
        kw = dict(values)
        for key in ("weekday_factors", "month_factors"):
            if key in kw:
                kw[key] = tuple(float(v) for v in kw[key])
        return cls(**kw)
