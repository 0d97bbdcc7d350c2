"""Generated product catalogues with Zipf popularity and regional affinity.

A catalogue is a table, one row per item:

================= ======= =====================================================
column            type    meaning
================= ======= =====================================================
item              int32   item id ``0 .. n_items - 1``
category          str     one of :data:`CATEGORIES`
weight_kg         float   shipping weight
cube_l            float   shipping volume, litres
popularity        float   national share of order lines (sums to 1)
aff_metro ..      float   relative preference in each rurality class
aff_rural                 (``aff_<class>``; multiplies popularity)
================= ======= =====================================================

State affinities are a separate array (items x states) in
:class:`Catalogue` because they would add 50 columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.demand.rates import RURALITY_ORDER

#: Category: (share of items, median weight kg, median cube litres,
#: affinity multipliers metro, micropolitan, small_town, rural). The weights,
#: volumes and affinities are illustrative assumptions, not measured data.
CATEGORIES: dict[str, tuple[float, float, float, tuple[float, float, float, float]]] = {
    "household": (0.14, 1.2, 6.0, (1.0, 1.0, 1.0, 1.0)),
    "grocery": (0.10, 1.5, 4.0, (1.0, 1.0, 1.05, 1.1)),
    "health_beauty": (0.12, 0.4, 1.5, (1.0, 1.0, 1.0, 1.0)),
    "electronics": (0.09, 0.8, 3.0, (1.15, 1.0, 0.9, 0.85)),
    "apparel": (0.13, 0.5, 3.0, (1.2, 1.0, 0.85, 0.8)),
    "books_media": (0.07, 0.6, 1.5, (1.1, 1.0, 0.95, 0.9)),
    "toys": (0.07, 0.9, 6.0, (1.0, 1.0, 1.0, 1.0)),
    "sports_outdoor": (0.07, 1.5, 10.0, (0.9, 1.0, 1.15, 1.3)),
    "auto_parts": (0.06, 2.0, 5.0, (0.8, 1.0, 1.3, 1.5)),
    "farm_ranch": (0.04, 4.0, 15.0, (0.3, 0.9, 1.8, 2.5)),
    "pet": (0.06, 3.0, 12.0, (1.0, 1.0, 1.05, 1.1)),
    "home_improvement": (0.05, 2.5, 10.0, (0.9, 1.0, 1.15, 1.3)),
}


@dataclass(frozen=True)
class Catalogue:
    """A product catalogue and its regional affinities.

    Attributes
    ----------
    items
        Table described in the module docstring.
    states
        State codes indexing the columns of :attr:`state_affinity`.
    state_affinity
        ``(n_items, n_states)`` multipliers (mean about 1 per item).
    """

    items: pd.DataFrame
    states: tuple[str, ...]
    state_affinity: np.ndarray

    def weights(self, rurality: str, state: str | None = None) -> np.ndarray:
        """Unnormalised item-choice weights of an order placed in a region."""
        w = self.items["popularity"].to_numpy() * self.items[f"aff_{rurality}"].to_numpy()
        if state is not None and state in self.states:
            w = w * self.state_affinity[:, self.states.index(state)]
        return w


def generate_catalogue(
    n_items: int = 20_000,
    *,
    seed: int,
    zipf_s: float = 1.0,
    item_affinity_sigma: float = 0.3,
    state_affinity_sigma: float = 0.3,
    states: tuple[str, ...] | None = None,
) -> Catalogue:
    """Generate a product catalogue.

    Parameters
    ----------
    n_items
        Number of items.
    seed
        Random seed (same seed, same catalogue).
    zipf_s
        Zipf exponent: the item of popularity rank ``r`` has share proportional
        to ``r ** -zipf_s``. Ranks are shuffled across categories.
    item_affinity_sigma
        Log-normal spread of each item's own affinity to each rurality class,
        around its category's multiplier.
    state_affinity_sigma
        Log-normal spread of item x state affinities.
    states
        State codes (default: the 50 states, DC and PR).

    Returns
    -------
    Catalogue
    """
    if n_items < 1:
        raise HinterlandError("n_items must be >= 1")
    rng = np.random.default_rng(seed)
    names = list(CATEGORIES)
    shares = np.array([CATEGORIES[c][0] for c in names])
    cat_idx = rng.choice(len(names), size=n_items, p=shares / shares.sum())
    med_w = np.array([CATEGORIES[c][1] for c in names])[cat_idx]
    med_v = np.array([CATEGORIES[c][2] for c in names])[cat_idx]
    weight = np.round(med_w * rng.lognormal(0.0, 0.6, n_items), 3).clip(0.01)
    cube = np.round(med_v * rng.lognormal(0.0, 0.7, n_items), 2).clip(0.05)
    ranks = rng.permutation(n_items) + 1
    pop = ranks.astype(float) ** -zipf_s
    pop /= pop.sum()
    cat_aff = np.array([CATEGORIES[c][3] for c in names])[cat_idx]  # n x 4
    aff = cat_aff * rng.lognormal(
        -0.5 * item_affinity_sigma**2, item_affinity_sigma, (n_items, len(RURALITY_ORDER))
    )
    items = pd.DataFrame(
        {
            "item": np.arange(n_items, dtype=np.int32),
            "category": pd.Categorical.from_codes(cat_idx, categories=pd.Index(names)),
            "weight_kg": weight,
            "cube_l": cube,
            "popularity": pop,
        }
    )
    for j, r in enumerate(RURALITY_ORDER):
        items[f"aff_{r}"] = aff[:, j]
    st = states or _STATES
    state_aff = rng.lognormal(
        -0.5 * state_affinity_sigma**2, state_affinity_sigma, (n_items, len(st))
    )
    return Catalogue(items=items, states=tuple(st), state_affinity=state_aff)


_STATES: tuple[str, ...] = (
    "AK",
    "AL",
    "AR",
    "AZ",
    "CA",
    "CO",
    "CT",
    "DC",
    "DE",
    "FL",
    "GA",
    "HI",
    "IA",
    "ID",
    "IL",
    "IN",
    "KS",
    "KY",
    "LA",
    "MA",
    "MD",
    "ME",
    "MI",
    "MN",
    "MO",
    "MS",
    "MT",
    "NC",
    "ND",
    "NE",
    "NH",
    "NJ",
    "NM",
    "NV",
    "NY",
    "OH",
    "OK",
    "OR",
    "PA",
    "PR",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VA",
    "VT",
    "WA",
    "WI",
    "WV",
    "WY",
)
