"""A generated rural station day from real ZIP areas of one county.

Stops are sampled population-weighted over the county's ZIP areas
(:func:`hinterland.data.zip_areas`): a ZIP area is drawn with probability
proportional to its population, then the point is placed at a uniform angle and
a distance ``R * u**1.5`` from its centroid (``R`` = radius of a disc of the ZIP
area's land area, ``u`` uniform), so points cluster near the town centre and thin
out into the countryside. The station sits at the centroid of the most populous
ZIP area. Everything is drawn from ``numpy.random.default_rng(seed)``.

Mix (assumptions): parcels per stop ``1 + Poisson(0.35)``; 12 litres median
(lognormal, sigma 0.6) per parcel; with ``promises``, 85 % of stops are overnight
line-haul freight (ready at the first van wave, due by the end of the delivery
day), 10 % same-day from local stock (ready at a uniform time between the first and
the last wave, due by the end of the delivery day) and 5 % promised by noon (ready
at the first wave); without, no ready or due times. 4 % of stops are small
businesses that also hand over 1-6 parcels (``pickup_parcels``); 8 % are
drone-eligible (one parcel under 2 kg); and ``handoffs`` partner post offices
(ZIP centroids farthest from the station) receive a bundle of 20-60 parcels each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hinterland.core.errors import InputError
from hinterland.demand.points import scatter_points
from hinterland.operations.model import OperatingModel
from hinterland.routing.problem import Station


def county_zips(county_fips: str) -> pd.DataFrame:
    """ZIP areas of one county with population > 0 (errors if none)."""
    from hinterland.data import zip_areas

    fips = str(county_fips).zfill(5)
    z = zip_areas()
    z = z[(z["county_fips"] == fips) & (z["population"] > 0)].reset_index(drop=True)
    if z.empty:
        raise InputError("--county", f"no populated ZIP areas in county {fips!r}")
    return z


def station_day(
    county_fips: str,
    n_stops: int,
    *,
    seed: int = 0,
    handoffs: int = 0,
    zips: pd.DataFrame | None = None,
    promises: bool = False,
    operations: OperatingModel | None = None,
) -> tuple[pd.DataFrame, Station]:
    """Generate one station day: a stops table and the station.

    Parameters
    ----------
    county_fips
        5-digit county FIPS code (e.g. ``"30095"``, Stillwater County, MT).
    n_stops
        Number of delivery stops (hand-offs come on top).
    seed
        Random seed.
    handoffs
        Number of partner post-office hand-off stops.
    zips
        ZIP areas to use instead of looking the county up (same columns as
        :func:`hinterland.data.zip_areas`).
    promises
        Give stops ``ready_min`` and ``due_min`` (see the mix above).
    operations
        Operating model whose van waves and delivery end set those times.

    Returns
    -------
    (stops, station)
        ``stops`` follows the stops schema of :mod:`hinterland.routing.problem`
        plus ``zip``; ``station`` is at the most populous ZIP area's centroid.
    """
    if n_stops < 1:
        raise InputError("--stops", "need at least one stop")
    z = county_zips(county_fips) if zips is None else zips.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    top = int(z["population"].to_numpy().argmax())
    station = Station(
        station_id=f"DS-{z['zip'].iloc[top]}",
        lat=float(z["lat"].iloc[top]),
        lon=float(z["lon"].iloc[top]),
        rurality=str(z["rurality"].iloc[top]) if "rurality" in z.columns else None,
    )
    w = z["population"].to_numpy(float)
    pick = rng.choice(len(z), size=n_stops, p=w / w.sum())
    lat, lon = scatter_points(z, pick, rng)
    parcels = 1 + rng.poisson(0.35, n_stops)
    cube = np.array([rng.lognormal(np.log(12.0), 0.6, k).sum() for k in parcels]).round(1)
    business = rng.random(n_stops) < 0.04
    drone = (rng.random(n_stops) < 0.08) & (parcels == 1) & ~business
    stops = pd.DataFrame(
        {
            "stop_id": [f"S{i:05d}" for i in range(n_stops)],
            "lat": lat.round(6),
            "lon": lon.round(6),
            "zip": z["zip"].to_numpy()[pick],
            "kind": "delivery",
            "parcels": parcels,
            "cube_l": cube,
            "pickup_parcels": np.where(business, rng.integers(1, 7, n_stops), 0),
            "_class": rng.choice(3, n_stops, p=[0.85, 0.10, 0.05]),
            "drone_eligible": drone,
            "weight_kg": np.where(drone, rng.uniform(0.2, 2.0, n_stops), 3.0).round(2),
        }
    )
    stops["pickup_cube_l"] = (stops["pickup_parcels"] * 15.0).round(1)
    cls = stops.pop("_class").to_numpy()
    if promises:
        van = (operations or OperatingModel()).van
        first, last = float(van.waves_min[0]), float(van.waves_min[-1])
        same = np.floor(rng.uniform(first, last, n_stops))
        stops["ready_min"] = np.where(cls == 1, same, first)
        stops["due_min"] = np.where(cls == 2, 12 * 60.0, float(van.delivery_end_min))
    if "rurality" in z.columns:
        stops["rurality"] = z["rurality"].astype(str).to_numpy()[pick]
    if handoffs > 0:
        from hinterland.geo import haversine_km

        d = haversine_km(station.lat, station.lon, z["lat"].to_numpy(), z["lon"].to_numpy())
        far = np.argsort(-d)[: min(handoffs, len(z))]
        n_h = len(far)
        hp = rng.integers(20, 61, n_h)
        ho = pd.DataFrame(
            {
                "stop_id": [f"H{i:03d}" for i in range(n_h)],
                "lat": z["lat"].to_numpy()[far],
                "lon": z["lon"].to_numpy()[far],
                "zip": z["zip"].to_numpy()[far],
                "kind": "handoff",
                "parcels": hp,
                "cube_l": (hp * 12.0).round(1),
                "pickup_parcels": 0,
                "drone_eligible": False,
                "weight_kg": 3.0,
                "pickup_cube_l": 0.0,
            }
        )
        if "rurality" in z.columns:
            ho["rurality"] = z["rurality"].astype(str).to_numpy()[far]
        stops = pd.concat([stops, ho], ignore_index=True)
    return stops, station
