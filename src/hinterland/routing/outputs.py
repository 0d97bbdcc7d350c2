"""Outputs of a route plan: route sheets, load plans, KPIs, GeoJSON and a map.

CO2 is ``km x co2_kg_per_km`` of each route's vehicle type; the default
0.27 kg/km (270 g/km) is a diesel large van (~10 l/100 km x 2.68 kg CO2/l, see
:mod:`hinterland.operations.vans`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hinterland.io import atomic_path
from hinterland.routing.problem import DEFERRED_REASONS, RoutingProblem, records
from hinterland.routing.solve import RoutePlan

#: Parcel slots per shelf bay of a van (bay 1 is next to the door).
SLOTS_PER_BAY = 20


def clock(minutes: float) -> str:
    """``HH:MM`` of minutes from midnight."""
    if minutes is None or not math.isfinite(minutes):
        return ""
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


def route_sheets(plan: RoutePlan) -> pd.DataFrame:
    """Driver route sheets: one row per visit in order.

    Columns: ``route_id, vehicle_type, seq, stop_id, kind, eta`` (``HH:MM`` of
    arrival), ``eta_min, service_start_min, parcels, pickup_parcels, lat, lon``.
    """
    r = plan.routes
    return pd.DataFrame(
        {
            "route_id": r["route_id"],
            "vehicle_type": r["vehicle_type"],
            "seq": r["seq"],
            "stop_id": r["stop_id"],
            "kind": r["kind"],
            "eta": [clock(x) for x in r["arrival_min"]],
            "eta_min": pd.to_numeric(r["arrival_min"]).round(1),
            "service_start_min": pd.to_numeric(r["start_min"]).round(1),
            "parcels": r["parcels"],
            "pickup_parcels": r["pickup_parcels"],
            "lat": r["lat"],
            "lon": r["lon"],
        }
    )


def parcel_sheet(plan: RoutePlan, problem: RoutingProblem) -> pd.DataFrame:
    """The stop/parcel table: one row per parcel with ISO 8601 local times.

    Columns: ``parcel_id, stop_id, status, route_id, wave_min, seq, ready_at, due_at,
    eta`` (arrival at the stop), ``delivered_at, late_min``; times are local times of
    the station (with its UTC offset) on the operating date.
    """
    from hinterland.routing.problem import minutes_to_iso

    p = plan.parcels
    date = problem.params.operations.date
    zone = problem.station.time_zone
    return pd.DataFrame(
        {
            "parcel_id": p["parcel_id"],
            "stop_id": p["stop_id"],
            "status": p["status"],
            "route_id": p["route_id"],
            "wave_min": p["wave_min"],
            "seq": p["seq"],
            "ready_at": minutes_to_iso(p["ready_min"], date, zone),
            "due_at": minutes_to_iso(p["due_min"], date, zone),
            "eta": minutes_to_iso(p["eta_min"], date, zone),
            "delivered_at": minutes_to_iso(p["delivered_min"], date, zone),
            "late_min": pd.to_numeric(p["late_min"]).round(2),
        }
    )


def load_plan(
    plan: RoutePlan, parcels: pd.DataFrame | None = None, *, slots_per_bay: int = SLOTS_PER_BAY
) -> pd.DataFrame:
    """Shelf position of every parcel in every van, loaded in reverse stop order.

    The last stop's parcels are loaded first, deepest in the van; the first
    stop's parcels last, in bay 1 next to the door. With reloads, each trip is
    loaded separately at the station.

    Parameters
    ----------
    plan
        The route plan.
    parcels
        Optional ``stop_id, parcel_id`` table (e.g. ``parcel_ids`` exploded from
        :func:`~hinterland.routing.problem.parcels_to_stops`); otherwise parcels are
        named ``<stop_id>-<k>``.
    slots_per_bay
        Parcels per shelf bay.

    Returns
    -------
    pandas.DataFrame
        ``route_id, trip, load_seq`` (1 = loaded first), ``bay`` (1 = door),
        ``slot``, ``parcel_id, stop_id, stop_seq``, sorted by route, trip, load_seq.
    """
    by_stop: dict[str, list[str]] = {}
    if parcels is not None:
        for sid, g in parcels.groupby(parcels["stop_id"].astype(str), sort=False):
            by_stop[str(sid)] = g["parcel_id"].astype(str).tolist()
    rows: list[dict[str, Any]] = []
    visits = plan.routes[plan.routes["kind"] != "reload"]
    for key, g in visits.groupby(["route_id", "trip"], sort=True):
        rid, trip = (int(str(x)) for x in key)
        door_order: list[tuple[str, str, int]] = []
        for v in records(g.sort_values("seq")):
            ids = by_stop.get(str(v["stop_id"])) or [
                f"{v['stop_id']}-{k + 1}" for k in range(int(v["parcels"]))
            ]
            door_order.extend((pid, str(v["stop_id"]), int(v["seq"])) for pid in ids)
        n = len(door_order)
        for pos, (pid, sid, seq) in enumerate(door_order):
            rows.append(
                {
                    "route_id": rid,
                    "trip": trip,
                    "load_seq": n - pos,
                    "bay": pos // slots_per_bay + 1,
                    "slot": pos % slots_per_bay + 1,
                    "parcel_id": pid,
                    "stop_id": sid,
                    "stop_seq": seq,
                }
            )
    cols = ["route_id", "trip", "load_seq", "bay", "slot", "parcel_id", "stop_id", "stop_seq"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["route_id", "trip", "load_seq"]).reset_index(drop=True)


def kpis(plan: RoutePlan, problem: RoutingProblem) -> dict[str, float]:
    """Key figures of the plan.

    ``routes, stops_routed, parcels_routed, km, driver_hours, stops_per_route,
    cost_usd, cost_per_parcel_usd, co2_kg, co2_g_per_km`` (fleet-average),
    ``unserved`` (stops not served for want of vans or time), ``deferred`` (stops
    not routed today: promised for a later day or ready after the last wave),
    ``drone_queue, late_parcels`` (served after their promise),
    ``late_minutes_p90`` (0 when none), ``served_before_ready`` and ``verified``
    (the last three as the independent verifier recomputed them).
    """
    s = plan.summary
    co2 = problem.fleet.set_index("vehicle_type")["co2_kg_per_km"]
    km = float(s["km"].sum())
    co2_kg = float((s["km"] * s["vehicle_type"].map(co2).astype(float)).sum())
    parcels = int(s["parcels"].sum())
    cost = float(s["cost_usd"].sum())
    n = len(s)
    return {
        "routes": n,
        "stops_routed": int(s["stops"].sum()),
        "parcels_routed": parcels,
        "km": km,
        "driver_hours": float(s["driver_hours"].sum()),
        "stops_per_route": float(s["stops"].mean()) if n else 0.0,
        "cost_usd": cost,
        "cost_per_parcel_usd": cost / parcels if parcels else math.nan,
        "co2_kg": co2_kg,
        "co2_g_per_km": 1000 * co2_kg / km if km else math.nan,
        "unserved": int((~plan.unserved["reason"].isin(DEFERRED_REASONS)).sum()),
        "deferred": int(plan.unserved["reason"].isin(DEFERRED_REASONS).sum()),
        "drone_queue": len(plan.drone_queue),
        "late_parcels": int(plan.certificate.checks.get("late_parcels", len(plan.late))),
        "late_minutes_p90": float(plan.certificate.checks.get("late_minutes_p90", 0.0)),
        "served_before_ready": int(plan.certificate.checks.get("served_before_ready", 0)),
        "verified": bool(plan.certificate.verified),
    }


def routes_geojson(plan: RoutePlan, problem: RoutingProblem) -> dict[str, Any]:
    """GeoJSON FeatureCollection: one LineString per route (station -> stops -> station)
    with its summary as properties, and one Point per visit."""
    st = [problem.station.lon, problem.station.lat]
    feats: list[dict[str, Any]] = []
    summ = plan.summary.set_index("route_id")
    for rid, g in plan.routes.groupby("route_id", sort=True):
        coords = [st, *g.sort_values("seq")[["lon", "lat"]].to_numpy().tolist(), st]
        props = {
            k: (v.item() if isinstance(v, np.generic) else v)
            for k, v in summ.loc[rid].to_dict().items()
        }
        props["route_id"] = int(str(rid))
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": props,
            }
        )
    for v in records(plan.routes):
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(v["lon"]), float(v["lat"])]},
                "properties": {
                    "route_id": int(v["route_id"]),
                    "seq": int(v["seq"]),
                    "stop_id": str(v["stop_id"]),
                    "kind": str(v["kind"]),
                    "eta": clock(float(v["arrival_min"])),
                    "parcels": int(v["parcels"]),
                },
            }
        )
    feats.append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": st},
            "properties": {"station_id": problem.station.station_id, "kind": "station"},
        }
    )
    return {"type": "FeatureCollection", "features": feats}


def route_map(plan: RoutePlan, problem: RoutingProblem, path: str | Path) -> Path:
    """Write a PNG map of the routes (matplotlib, no basemap) to ``path``.

    Written to a temporary file first and renamed, so an interrupted run leaves
    no half-written image.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 9), dpi=110)
    cmap = plt.get_cmap("tab20")
    st = (problem.station.lon, problem.station.lat)
    for k, (_rid, g) in enumerate(plan.routes.groupby("route_id", sort=True)):
        g = g.sort_values("seq")
        xs = [st[0], *g["lon"], st[0]]
        ys = [st[1], *g["lat"], st[1]]
        ax.plot(xs, ys, "-", lw=0.8, color=cmap(k % 20), alpha=0.9)
        ax.plot(g["lon"], g["lat"], ".", ms=2.5, color=cmap(k % 20))
    if len(plan.unserved):
        un = problem.raw_stops[
            problem.raw_stops["stop_id"].astype(str).isin(plan.unserved["stop_id"].astype(str))
        ]
        ax.plot(un["lon"], un["lat"], "x", color="red", ms=4, label="unserved")
    if len(plan.drone_queue):
        ax.plot(
            plan.drone_queue["lon"],
            plan.drone_queue["lat"],
            "^",
            color="purple",
            ms=3,
            label="drone queue",
        )
    ax.plot(*st, "s", color="black", ms=8, label=f"station {problem.station.station_id}")
    kp = kpis(plan, problem)
    ax.set_title(
        f"{kp['routes']} routes, {kp['stops_routed']} stops, {kp['km']:.0f} km, "
        f"{kp['cost_per_parcel_usd']:.2f} USD/parcel"
    )
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    ax.set_aspect(1 / max(math.cos(math.radians(problem.station.lat)), 0.1))
    ax.legend(loc="best", fontsize=8)
    target = Path(path)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", bbox_inches="tight")
    plt.close(fig)
    return target
