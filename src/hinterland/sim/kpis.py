"""KPIs of a simulated run, overall and by rurality class and state.

From :class:`~hinterland.sim.run.SimResult` tables only (nothing recomputed from the
engine): order-to-door hours (mean, p50, p90), share delivered the same day and by
the next day, on-time rate against the promise, late parcels and minutes, cost per
parcel split by carrier (van routes from the route table, line-haul trucks by lane,
the partner's fees and revenue share through the settlement ledger to the cent,
drone sorties), van km and driver hours, drivers and jobs per station, CO2 per
parcel, partner volume, parcels per year extrapolated.

Jobs per station: drivers (one per route-day, averaged over the days) plus station
associates at the operating model's ``station.parcels_per_associate_day`` parcels
sorted per associate and day, plus ``station.fixed_staff``. Both are **assumptions**
(no public staffing ratio), stated so a planner can hold the total against the
announced ~170 jobs per station.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from hinterland.carriers.settlement import daily_statements, ledger_lines
from hinterland.core.vocabulary import DAY_MIN
from hinterland.geo import haversine_km
from hinterland.sim.run import SimResult

__all__ = ["kpi_table", "kpis"]



def _times(p: pd.DataFrame) -> dict[str, float]:
    done = p[p["status"] != "cancelled"]
    hours = (done["delivered_min"] - done["ordered_min"]) / 60.0
    day_o = np.floor(done["ordered_min"] / DAY_MIN)
    day_d = np.floor(done["delivered_min"] / DAY_MIN)
    n = len(p)
    return {
        "parcels": float(n),
        "delivered": float(len(done)),
        "cancelled": float(n - len(done)),
        "order_to_door_h_mean": float(hours.mean()) if len(done) else np.nan,
        "order_to_door_h_p50": float(hours.median()) if len(done) else np.nan,
        "order_to_door_h_p90": float(hours.quantile(0.9)) if len(done) else np.nan,
        "same_day_share": float((day_d == day_o).sum() / n) if n else np.nan,
        "next_day_share": float((day_d <= day_o + 1).sum() / n) if n else np.nan,
        "on_time_rate": float((done["status"] == "on_time").sum() / len(done))
        if len(done) else np.nan,
        "late_parcels": float((done["status"] == "late").sum()),
        "late_minutes_p90": float(done.loc[done["late_min"] > 0.5, "late_min"].quantile(0.9))
        if (done["late_min"] > 0.5).any() else 0.0,
        "co2_kg_per_parcel": float(done["co2_kg"].mean()) if len(done) else np.nan,
    }


def kpi_table(result: SimResult, by: str | None = None) -> pd.DataFrame:
    """Delivery KPIs overall (``by=None``) or per ``rurality`` / ``state``."""
    p = result.parcels
    if by is None:
        return pd.DataFrame([_times(p)])
    rows = []
    for key, grp in p.groupby(by, sort=True, observed=True):
        rows.append({by: key, **_times(grp)})
    return pd.DataFrame(rows)


def _partner(result: SimResult) -> dict[str, Any]:
    p = result.parcels
    po = p[p["carrier"] == "postal_partner"]
    if po.empty:
        return {"partner_parcels": 0, "partner_fee_usd": "0.00",
                "partner_revenue_share_usd": "0.00", "partner_total_usd": "0.00"}
    start = pd.Timestamp(result.spec.start)
    fees = result.model.shipping_fee_usd
    tier_fee = {t: str(fees.get(t, fees["two_day"])) for t in fees}
    table = pd.DataFrame({
        "parcel_id": po["parcel_id"].to_numpy(),
        "date": pd.DatetimeIndex(start + pd.to_timedelta(
            np.floor(po["depart_min"].to_numpy() / DAY_MIN), unit="D")).strftime("%Y-%m-%d"),
        "zip": po["zip"].to_numpy(),
        "office_id": po["site_id"].to_numpy(),
        "weight_kg": po["weight_kg"].to_numpy(),
        "service": np.where(po["mode"] == "postal_priority_same_day", "priority_same_day",
                            "express_24h"),
        "shipping_fee_usd": [tier_fee.get(t, tier_fee["two_day"]) for t in po["tier"]],
    })
    lines = ledger_lines(table, result.model.partner, source="simulated partner parcels")
    st = daily_statements(lines)
    tot = {c: sum((Decimal(v) for v in st[c]), Decimal("0.00"))
           for c in ("fee_usd", "revenue_share_usd", "premises_fee_usd", "total_usd")}
    return {"partner_parcels": int(st["parcels"].sum()),
            "partner_fee_usd": str(tot["fee_usd"]),
            "partner_revenue_share_usd": str(tot["revenue_share_usd"]),
            "partner_premises_fee_usd": str(tot["premises_fee_usd"]),
            "partner_total_usd": str(tot["total_usd"]),
            "partner_statements": len(st)}


def kpis(result: SimResult) -> dict[str, Any]:
    """Headline KPIs of a run (JSON-ready; money as exact strings where settled)."""
    p, r, m = result.parcels, result.routes, result.model
    days = result.spec.days
    out: dict[str, Any] = {"days": days, **_times(p)}
    done = p[p["status"] != "cancelled"]
    n = max(len(done), 1)
    van_cost = float(r["cost_usd"].sum()) if len(r) else 0.0
    # line-haul trucks by lane (FC -> last-mile site) and day
    fc = done[done["mode"].isin(["fc_van", "postal_express_24h", "postal_priority_same_day"])]
    # Partner offices are served by consolidated runs: one lane per FC, day and state
    # (to the offices' mean position); stations get their own lane.
    po = fc["carrier"] == "postal_partner"
    lane_site = np.where(po, "PO:" + fc["state"].astype(str), fc["site_id"].astype(str))
    lanes = fc.assign(lane=lane_site).groupby(
        ["source_id", "lane", np.floor(fc["ready_min"] / DAY_MIN)]).agg(
        parcels=("parcel_id", "size"), site=("site_id", "first"))
    fac = result.facilities.set_index(result.facilities["id"].astype(str))
    lh_cost = lh_co2 = 0.0
    if len(lanes):
        src = lanes.index.get_level_values(0).astype(str)
        dst = lanes["site"].astype(str).to_numpy()
        lat, lon = fac["lat"], fac["lon"]
        gc = haversine_km(lat.reindex(src).to_numpy(), lon.reindex(src).to_numpy(),
                          lat.reindex(dst).to_numpy(), lon.reindex(dst).to_numpy())
        km = m.travel.road_km(gc, m.linehaul.rurality)
        trucks = m.linehaul.trucks(lanes["parcels"].to_numpy())
        lh_cost = float((trucks * km).sum() * float(m.linehaul.cost_per_km_usd))
        lh_co2 = float((trucks * km).sum() * m.linehaul.co2_kg_per_km)
    partner = _partner(result)
    drone = float((done["carrier"] == "drone").sum()) * float(m.drone.cost_per_delivery_usd)
    stations = r.groupby(["site_id", "day"])["routes"].sum() if len(r) else pd.Series(
        dtype=float)
    drivers = stations.groupby(level=0).mean() if len(stations) else pd.Series(dtype=float)
    volume = done[done["carrier"] == "own_van"].groupby("site_id").size() / days
    associates = volume / m.station.parcels_per_associate_day
    jobs = drivers.add(associates, fill_value=0.0) + m.station.fixed_staff
    total_cost = van_cost + lh_cost + float(Decimal(partner["partner_total_usd"])) + drone
    out.update({
        "cost_per_parcel_usd": total_cost / n,
        "cost_van_per_parcel_usd": van_cost / n,
        "cost_linehaul_per_parcel_usd": lh_cost / n,
        "cost_partner_per_parcel_usd": float(Decimal(partner["partner_total_usd"])) / n,
        "cost_drone_per_parcel_usd": drone / n,
        "cost_hub_holding_per_parcel_usd": 0.0,  # no stock valuation in the run
        "van_km": float(r["km"].sum()) if len(r) else 0.0,
        "van_driver_hours": float(r["driver_h"].sum()) if len(r) else 0.0,
        "van_routes": float(r["routes"].sum()) if len(r) else 0.0,
        "stations_with_vans": len(drivers),
        "drivers_per_station": float(drivers.mean()) if len(drivers) else 0.0,
        "jobs_per_station": float(jobs.mean()) if len(jobs) else 0.0,
        "co2_kg_per_parcel_total": (float(done["co2_kg"].sum()) + lh_co2) / n,
        "parcels_per_year": float(len(p)) / days * 365.25,
        **partner,
    })
    return out
