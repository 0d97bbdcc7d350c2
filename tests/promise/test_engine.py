"""Promise engine on real ZIP areas and the national demo network."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.operations import OperatingModel
from hinterland.promise import (
    MODES,
    TIERS,
    PromiseEngine,
    PromiseResult,
    Reason,
    UnknownZipError,
)
from hinterland.promise.engine import DAY
from hinterland.promise.verify import verify_choices

M = {m: i for i, m in enumerate(MODES)}


def one(engine: PromiseEngine, policy: str = "fastest", **order: object) -> PromiseResult:
    base: dict[str, object] = {"weight_kg": 1.0, "order_time": "2025-03-04T13:00"}
    base.update(order)
    return engine.promise(pd.DataFrame([base]), policy=policy)


def test_remote_zip_only_partner_promises_next_day(engine: PromiseEngine) -> None:
    # Valentine NE (69201): small town, no station within the van's reach.
    res = one(engine, destination_zip="69201", tier="next_day")
    reason = res.reason[0]
    assert reason[M["hub_van"]] == Reason.NO_SITE
    assert reason[M["fc_van"]] == Reason.NO_SITE
    assert reason[M["drone"]] == Reason.NO_SITE
    meets = [MODES[i] for i in np.flatnonzero(res.meets_tier[0])]
    assert meets == ["postal_express_24h"]
    ch = res.choices().iloc[0]
    assert ch["mode"] == "postal_express_24h" and ch["carrier"] == "postal_partner"
    assert ch["promised_time"].startswith("2025-03-05")
    assert str(ch["handoff_id"]).startswith("PO-")
    assert verify_choices(res) == []


def test_town_inside_drone_radius_gets_60_minutes(engine: PromiseEngine) -> None:
    # Lodi CA (95240) is a few km from the Lockeford CA drone site.
    res = one(engine, destination_zip="95240", tier="60min")
    ch = res.choices().iloc[0]
    assert ch["mode"] == "drone" and ch["source_id"] == "DRONE-95237"
    t = res.order_min[0]
    assert t + engine.model.drone.prep_min < ch["promised_min"] <= t + 60
    assert ch["promised_time"].startswith("2025-03-04T13:")


def test_item_too_heavy_for_a_drone(engine: PromiseEngine) -> None:
    res = one(engine, destination_zip="95240", tier="60min", weight_kg=5.0)
    assert res.reason[0, M["drone"]] == Reason.TOO_HEAVY
    ch = res.choices().iloc[0]
    assert ch["mode"] is None and ch["reason"] == "MISSES_TIER"
    assert ch["earliest_mode"] == "hub_van"  # still deliverable today, just not in 60 min
    # Above the partner's 70 lb limit the partner options are refused too.
    heavy = one(engine, destination_zip="95240", tier="two_day", weight_kg=40.0)
    assert heavy.reason[0, M["postal_express_24h"]] == Reason.TOO_HEAVY
    assert heavy.reason[0, M["hub_van"]] == Reason.TOO_HEAVY


def test_order_after_cutoff(engine: PromiseEngine) -> None:
    early = one(engine, destination_zip="10001", tier="same_day", order_time="2025-03-04T13:00")
    late = one(engine, destination_zip="10001", tier="same_day", order_time="2025-03-04T22:30")
    assert early.reason[0, M["hub_van"]] == Reason.OK
    # Hub stock is local: after the last wave's cut-off it rides tomorrow's first wave.
    assert late.reason[0, M["hub_van"]] == Reason.OK
    assert late.promised_min[0, M["hub_van"]] - early.promised_min[0, M["hub_van"]] >= DAY - 600
    assert late.promised_min[0, M["hub_van"]] > DAY
    assert late.reason[0, M["postal_priority_same_day"]] == Reason.AFTER_CUTOFF
    # Missing the FC cut-off (21:00) slips the line-haul by exactly one day.
    slip = late.promised_min[0, M["fc_van"]] - early.promised_min[0, M["fc_van"]]
    assert slip == DAY
    assert late.choices().iloc[0]["reason"] == "MISSES_TIER"
    assert early.choices().iloc[0]["mode"] == "hub_van"


def test_every_option_type_on_real_zip_areas(engine: PromiseEngine) -> None:
    res = one(engine, destination_zip="10001", tier="two_day", order_time="2025-03-04T08:00")
    ok = {MODES[i] for i in np.flatnonzero(res.reason[0] == Reason.OK)}
    assert {"hub_van", "fc_van", "postal_express_24h", "postal_priority_same_day"} <= ok
    opts = res.options().set_index("mode")
    assert str(opts.loc["fc_van", "source_id"]).startswith("FC-")
    assert str(opts.loc["fc_van", "handoff_id"]).startswith(("DS-", "HUB-"))
    assert str(opts.loc["hub_van", "source_id"]).startswith("HUB-")
    pr = res.promised_min[0, M["postal_priority_same_day"]]
    assert pr == engine.model.partner.priority_delivery_end_min
    drone = one(engine, destination_zip="95240", tier="two_day")
    assert drone.reason[0, M["drone"]] == Reason.OK
    # Costs and CO2 are positive where feasible.
    for r in (res, drone):
        feas = r.reason[0] == Reason.OK
        assert (r.cost_cents[0][feas] > 0).all() and (r.co2_kg[0][feas] > 0).all()


def test_nowhere_reachable_says_no_option(engine: PromiseEngine) -> None:
    # Utqiagvik AK (99723): no site of any kind within reach.
    res = one(engine, destination_zip="99723", tier="two_day")
    assert (res.reason[0] != Reason.OK).all()
    assert res.choices().iloc[0]["reason"] == "NO_OPTION"


def test_drone_hours_weather_and_stock(engine: PromiseEngine) -> None:
    d = engine.model.drone
    late = one(engine, destination_zip="95240", tier="60min", order_time="2025-03-04T19:50")
    assert late.reason[0, M["drone"]] == Reason.OUTSIDE_HOURS
    dawn = one(engine, destination_zip="95240", tier="two_day", order_time="2025-03-04T06:00")
    assert dawn.promised_min[0, M["drone"]] > d.open_min  # waits for opening
    wet = one(engine, destination_zip="95240", tier="60min", weather_ok=False)
    assert wet.reason[0, M["drone"]] == Reason.WEATHER
    out = one(engine, destination_zip="95240", tier="same_day", in_hub_stock=False)
    assert out.reason[0, M["drone"]] == Reason.NOT_IN_STOCK
    assert out.reason[0, M["hub_van"]] == Reason.NOT_IN_STOCK
    assert out.reason[0, M["fc_van"]] == Reason.OK


def test_policy_cheapest_versus_fastest(engine: PromiseEngine) -> None:
    fast = one(engine, destination_zip="10001", tier="two_day", order_time="2025-03-04T08:00")
    cheap = one(engine, "cheapest", destination_zip="10001", tier="two_day",
                order_time="2025-03-04T08:00")
    f, c = int(fast.chosen[0]), int(cheap.chosen[0])
    assert fast.promised_min[0, f] == np.nanmin(fast.promised_min[0])
    assert cheap.cost_cents[0, c] == fast.cost_cents[0][fast.cost_cents[0] >= 0].min()
    assert f != c


def test_lat_lon_destination_matches_its_zip_area(engine: PromiseEngine,
                                                  zips: pd.DataFrame) -> None:
    z = zips.set_index("zip").loc["95240"]
    orders = pd.DataFrame([
        {"destination_zip": "95240", "weight_kg": 1, "order_time": "2025-03-04T13:00",
         "tier": "60min"},
        {"lat": z["lat"], "lon": z["lon"], "weight_kg": 1, "order_time": "2025-03-04T13:00",
         "tier": "60min"},
    ])
    res = engine.promise(orders)
    np.testing.assert_array_equal(res.reason[0], res.reason[1])
    np.testing.assert_allclose(res.promised_min[0], res.promised_min[1])
    np.testing.assert_array_equal(res.cost_cents[0], res.cost_cents[1])
    assert res.choices()["mode"].tolist() == ["drone", "drone"]


def test_batch_equals_single_orders_and_verifies(engine: PromiseEngine,
                                                 zips: pd.DataFrame) -> None:
    rng = np.random.default_rng(7)
    n = 3000
    orders = pd.DataFrame({
        "order_id": [f"o{i}" for i in range(n)],
        "destination_zip": rng.choice(zips["zip"].to_numpy(), n),
        "weight_kg": np.round(rng.lognormal(0, 0.9, n), 2) + 0.01,
        "order_min": rng.uniform(0, 1439, n),
        "tier": rng.choice(TIERS, n),
        "weather_ok": rng.random(n) > 0.1,
    })
    for policy in ("fastest", "cheapest"):
        res = engine.promise(orders, policy=policy)
        assert verify_choices(res) == []
    res = engine.promise(orders)
    for i in rng.choice(n, 25, replace=False):
        single = engine.promise(orders.iloc[[i]])
        np.testing.assert_array_equal(single.reason[0], res.reason[i])
        np.testing.assert_array_equal(single.cost_cents[0], res.cost_cents[i])
        assert single.chosen[0] == res.chosen[i]
    # The table views agree with the arrays.
    opts = res.options()
    assert len(opts) == n * len(MODES)
    assert opts["chosen"].sum() == (res.chosen >= 0).sum()


@pytest.mark.parametrize(
    ("order", "column"),
    [
        ({"destination_zip": "95240", "weight_kg": 0, "tier": "60min"}, "weight_kg"),
        ({"destination_zip": "95240", "weight_kg": "heavy", "tier": "60min"}, "weight_kg"),
        ({"destination_zip": "95240", "weight_kg": 1, "tier": "tomorrow"}, "tier"),
        ({"destination_zip": "9524X", "weight_kg": 1, "tier": "60min"}, "destination_zip"),
        ({"destination_zip": "95240", "weight_kg": 1, "tier": "60min",
          "order_time": "yesterday"}, "order_time"),
        ({"destination_zip": "95240", "weight_kg": 1, "tier": "60min",
          "shipping_fee_usd": "1.001"}, "shipping_fee_usd"),
        ({"destination_zip": "95240", "weight_kg": 1, "tier": "60min",
          "weather_ok": "maybe"}, "weather_ok"),
    ],
)
def test_bad_orders_name_row_and_column(engine: PromiseEngine, order: dict[str, object],
                                        column: str) -> None:
    good = {"destination_zip": "95240", "weight_kg": 1, "order_time": "2025-03-04T13:00",
            "tier": "60min"}
    with pytest.raises(InputError) as err:
        engine.promise(pd.DataFrame([good, {"order_time": "2025-03-04T13:00", **order}]))
    assert err.value.row == 2
    assert err.value.column == column


def test_unknown_zip_is_its_own_error(engine: PromiseEngine) -> None:
    with pytest.raises(UnknownZipError) as err:
        one(engine, destination_zip="00000", tier="next_day")
    assert err.value.zip_code == "00000" and err.value.row == 1


def test_small_network_timing_follows_the_operating_model(zips: pd.DataFrame) -> None:
    """A hub and an FC at one ZIP centroid: promises are the operating model's arithmetic."""
    z = zips[zips["state"] == "VT"].reset_index(drop=True)
    town = z[z["zip"] == "05401"].iloc[0]  # Burlington VT
    fac = pd.DataFrame([
        {"id": "HUB", "kind": "hybrid_hub", "lat": town["lat"], "lon": town["lon"],
         "operator": "own", "capacity_per_day": np.inf, "holds_inventory": True},
        {"id": "FC", "kind": "fulfillment_center", "lat": town["lat"], "lon": town["lon"],
         "operator": "own", "capacity_per_day": np.inf, "holds_inventory": True},
        {"id": "PO", "kind": "partner_post_office", "lat": town["lat"], "lon": town["lon"],
         "operator": "postal_partner", "capacity_per_day": np.inf, "holds_inventory": False},
    ])
    m = OperatingModel()
    eng = PromiseEngine(fac, z, m)
    res = one(eng, destination_zip="05401", tier="next_day", order_time="2025-03-04T08:00")
    access = eng.travel.access_min
    van = m.van
    rur = str(town["rurality"])
    ok, last, stops = van.route(access, van.waves_min[0], rur)
    assert bool(ok) and stops == np.floor(van.capacity_parcels / van.parcels_per_stop)
    # Same-day from stock: the first wave's route, its last stop, rounded up to the minute.
    assert res.promised_min[0, M["hub_van"]] == np.ceil(float(last) - 1e-6)
    # Line-haul leaves 22:00, drives a few minutes, is sorted, and rides the next morning wave.
    assert res.promised_min[0, M["fc_van"]] == np.ceil(DAY + float(last) - 1e-6)
    assert res.promised_min[0, M["postal_express_24h"]] == DAY + m.partner.delivery_end_min
    assert res.reason[0, M["drone"]] == Reason.NO_SITE
    hub_cost = int(res.cost_cents[0, M["hub_van"]])
    assert hub_cost == 180 + int(van.parcel_cost_cents([0.0], [access], rur)[0])


def test_order_times_keep_their_wall_clock_and_offset(engine: PromiseEngine) -> None:
    times = ["2025-03-04T13:30-05:00", "2025-03-04T13:30+01:00", "2025-03-04T13:30Z",
             "2025-03-04T13:30:00"]
    orders = pd.DataFrame({"destination_zip": "10001", "weight_kg": 1.0, "order_time": times,
                           "tier": "same_day"})
    res = engine.promise(orders)
    assert (res.order_min == 13 * 60 + 30).all()
    got = res.choices()["promised_time"].tolist()
    assert [g[16:] for g in got] == ["-05:00", "+01:00", "Z", ""]
    assert len({g[:16] for g in got}) == 1  # same wall-clock promise for the same wall clock


def test_verifier_catches_a_wrong_choice(engine: PromiseEngine) -> None:
    res = one(engine, destination_zip="10001", tier="two_day", order_time="2025-03-04T08:00")
    assert verify_choices(res) == []
    worst = int(np.nanargmax(res.promised_min[0]))
    assert worst != int(res.chosen[0])
    res.chosen[0] = worst
    assert verify_choices(res)
    res.chosen[0] = -1
    assert verify_choices(res)


def test_stock_table_per_item_and_site(engine: PromiseEngine) -> None:
    orders = pd.DataFrame({
        "destination_zip": ["95240", "95240", "95240"], "weight_kg": 1.0,
        "order_time": "2025-03-04T09:00", "tier": "same_day",
        "item_id": ["sku-1", "sku-2", "sku-unknown"],
    })
    base = engine.promise(orders)
    hub = base.options().query("mode == 'hub_van'")["source_id"].iloc[0]
    stock = pd.DataFrame({"facility_id": [hub, "DRONE-95237", "DRONE-95237"],
                          "item_id": ["sku-1", "sku-1", "sku-2"]})
    res = engine.promise(orders, stock=stock)
    assert res.reason[0, M["hub_van"]] == Reason.OK and res.reason[0, M["drone"]] == Reason.OK
    assert res.reason[1, M["hub_van"]] == Reason.NOT_IN_STOCK
    assert res.reason[1, M["drone"]] == Reason.OK
    assert (res.reason[2, [M["hub_van"], M["drone"]]] == Reason.NOT_IN_STOCK).all()
    assert (res.reason[:, M["fc_van"]] == Reason.OK).all()  # FCs carry the full range
    with pytest.raises(InputError) as err:
        engine.promise(orders, stock=pd.DataFrame({"facility_id": ["nope"], "item_id": ["x"]}))
    assert err.value.column == "facility_id"
    with pytest.raises(InputError, match="item_id"):
        engine.promise(orders.drop(columns="item_id"), stock=stock)


def test_partner_service_table_replaces_the_distance_rule(zips: pd.DataFrame) -> None:
    z = zips[zips["state"] == "VT"].reset_index(drop=True)
    town = z[z["zip"] == "05401"].iloc[0]
    fac = pd.DataFrame([
        {"id": "FC", "kind": "fulfillment_center", "lat": town["lat"], "lon": town["lon"],
         "operator": "own", "capacity_per_day": np.inf, "holds_inventory": True},
        {"id": "PO", "kind": "partner_post_office", "lat": town["lat"], "lon": town["lon"],
         "operator": "postal_partner", "capacity_per_day": np.inf, "holds_inventory": False},
    ])
    table = pd.DataFrame({"zip": ["5401", "05819"], "office_id": ["PO", "PO"],
                          "transit_days": ["2", "0"], "express_24h": ["true", "false"],
                          "priority_same_day": ["false", "false"]})
    eng = PromiseEngine(fac, z, partner_service=table)
    res = one(eng, destination_zip="05401", tier="two_day", order_time="2025-03-04T08:00")
    partner = eng.model.partner
    assert res.promised_min[0, M["postal_express_24h"]] == 3 * DAY + partner.delivery_end_min
    assert res.reason[0, M["postal_priority_same_day"]] == Reason.NOT_SERVED
    other = one(eng, destination_zip="05819", tier="two_day")  # listed, but no Express
    assert other.reason[0, M["postal_express_24h"]] == Reason.NOT_SERVED
    absent = one(eng, destination_zip="05602", tier="two_day")  # not listed at all
    assert absent.reason[0, M["postal_express_24h"]] == Reason.NOT_SERVED
    bad = table.assign(transit_days=["2", "soon"])
    with pytest.raises(InputError) as err:
        PromiseEngine(fac, z, partner_service=bad)
    assert err.value.row == 2 and err.value.column == "transit_days"
    with pytest.raises(InputError, match="office_id"):
        PromiseEngine(fac, z, partner_service=table.assign(office_id=["PO", "NOPE"]))
