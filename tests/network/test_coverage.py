"""Reach and promise coverage: brute-force recounts on a real rural state, promise rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.geo import TravelModel
from hinterland.network.coverage import (
    PromiseAssumptions,
    filter_states,
    promise_coverage,
    promise_summary,
    reach,
    site_promise_days,
)
from hinterland.network.verify import recount_within


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


def test_promise_rules_on_a_line() -> None:
    # ZIP areas along a parallel, sites at known spots; travel: 60 km/h, circuity 1, no access time
    classes = ("metro", "micropolitan", "small_town", "rural")
    travel = TravelModel(
        circuity=dict.fromkeys(classes, 1.0), speed_kmh=dict.fromkeys(classes, 60.0), access_min=0.0
    )
    a = PromiseAssumptions(
        travel=travel, shift_length_min=480, stop_allowance_min=240
    )  # reach 120 min
    km_per_deg = 111.195
    zips = pd.DataFrame(
        {
            "zip": ["00001", "00002", "00003", "00004"],
            "lat": 0.0,
            "lon": np.array([0.0, 300.0, 600.0, 1500.0]) / km_per_deg,
            "rurality": "rural",
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
    days = site_promise_days(fac, a).set_index("id")["days"]
    assert days["hub"] == 0 and days["fc"] == -1 and days["st"] == 1
    # far station: line-haul 300 min, departs 20:00, arrives 01:00 -> next day
    assert days["far"] == 1
    out = promise_coverage(zips, fac, a)
    assert out["promise_class"].tolist() == ["same_day", "next_day", "next_day", "beyond"]
    assert out["facility_id"].tolist()[:3] == ["hub", "st", "far"]
    assert out.loc[1, "drive_min"] == pytest.approx(0.0, abs=1e-6)
    # hub inventory off: the hub is a plain station fed from the FC 300 min away -> next day
    off = promise_coverage(
        zips,
        fac,
        PromiseAssumptions(
            travel=travel, hub_inventory=False, shift_length_min=480, stop_allowance_min=240
        ),
    )
    assert off.loc[0, "promise_class"] == "next_day"
    # cut-off too late for same day
    late = PromiseAssumptions(
        travel=travel, order_cutoff_min=700, shift_length_min=480, stop_allowance_min=240
    )
    assert promise_coverage(zips, fac, late).loc[0, "promise_class"] == "next_day"


def test_promise_two_day_by_linehaul_and_post_office() -> None:
    classes = ("metro", "micropolitan", "small_town", "rural")
    travel = TravelModel(
        circuity=dict.fromkeys(classes, 1.0), speed_kmh=dict.fromkeys(classes, 60.0), access_min=0.0
    )
    a = PromiseAssumptions(travel=travel)
    km = 111.195
    fac = pd.DataFrame(
        [
            _site("fc", "fulfillment_center", 0.0, 0.0, True),
            _site("st", "delivery_station", 0.0, 900.0 / km),  # 900 min line-haul: misses 06:00
            _site("po", "partner_post_office", 0.0, 100.0 / km),
        ]
    )
    days = site_promise_days(fac, a).set_index("id")["days"]
    assert days["st"] == 2 and days["po"] == 2
    zips = pd.DataFrame(
        {
            "zip": ["10000", "20000"],
            "lat": 0.0,
            "lon": [900.0 / km, 100.0 / km],
            "rurality": "rural",
        }
    )
    out = promise_coverage(zips, fac, a)
    assert out["promise_class"].tolist() == ["two_day", "two_day"]


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
    import time

    t0 = time.perf_counter()
    out = promise_coverage(zips, fac)
    assert time.perf_counter() - t0 < 20
    assert len(out) == len(zips) and set(out["promise_class"]) <= {
        "same_day",
        "next_day",
        "two_day",
        "beyond",
    }
    summ = promise_summary(zips, out)
    alls = summ[summ["rurality"] == "all"]
    assert alls["zip_areas"].sum() == len(zips)
    assert alls["population"].sum() == zips["population"].sum()
