"""Reach and promise coverage: brute-force recounts on a real rural state, promise rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.geo import TravelModel
from hinterland.network.coverage import (
    day_shares,
    filter_states,
    promise_coverage,
    promise_summary,
    reach,
)
from hinterland.network.verify import check_reach, recount_within
from hinterland.operations import LineHaul, OperatingModel


@pytest.fixture(scope="module")
def wyoming(zips: pd.DataFrame) -> pd.DataFrame:
    return filter_states(zips, ["WY"])


@pytest.fixture(scope="module")
def post_offices(data_folder) -> pd.DataFrame:
    from hinterland.data import data_path
    from hinterland.network.facilities import load_facilities

    return load_facilities(
        data_path("facilities/post_offices_osm_2017_partial.csv"), kind="partner_post_office"
    )


def test_reach_radius_matches_brute_force(
    wyoming: pd.DataFrame, post_offices: pd.DataFrame
) -> None:
    res = reach(wyoming, post_offices, radius_mi=10)
    brute = recount_within(wyoming, post_offices, 10 * 1.609344)
    assert np.array_equal(res.zips["within"].to_numpy(), brute)
    pop = wyoming["population"].to_numpy()
    assert res.totals["population_within"] == int(pop[brute].sum())
    assert res.totals["zip_areas_within"] == int(brute.sum())
    assert res.totals["population_share"] == pytest.approx(pop[brute].sum() / pop.sum())
    assert 0 < res.totals["population_share"] < 1
    assert res.by_rurality["population_within"].sum() == res.totals["population_within"]
    assert res.by_state["state"].tolist() == ["WY"]


def test_reach_drive_minutes_matches_travel_model(
    wyoming: pd.DataFrame, post_offices: pd.DataFrame
) -> None:
    res = reach(wyoming, post_offices, drive_min=20)
    pairs = TravelModel().within(wyoming, post_offices, radius_min=20)
    expect = np.zeros(len(wyoming), dtype=bool)
    expect[pairs["point"].to_numpy()] = True
    assert np.array_equal(res.zips["within"].to_numpy(), expect)


def test_reach_errors(
    wyoming: pd.DataFrame, post_offices: pd.DataFrame, zips: pd.DataFrame
) -> None:
    with pytest.raises(HinterlandError, match="exactly one"):
        reach(wyoming, post_offices, radius_mi=5, drive_min=10)
    with pytest.raises(HinterlandError, match="no sites"):
        reach(wyoming, post_offices.iloc[:0], radius_km=5)
    with pytest.raises(HinterlandError, match="unknown state"):
        filter_states(zips, ["WY", "QQ"])


def _site(id_: str, kind: str, lat: float, lon: float, stock: bool = False) -> dict[str, object]:
    return {"id": id_, "kind": kind, "lat": lat, "lon": lon, "holds_inventory": stock}


def _line_travel() -> TravelModel:
    classes = ("metro", "micropolitan", "small_town", "rural")
    return TravelModel(
        circuity=dict.fromkeys(classes, 1.0), speed_kmh=dict.fromkeys(classes, 60.0), access_min=0.0
    )


def test_promise_rules_on_a_line() -> None:
    # ZIP areas along the equator, sites at known spots; 60 km/h, circuity 1, no access time.
    m = OperatingModel(travel=_line_travel())
    km_per_deg = 111.195
    zips = pd.DataFrame(
        {
            "zip": ["00001", "00002", "00003", "00004"],
            "lat": 0.0,
            "lon": np.array([0.0, 300.0, 600.0, 1500.0]) / km_per_deg,
            "rurality": "rural",
            "time_zone": "UTC",
        }
    )
    fac = pd.DataFrame(
        [
            _site("hub", "hybrid_hub", 0.0, 0.0, True),
            _site("fc", "fulfillment_center", 0.0, 300.0 / km_per_deg, True),
            _site("st", "delivery_station", 0.0, 300.0 / km_per_deg),
            _site("far", "delivery_station", 0.0, 600.0 / km_per_deg),
        ]
    )
    # 07:00, before the first wave's cut-off (08:30 - 30 min pick): same day from the hub;
    # line-haul at 22:00 (300 min to "far") is sorted by the next morning's wave.
    out = promise_coverage(zips, fac, m, order_min=7 * 60)
    assert out["best_tier"].tolist() == ["same_day", "next_day", "next_day", "beyond"]
    assert out["mode"].tolist() == ["hub_van", "fc_van", "fc_van", ""]
    assert out["facility_id"].tolist() == ["hub", "st", "far", ""]  # the last-mile site
    assert out["source_id"].tolist() == ["hub", "fc", "fc", ""]  # where parcels leave from
    # At noon only the 15:00 wave is left, and a rural route of 60 stops does not fit
    # between 15:00 and the 21:00 delivery end: tomorrow's first wave, next day.
    noon = promise_coverage(zips, fac, m)
    assert noon.loc[0, "best_tier"] == "next_day"
    ok, _, stops = m.van.route(0.0, m.van.waves_min[1], "rural")
    assert not bool(ok) and stops == 0
    # hub inventory off: the hub is a plain station fed from the FC 300 min away
    off = promise_coverage(zips, fac.assign(holds_inventory=[False, True, False, False]), m,
                           order_min=7 * 60)
    assert off.loc[0, "best_tier"] == "next_day"
    # an order after the first wave's cut-off misses same day
    assert promise_coverage(zips, fac, m, order_min=8 * 60 + 1).loc[0, "best_tier"] == "next_day"
    assert promise_coverage(zips, fac, m, order_min=8 * 60).loc[0, "best_tier"] == "same_day"


def test_promise_two_day_by_linehaul_hours_of_service_and_post_office() -> None:
    m = OperatingModel(travel=_line_travel())
    km = 111.195
    fac = pd.DataFrame(
        [
            _site("fc", "fulfillment_center", 0.0, 0.0, True),
            _site("st", "delivery_station", 0.0, 900.0 / km),  # 900 min line-haul
            _site("po", "partner_post_office", 0.0, 100.0 / km),
        ]
    )
    zips = pd.DataFrame(
        {
            "zip": ["10000", "20000"],
            "lat": 0.0,
            "lon": [900.0 / km, 160.0 / km],  # the second 60 km from the office: 1 day
            "rurality": "rural",
            "time_zone": "UTC",
        }
    )
    # Single driver: 660 min driving, 30-min break, 10-h rest, 240 min more: arrives
    # 22:00 + 1530 min, too late for the next morning -> two days.
    assert float(m.linehaul.transit_min(900.0)) == 900 + 30 + 600
    out = promise_coverage(zips, fac, m)
    assert out["best_tier"].tolist() == ["two_day", "two_day"]
    assert out["mode"].tolist() == ["fc_van", "postal_express_24h"]
    # A team drives through: arrives 13:00 + sort, still after the rural second wave fits,
    # but the post office (1 day transit beyond 40 km) is unchanged.
    team = m.replace(linehaul=LineHaul(team=True))
    assert float(team.linehaul.transit_min(900.0)) == 900.0
    out = promise_coverage(zips, fac, team)
    assert out["best_tier"].tolist() == ["two_day", "two_day"]


def test_coverage_is_the_promise_engine_per_zip_area(zips: pd.DataFrame) -> None:
    """One order per ZIP area through the engine gives coverage's best tier, any time."""
    from hinterland.network.default_network import default_facilities
    from hinterland.promise.engine import PromiseEngine

    mt = zips[zips["state"].isin(["MT", "WY"])].reset_index(drop=True)
    fac = default_facilities()
    eng = PromiseEngine(fac, mt)
    for minute in (7 * 60, 12 * 60, 20 * 60 + 45, 23 * 60):
        cov = promise_coverage(mt, fac, order_min=minute, engine=eng)
        orders = pd.DataFrame({"destination_zip": mt["zip"], "weight_kg": 1.0,
                               "order_min": float(minute), "tier": "two_day"})
        best = eng.promise(orders).choices()["best_tier"].to_numpy()
        assert (cov["best_tier"].to_numpy() == best).all()
    shares = day_shares(mt, fac, engine=eng)
    cols = [f"share_{t}" for t in ("60min", "same_day", "next_day", "two_day")]
    assert (np.diff(shares[cols].to_numpy(), axis=1) >= -1e-12).all()  # cumulative by tier
    assert ((shares[cols] >= 0) & (shares[cols] <= 1 + 1e-12)).all().all()


def test_promise_national_scale_and_summary(zips: pd.DataFrame) -> None:
    rng = np.random.default_rng(0)
    pick = zips.sample(30000, replace=True, random_state=1).reset_index(drop=True)
    fac = pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(len(pick))],
            "lat": pick["lat"] + rng.normal(0, 0.1, len(pick)),
            "lon": pick["lon"],
            "kind": "delivery_station",
            "holds_inventory": False,
        }
    )
    fac.loc[:99, "kind"] = "fulfillment_center"
    fac.loc[:99, "holds_inventory"] = True
    import time

    t0 = time.perf_counter()
    out = promise_coverage(zips, fac)
    assert time.perf_counter() - t0 < 20
    assert len(out) == len(zips) and set(out["best_tier"]) <= {
        "60min",
        "same_day",
        "next_day",
        "two_day",
        "beyond",
    }
    assert (out["best_tier"] == "next_day").mean() > 0.5  # dense stations, 100 FCs
    summ = promise_summary(zips, out)
    alls = summ[summ["rurality"] == "all"]
    assert alls["zip_areas"].sum() == len(zips)
    assert alls["population"].sum() == zips["population"].sum()


# --------------------------------------------------------------------------- reach rules


def _line_zips() -> pd.DataFrame:
    """Four ZIP areas east of a site on the equator, distinct land and people, two states."""
    km_per_deg = 111.195
    return pd.DataFrame(
        {
            "zip": ["00001", "00002", "00003", "00004"],
            "lat": 0.0,
            "lon": np.array([1.0, 20.0, 45.0, 90.0]) / km_per_deg,
            "population": [1, 20, 300, 4000],
            "land_km2": [10.0, 200.0, 3000.0, 40000.0],
            "state": ["AA", "AA", "BB", "BB"],
            "rurality": ["metro", "small_town", "rural", "rural"],
        }
    )


SITE = pd.DataFrame({"id": ["s"], "lat": [0.0], "lon": [0.0]})


@pytest.mark.parametrize("kind", ["radius_km", "drive_min"])
def test_reach_boundary_is_inclusive(kind: str) -> None:
    zips = _line_zips()
    col = "gc_km" if kind == "radius_km" else "drive_min"
    edge = float(reach(zips, SITE, radius_km=1e4).zips[col].iloc[1])  # the second area
    at = reach(zips, SITE, **{kind: edge})  # just inside: exactly at the radius
    assert at.zips["within"].tolist() == [True, True, False, False]
    assert at.verified, at.checks
    below = reach(zips, SITE, **{kind: float(np.nextafter(edge, 0.0))})  # just outside
    assert below.zips["within"].tolist() == [True, False, False, False]
    assert below.verified, below.checks


def test_reach_counts_land_and_people_within_reach_only() -> None:
    zips = _line_zips()
    edge = float(reach(zips, SITE, radius_km=1e4).zips["gc_km"].iloc[1])
    res = reach(zips, SITE, radius_km=edge)
    t = res.totals
    assert (t["population"], t["population_within"]) == (4321, 21)
    assert (t["land_km2"], t["land_km2_within"]) == (43210.0, 210.0)
    assert (t["zip_areas"], t["zip_areas_within"], t["sites"]) == (4, 2, 1)
    assert t["population_share"] == pytest.approx(21 / 4321)
    assert t["verified"] is True and res.checks["rows_checked"] == 4
    by_state = res.by_state.set_index("state")
    assert by_state.loc["AA", "land_km2_within"] == 210.0
    assert by_state.loc["BB", "land_km2_within"] == 0.0
    assert by_state.loc["BB", "land_km2"] == 43000.0
    by_rur = res.by_rurality.set_index("rurality")
    assert by_rur.loc["rural", "population_within"] == 0
    assert by_rur.loc["small_town", "population_within"] == 20


def test_reach_miles_are_statute_miles() -> None:
    zips = _line_zips()
    edge_km = float(reach(zips, SITE, radius_km=1e4).zips["gc_km"].iloc[2])
    mi = edge_km / 1.609344
    res = reach(zips, SITE, radius_mi=mi * (1 + 1e-9))
    assert res.zips["within"].tolist() == [True, True, True, False]
    assert res.totals["radius_km"] == pytest.approx(edge_km, rel=1e-8)
    assert reach(zips, SITE, radius_mi=mi * (1 - 1e-6)).zips["within"].tolist()[2] is False


def test_reach_drive_time_uses_the_areas_rurality() -> None:
    zips = _line_zips()
    tm = TravelModel()
    res = reach(zips, SITE, drive_min=1e4, travel=tm)
    gc = res.zips["gc_km"].to_numpy()
    for i, r in enumerate(zips["rurality"]):
        want = tm.access_min + gc[i] * tm.circuity[r] / tm.speed_kmh[r] * 60
        assert res.zips["drive_min"].iloc[i] == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("bad", [-1e-9, float("nan"), float("inf")])
def test_reach_refuses_meaningless_radius(bad: float) -> None:
    for kw in ("radius_km", "radius_mi", "drive_min"):
        with pytest.raises(HinterlandError, match="radius"):
            reach(_line_zips(), SITE, **{kw: bad})
    assert reach(_line_zips(), SITE, radius_km=0.0).totals["zip_areas_within"] == 0


def test_check_reach_samples_the_nation_with_a_seed(wyoming, post_offices, zips) -> None:
    two = filter_states(zips, ["WY", "MT"])
    res = reach(two, post_offices, radius_mi=10)
    assert res.verified and not res.checks["sampled"]  # small enough: every pair
    assert res.checks["pairs_checked"] == len(two) * len(post_offices)
    kw = {"radius_km": 10 * 1.609344, "max_pairs": 1000, "min_sample": 50}
    a = check_reach(two, post_offices, res.zips, res.totals, seed=1, **kw)
    b = check_reach(two, post_offices, res.zips, res.totals, seed=1, **kw)
    assert a["sampled"] and a["seed"] == 1 and a["rows_checked"] == 50 and a["ok"]
    assert a == b
    # One state is always checked pair by pair, whatever its size.
    one = check_reach(wyoming, post_offices, reach(wyoming, post_offices, radius_mi=10).zips,
                      reach(wyoming, post_offices, radius_mi=10).totals, **kw)
    assert not one["sampled"] and one["rows_checked"] == len(wyoming)
    # A sampled check still catches a flipped flag when it samples that row.
    flipped = res.zips.copy()
    flipped["within"] = ~flipped["within"]
    c = check_reach(two, post_offices, flipped, res.totals, seed=1, **kw)
    assert c["within_mismatches"] == 50 and not c["ok"]
