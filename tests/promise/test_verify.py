"""The promise verifier re-derives every option: planted mutations are caught, the
unmutated engine passes, ties are decided as the engine's rule says."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hinterland.core.vocabulary import TIERS, Reason
from hinterland.data import zip_areas
from hinterland.network.default_network import default_facilities
from hinterland.operations import OperatingModel
from hinterland.operations.linehaul import LineHaul
from hinterland.promise import MODES, PromiseEngine, PromiseResult
from hinterland.promise import modes as md
from hinterland.promise.reference import (
    ROUND_TOL_MIN,
    EngineInputs,
    Reference,
    _whole,
    truck_minutes,
)
from hinterland.promise.verify import Recheck, certify, recheck, verify_choices

M = {m: i for i, m in enumerate(MODES)}
TIE = {"order_id": "o1", "destination_zip": "06512", "weight_kg": 14.02,
       "order_time": "2026-03-04T19:35", "tier": "next_day"}


def random_orders(n: int, seed: int, *, points: float = 0.1) -> pd.DataFrame:
    """Random orders over real ZIP areas: times to the second, weights around every
    mode's limit, all tiers, some stock-outs and bad weather, some lat/lon points."""
    z = zip_areas()
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, len(z), n)
    secs = rng.integers(0, 1440 * 60, n)
    pt = rng.random(n) < points
    lat = z["lat"].to_numpy()[rows] + np.where(pt, rng.normal(0, 0.05, n), 0.0)
    lon = z["lon"].to_numpy()[rows] + np.where(pt, rng.normal(0, 0.05, n), 0.0)
    return pd.DataFrame({
        "order_id": [f"r{seed}-{i}" for i in range(n)],
        "destination_zip": np.where(pt, "", z["zip"].to_numpy()[rows]),
        "lat": np.where(pt, lat, np.nan), "lon": np.where(pt, lon, np.nan),  # ZIP or point
        "weight_kg": rng.choice([0.3, 1.0, 2.2, 2.3, 5.0, 14.02, 22.6, 25.0, 31.7, 33.0], n),
        "order_time": [f"2026-03-04T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
                       for s in secs],
        "tier": rng.choice(TIERS, n),
        "in_hub_stock": rng.random(n) < 0.9,
        "weather_ok": rng.random(n) < 0.85,
    })


@pytest.fixture(scope="module")
def ref(engine: PromiseEngine) -> Reference:
    return Reference(EngineInputs.from_engine(engine))


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return random_orders(600, seed=11)


def _cross_zone(ref: Reference, rc: Recheck, res: PromiseResult,
                clocks: dict[str, tuple[float, float]]) -> set[str]:
    """Orders whose disagreement is one of the two engine errors found by this verifier
    (reported to the lead):

    * ``fc_van``/``hub_van``: the engine keeps, per schedule slot, the site with the
      earliest promise, whatever its cut-off; when the nearest sites' feeding clocks
      differ (time zones), an order between the two cut-offs is promised a day late by
      the engine while another site makes it (the reference's source is on another clock);
    * ``postal_priority_same_day``: ``AFTER_CUTOFF`` compares the order with the partner's
      cut-off read on the order's clock instead of the office's (so the reason is
      ``AFTER_CUTOFF`` where the reference says ``OK`` or ``TOO_FAR``, or the reverse,
      for ZIP areas served by an office on another clock).
    """
    known: set[str] = set()
    for d in rc.details:
        if d.kind != "option" or d.engine is None or d.reference is None:
            continue
        p, _, r, s, _h = d.engine
        want = d.reference
        if d.mode in ("fc_van", "hub_van") and want.promised is not None and r == Reason.OK:
            sites = {ref.fac_offset[s], ref.fac_offset[want.source]}
            if p >= min(want.promised) + 60 and len(sites) > 1:
                known.add(d.order_id)
        pair = {r, want.reason}
        if (d.mode == "postal_priority_same_day" and Reason.AFTER_CUTOFF in pair
                and pair <= {Reason.AFTER_CUTOFF, Reason.TOO_FAR, Reason.OK}
                and clocks[d.order_id][1] != clocks[d.order_id][0]):
            known.add(d.order_id)
    return known


def _dest_offsets(ref: Reference, orders: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Order id -> (clock of the destination, clock of the office serving it)."""
    from hinterland.promise.verify import reference_orders

    ids, ros = reference_orders(orders, ref)
    out = {}
    for i, o in zip(ids, ros, strict=True):
        place = ref.places(o)[0]
        svc = [s for s in ref.services(place.zip_row) if s is not None]
        out[i] = (place.offset, ref.fac_offset[svc[0].office] if svc else math.nan)
    return out


# -- the unmutated engine --------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["fastest", "cheapest"])
def test_unmutated_engine_agrees_on_3000_random_orders_but_two_named_engine_errors(
        engine: PromiseEngine, ref: Reference, policy: str) -> None:
    """3,000 random orders (and the 06512 tie): every disagreement is one of the two
    engine errors (see ``_cross_zone``); anything else is a verifier false positive."""
    table = pd.concat([random_orders(3000, seed=7), pd.DataFrame([TIE])], ignore_index=True)
    res = engine.promise(table, policy=policy)
    rc = recheck(res, ref, orders=table, sample=None)
    assert len(rc.rederived_rows) == len(table)
    known = _cross_zone(ref, rc, res, _dest_offsets(ref, table))
    assert set(rc.disagreeing) <= known, rc.problems[:10]
    assert len(known) <= 5  # rare: ZIP areas near a time-zone line, orders between cut-offs


def test_unmutated_engine_agrees_on_every_random_order(engine: PromiseEngine,
                                                       ref: Reference) -> None:
    table = random_orders(3000, seed=7)
    res = engine.promise(table)
    assert verify_choices(res, ref, orders=table, sample=None) == []


def test_engine_error_fc_van_across_a_time_zone_is_named(engine: PromiseEngine,
                                                         ref: Reference) -> None:
    """Hartford KY (42347, Central) at 20:55: the Louisville FC (Eastern) has closed its
    cut-off (20:00 Central), the Nashville FC (Central) has not (21:00): next day from
    Nashville via DS-42101, not two days from Louisville via DS-47714."""
    table = pd.DataFrame([{"order_id": "ky", "destination_zip": "42347", "weight_kg": 1.0,
                           "order_time": "2026-03-04T20:55", "tier": "next_day"}])
    res = engine.promise(table)
    rc = recheck(res, ref, orders=table)
    fcv = [d for d in rc.details if d.kind == "option" and d.mode == "fc_van"]
    if not fcv:  # the engine was fixed: the reference's answer is what it gives
        assert rc.problems == []
        assert engine.facility_ids[res.handoff[0, M["fc_van"]]] == "DS-42101"
        return
    want = fcv[0].reference
    assert want is not None and want.promised is not None
    assert engine.facility_ids[want.handoff] == "DS-42101"
    assert max(want.promised) <= 2 * 1440 < res.promised_min[0, M["fc_van"]]


def test_the_06512_tie_is_decided_by_cost_then_mode(engine: PromiseEngine,
                                                    ref: Reference) -> None:
    table = pd.DataFrame([TIE])
    for policy in ("fastest", "cheapest"):
        res = engine.promise(table, policy=policy)
        p = res.promised_min[0]
        assert p[M["hub_van"]] == p[M["fc_van"]]  # an exact tie in whole minutes
        assert verify_choices(res, ref, orders=table) == []
        cheaper = min((M["hub_van"], M["fc_van"]), key=lambda m: res.cost_cents[0, m])
        assert res.chosen[0] == cheaper
        res.chosen[0] = M["hub_van"] + M["fc_van"] - cheaper  # the other tied mode
        found = verify_choices(res, ref, orders=table)
        assert any(f.startswith("order o1: chose") for f in found)


# -- planted mutations -----------------------------------------------------------------------


def _named(rc: Recheck) -> set[str]:
    return set(rc.disagreeing)


def _changed(a: PromiseResult, b: PromiseResult, ids: pd.Series) -> set[str]:
    """Orders whose options differ between two results (any field)."""
    diff = np.zeros(len(ids), bool)
    for name in ("promised_min", "cost_cents", "reason", "source", "handoff"):
        x, y = getattr(a, name), getattr(b, name)
        same = (x == y) | (np.isnan(x) & np.isnan(y)) if x.dtype.kind == "f" else x == y
        diff |= ~same.all(axis=1)
    return set(ids[diff])


@pytest.fixture(scope="module")
def baseline(engine: PromiseEngine, ref: Reference, orders: pd.DataFrame
             ) -> tuple[PromiseResult, set[str]]:
    res = engine.promise(orders)
    return res, _named(recheck(res, ref, orders=orders))


@pytest.fixture(scope="module")
def national() -> tuple[pd.DataFrame, pd.DataFrame]:
    return default_facilities(), zip_areas()


def test_600_minutes_on_every_hub_van_promise_is_caught(
        monkeypatch: pytest.MonkeyPatch, national: tuple[pd.DataFrame, pd.DataFrame],
        ref: Reference, orders: pd.DataFrame,
        baseline: tuple[PromiseResult, set[str]]) -> None:
    real = md.hub_van_slots

    def late(*args: object, **kw: object) -> tuple[np.ndarray, np.ndarray]:
        prom, cut = real(*args, **kw)  # type: ignore[arg-type]
        return prom + 600.0, cut

    monkeypatch.setattr(md, "hub_van_slots", late)
    mutant = PromiseEngine(*national)
    res = mutant.promise(orders)
    rc = recheck(res, ref, orders=orders)
    hub = {d.order_id for d in rc.details if d.mode == "hub_van" and d.kind == "option"}
    feasible = set(orders["order_id"][res.reason[:, M["hub_van"]] == Reason.OK])
    assert feasible and hub == feasible
    assert not certify(res, 0.0, ref, orders=orders).verified


def test_a_changed_linehaul_departure_is_caught(national: tuple[pd.DataFrame, pd.DataFrame],
                                                orders: pd.DataFrame,
                                                baseline: tuple[PromiseResult, set[str]]
                                                ) -> None:
    fac, zips = national
    moved = OperatingModel(linehaul=LineHaul(departures_min=(20 * 60.0,)))
    mutant = PromiseEngine(fac, zips, moved)
    res = mutant.promise(orders)
    # The verifier is given the documented model, not the engine's.
    inputs = EngineInputs.from_engine(mutant, model=OperatingModel())
    rc = recheck(res, inputs, orders=orders)
    modes = {d.mode for d in rc.details if d.kind == "option"}
    assert {"fc_van", "postal_express_24h"} <= modes
    changed = _changed(res, baseline[0], orders["order_id"])
    assert len(changed) > 20
    assert changed <= _named(rc) <= changed | baseline[1]
    # Given the engine's own model, the same answers agree (but the known engine errors).
    same = recheck(res, mutant, orders=orders)
    assert len(same.disagreeing) <= 3


def test_hours_of_service_dropped_is_caught(monkeypatch: pytest.MonkeyPatch,
                                            national: tuple[pd.DataFrame, pd.DataFrame],
                                            ref: Reference, orders: pd.DataFrame,
                                            baseline: tuple[PromiseResult, set[str]]) -> None:
    monkeypatch.setattr(LineHaul, "transit_min",
                        lambda self, d: np.asarray(d, dtype=float))
    mutant = PromiseEngine(*national)
    res = mutant.promise(orders)
    rc = recheck(res, ref, orders=orders)
    changed = _changed(res, baseline[0], orders["order_id"])
    assert len(changed) >= 3  # lanes of more than 8 h driving are few (nearest FC)
    assert changed <= _named(rc) <= changed | baseline[1]


@pytest.mark.parametrize("field", ["promise", "cost", "reason", "source", "choice", "tier"])
def test_tampering_one_field_is_caught(engine: PromiseEngine, ref: Reference,
                                       orders: pd.DataFrame,
                                       baseline: tuple[PromiseResult, set[str]],
                                       field: str) -> None:
    """One field of a few random orders changed: exactly those orders are named."""
    base, known = baseline
    rng = np.random.default_rng(5)
    res = engine.promise(orders)
    ok = (res.reason == Reason.OK) & ~np.isin(orders["order_id"].to_numpy(), list(known)
                                              )[:, None]
    rows, cols = np.nonzero(ok)
    pick = rng.choice(len(rows), 8, replace=False)
    hit: set[str] = set()
    for i, m in zip(rows[pick], cols[pick], strict=True):
        if field == "promise":
            res.promised_min[i, m] += 1.0  # one minute late: just outside
        elif field == "cost":
            res.cost_cents[i, m] *= 2
        elif field == "reason":  # an infeasible option's reason flipped
            bad = np.flatnonzero(res.reason[i] != Reason.OK)
            if not len(bad):
                continue
            j = bad[0]
            res.reason[i, j] = (Reason.TOO_FAR if res.reason[i, j] != Reason.TOO_FAR
                                else Reason.NO_SITE)
        elif field == "source":
            res.source[i, m] = (res.source[i, m] + 1) % len(engine.facility_ids)
        elif field == "choice":
            others = [j for j in np.flatnonzero(res.meets_tier[i]) if j != res.chosen[i]]
            res.chosen[i] = others[0] if others else -1
            if not others and base.chosen[i] < 0:
                continue
        elif field == "tier":
            res.tier[i] = (res.tier[i] + 1) % len(TIERS)
        hit.add(str(orders["order_id"].iloc[i]))
    assert hit
    rc = recheck(res, ref, orders=orders)
    assert _named(rc) - known == hit


def test_one_cent_and_one_minute_off_are_caught_exact_values_pass(
        engine: PromiseEngine, ref: Reference) -> None:
    table = pd.DataFrame([TIE])
    res = engine.promise(table)
    assert verify_choices(res, ref, orders=table) == []
    for arr, delta in ((res.cost_cents, 1), (res.cost_cents, -1), (res.promised_min, 1.0),
                       (res.promised_min, -1.0)):
        arr[0, M["postal_express_24h"]] += delta
        assert verify_choices(res, ref, orders=table)
        arr[0, M["postal_express_24h"]] -= delta
    assert verify_choices(res, ref, orders=table) == []


def test_a_wrong_tie_break_in_the_engine_is_caught(monkeypatch: pytest.MonkeyPatch,
                                                   engine: PromiseEngine,
                                                   ref: Reference) -> None:
    real = PromiseEngine.choose

    def dearer(promised: np.ndarray, cost: np.ndarray, tier: np.ndarray,
               order_min: np.ndarray, policy: str) -> tuple[np.ndarray, np.ndarray]:
        return real(promised, -cost, tier, order_min, policy)  # ties go to the dearer

    monkeypatch.setattr(PromiseEngine, "choose", staticmethod(dearer))
    table = pd.DataFrame([TIE])
    res = engine.promise(table)
    assert res.chosen[0] == M["hub_van"]
    found = verify_choices(res, ref, orders=table)
    assert any("the reference chooses fc_van" in f for f in found)


# -- ties and tolerances ----------------------------------------------------------------------


def test_rounding_edge_accepts_both_minutes_only_within_the_tolerance() -> None:
    edge = 2240.0 + 1e-6  # the engine rounds ceil(p - 1e-6)
    assert _whole(edge) == {2240, 2241}
    assert _whole(edge - 2 * ROUND_TOL_MIN) == {2240}
    assert _whole(edge + 2 * ROUND_TOL_MIN) == {2241}
    assert _whole(2239.4037143996857) == _whole(2239.403714399686) == {2240}


def test_hours_of_service_arithmetic() -> None:
    assert truck_minutes(480.0, False) == 480.0  # no break at exactly 8 h
    assert truck_minutes(480.5, False) == 480.5 + 30
    assert truck_minutes(660.0, False) == 690.0  # one full duty period
    assert truck_minutes(660.5, False) == 660 + 30 + 600 + 0.5
    assert truck_minutes(1320.0, True) == 1320.0
    assert truck_minutes(1321.0, True) == 1321.0 + 600
    assert math.isinf(truck_minutes(math.inf, False))


@pytest.fixture(scope="module")
def vermont() -> pd.DataFrame:
    z = zip_areas()
    return z[z["state"] == "VT"].reset_index(drop=True)


def _site(sid: str, kind: str, lat: float, lon: float, stock: bool) -> dict[str, object]:
    return {"id": sid, "kind": kind, "lat": lat, "lon": lon, "operator": "own",
            "capacity_per_day": np.inf, "holds_inventory": stock}


def test_sites_tied_in_distance_are_each_an_acceptable_source(vermont: pd.DataFrame) -> None:
    town = vermont[vermont["zip"] == "05401"].iloc[0]
    far = vermont[vermont["zip"] == "05819"].iloc[0]
    fac = pd.DataFrame([
        _site("HUB-A", "hybrid_hub", town["lat"], town["lon"], True),
        _site("HUB-B", "hybrid_hub", town["lat"], town["lon"], True),  # same place
        _site("HUB-C", "hybrid_hub", far["lat"], far["lon"], True),
        _site("FC", "fulfillment_center", far["lat"], far["lon"], True),
    ])
    model = OperatingModel(nearest_sites=1)
    eng = PromiseEngine(fac, vermont, model)
    table = pd.DataFrame([{"order_id": "t", "destination_zip": "05401", "weight_kg": 1.0,
                           "order_time": "2026-03-04T09:00", "tier": "same_day"}])
    res = eng.promise(table)
    ref = Reference(EngineInputs.from_engine(eng))
    src = int(res.source[0, M["hub_van"]])
    assert eng.facility_ids[src] in ("HUB-A", "HUB-B")
    assert verify_choices(res, ref, orders=table) == []
    res.source[0, M["hub_van"]] = 1 - src  # the other tied hub: just as near, legitimate
    assert verify_choices(res, ref, orders=table) == []
    res.source[0, M["hub_van"]] = 2  # a farther hub: wrong
    assert verify_choices(res, ref, orders=table)


# -- certificate ------------------------------------------------------------------------------


def test_certificate_bound_is_the_reference_total_not_the_objective(
        engine: PromiseEngine, ref: Reference) -> None:
    table = random_orders(80, seed=3)
    res = engine.promise(table, policy="cheapest")
    cert = certify(res, 0.1, ref, orders=table)
    assert cert.checks["rederived"] and cert.checks["rederived_orders"] == 80
    if cert.verified:
        assert math.isclose(cert.bound, cert.objective)
    i = int(np.flatnonzero(res.chosen >= 0)[0])
    res.cost_cents[i, res.chosen[i]] += 500
    tampered = certify(res, 0.1, ref, orders=table)
    assert not tampered.verified
    assert tampered.bound == cert.bound  # from the reference, not copied
    assert math.isclose(tampered.objective, cert.objective + 5.0)


def test_large_batches_are_sampled_and_the_bound_is_absent(engine: PromiseEngine,
                                                           ref: Reference) -> None:
    table = random_orders(400, seed=4)
    res = engine.promise(table)
    a = certify(res, 0.1, ref, orders=table, sample=50, seed=9)
    b = recheck(res, ref, orders=table, sample=50, seed=9)
    assert a.checks["rederived_orders"] == a.checks["sample"] == 50
    assert a.checks["consistency_checked"] == 400
    assert math.isnan(a.bound) and "sample of 50" in a.status
    assert len(b.rederived_rows) == 50 and len(set(b.rederived_rows)) == 50
    assert (recheck(res, ref, orders=table, sample=50, seed=9).rederived_rows
            == b.rederived_rows).all()
    c = recheck(res, ref, orders=table, sample=50, seed=9, limit=100)
    assert c.consistency_checked == 100 and c.rederived_rows.max() >= 100  # whole batch


def test_without_inputs_only_consistency_and_no_bound(engine: PromiseEngine) -> None:
    table = pd.DataFrame([TIE])
    res = engine.promise(table)
    cert = certify(res, 0.1)
    assert cert.verified and not cert.checks["rederived"] and math.isnan(cert.bound)
    assert "consistency only" in cert.status
    res.chosen[0] = M["postal_express_24h"]  # a slower option: caught without inputs too
    assert any("chose postal_express_24h" in p for p in verify_choices(res))


def test_the_engine_itself_is_a_source_of_inputs(engine: PromiseEngine) -> None:
    table = pd.DataFrame([TIE])
    res = engine.promise(table)
    assert verify_choices(res, engine, orders=table) == []
    assert verify_choices(res, engine) == []  # orders read back from the result



# -- capacity, stock, cut-off boundaries ---------------------------------------------------------


def _two_hubs(vermont: pd.DataFrame, cap_b: float | None) -> pd.DataFrame:
    town = vermont[vermont["zip"] == "05401"].iloc[0]
    other = vermont[vermont["zip"] == "05403"].iloc[0]
    rows = [{**_site("HUB-A", "hybrid_hub", town["lat"], town["lon"], True),
             "capacity_per_day": 3.0},
            _site("FC", "fulfillment_center", town["lat"] + 0.5, town["lon"], True)]
    if cap_b is not None:
        rows.append({**_site("HUB-B", "hybrid_hub", other["lat"], other["lon"], True),
                     "capacity_per_day": cap_b})
    return pd.DataFrame(rows)


CAP_ORDERS = pd.DataFrame({
    "order_id": [f"c{i}" for i in range(8)], "destination_zip": "05401",
    "order_min": [420.0, 300.0, 360.0, 400.0, 410.0, 430.0, 440.0, 450.0],
    "weight_kg": 1.0, "tier": "same_day"})


def test_capacity_slips_are_accepted_and_counted(vermont: pd.DataFrame) -> None:
    eng = PromiseEngine(_two_hubs(vermont, None), vermont)
    res = eng.promise(CAP_ORDERS, capacity=True)
    rc = recheck(res, eng, orders=CAP_ORDERS, capacity=True)
    assert rc.problems == [] and rc.capacity_slips == 5
    assert recheck(res, eng, orders=CAP_ORDERS).problems  # read as unbound: disagrees
    cert = certify(res, 0.0, EngineInputs.from_engine(eng, capacity=True), orders=CAP_ORDERS)
    assert cert.verified and cert.checks["capacity"] and math.isnan(cert.bound)
    # One more parcel on the full day than HUB-A carries: caught.
    i = int(np.flatnonzero(res.promised_min[:, M["hub_van"]] > 1440)[0])
    res.promised_min[i, M["hub_van"]] -= 1440
    res.meets_tier[i, M["hub_van"]] = True
    res.chosen[i] = M["hub_van"]
    res.tier_reason[i] = Reason.OK
    found = verify_choices(res, eng, orders=CAP_ORDERS, capacity=True)
    assert any("carries 4 chosen parcels" in f for f in found)


def test_a_full_site_sends_orders_to_another_site_with_room(vermont: pd.DataFrame) -> None:
    """HUB-A (3 a day) is full; HUB-B has room for 2 the same day: the engine serves two
    orders from HUB-B the same day and slips the rest; the re-check accepts exactly that,
    and names a slip planted while HUB-B still had room."""
    eng = PromiseEngine(_two_hubs(vermont, 2.0), vermont)
    res = eng.promise(CAP_ORDERS, capacity=True)
    ch = res.choices()
    same_day_b = ch[(ch["source_id"] == "HUB-B") & (ch["promised_min"] < 1440)]
    assert len(same_day_b) == 2
    assert recheck(res, eng, orders=CAP_ORDERS, capacity=True).problems == []
    # plant: one of HUB-B's two orders slipped to HUB-A tomorrow although B had room
    i = int(same_day_b.index[0])
    m = M["hub_van"]
    hub_a = int(np.flatnonzero(eng.facility_ids == "HUB-A")[0])
    res.promised_min[i, m] = float(res.promised_min[1, m]) + 1440
    res.source[i, m] = hub_a
    rc = recheck(res, eng, orders=CAP_ORDERS, capacity=True)
    assert str(CAP_ORDERS["order_id"].iloc[i]) in {d.order_id for d in rc.details}


def test_stock_is_re_derived_from_the_stock_table(engine: PromiseEngine,
                                                  ref: Reference) -> None:
    table = pd.DataFrame({"order_id": ["s1", "s2", "s3"], "destination_zip": "95240",
                          "weight_kg": 1.0, "order_time": "2025-03-04T09:00",
                          "tier": "same_day", "item_id": ["sku-1", "sku-2", "sku-x"]})
    hub = engine.promise(table).options().query("mode == 'hub_van'")["source_id"].iloc[0]
    stock = pd.DataFrame({"facility_id": [hub, "DRONE-95237", "DRONE-95237"],
                          "item_id": ["sku-1", "sku-1", "sku-2"]})
    res = engine.promise(table, stock=stock)
    assert verify_choices(res, engine, orders=table, stock=stock) == []
    assert verify_choices(res, engine, orders=table, stock=stock.iloc[:2]) != []
    found = verify_choices(res, engine, orders=table)  # stock unknown: every site stocks
    assert {f.split(" ")[1].rstrip(":") for f in found} == {"s2", "s3"}


def test_orders_exactly_at_a_cut_off_ride_the_slot(monkeypatch: pytest.MonkeyPatch,
                                                   engine: PromiseEngine,
                                                   ref: Reference) -> None:
    """At the cut-off minute an order makes the slot (<=); a second later it does not.
    An engine comparing with < is caught on exactly the orders at the cut-off."""
    m = engine.model
    cut = m.van.waves_min[-1] - m.hub.pick_min  # 14:30, hub clock = order clock here
    zips = ["10001", "05401", "95240", "59101", "30303"]
    rows = []
    for z in zips:
        for sec, tag in ((0, "at"), (1, "after"), (-1, "before")):
            s = int(cut * 60) + sec
            rows.append({"order_id": f"{z}-{tag}", "destination_zip": z, "weight_kg": 1.0,
                         "order_time": f"2026-03-04T{s // 3600:02d}:{s // 60 % 60:02d}:"
                                       f"{s % 60:02d}", "tier": "same_day"})
    table = pd.DataFrame(rows)
    res = engine.promise(table)
    assert verify_choices(res, ref, orders=table) == []
    at = res.promised_min[table["order_id"].str.endswith("-at").to_numpy(), M["hub_van"]]
    after = res.promised_min[table["order_id"].str.endswith("-after").to_numpy(),
                             M["hub_van"]]
    assert np.isfinite(at).any() and (after[np.isfinite(at)] > 1440).all()
    real = md.at_order

    def strict(promise: np.ndarray, cutoff: np.ndarray, t: np.ndarray, *rest: object
               ) -> tuple[np.ndarray, np.ndarray]:
        return real(promise, cutoff - 1e-9, t, *rest)  # type: ignore[arg-type]  # "<"

    monkeypatch.setattr(md, "at_order", strict)
    found = recheck(engine.promise(table), ref, orders=table)
    named = {d.order_id for d in found.details if d.mode == "hub_van"}
    feasible = set(table["order_id"][table["order_id"].str.endswith("-at").to_numpy()]
                   [np.isfinite(at)])
    assert feasible and named == feasible


def test_banded_nearest_search_equals_a_full_scan(ref: Reference) -> None:
    """The latitude band only skips sites that cannot be among the k nearest."""
    from hinterland.promise.reference import haversine_km

    rng = np.random.default_rng(2)
    offices = ref.rows["office"]
    assert len(offices) > 2000  # the banded path
    for lat, lon in zip(rng.uniform(25, 49, 60), rng.uniform(-124, -67, 60), strict=True):
        d = sorted((haversine_km(lat, lon, ref.fac_lat[r], ref.fac_lon[r]), r)
                   for r in offices)
        assert ref.nearest("office", float(lat), float(lon), 3) == [[r for _, r in d[:3]]]


@pytest.fixture(scope="module")
def drone_world(national: tuple[pd.DataFrame, pd.DataFrame]
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """California ZIP areas and the national network's drone sites, FCs and a few offices;
    orders to the ZIP areas around the Lockeford drone site every 20 minutes of the day."""
    fac, zips = national
    ca = zips[zips["state"] == "CA"].reset_index(drop=True)
    sites = fac[fac["kind"].isin(["drone_site", "fulfillment_center"])
                | fac["id"].astype(str).str.startswith("DS-95")].reset_index(drop=True)
    near = ca[ca["zip"].isin(["95240", "95242", "95237", "95220", "95258"])]["zip"]
    times = [f"2026-03-04T{m // 60:02d}:{m % 60:02d}" for m in range(6 * 60, 21 * 60, 20)]
    table = pd.DataFrame([{"destination_zip": z, "weight_kg": 1.0, "order_time": t,
                           "tier": "60min"} for z in near for t in times])
    table.insert(0, "order_id", [f"d{i}" for i in range(len(table))])
    return sites, ca, table


@pytest.mark.parametrize("mutant", ["daylight ignored", "half speed", "no prep"])
def test_drone_rules_are_re_derived(monkeypatch: pytest.MonkeyPatch, mutant: str,
                                    drone_world: tuple[pd.DataFrame, pd.DataFrame,
                                                       pd.DataFrame]) -> None:
    from hinterland.operations.drones import DroneFleet

    sites, ca, table = drone_world
    clean = PromiseEngine(sites, ca)
    inputs = EngineInputs.from_engine(clean)
    res = clean.promise(table)
    assert (res.reason[:, M["drone"]] == Reason.OK).sum() > 20
    assert (res.reason[:, M["drone"]] == Reason.OUTSIDE_HOURS).any()  # after sunset
    assert verify_choices(res, inputs, orders=table) == []
    if mutant == "daylight ignored":
        monkeypatch.setattr(DroneFleet, "hours", lambda self, lat, lon, zones, date: (
            np.full(len(np.atleast_1d(lat)), self.open_min),
            np.full(len(np.atleast_1d(lat)), self.close_min)))
    elif mutant == "half speed":
        real = DroneFleet.flight_min
        monkeypatch.setattr(DroneFleet, "flight_min", lambda self, gc: real(self, gc) * 2.0)
    else:
        real_promise = md.drone_promise

        def no_prep(m: OperatingModel, t: np.ndarray, *rest: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
            return real_promise(m, np.asarray(t) - m.drone.prep_min, *rest)

        monkeypatch.setattr(md, "drone_promise", no_prep)
    mutated = PromiseEngine(sites, ca).promise(table)
    rc = recheck(mutated, inputs, orders=table)
    changed = _changed(mutated, res, table["order_id"])
    assert changed and set(rc.disagreeing) == changed
