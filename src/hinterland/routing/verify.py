"""Independent verification of a route plan, from the raw inputs.

This module shares no code with the problem builder or the solver adapter: it
re-reads the stops table as the user gave it, re-derives each stop's service time
and window from :class:`~hinterland.routing.problem.RoutingParams` (its own
implementation of the documented rule), recomputes every leg with the travel
model, re-simulates every route forward from its reported departure, and checks:

* every stop is served exactly once, or listed as unserved with a reason, or in
  the drone queue (and eligible for it); no unknown stops; no stop twice;
* vehicles used per type do not exceed the fleet; reloads within ``max_reloads``;
* parcel and cube load never exceed capacity on any trip (deliveries loaded at the
  station, pickups added along the way);
* no service starts before its window opens or after it closes; reported arrivals
  are not earlier than physically possible;
* each van leaves no earlier than its shift start, is back by shift end and works
  no longer than its shift length (return drive included).

Violations are a table ``kind, route_id, stop_id, detail``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hinterland.geo import TravelModel, haversine_km

#: Minutes of slack allowed when comparing times (rounding to whole seconds).
TOL_MIN = 0.02
#: Relative slack on capacities (none: loads are integers / litres).
TOL_LOAD = 1e-6

VIOLATION_KINDS = (
    "unknown_stop",
    "duplicate_visit",
    "missing_stop",
    "served_and_unserved",
    "unserved_without_reason",
    "drone_not_eligible",
    "unknown_vehicle_type",
    "fleet_exceeded",
    "too_many_reloads",
    "capacity_parcels",
    "capacity_cube",
    "window_early",
    "window_late",
    "eta_too_early",
    "start_before_shift",
    "shift_end_exceeded",
    "shift_length_exceeded",
)


@dataclass
class Verification:
    """Result of :func:`verify_plan`."""

    ok: bool
    violations: pd.DataFrame
    checks: dict[str, Any] = field(default_factory=dict)

    def kinds(self) -> set[str]:
        """Distinct violation kinds found."""
        return set(self.violations["kind"])


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in df.to_dict("records")]


def _flag(s: pd.DataFrame, col: str) -> np.ndarray:
    if col not in s.columns:
        return np.zeros(len(s), bool)
    v = s[col]
    if v.dtype == bool:
        return v.to_numpy()
    return v.astype(str).str.strip().str.lower().isin(["1", "true", "yes", "y", "t"]).to_numpy()


def _expected(raw: pd.DataFrame, params: Any) -> pd.DataFrame:
    """Per stop: kind, loads, service minutes and window, re-derived from the raw table."""
    s = pd.DataFrame({"stop_id": raw["stop_id"].astype(str)})
    s["lat"] = pd.to_numeric(raw["lat"]).to_numpy(float)
    s["lon"] = pd.to_numeric(raw["lon"]).to_numpy(float)
    s["kind"] = raw["kind"].astype(str).str.lower() if "kind" in raw else "delivery"
    s["parcels"] = pd.to_numeric(raw["parcels"]).to_numpy(float)
    s["pick"] = (
        pd.to_numeric(raw["pickup_parcels"]).to_numpy(float) if "pickup_parcels" in raw else 0.0
    )
    s["cube"] = (
        pd.to_numeric(raw["cube_l"]).to_numpy(float)
        if "cube_l" in raw
        else s["parcels"] * params.default_cube_l
    )
    s["pick_cube"] = (
        pd.to_numeric(raw["pickup_cube_l"]).to_numpy(float)
        if "pickup_cube_l" in raw
        else s["pick"] * params.default_cube_l
    )
    if "tier" in raw:
        tier = raw["tier"].fillna("standard").astype(str)
    else:
        tier = pd.Series(np.where(s["kind"] == "handoff", "handoff", "standard"), dtype=str)
    early = np.array([params.tier_windows.get(t, (0.0, 1440.0))[0] for t in tier])
    late = np.array([params.tier_windows.get(t, (0.0, 1440.0))[1] for t in tier])
    if "tw_early_min" in raw:
        e = pd.to_numeric(raw["tw_early_min"], errors="coerce").to_numpy(float)
        early = np.where(np.isnan(e), early, e)
    if "tw_late_min" in raw:
        la = pd.to_numeric(raw["tw_late_min"], errors="coerce").to_numpy(float)
        late = np.where(np.isnan(la), late, la)
    s["early"], s["late"] = early, late
    svc = np.where(
        s["kind"] == "handoff",
        params.handoff_service_min + s["parcels"] * params.parcel_service_min / 4,
        params.stop_service_min
        + s["parcels"] * params.parcel_service_min
        + s["pick"] * params.pickup_service_min,
    )
    if "service_min" in raw:
        given = pd.to_numeric(raw["service_min"], errors="coerce").to_numpy(float)
        svc = np.where(np.isnan(given), svc, given)
    s["service"] = svc
    s["drone_ok"] = _flag(raw, "drone_eligible")
    s["weight"] = pd.to_numeric(raw["weight_kg"]).to_numpy(float) if "weight_kg" in raw else 0.0
    if "rurality" in raw:
        s["rurality"] = raw["rurality"].to_numpy()
    return s.set_index("stop_id", drop=False)


def verify_plan(
    raw_stops: pd.DataFrame,
    fleet: pd.DataFrame,
    station: Any,
    routes: pd.DataFrame,
    unserved: pd.DataFrame,
    drone_queue: pd.DataFrame | None = None,
    *,
    params: Any,
    travel: TravelModel,
) -> Verification:
    """Verify routes against the raw inputs (see module docstring).

    Parameters
    ----------
    raw_stops
        The stops table exactly as given to the builder.
    fleet
        Fleet table (``vehicle_type, count, parcel_capacity, cube_capacity_l,
        shift_start_min, shift_min, cost_per_hour_usd, cost_per_km_usd,
        fixed_cost_usd, max_reloads``).
    station
        Object with ``station_id``, ``lat``, ``lon`` and ``rurality``.
    routes
        Visit table (``route_id, vehicle_type, seq, stop_id, kind, arrival_min,
        start_min, depart_min``, ordered by ``seq``; reloads have kind ``reload``).
        The van leaves the station at the first visit's ``arrival_min`` minus the
        first leg's drive time.
    unserved
        ``stop_id, reason``.
    drone_queue
        ``stop_id`` of stops handed to drones.
    params
        The :class:`~hinterland.routing.problem.RoutingParams` used.
    travel
        The travel model used.

    Returns
    -------
    Verification
        ``ok`` is true when there are no violations; ``checks`` holds recomputed
        figures: ``routes``, ``stops``, ``served``, ``unserved``, ``drone_queue``,
        ``km``, ``driver_hours``, ``cost_usd``, ``parcels``, ``max_late_min``,
        ``violations``.
    """
    exp = _expected(raw_stops, params)
    erec: dict[str, dict[str, Any]] = {
        str(k): {str(c): x for c, x in v.items()} for k, v in exp.to_dict("index").items()
    }
    viol: list[tuple[str, int | None, str | None, str]] = []
    fl: dict[str, dict[str, Any]] = {str(r["vehicle_type"]): r for r in _records(fleet)}
    srow = {"lat": station.lat, "lon": station.lon}
    st_rur = getattr(station, "rurality", None)

    # --- coverage: each stop once, or unserved with a reason, or with drones
    visits = routes[routes["kind"] != "reload"]
    counts = visits["stop_id"].astype(str).value_counts()
    for sid in counts.index[~counts.index.isin(exp.index)]:
        viol.append(("unknown_stop", None, sid, "visited stop not in the input"))
    for sid in counts.index[counts > 1]:
        viol.append(("duplicate_visit", None, sid, f"visited {int(counts[sid])} times"))
    un = unserved.copy()
    un_ids = set(un["stop_id"].astype(str))
    for u in _records(un):
        if not isinstance(u.get("reason"), str) or not u["reason"].strip():
            viol.append(("unserved_without_reason", None, str(u["stop_id"]), "no reason given"))
    dq_ids = set() if drone_queue is None else set(drone_queue["stop_id"].astype(str))
    for sid in dq_ids:
        if sid not in exp.index:
            viol.append(("unknown_stop", None, sid, "drone-queued stop not in the input"))
            continue
        e = erec[sid]
        gc_d = float(haversine_km(station.lat, station.lon, e["lat"], e["lon"]))
        ok = (
            bool(e["drone_ok"])
            and e["kind"] == "delivery"
            and e["parcels"] == 1
            and e["pick"] == 0
            and e["weight"] <= params.drone.payload_kg
            and gc_d <= params.drone.radius_km + 1e-9
        )
        if not ok:
            viol.append(("drone_not_eligible", None, sid, f"{gc_d:.1f} km from the station"))
    served = set(counts.index)
    for sid in served & (un_ids | dq_ids):
        viol.append(("served_and_unserved", None, sid, "both routed and unserved/drone"))
    for sid in set(exp.index) - served - un_ids - dq_ids:
        viol.append(("missing_stop", None, sid, "neither routed nor reported unserved"))

    # --- fleet size
    used = routes.groupby("vehicle_type")["route_id"].nunique()
    for vt, n in used.items():
        if vt not in fl:
            viol.append(("unknown_vehicle_type", None, None, f"vehicle type {vt!r}"))
        elif n > int(fl[str(vt)]["count"]):
            viol.append(
                (
                    "fleet_exceeded",
                    None,
                    None,
                    f"{n} routes of {vt!r}, fleet has {int(fl[str(vt)]['count'])}",
                )
            )

    # --- per route: loads and schedule
    km_total = hours_total = cost_total = 0.0
    max_late = 0.0
    parcels_total = 0.0
    n_routes = 0
    for rid, r in routes.sort_values(["route_id", "seq"]).groupby("route_id", sort=True):
        n_routes += 1
        rid_i = int(str(rid))
        vt = str(r["vehicle_type"].iloc[0])
        if vt not in fl:
            continue
        v = fl[vt]
        known = r[(r["kind"] == "reload") | r["stop_id"].astype(str).isin(exp.index)]
        pts = [srow]
        rur: list[Any] = [st_rur]
        for x in _records(known):
            if x["kind"] == "reload":
                pts.append(srow)
                rur.append(st_rur)
            else:
                e = erec[str(x["stop_id"])]
                pts.append({"lat": e["lat"], "lon": e["lon"]})
                rur.append(e["rurality"] if "rurality" in exp.columns else None)
        pts.append(srow)
        rur.append(st_rur)
        frame = pd.DataFrame(pts)
        dest = frame.iloc[1:].reset_index(drop=True)
        if any(x is not None for x in rur[1:]):
            dest["rurality"] = [
                x if isinstance(x, str) else travel.default_rurality for x in rur[1:]
            ]
        gc = haversine_km(
            frame["lat"].to_numpy()[:-1],
            frame["lon"].to_numpy()[:-1],
            dest["lat"].to_numpy(),
            dest["lon"].to_numpy(),
        )
        rur_arr = dest["rurality"].to_numpy() if "rurality" in dest else None
        leg_km = np.where(gc > 0, travel.road_km(gc, rur_arr), 0.0)
        leg_min = np.where(gc > 0, travel.drive_min(leg_km, rur_arr), 0.0)

        # loads per trip
        reloads = int((known["kind"] == "reload").sum())
        if reloads > int(v["max_reloads"]):
            viol.append(
                (
                    "too_many_reloads",
                    rid_i,
                    None,
                    f"{reloads} reloads, at most {int(v['max_reloads'])}",
                )
            )
        trips: list[list[str]] = [[]]
        for x in _records(known):
            if x["kind"] == "reload":
                trips.append([])
            else:
                trips[-1].append(str(x["stop_id"]))
        for trip in trips:
            if not trip:
                continue
            et = exp.loc[trip]
            for dim, cap, kind in (
                ("parcels", "parcel_capacity", "capacity_parcels"),
                ("cube", "cube_capacity_l", "capacity_cube"),
            ):
                pick = "pick" if dim == "parcels" else "pick_cube"
                d = et[dim].to_numpy(float)
                load = d.sum() + np.concatenate([[0.0], np.cumsum(et[pick].to_numpy(float) - d)])
                if load.max() > float(v[cap]) * (1 + TOL_LOAD):
                    viol.append(
                        (kind, rid_i, None, f"load {load.max():.0f} > capacity {float(v[cap]):.0f}")
                    )
            parcels_total += float(et["parcels"].sum())

        # schedule, forward from the reported departure
        first = known.iloc[0] if len(known) else None
        depart = (
            float(first["arrival_min"]) - float(leg_min[0])
            if first is not None
            else float(v["shift_start_min"])
        )
        if depart < float(v["shift_start_min"]) - TOL_MIN:
            viol.append(
                (
                    "start_before_shift",
                    rid_i,
                    None,
                    f"leaves {depart:.1f}, shift starts {float(v['shift_start_min']):.1f}",
                )
            )
        t = depart
        for k, x in enumerate(_records(known)):
            arrive = t + float(leg_min[k])
            if x["kind"] == "reload":
                t = arrive
                continue
            e = erec[str(x["stop_id"])]
            if float(x["arrival_min"]) < arrive - TOL_MIN:
                viol.append(
                    (
                        "eta_too_early",
                        rid_i,
                        str(x["stop_id"]),
                        f"reported {float(x['arrival_min']):.1f}, earliest {arrive:.1f}",
                    )
                )
            if float(x["start_min"]) < e["early"] - TOL_MIN:
                viol.append(
                    (
                        "window_early",
                        rid_i,
                        str(x["stop_id"]),
                        f"service {float(x['start_min']):.1f} before {e['early']:.1f}",
                    )
                )
            start = max(arrive, float(e["early"]), float(x["start_min"]))
            late = start - float(e["late"])
            max_late = max(max_late, late)
            if late > TOL_MIN:
                viol.append(
                    (
                        "window_late",
                        rid_i,
                        str(x["stop_id"]),
                        f"service {start:.1f} after {e['late']:.1f}",
                    )
                )
            t = start + float(e["service"])
        back = t + float(leg_min[-1])
        shift_end = float(v["shift_start_min"]) + float(v["shift_min"])
        if back > shift_end + TOL_MIN:
            viol.append(
                ("shift_end_exceeded", rid_i, None, f"back {back:.1f}, shift ends {shift_end:.1f}")
            )
        if back - depart > float(v["shift_min"]) + TOL_MIN:
            viol.append(
                (
                    "shift_length_exceeded",
                    rid_i,
                    None,
                    f"{back - depart:.1f} min > {float(v['shift_min']):.1f}",
                )
            )
        km = float(leg_km.sum())
        h = (back - depart) / 60.0
        km_total += km
        hours_total += h
        cost_total += (
            km * float(v["cost_per_km_usd"])
            + h * float(v["cost_per_hour_usd"])
            + float(v["fixed_cost_usd"])
        )

    vdf = pd.DataFrame(viol, columns=["kind", "route_id", "stop_id", "detail"])
    checks = {
        "routes": n_routes,
        "stops": len(exp),
        "served": len(served & set(exp.index)),
        "unserved": len(un_ids),
        "drone_queue": len(dq_ids),
        "parcels": parcels_total,
        "km": km_total,
        "driver_hours": hours_total,
        "cost_usd": cost_total,
        "max_late_min": max_late,
        "violations": len(vdf),
    }
    return Verification(ok=vdf.empty, violations=vdf, checks=checks)
