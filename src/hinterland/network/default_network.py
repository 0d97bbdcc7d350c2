"""The default national network used by ``hinterland promise`` and the API demo.

Real sites:

* fulfillment centers: the public list of Amazon warehouse sites (~2019,
  ``facilities/amazon_fulfillment_centers_2019.csv``), duplicate coordinates
  (several buildings at one address) merged;
* partner post offices: OpenStreetMap ``amenity=post_office`` nodes (~2017,
  ``facilities/post_offices_osm_2017_partial.csv``; coverage is uneven by state).

Synthetic sites (documented assumptions, not real buildings):

* a delivery station at the most populous ZIP area of every county of at least
  ``station_min_county_pop`` (100,000) people, upgraded to a hybrid hub (station
  with local inventory) where the county has at least ``hub_min_county_pop``
  (500,000) people;
* drone sites at the ZIP centroids of towns where Amazon publicly announced
  Prime Air drone delivery (Lockeford CA, College Station TX, Tolleson AZ,
  Pontiac MI). Drone sites launch from co-located same-day stock.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from hinterland.data import data_path, zip_areas
from hinterland.network.facilities import facilities_frame, load_facilities

FC_FILE = "facilities/amazon_fulfillment_centers_2019.csv"
POST_OFFICE_FILE = "facilities/post_offices_osm_2017_partial.csv"

#: ZIP areas of towns with publicly announced Prime Air drone delivery.
DRONE_SITE_ZIPS: dict[str, str] = {
    "95237": "Lockeford CA",
    "77845": "College Station TX",
    "85353": "Tolleson AZ",
    "48340": "Pontiac MI",
}


def fulfillment_centers() -> pd.DataFrame:
    """Real fulfillment centers (facility table), duplicate coordinates merged."""
    fcs = load_facilities(
        data_path(FC_FILE),
        lat_col="aw_lat",
        lon_col="aw_long",
        kind="fulfillment_center",
        capacity_per_day=float("inf"),
    )
    key = fcs[["lat", "lon"]].round(4)
    fcs = fcs.loc[~key.duplicated()].reset_index(drop=True)
    zips = fcs["aw_zip_str"].astype(str).str.zfill(5) if "aw_zip_str" in fcs else fcs["id"]
    fcs["id"] = [f"FC-{z}-{i}" for i, z in enumerate(zips, start=1)]
    return fcs[["id", "kind", "lat", "lon", "operator", "capacity_per_day", "holds_inventory"]]


def partner_post_offices() -> pd.DataFrame:
    """Real partner post offices (OSM nodes) as a facility table."""
    pos = load_facilities(
        data_path(POST_OFFICE_FILE),
        id_col="id",
        kind="partner_post_office",
        operator="postal_partner",
    )
    pos["id"] = "PO-" + pos["id"].astype(str)
    return pos[["id", "kind", "lat", "lon", "operator", "capacity_per_day", "holds_inventory"]]


def synthetic_sites(
    zips: pd.DataFrame | None = None,
    *,
    station_min_county_pop: int = 100_000,
    hub_min_county_pop: int = 500_000,
) -> pd.DataFrame:
    """Synthetic stations, hybrid hubs and drone sites (rules in the module docstring)."""
    z = zip_areas() if zips is None else zips
    county_pop = z.groupby("county_fips")["population"].transform("sum")
    top = z.loc[z.groupby("county_fips")["population"].idxmax()]
    top = top[county_pop.loc[top.index] >= station_min_county_pop]
    hub = county_pop.loc[top.index].to_numpy() >= hub_min_county_pop
    rows: list[dict[str, object]] = []
    for r, is_hub in zip(top.itertuples(index=False), hub, strict=True):
        kind = "hybrid_hub" if is_hub else "delivery_station"
        prefix = "HUB" if is_hub else "DS"
        rows.append(
            {
                "id": f"{prefix}-{r.zip}",
                "kind": kind,
                "lat": r.lat,
                "lon": r.lon,
                "operator": "own",
                "capacity_per_day": float("inf"),
                "holds_inventory": bool(is_hub),
            }
        )
    pos = pd.Series(np.arange(len(z)), index=z["zip"].astype(str).to_numpy())
    lats, lons = z["lat"].to_numpy(dtype=float), z["lon"].to_numpy(dtype=float)
    for zc in DRONE_SITE_ZIPS:
        if zc in pos.index:
            i = int(pos[zc])
            rows.append(
                {
                    "id": f"DRONE-{zc}",
                    "kind": "drone_site",
                    "lat": float(lats[i]),
                    "lon": float(lons[i]),
                    "operator": "own",
                    "capacity_per_day": float("inf"),
                    "holds_inventory": True,
                }
            )
    return facilities_frame(rows, source="synthetic sites")


@cache
def default_facilities() -> pd.DataFrame:
    """The default national network: real FCs and post offices plus synthetic sites."""
    table = pd.concat(
        [fulfillment_centers(), partner_post_offices(), synthetic_sites()], ignore_index=True
    )
    table["holds_inventory"] = table["holds_inventory"].astype(bool)
    assert not table["id"].duplicated().any()
    return table.reset_index(drop=True)


def counts(facilities: pd.DataFrame) -> dict[str, int]:
    """Sites per kind (for reports)."""
    return {str(k): int(v) for k, v in facilities["kind"].value_counts().sort_index().items()}


__all__ = [
    "DRONE_SITE_ZIPS",
    "counts",
    "default_facilities",
    "fulfillment_centers",
    "partner_post_offices",
    "synthetic_sites",
]
