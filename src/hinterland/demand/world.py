"""A generated world of item x hub demand on real places, for backtests and benchmarks.

Hubs are counties (``county_fips``) of the real ZIP-area table; each serves its
own ZIP areas. The expected orders of item ``i`` at a hub per day are the sum
over its ZIP areas of ``parcels/day of the ZIP x share of i`` in that ZIP's
rurality class and state (:meth:`hinterland.demand.catalogue.Catalogue.weights`),
which is what aggregating :func:`hinterland.demand.orders.generate_orders`
gives (Poisson thinning). Units per period are orders plus extra units per
order (``mean_quantity``), as in ``benchmarks/forecast_scale.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.demand.catalogue import Catalogue, generate_catalogue
from hinterland.demand.rates import DemandRates


@dataclass(frozen=True)
class HubWorld:
    """Generated demand of every item at every hub.

    Attributes
    ----------
    panel
        ``(n_hubs x n_items, periods)`` units per period, hub-major rows.
    hub, item
        Hub and item of each row.
    rate
        True expected units per period of each row.
    places
        :func:`hinterland.demand.coldstart.place_attributes` of the hubs.
    catalogue
        The items (category, weight, cube, popularity ...).
    zip_to_hub
        ``zip``, ``hub``.
    period_days
        Days per period.
    """

    panel: np.ndarray
    hub: np.ndarray
    item: np.ndarray
    rate: np.ndarray
    places: pd.DataFrame
    catalogue: Catalogue
    zip_to_hub: pd.DataFrame
    period_days: float

    def features(self) -> pd.DataFrame:
        """Static features of each row: item attributes and place attributes of its hub."""
        it = self.catalogue.items.set_index("item").reindex(self.item)
        pl = self.places.reindex(self.hub)
        f = pd.DataFrame(
            {
                "category": pd.Categorical(it["category"].astype(str).to_numpy()),
                "weight_kg": it["weight_kg"].to_numpy(dtype=float),
                "cube_l": it["cube_l"].to_numpy(dtype=float),
                "log_pop": np.log1p(pl["population"].to_numpy(dtype=float)),
                "state": pd.Categorical(pl["state"].astype(str).to_numpy()),
                "fc_km": pl["fc_km"].to_numpy(dtype=float),
            }
        )
        for c in [c for c in self.places.columns if c.startswith("share_")]:
            f[c] = pl[c].to_numpy(dtype=float)
        return f


def hub_world(
    zips: pd.DataFrame,
    n_hubs: int,
    n_items: int,
    periods: int,
    *,
    seed: int,
    period_days: float = 7.0,
    catalogue_seed: int = 12345,
    nonmetro_only: bool = True,
    fcs: pd.DataFrame | None = None,
    rates: DemandRates | None = None,
) -> HubWorld:
    """Generate a :class:`HubWorld` on the ``n_hubs`` most populous counties.

    Parameters
    ----------
    zips
        ZIP-area table (:func:`hinterland.data.zip_areas`).
    n_hubs, n_items, periods
        Size of the world.
    seed
        Seed of the demand draws (same seed, same panel).
    period_days
        Days per period (7: weekly).
    catalogue_seed
        Seed of the generated catalogue.
    nonmetro_only
        Use non-metro ZIP areas only (rural hubs), as ``forecast_scale.py`` does.
    fcs
        Fulfillment centers for the distance feature (default: the real sites).
    rates
        Demand defaults.
    """
    from hinterland.demand.coldstart import place_attributes
    from hinterland.demand.orders import zip_rates

    if min(n_hubs, n_items, periods) < 1:
        raise HinterlandError("n_hubs, n_items and periods must be >= 1")
    rates = rates or DemandRates()
    z = zips
    if nonmetro_only:
        z = z[z["rurality"].astype(str) != "metro"]
    z = z.assign(_rate=zip_rates(z, rates))
    top = z.groupby("county_fips", observed=True)["_rate"].sum().sort_values(ascending=False)
    hubs = [str(h) for h in top.index[:n_hubs]]
    z = z[z["county_fips"].astype(str).isin(hubs)].assign(
        hub=lambda d: d["county_fips"].astype(str)
    )
    zip_to_hub = z[["zip", "hub"]].reset_index(drop=True)
    places = place_attributes(zips, zip_to_hub, fcs).reindex(hubs)
    cat = generate_catalogue(n_items, seed=catalogue_seed)
    lam = np.zeros((len(hubs), n_items))
    pos = {h: i for i, h in enumerate(hubs)}
    for (hub, rur, st), g in z.groupby(["hub", "rurality", "state"], observed=True):
        w = cat.weights(str(rur), str(st))
        lam[pos[str(hub)]] += float(g["_rate"].sum()) * w / w.sum()
    orders_rate = (lam * period_days).reshape(-1)
    rng = np.random.default_rng(seed)
    orders = rng.poisson(np.broadcast_to(orders_rate[:, None], (orders_rate.size, periods)))
    units = orders + rng.poisson(orders * (rates.mean_quantity - 1.0))
    return HubWorld(
        panel=units.astype(float),
        hub=np.repeat(np.asarray(hubs, dtype=object), n_items),
        item=np.tile(np.arange(n_items), len(hubs)),
        rate=orders_rate * rates.mean_quantity,
        places=places,
        catalogue=cat,
        zip_to_hub=zip_to_hub,
        period_days=period_days,
    )
