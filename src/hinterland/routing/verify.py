"""Independent verification of a route plan, re-derived from the raw inputs.

This module shares no code with the problem builder, the scheduler or the solver
adapter. From the parcels (or stops) table exactly as the user gave it and the
operating model (:attr:`RoutingParams.operations`) it re-derives, by its own code:

* the stops: for parcel input it regroups the parcels itself (same ``address_id``,
  or else the same coordinates to 5 decimals; unless ``allow_early``, a parcel due
  on a later day apart) and checks the plan's parcel -> stop
  assignment against that grouping; a stop is ready at the latest ready time of its
  parcels and due at the earliest promise;
* each stop's service time from the van rule (``stop_service_min +
  parcel_service_min x (parcels + pickup_parcels)``; hand-offs
  ``handoff_service_min + parcel_service_min / 4 x parcels``);
* every leg from coordinates: haversine km x the travel settings' circuity of the
  destination's rurality class, driven at that class's speed (no access time; the
  travel model's own code is not used);

and re-simulates every route forward from its wave's departure (a reported time is
never taken as given: a reported time earlier than possible is a violation, a later
one is a wait). It checks:

* every parcel and stop is served exactly once, or listed as unserved with a
  reason, or in the drone queue (and eligible for it, at a site that launches
  drones, within radius and payload);
* vehicles used per type and wave do not exceed the fleet; reloads within
  ``max_reloads``; a route leaves at one of the operating model's waves;
* parcel and cube load never exceed capacity on any trip (``over_capacity``);
* no trip leaves before its parcels are ready (``loaded_before_ready``), no service
  starts before its stop is ready (``served_before_ready``), no service ends after
  the delivery day (``after_delivery_end``); no parcel promised for tomorrow or later
  is delivered today without ``allow_early`` (``wrong_day``);
* the driver's day (load + route + break) is within the shift (``hours_of_service``);
* every parcel served after its own promise is in the plan's late report with at least
  its minutes late (``late`` otherwise: lateness itself is reported, not a
  violation).

Violations are a table ``kind, route_id, stop_id, detail``; ``late`` lists the late
parcels as the verifier computed them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.vocabulary import kinds_with

#: Minutes of slack allowed when comparing times (rounding to whole seconds).
TOL_MIN = 0.02
#: Relative slack on capacities (none: loads are integers / litres).
TOL_LOAD = 1e-6
#: Earth radius of the verifier's own haversine (IUGG mean radius).
_R_KM = 6371.0088
_DAY = 1440.0

VIOLATION_KINDS = (
    "unknown_stop",
    "duplicate_visit",
    "missing_stop",
    "served_and_unserved",
    "unserved_without_reason",
    "unknown_parcel",
    "missing_parcel",
    "grouping",
    "drone_not_eligible",
    "unknown_vehicle_type",
    "unknown_wave",
    "fleet_exceeded",
    "too_many_reloads",
    "over_capacity",
    "loaded_before_ready",
    "served_before_ready",
    "wrong_day",
    "late",
    "eta_too_early",
    "after_delivery_end",
    "hours_of_service",
)
LATE_COLUMNS = ("parcel_id", "stop_id", "route_id", "due_min", "delivered_min", "late_min")


@dataclass
class Verification:
    """Result of :func:`verify_plan`."""

    ok: bool
    violations: pd.DataFrame
    checks: dict[str, Any] = field(default_factory=dict)
    late: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(LATE_COLUMNS)))

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


def _gc_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _R_KM * np.arcsin(np.sqrt(np.minimum(np.maximum(h, 0.0), 1.0)))


def _clock(raw: pd.DataFrame, name: str, date: Any, zone: str | None,
           default: float) -> np.ndarray:
    """``<name>_min`` or else ``<name>_at`` (ISO local time) in minutes of ``date``."""
    out = np.full(len(raw), np.nan)
    if f"{name}_min" in raw:
        out = pd.to_numeric(raw[f"{name}_min"], errors="coerce").to_numpy(float)
    if f"{name}_at" in raw:
        for i, v in enumerate(raw[f"{name}_at"].tolist()):
            if not math.isnan(out[i]) or v is None or str(v).strip() in ("", "nan", "NaT"):
                continue
            ts = pd.Timestamp(str(v))
            if ts.tzinfo is not None and zone:
                ts = ts.tz_convert(zone)
            day = (dt_date(ts) - date).days
            out[i] = day * _DAY + ts.hour * 60 + ts.minute + ts.second / 60
    return np.where(np.isnan(out), default, out)


def dt_date(ts: pd.Timestamp) -> Any:
    """Calendar date of a timestamp (its own wall clock)."""
    return ts.to_pydatetime().date()


def _zone(station: Any, raw: pd.DataFrame) -> str | None:
    if not any(c in raw for c in ("ready_at", "due_at")):
        return None
    from hinterland.core.clock import time_zones

    return str(time_zones(station.lat, station.lon)[0])


def _service(kind: np.ndarray, parcels: np.ndarray, pick: np.ndarray, params: Any) -> np.ndarray:
    van = params.operations.van
    return np.where(
        kind == "handoff",
        params.handoff_service_min + parcels * van.parcel_service_min / 4,
        van.stop_service_min + (parcels + pick) * van.parcel_service_min,
    )


def _stops_from_stops(raw: pd.DataFrame, params: Any, zone: str | None
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Expected stops of a stops table, and its parcels named ``<stop_id>-<k>``."""
    s = pd.DataFrame({"stop_id": raw["stop_id"].astype(str)})
    s["lat"] = pd.to_numeric(raw["lat"]).to_numpy(float)
    s["lon"] = pd.to_numeric(raw["lon"]).to_numpy(float)
    s["kind"] = raw["kind"].astype(str).str.lower().to_numpy() if "kind" in raw else "delivery"
    s["parcels"] = pd.to_numeric(raw["parcels"]).round().to_numpy(float)
    s["pick"] = (pd.to_numeric(raw["pickup_parcels"]).round().to_numpy(float)
                 if "pickup_parcels" in raw else 0.0)
    s["cube"] = (pd.to_numeric(raw["cube_l"]).to_numpy(float) if "cube_l" in raw
                 else s["parcels"] * params.default_cube_l)
    s["pick_cube"] = (pd.to_numeric(raw["pickup_cube_l"]).to_numpy(float)
                      if "pickup_cube_l" in raw else s["pick"] * params.default_cube_l)
    date = params.operations.date
    s["ready"] = _clock(raw, "ready", date, zone, 0.0)
    s["due"] = _clock(raw, "due", date, zone, np.inf)
    svc = _service(s["kind"].to_numpy(), s["parcels"].to_numpy(float),
                   s["pick"].to_numpy(float), params)
    if "service_min" in raw:
        given = pd.to_numeric(raw["service_min"], errors="coerce").to_numpy(float)
        svc = np.where(np.isnan(given), svc, given)
    s["service"] = svc
    s["drone_ok"] = _flag(raw, "drone_eligible")
    s["weight"] = (pd.to_numeric(raw["weight_kg"]).fillna(0.0).to_numpy(float)
                   if "weight_kg" in raw else 0.0)
    s["rurality"] = raw["rurality"].to_numpy() if "rurality" in raw else None
    names = [(f"{sid}-{k + 1}", sid, due)
             for sid, n, due in zip(s["stop_id"], s["parcels"], s["due"], strict=True)
             for k in range(int(n))]
    return s.set_index("stop_id", drop=False), pd.DataFrame(
        names, columns=["parcel_id", "stop_id", "due"])


def _stops_from_parcels(raw: pd.DataFrame, assignment: pd.DataFrame, params: Any,
                        zone: str | None, viol: list[tuple[str, int | None, str | None, str]]
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regroup the raw parcels by this module's own key and check the plan's grouping."""
    p = pd.DataFrame({"parcel_id": raw["parcel_id"].astype(str)})
    p["lat"] = pd.to_numeric(raw["lat"]).to_numpy(float)
    p["lon"] = pd.to_numeric(raw["lon"]).to_numpy(float)
    if "address_id" in raw:
        p["key"] = raw["address_id"].astype(str).to_numpy()
    else:
        p["key"] = [f"{a:.5f},{b:.5f}" for a, b in zip(p["lat"], p["lon"], strict=True)]
    p["cube"] = (pd.to_numeric(raw["cube_l"]).to_numpy(float) if "cube_l" in raw
                 else params.default_cube_l)
    p["weight"] = (pd.to_numeric(raw["weight_kg"]).fillna(0.0).to_numpy(float)
                   if "weight_kg" in raw else 0.0)
    p["drone_ok"] = _flag(raw, "drone_eligible")
    date = params.operations.date
    p["ready"] = _clock(raw, "ready", date, zone, 0.0)
    p["due"] = _clock(raw, "due", date, zone, np.inf)
    p["rurality"] = raw["rurality"].to_numpy() if "rurality" in raw else None
    if not params.allow_early:  # a parcel due on a later day is its own stop
        p["key"] = p["key"] + np.where(np.isfinite(p["due"]) & (p["due"] >= _DAY), "|later", "")
    a = assignment.assign(parcel_id=assignment["parcel_id"].astype(str),
                          stop_id=assignment["stop_id"].astype(str))
    known = set(p["parcel_id"])
    for pid in sorted(set(a["parcel_id"]) - known):
        viol.append(("unknown_parcel", None, None, f"parcel {pid!r} is not in the input"))
    for pid in sorted(known - set(a["parcel_id"])):
        viol.append(("missing_parcel", None, None, f"parcel {pid!r} is in no stop"))
    twice = a["parcel_id"].value_counts()
    for pid in twice.index[twice > 1]:
        viol.append(("grouping", None, None, f"parcel {pid!r} is in {int(twice[pid])} stops"))
    a = a[a["parcel_id"].isin(known)].drop_duplicates("parcel_id")
    m = p.merge(a, on="parcel_id", how="inner")
    keys_per_stop = m.groupby("stop_id", sort=False)["key"].nunique()
    for sid in keys_per_stop.index[keys_per_stop > 1]:
        viol.append(("grouping", None, str(sid), "parcels of different addresses"))
    stops_per_key = m.groupby("key", sort=False)["stop_id"].nunique()
    for key in stops_per_key.index[stops_per_key > 1]:
        viol.append(("grouping", None, None, f"address {key!r} split over stops"))
    g = m.groupby("stop_id", sort=False)
    n: pd.Series = g.size()
    s = pd.DataFrame({
        "stop_id": n.index.astype(str),
        "lat": g["lat"].first().to_numpy(),
        "lon": g["lon"].first().to_numpy(),
        "kind": "delivery",
        "parcels": n.to_numpy(float),
        "pick": 0.0,
        "cube": g["cube"].sum().to_numpy(),
        "pick_cube": 0.0,
        "ready": g["ready"].max().to_numpy(),
        "due": g["due"].min().to_numpy(),
        "drone_ok": (g["drone_ok"].all() & (n == 1)).to_numpy(),
        "weight": g["weight"].max().to_numpy(),
        "rurality": g["rurality"].first().to_numpy(),
    })
    s["service"] = _service(s["kind"].to_numpy(), s["parcels"].to_numpy(float),
                            s["pick"].to_numpy(float), params)
    return s.set_index("stop_id", drop=False), m[["parcel_id", "stop_id", "due"]]


def _legs(points: list[tuple[float, float, Any]], params: Any
          ) -> tuple[np.ndarray, np.ndarray]:
    """Road km and drive minutes of consecutive legs (into each point after the first)."""
    tr = params.operations.travel
    lat = np.array([x[0] for x in points], dtype=float)
    lon = np.array([x[1] for x in points], dtype=float)
    gc = _gc_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
    rur = [x[2] if isinstance(x[2], str) else tr.default_rurality for x in points[1:]]
    circ = np.array([float(tr.circuity[r]) for r in rur])
    speed = np.array([float(tr.speed_kmh[r]) for r in rur])
    km = gc * circ
    return km, km / speed * 60.0


def verify_plan(
    raw: pd.DataFrame,
    fleet: pd.DataFrame,
    station: Any,
    routes: pd.DataFrame,
    unserved: pd.DataFrame,
    drone_queue: pd.DataFrame | None = None,
    *,
    params: Any,
    assignment: pd.DataFrame | None = None,
    reported_late: pd.DataFrame | None = None,
) -> Verification:
    """Verify routes against the raw inputs (see module docstring).

    Parameters
    ----------
    raw
        The parcels table (with ``assignment``) or the stops table, as given.
    fleet
        Fleet table (``vehicle_type, count, parcel_capacity, cube_capacity_l,
        shift_min, load_min, break_min, cost_per_hour_usd, cost_per_km_usd,
        fixed_cost_usd, max_reloads``).
    station
        Object with ``station_id``, ``lat``, ``lon``, ``rurality`` and ``kind``.
    routes
        Visit table (``route_id, vehicle_type, wave_min, seq, stop_id, kind,
        arrival_min, start_min, depart_min``; reloads have kind ``reload``).
    unserved
        ``stop_id, reason``.
    drone_queue
        ``stop_id`` of stops handed to drones.
    params
        The :class:`~hinterland.routing.problem.RoutingParams` used (its operating
        model, ``handoff_service_min``, ``default_cube_l``, ``allow_early``).
    assignment
        The plan's ``parcel_id, stop_id`` (parcel input).
    reported_late
        The plan's late parcels: ``parcel_id, late_min``.

    Returns
    -------
    Verification
        ``ok`` is true when there are no violations; ``late`` the late parcels;
        ``checks`` recomputed figures: ``routes``, ``stops``, ``served``,
        ``unserved``, ``drone_queue``, ``km``, ``driver_hours``, ``cost_usd``,
        ``parcels``, ``late_parcels``, ``late_minutes_p90``, ``max_late_min``,
        ``served_before_ready``, ``wrong_day``, ``violations``.
    """
    viol: list[tuple[str, int | None, str | None, str]] = []
    van = params.operations.van
    drone = params.operations.drone
    zone = _zone(station, raw)
    if assignment is not None:
        exp, par = _stops_from_parcels(raw, assignment, params, zone, viol)
    else:
        exp, par = _stops_from_stops(raw, params, zone)
    erec: dict[str, dict[str, Any]] = {
        str(k): {str(c): x for c, x in v.items()} for k, v in exp.to_dict("index").items()
    }
    par_by_stop: dict[str, list[tuple[str, float]]] = {}
    for pid, sid, pdue in zip(par["parcel_id"], par["stop_id"], par["due"], strict=True):
        par_by_stop.setdefault(str(sid), []).append((str(pid), float(pdue)))
    fl: dict[str, dict[str, Any]] = {str(r["vehicle_type"]): r for r in _records(fleet)}
    s_rur = getattr(station, "rurality", None)
    home = (float(station.lat), float(station.lon), s_rur)
    waves = tuple(float(w) for w in van.waves_min)

    # --- coverage: each stop once, or unserved with a reason, or with drones
    visits = routes[routes["kind"] != "reload"]
    counts = visits["stop_id"].astype(str).value_counts()
    for sid in counts.index[~counts.index.isin(exp.index)]:
        viol.append(("unknown_stop", None, sid, "visited stop not in the input"))
    for sid in counts.index[counts > 1]:
        viol.append(("duplicate_visit", None, sid, f"visited {int(counts[sid])} times"))
    un_ids = set(unserved["stop_id"].astype(str))
    for u in _records(unserved):
        if not isinstance(u.get("reason"), str) or not u["reason"].strip():
            viol.append(("unserved_without_reason", None, str(u["stop_id"]), "no reason given"))
    dq_ids = set() if drone_queue is None else set(drone_queue["stop_id"].astype(str))
    launches = getattr(station, "kind", None) in kinds_with("launches_drones")
    for sid in sorted(dq_ids):
        if sid not in exp.index:
            viol.append(("unknown_stop", None, sid, "drone-queued stop not in the input"))
            continue
        e = erec[sid]
        gc_d = float(_gc_km(np.array(station.lat), np.array(station.lon),
                            np.array(e["lat"]), np.array(e["lon"])))
        why = [w for w, bad in (
            ("the site does not launch drones", not launches),
            ("not drone-eligible", not bool(e["drone_ok"])),
            ("not a one-parcel delivery", e["kind"] != "delivery" or e["parcels"] != 1
             or e["pick"] != 0),
            (f"{e['weight']:.2f} kg over the payload", e["weight"] > drone.payload_kg),
            (f"{gc_d:.2f} km beyond the radius", gc_d > drone.radius_km + 1e-9),
        ) if bad]
        if why:
            viol.append(("drone_not_eligible", None, sid, "; ".join(why)))
    served = set(counts.index)
    for sid in sorted(served & (un_ids | dq_ids)):
        viol.append(("served_and_unserved", None, sid, "both routed and unserved/drone"))
    for sid in sorted(set(exp.index) - served - un_ids - dq_ids):
        viol.append(("missing_stop", None, sid, "neither routed nor reported unserved"))

    # --- fleet size per type and wave
    first = routes.sort_values(["route_id", "seq"]).groupby("route_id", sort=True).first()
    if "wave_min" not in first.columns:
        first["wave_min"] = math.nan
    used = first.groupby(["vehicle_type", "wave_min"], dropna=False).size()
    for key, n_used in used.items():
        vt, wave = str(key[0]), key[1]  # type: ignore[index]
        if vt not in fl:
            viol.append(("unknown_vehicle_type", None, None, f"vehicle type {vt!r}"))
        elif int(n_used) > int(fl[vt]["count"]):
            viol.append(("fleet_exceeded", None, None,
                         f"{int(n_used)} routes of {vt!r} on wave {wave}, fleet has "
                         f"{int(fl[vt]['count'])}"))

    # --- per route: loads and schedule, forward from the wave
    km_total = hours_total = cost_total = 0.0
    parcels_total = 0.0
    late_rows: list[tuple[str, str, int, float, float, float]] = []
    n_routes = early_n = wrong_n = 0
    for rid, r in routes.sort_values(["route_id", "seq"]).groupby("route_id", sort=True):
        n_routes += 1
        rid_i = int(str(rid))
        vt = str(r["vehicle_type"].iloc[0])
        if vt not in fl:
            continue
        v = fl[vt]
        wave = float(r["wave_min"].iloc[0]) if "wave_min" in r else math.nan
        if not any(abs(wave - w) <= 1e-6 for w in waves):
            viol.append(("unknown_wave", rid_i, None,
                         f"leaves at {wave!r}, waves are {', '.join(f'{w:g}' for w in waves)}"))
            if not math.isfinite(wave):
                continue
        rows = [x for x in _records(r) if x["kind"] == "reload" or str(x["stop_id"]) in erec]
        pts = [home]
        for x in rows:
            if x["kind"] == "reload":
                pts.append(home)
            else:
                e = erec[str(x["stop_id"])]
                pts.append((float(e["lat"]), float(e["lon"]), e["rurality"]))
        pts.append(home)
        leg_km, leg_min = _legs(pts, params)

        reloads = sum(1 for x in rows if x["kind"] == "reload")
        if reloads > int(v["max_reloads"]):
            viol.append(("too_many_reloads", rid_i, None,
                         f"{reloads} reloads, at most {int(v['max_reloads'])}"))
        trips: list[list[str]] = [[]]
        for x in rows:
            if x["kind"] == "reload":
                trips.append([])
            else:
                trips[-1].append(str(x["stop_id"]))
        for trip in trips:
            if not trip:
                continue
            et = exp.loc[trip]
            for dim, pick, cap, what in (("parcels", "pick", "parcel_capacity", "parcels"),
                                         ("cube", "pick_cube", "cube_capacity_l", "litres")):
                d = et[dim].to_numpy(float)
                load = d.sum() + np.concatenate([[0.0], np.cumsum(et[pick].to_numpy(float) - d)])
                if load.max() > float(v[cap]) * (1 + TOL_LOAD):
                    viol.append(("over_capacity", rid_i, None,
                                 f"{load.max():.0f} {what} > capacity {float(v[cap]):.0f}"))
            parcels_total += float(et["parcels"].sum())

        t = wave
        trip_k = 0
        trip_ready = [max((float(erec[x]["ready"]) for x in tr), default=0.0) for tr in trips]
        if trip_ready[0] > t + TOL_MIN:
            viol.append(("loaded_before_ready", rid_i, None,
                         f"leaves {t:.2f}, a parcel is ready at {trip_ready[0]:.2f}"))
        for k, x in enumerate(rows):
            arrive = t + float(leg_min[k])
            for col in ("arrival_min", "start_min"):
                rep = float(x.get(col, math.nan))
                if math.isfinite(rep) and rep < arrive - TOL_MIN:
                    viol.append(("eta_too_early", rid_i, str(x["stop_id"]),
                                 f"{col} {rep:.2f}, earliest {arrive:.2f}"))
            rep_start = float(x.get("start_min", math.nan))
            if x["kind"] == "reload":
                trip_k += 1
                t = max(arrive, rep_start) if math.isfinite(rep_start) else arrive
                if trip_ready[trip_k] > t + TOL_MIN:
                    viol.append(("loaded_before_ready", rid_i, None,
                                 f"reload leaves {t:.2f}, a parcel is ready at "
                                 f"{trip_ready[trip_k]:.2f}"))
                continue
            sid = str(x["stop_id"])
            e = erec[sid]
            start = max(arrive, rep_start) if math.isfinite(rep_start) else arrive
            if start < float(e["ready"]) - TOL_MIN:
                early_n += 1
                viol.append(("served_before_ready", rid_i, sid,
                             f"service {start:.2f} before ready {float(e['ready']):.2f}"))
            end = start + float(e["service"])
            if end > float(van.delivery_end_min) + TOL_MIN:
                viol.append(("after_delivery_end", rid_i, sid,
                             f"service ends {end:.2f}, deliveries end "
                             f"{float(van.delivery_end_min):.2f}"))
            later = [pid for pid, pdue in par_by_stop.get(sid, [])
                     if math.isfinite(pdue) and pdue >= _DAY]
            if later and not params.allow_early:
                wrong_n += len(later)
                viol.append(("wrong_day", rid_i, sid,
                             f"{len(later)} parcel(s) promised for a later day delivered "
                             f"today: {', '.join(later[:3])}"))
            for pid, pdue in par_by_stop.get(sid, []):
                if end - pdue > TOL_MIN:
                    late_rows.append((pid, sid, rid_i, pdue, end, end - pdue))
            t = end
        back = t + float(leg_min[-1])
        duty = float(v["load_min"]) + (back - wave) + float(v["break_min"])
        if duty > float(v["shift_min"]) + TOL_MIN:
            viol.append(("hours_of_service", rid_i, None,
                         f"on duty {duty:.2f} min (load + route + break) > shift "
                         f"{float(v['shift_min']):.2f}"))
        km = float(leg_km.sum())
        h = duty / 60.0
        km_total += km
        hours_total += h
        cost_total += (km * float(v["cost_per_km_usd"]) + h * float(v["cost_per_hour_usd"])
                       + float(v["fixed_cost_usd"]))

    late = pd.DataFrame(late_rows, columns=list(LATE_COLUMNS))
    said_late: dict[str, float] = ({} if reported_late is None else {
        str(k): float(m) for k, m in zip(reported_late["parcel_id"],
                                         pd.to_numeric(reported_late["late_min"]), strict=True)})
    for x in _records(late):
        said = said_late.get(str(x["parcel_id"]), 0.0)
        if said < float(x["late_min"]) - TOL_MIN:
            viol.append(("late", int(x["route_id"]), str(x["stop_id"]),
                         f"parcel {x['parcel_id']} {float(x['late_min']):.2f} min late, "
                         f"reported {said:.2f}"))
    vdf = pd.DataFrame(viol, columns=["kind", "route_id", "stop_id", "detail"])
    mins = late["late_min"].to_numpy(float)
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
        "late_parcels": len(late),
        "late_minutes_p90": float(np.percentile(mins, 90)) if len(mins) else 0.0,
        "max_late_min": float(mins.max()) if len(mins) else 0.0,
        "served_before_ready": early_n,
        "wrong_day": wrong_n,
        "violations": len(vdf),
    }
    return Verification(ok=vdf.empty, violations=vdf, checks=checks, late=late)
