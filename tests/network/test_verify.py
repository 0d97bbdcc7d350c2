"""Network-design re-checks: each accepts the truth, and rejects it moved just past a limit.

Hand-made instances with known answers; every tolerance is probed just inside (passes)
and just outside (fails), so a loosened tolerance, a flipped comparison or a dropped
check in :mod:`hinterland.network.verify` fails a test here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.geo import EARTH_RADIUS_KM, TravelModel, haversine_km
from hinterland.network.coverage import reach
from hinterland.network.verify import (
    check_capacitated_coverage,
    check_coverage,
    check_pmedian,
    check_reach,
    recount_within,
)

# -- p-median -----------------------------------------------------------------------------

COST = np.array([[1.0, 5.0, 9.0], [4.0, 2.0, 8.0], [7.0, 6.0, 3.0], [2.0, 9.0, 9.0]])


def test_pmedian_recount_and_edges() -> None:
    # open {0, 2}: rows pay 1, 4, 3, 2 = 10
    ok = check_pmedian(COST, 2, np.array([0, 2]), claimed=10.0)
    assert ok == {"ok": True, "recounted_objective": 10.0, "open_count": 2}
    assert check_pmedian(COST, 2, np.array([0, 2]), claimed=10.0 * (1 + 0.5e-9))["ok"]
    assert not check_pmedian(COST, 2, np.array([0, 2]), claimed=10.0 * (1 + 2e-9))["ok"]
    assert not check_pmedian(COST, 2, np.array([0, 2]), claimed=10.0 * (1 - 2e-9))["ok"]
    # small objectives: absolute 1e-9
    zero = np.zeros((2, 2))
    assert check_pmedian(zero, 1, np.array([1]), claimed=0.5e-9)["ok"]
    assert not check_pmedian(zero, 1, np.array([1]), claimed=2e-9)["ok"]


@pytest.mark.parametrize(
    ("p", "open_idx"),
    [(2, [0, 0]), (2, [0]), (1, [0, 2]), (2, [0, 3]), (2, [-1, 0]), (0, [])],
)
def test_pmedian_rejects_bad_open_sets(p: int, open_idx: list[int]) -> None:
    out = check_pmedian(COST, p, np.array(open_idx, dtype=np.int64), claimed=10.0)
    assert not out["ok"]


def test_pmedian_counts_distinct_sites() -> None:
    assert check_pmedian(COST, 2, np.array([0, 0]), claimed=14.0)["open_count"] == 1


# -- coverage -----------------------------------------------------------------------------

W = np.array([10.0, 20.0, 30.0, 40.0])
ROWS = np.array([0, 1, 1, 2, 3])
COLS = np.array([0, 0, 1, 1, 2])


def test_coverage_recount_and_tolerance() -> None:
    out = check_coverage(W, ROWS, COLS, np.array([0]), claimed=30.0)
    assert out == {"recounted_objective": 30.0, "covered_points": 2, "ok": True}
    assert check_coverage(W, ROWS, COLS, np.array([1]), claimed=50.0)["ok"]
    assert check_coverage(W, ROWS, COLS, np.array([0]), claimed=30.0 * (1 + 0.5e-7))["ok"]
    assert not check_coverage(W, ROWS, COLS, np.array([0]), claimed=30.0 * (1 + 2e-7))["ok"]
    assert not check_coverage(W, ROWS, COLS, np.array([0]), claimed=30.0 * (1 - 2e-7))["ok"]
    assert check_coverage(W * 0, ROWS, COLS, np.array([0]), claimed=0.5e-7)["ok"]
    assert not check_coverage(W * 0, ROWS, COLS, np.array([0]), claimed=2e-7)["ok"]


def test_coverage_existing_rows_count_as_covered() -> None:
    out = check_coverage(W, ROWS, COLS, np.array([0]), claimed=70.0, existing_rows=np.array([3]))
    assert out["ok"] and out["covered_points"] == 3
    assert not check_coverage(W, ROWS, COLS, np.array([0]), claimed=30.0,
                              existing_rows=np.array([3]))["ok"]


def test_coverage_count_edge() -> None:
    chosen = np.array([0, 2])
    assert check_coverage(W, ROWS, COLS, chosen, claimed=70.0, max_count=2)["count_ok"]
    out = check_coverage(W, ROWS, COLS, chosen, claimed=70.0, max_count=1)
    assert not out["ok"] and not out["count_ok"]
    # duplicates count once
    assert check_coverage(W, ROWS, COLS, np.array([0, 0]), claimed=30.0, max_count=1)["ok"]


def test_coverage_budget_edge() -> None:
    cost = np.array([3.0, 5.0, 7.0])
    chosen = np.array([0, 2])  # spends 10
    at = check_coverage(W, ROWS, COLS, chosen, claimed=70.0, site_cost=cost, budget=10.0)
    assert at["ok"] and at["spent"] == 10.0 and at["budget_ok"]
    near = check_coverage(W, ROWS, COLS, chosen, claimed=70.0, site_cost=cost,
                          budget=10.0 * (1 - 0.5e-9))
    assert near["budget_ok"]
    over = check_coverage(W, ROWS, COLS, chosen, claimed=70.0, site_cost=cost,
                          budget=10.0 * (1 - 1e-8))
    assert not over["ok"] and not over["budget_ok"]
    # a budget without costs (or costs without a budget) checks nothing
    assert "budget_ok" not in check_coverage(W, ROWS, COLS, chosen, claimed=70.0, budget=1.0)
    assert "budget_ok" not in check_coverage(W, ROWS, COLS, chosen, claimed=70.0,
                                             site_cost=cost)


# -- capacitated coverage -----------------------------------------------------------------

Q = np.array([100.0, 200.0, 300.0, 400.0])


def _cap(**kw):
    base = {
        "demand_weight": W, "parcels": Q, "cover_rows": ROWS, "cover_cols": COLS,
        "chosen": np.array([0, 2]),
        "assign_rows": np.array([0, 1, 3]), "assign_cols": np.array([0, 0, 2]),
        "assign_share": np.array([1.0, 0.5, 1.0]),
        "capacity": 400.0, "claimed": 10.0 + 10.0 + 40.0,
    }
    base.update(kw)
    return check_capacitated_coverage(**base)


def test_capacitated_truth_passes() -> None:
    out = _cap()
    assert out["ok"], out
    assert out["recounted_objective"] == 60.0
    assert out["max_load_over_capacity"] == pytest.approx(1.0)  # site 0: 100 + 100; site 2: 400
    assert out["sites_over_capacity"] == 0 and out["assignments"] == 3


def test_capacitated_capacity_edge() -> None:
    assert _cap(capacity=400.0 * (1 - 0.5e-7))["capacity_ok"]
    out = _cap(capacity=400.0 * (1 - 1e-6))
    assert not out["ok"] and out["sites_over_capacity"] == 1
    per_site = np.array([200.0, 1.0, 400.0])
    assert _cap(capacity=per_site)["ok"]
    assert not _cap(capacity=np.array([199.0, 1.0, 400.0]))["ok"]
    assert not _cap(capacity=np.array([200.0, 1.0]))["chosen_valid"]
    # zero capacity: any load is infinitely over
    assert _cap(capacity=np.array([0.0, 0.0, 400.0]))["max_load_over_capacity"] == np.inf


def test_capacitated_share_edges() -> None:
    assert _cap(assign_share=np.array([1.0 + 0.5e-7, 0.5, 1.0]),
                claimed=60.0 * 1.0)["share_range_ok"]
    assert not _cap(assign_share=np.array([1.0 + 1e-6, 0.5, 1.0]))["share_range_ok"]
    assert not _cap(assign_share=np.array([1.0, -1e-6, 1.0]))["share_range_ok"]
    # two assignments of one area summing past 1
    two = _cap(assign_rows=np.array([0, 1, 1, 3]), assign_cols=np.array([0, 0, 2, 2]),
               assign_share=np.array([1.0, 0.6, 0.5, 1.0]), cover_rows=np.array([0, 1, 1, 3]),
               cover_cols=np.array([0, 0, 2, 2]), capacity=1e6, claimed=70.0)
    assert not two["row_share_ok"] and two["max_row_share"] == pytest.approx(1.1)


def test_capacitated_objective_edge() -> None:
    assert _cap(claimed=60.0 * (1 + 0.5e-7))["objective_ok"]
    assert not _cap(claimed=60.0 * (1 + 2e-7))["objective_ok"]
    # an area served in part counts in part
    assert _cap(assign_share=np.array([1.0, 0.25, 1.0]), claimed=55.0)["ok"]


def test_capacitated_structure_checks() -> None:
    assert not _cap(assign_cols=np.array([0, 1, 2]))["open_ok"]  # site 1 not chosen
    assert not _cap(assign_rows=np.array([0, 2, 3]))["pairs_ok"]  # (2, 0) not a pair
    assert not _cap(chosen=np.array([0, 2, 2]))["chosen_distinct"]
    assert not _cap(assign_rows=np.array([0, 1, 9]))["row_share_ok"]
    out = _cap(existing_rows=np.array([2]), claimed=90.0)
    assert out["ok"] and out["recounted_objective"] == 90.0
    assert not _cap(max_count=1)["ok"] and _cap(max_count=2)["ok"]
    cost = np.array([3.0, 5.0, 7.0])
    assert _cap(site_cost=cost, budget=10.0)["budget_ok"]
    assert not _cap(site_cost=cost, budget=9.99)["ok"]


# -- brute-force radius recount ------------------------------------------------------------


def test_recount_within_is_inclusive_and_chunked() -> None:
    pts = pd.DataFrame({"lat": 0.0, "lon": [0.5, 1.0, 2.0]})
    sites = pd.DataFrame({"lat": [0.0, 0.0], "lon": [0.0, 10.0]})
    d = float(haversine_km(0.0, 0.0, 0.0, 1.0))  # the second point, exactly
    assert d == pytest.approx(2 * np.pi * EARTH_RADIUS_KM / 360, rel=1e-12)
    assert recount_within(pts, sites, d).tolist() == [True, True, False]
    assert recount_within(pts, sites, float(np.nextafter(d, 0))).tolist() == [True, False, False]
    assert recount_within(pts, sites, d * 8.01, chunk=1).tolist() == [True, True, True]
    assert recount_within(pts, sites.iloc[:0], 1e4).tolist() == [False, False, False]


# -- exact ties, degenerate inputs, malformed tables (mutation survivors) ------------------


def test_tolerances_are_inclusive_at_the_exact_tie() -> None:
    zero_w = np.zeros(4)
    assert check_coverage(zero_w, ROWS, COLS, np.array([0]), claimed=1e-7)["ok"]
    assert check_pmedian(np.zeros((2, 2)), 1, np.array([1]), claimed=1e-9)["ok"]
    free = np.array([1e-9, 0.0, 0.0])
    at = check_coverage(W, ROWS, COLS, np.array([0]), claimed=30.0, site_cost=free, budget=0.0)
    assert at["budget_ok"] and at["spent"] == 1e-9 and at["ok"]
    nothing = check_coverage(W, ROWS, COLS, np.array([1]), claimed=50.0,
                             site_cost=np.zeros(3), budget=0.0)
    assert nothing["budget_ok"] and nothing["ok"]
    cap = _cap(site_cost=np.zeros(3), budget=0.0)
    assert cap["budget_ok"] and cap["spent"] == 0.0 and cap["ok"]
    assert _cap(site_cost=np.array([1e-9, 0.0, 0.0]), budget=0.0)["budget_ok"]


def test_index_arrays_may_come_as_floats() -> None:
    # e.g. a pandas column that passed through a merge with missing values
    assert check_pmedian(COST, 2, np.array([0.0, 2.0]), claimed=10.0)["ok"]
    out = check_coverage(W, ROWS, COLS, np.array([0]), claimed=70.0,
                         existing_rows=np.array([3.0]))
    assert out["ok"]
    assert _cap(assign_rows=np.array([0.0, 1.0, 3.0]), assign_cols=np.array([0.0, 0.0, 2.0]),
                existing_rows=np.array([2.0]), claimed=90.0)["ok"]


def test_pair_tables_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        check_coverage(W, ROWS, COLS[:-1], np.array([0]), claimed=30.0)
    with pytest.raises(ValueError):
        _cap(cover_cols=COLS[:-1])
    with pytest.raises(ValueError):
        _cap(assign_cols=np.array([0, 0]))
    with pytest.raises(ValueError):
        _cap(assign_share=np.array([1.0, 0.5]))


def test_capacitated_load_figures_exactly() -> None:
    # site 0 carries 100 + 0.5 x 200 = 200 of 400, site 2 carries 400 of 800
    out = _cap(capacity=np.array([400.0, 1.0, 800.0]))
    assert out["max_load_over_capacity"] == 0.5 and out["ok"]
    # a site with no capacity and no load is not over it
    idle = _cap(chosen=np.array([0, 1, 2]), capacity=np.array([400.0, 0.0, 800.0]))
    assert idle["max_load_over_capacity"] == 0.5 and idle["capacity_ok"]
    # a load of exactly the absolute slack on a site of no capacity is not over it either
    tiny = _cap(parcels=np.array([100.0, 200.0, 300.0, 1e-7]),
                capacity=np.array([400.0, 0.0, 0.0]))
    assert tiny["max_load_over_capacity"] == 0.5 and tiny["sites_over_capacity"] == 0
    # any more is infinitely over
    more = _cap(parcels=np.array([100.0, 200.0, 300.0, 2e-7]),
                capacity=np.array([400.0, 0.0, 0.0]))
    assert more["max_load_over_capacity"] == np.inf and more["sites_over_capacity"] == 1
    # a small site exactly full is not over (the slack is relative and absolute)
    half = _cap(parcels=np.array([0.25, 0.5, 300.0, 0.5]),
                capacity=np.array([0.5, 1.0, 0.5]))
    assert half["sites_over_capacity"] == 0 and half["max_load_over_capacity"] == 1.0
    # a chosen site the capacity table does not know: no capacity at all
    unknown = _cap(capacity=np.array([400.0]))
    assert not unknown["chosen_valid"] and unknown["max_load_over_capacity"] == np.inf


def test_capacitated_share_ties_and_caps() -> None:
    tol = 1e-7
    assert _cap(assign_share=np.array([1.0, -tol, 1.0]), claimed=50.0 - 20 * tol)[
        "share_range_ok"]
    assert _cap(assign_share=np.array([1.0, 0.0, 1.0]), claimed=50.0)["ok"]
    edge = _cap(assign_share=np.array([1.0 + tol, 0.5, 1.0]), claimed=60.0)
    assert edge["share_range_ok"] and edge["row_share_ok"]
    # two shares of one area summing to exactly 1 + tol: still within the slack
    two = _cap(assign_rows=np.array([0, 1, 1, 3]), assign_cols=np.array([0, 0, 2, 2]),
               assign_share=np.array([1.0, 1.0, tol, 1.0]), cover_rows=np.array([0, 1, 1, 3]),
               cover_cols=np.array([0, 0, 2, 2]), capacity=1e6, claimed=70.0)
    assert two["row_share_ok"] and two["ok"], two
    # over-assigned area: flagged, and counted once in the recount, not 1.1 times
    over = _cap(assign_rows=np.array([0, 1, 1, 3]), assign_cols=np.array([0, 0, 2, 2]),
                assign_share=np.array([1.0, 0.6, 0.5, 1.0]), cover_rows=np.array([0, 1, 1, 3]),
                cover_cols=np.array([0, 0, 2, 2]), capacity=1e6, claimed=70.0)
    assert over["recounted_objective"] == 70.0 and over["objective_ok"]


def test_capacitated_rows_out_of_range() -> None:
    assert not _cap(assign_rows=np.array([0, 1, 4]))["row_share_ok"]  # one past the end
    single = _cap(assign_rows=np.array([-1]), assign_cols=np.array([0]),
                  assign_share=np.array([1.0]), cover_rows=np.array([-1]),
                  cover_cols=np.array([0]), claimed=0.0)
    assert not single["row_share_ok"]


def test_capacitated_small_objective_tolerance_is_absolute() -> None:
    zero = _cap(demand_weight=np.zeros(4), claimed=1e-7)
    assert zero["objective_ok"]
    assert not _cap(demand_weight=np.zeros(4), claimed=1.5e-7)["objective_ok"]


def test_capacitated_budget_needs_both_costs_and_budget() -> None:
    out = _cap(budget=1.0)
    assert "budget_ok" not in out and "spent" not in out and out["ok"]
    assert "budget_ok" not in _cap(site_cost=np.array([3.0, 5.0, 7.0]))
    spent = _cap(site_cost=np.array([3.0, 5.0, 7.0]), budget=10.0)
    assert spent["spent"] == 10.0 and spent["ok"]


def test_capacitated_no_areas() -> None:
    out = check_capacitated_coverage(
        np.zeros(0), np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64),
        np.array([0]), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0),
        capacity=1.0, claimed=0.0)
    assert out["ok"] and out["max_row_share"] == 0.0 and out["assignments"] == 0


def test_recount_within_one_site_and_object_columns() -> None:
    pts = pd.DataFrame({"lat": pd.Series([0.0, 0.0], dtype=object),
                        "lon": pd.Series([0.5, 3.0], dtype=object)})
    one = pd.DataFrame({"lat": pd.Series([0.0], dtype=object),
                        "lon": pd.Series([0.0], dtype=object)})
    assert recount_within(pts, one, 100.0).tolist() == [True, False]


# -- reach, re-derived by brute force -------------------------------------------------------


def _line_zips() -> pd.DataFrame:
    """Four ZIP areas east of a site on the equator, distinct land and people, two states."""
    km_per_deg = 111.195
    return pd.DataFrame(
        {
            "zip": ["00001", "00002", "00003", "00004"],
            "lat": 0.0,
            "lon": np.array([0.5, 20.0, 45.0, 90.0]) / km_per_deg,
            "population": [1, 20, 300, 4000],
            "land_km2": [10.0, 200.0, 3000.0, 40000.0],
            "state": ["AA", "AA", "BB", "BB"],
            "rurality": ["metro", "small_town", "rural", "rural"],
        }
    )


SITE = pd.DataFrame({"id": ["s"], "lat": [0.0], "lon": [0.0]})


def _check(res, zips, **kw):
    return check_reach(zips, SITE, res.zips, res.totals,
                       breakdowns={"rurality": res.by_rurality, "state": res.by_state}, **kw)


def test_check_reach_catches_every_tampered_figure() -> None:
    zips = _line_zips()
    edge = float(reach(zips, SITE, radius_km=1e4).zips["gc_km"].iloc[1])
    res = reach(zips, SITE, radius_km=edge * 1.5)
    assert _check(res, zips, radius_km=edge * 1.5)["ok"]
    # A result built with twice the radius it claims (a doubled reach): flags disagree.
    doubled = reach(zips, SITE, radius_km=edge * 3)
    out = _check(doubled, zips, radius_km=edge * 1.5)
    assert not out["ok"] and out["within_mismatches"] == 1
    assert not _check(res, zips, radius_km=1e3)["ok"]
    flipped = res.zips.copy()
    flipped.loc[3, "within"] = True
    out = check_reach(zips, SITE, flipped, res.totals, radius_km=edge * 1.5)
    assert out["within_mismatches"] == 1 and not out["ok"]
    moved = res.zips.copy()
    moved.loc[0, "gc_km"] += 1e-3
    assert check_reach(zips, SITE, moved, res.totals, radius_km=edge * 1.5)[
        "distance_mismatches"] == 1
    for key, value in (("land_km2_within", res.totals["land_km2"]),
                       ("population_within", res.totals["population_within"] + 1),
                       ("zip_areas_within", 3), ("population_share", 0.5), ("sites", 2)):
        bad = {**res.totals, key: value}
        out = check_reach(zips, SITE, res.zips, bad, radius_km=edge * 1.5)
        assert out["totals_mismatches"] == [key] and not out["ok"], key
    by_state = res.by_state.copy()
    by_state.loc[0, "land_km2_within"] = by_state.loc[0, "land_km2"] + 1
    out = check_reach(zips, SITE, res.zips, res.totals, radius_km=edge * 1.5,
                      breakdowns={"state": by_state})
    assert out["breakdown_mismatches"] == ["state=AA: land_km2_within"]
    out = check_reach(zips, SITE, res.zips, res.totals, radius_km=edge * 1.5,
                      breakdowns={"state": by_state.iloc[:1]})
    assert out["breakdown_mismatches"] == ["state: groups differ"]


def test_check_reach_drive_time_rederives_minutes() -> None:
    zips = _line_zips()
    tm = TravelModel()
    res = reach(zips, SITE, drive_min=30.0, travel=tm)
    kw = {"circuity": tm.circuity, "speed_kmh": tm.speed_kmh, "access_min": tm.access_min}
    assert _check(res, zips, drive_min=30.0, **kw)["ok"]
    slow = {**kw, "speed_kmh": {k: v / 2 for k, v in tm.speed_kmh.items()}}
    assert _check(res, zips, drive_min=30.0, **slow)["distance_mismatches"] == 4
    late = res.zips.copy()
    late.loc[0, "drive_min"] += 0.01
    assert check_reach(zips, SITE, late, res.totals, drive_min=30.0, **kw)[
        "distance_mismatches"] == 1
    with pytest.raises(ValueError, match="exactly one"):
        check_reach(zips, SITE, res.zips, res.totals, radius_km=1.0, drive_min=1.0)
    with pytest.raises(ValueError, match="circuity"):
        check_reach(zips, SITE, res.zips, res.totals, drive_min=1.0)


def test_check_reach_samples_many_areas_with_a_seed() -> None:
    rng = np.random.default_rng(0)
    n = 400
    zips = pd.DataFrame({"zip": [f"{i:05d}" for i in range(n)], "lat": rng.uniform(40, 41, n),
                         "lon": rng.uniform(-100, -99, n), "population": rng.integers(0, 99, n),
                         "land_km2": rng.uniform(1, 50, n),
                         "state": np.repeat(["AA", "BB"], n // 2),
                         "rurality": "rural"})
    sites = pd.DataFrame({"id": ["a", "b", "c"], "lat": [40.2, 40.5, 40.8],
                          "lon": [-99.8, -99.5, -99.2]})
    res = reach(zips, sites, radius_km=20.0)
    assert res.verified and not res.checks["sampled"] and res.checks["rows_checked"] == n
    assert res.checks["pairs_checked"] == 3 * n and res.checks["seed"] is None
    kw = {"radius_km": 20.0, "max_pairs": 300, "min_sample": 30}
    a = check_reach(zips, sites, res.zips, res.totals, seed=1, **kw)
    assert a["sampled"] and a["seed"] == 1 and a["rows_checked"] == 100 and a["ok"]
    assert a["pairs_checked"] == 300
    assert a == check_reach(zips, sites, res.zips, res.totals, seed=1, **kw)
    few = check_reach(zips, sites, res.zips, res.totals, seed=1, radius_km=20.0, max_pairs=30,
                      min_sample=30)
    assert few["rows_checked"] == 30  # at least min_sample
    flipped = res.zips.assign(within=~res.zips["within"])
    c = check_reach(zips, sites, flipped, res.totals, seed=2, **kw)
    assert c["within_mismatches"] == 100 and not c["ok"]
    one = check_reach(zips.assign(state="AA"), sites, res.zips, res.totals, **kw)
    assert not one["sampled"] and one["rows_checked"] == n  # one state: every pair
    nostate = check_reach(zips.drop(columns="state"), sites, res.zips, res.totals, **kw)
    assert nostate["sampled"]


def test_check_reach_defaults_and_a_single_area() -> None:
    # drive time with no access time given and no rurality: the default class
    zips = _line_zips().assign(rurality=None).iloc[[1]].reset_index(drop=True)
    tm = TravelModel(access_min=0.0)
    res = reach(zips, SITE, drive_min=30.0, travel=tm)
    out = check_reach(zips, SITE, res.zips, res.totals, drive_min=30.0,
                      circuity=tm.circuity, speed_kmh=tm.speed_kmh)
    assert out["ok"] and out["rows_checked"] == 1, out
    # the default class is small_town: 20 km x 1.30 / 65 km/h x 60 = 24 min
    assert res.zips["drive_min"].iloc[0] == pytest.approx(20.0 * 1.30 / 65.0 * 60.0, rel=1e-3)
    other = {**tm.circuity, "small_town": 2.0}
    assert not check_reach(zips, SITE, res.zips, res.totals, drive_min=30.0, circuity=other,
                           speed_kmh=tm.speed_kmh)["ok"]
    late = TravelModel(access_min=1.0)
    res_late = reach(zips, SITE, drive_min=30.0, travel=late)
    assert not check_reach(zips, SITE, res_late.zips, res_late.totals, drive_min=30.0,
                           circuity=late.circuity, speed_kmh=late.speed_kmh)["ok"]


def test_recount_within_chunks_cover_every_site() -> None:
    pts = pd.DataFrame({"lat": [0.0], "lon": [5.0]})
    sites = pd.DataFrame({"lat": 0.0, "lon": [20.0, 21.0, 22.0, 23.0, 24.0, 5.01]})
    assert recount_within(pts, sites, 5.0, chunk=2).tolist() == [True]
    assert recount_within(pts, sites.iloc[:5], 5.0, chunk=2).tolist() == [False]


def test_check_reach_ties_are_not_mismatches() -> None:
    zips = _line_zips()
    gc = reach(zips, SITE, radius_km=1e4).zips["gc_km"].to_numpy()
    at = reach(zips, SITE, radius_km=float(gc[1]))  # the second area exactly at the radius
    # Re-checked with a radius a hair (0.5e-7 relative) shorter: a tie, the result stands.
    assert check_reach(zips, SITE, at.zips, at.totals, radius_km=gc[1] * (1 - 0.5e-7))["ok"]
    out = check_reach(zips, SITE, at.zips, at.totals, radius_km=gc[1] * (1 - 2e-7))
    assert out["within_mismatches"] == 1 and out["ties"] == 0
    assert out["totals_mismatches"] == ["population_within", "zip_areas_within",
                                        "land_km2_within", "population_share"]
    # Below 1 (km or min) the slack is absolute, 1e-7.
    first = reach(zips, SITE, radius_km=float(gc[0]))
    assert gc[0] < 1.0
    assert check_reach(zips, SITE, first.zips, first.totals, radius_km=gc[0] - 0.5e-7)["ok"]
    assert not check_reach(zips, SITE, first.zips, first.totals, radius_km=gc[0] - 1.5e-7)["ok"]


def test_check_reach_distance_and_totals_slack() -> None:
    zips = _line_zips()
    res = reach(zips, SITE, radius_km=30.0)
    ok = res.zips.assign(gc_km=res.zips["gc_km"] + 5e-7)  # within 1e-6 km
    assert check_reach(zips, SITE, ok, res.totals, radius_km=30.0)["distance_mismatches"] == 0
    far = res.zips.copy()
    far.loc[3, "gc_km"] += 1e-4  # 90 km away: 1e-4 km is > 1e-9 relative + 1e-6
    assert check_reach(zips, SITE, far, res.totals, radius_km=30.0)["distance_mismatches"] == 1
    tm = TravelModel()
    dres = reach(zips, SITE, drive_min=30.0, travel=tm)
    kw = {"drive_min": 30.0, "circuity": tm.circuity, "speed_kmh": tm.speed_kmh,
          "access_min": tm.access_min}
    slow = dres.zips.copy()
    slow.loc[3, "drive_min"] += 1e-4
    assert check_reach(zips, SITE, slow, dres.totals, **kw)["distance_mismatches"] == 1
    fine = dres.zips.assign(drive_min=dres.zips["drive_min"] + 5e-7)
    assert check_reach(zips, SITE, fine, dres.totals, **kw)["distance_mismatches"] == 0
    land = {**res.totals, "land_km2_within": res.totals["land_km2_within"] * (1 + 1e-6)}
    assert check_reach(zips, SITE, res.zips, land, radius_km=30.0)["totals_mismatches"] == [
        "land_km2_within"]
    none = reach(zips, SITE, radius_km=0.0)
    nudged = {**none.totals, "land_km2_within": 5e-7}
    assert check_reach(zips, SITE, none.zips, nudged, radius_km=0.0)["ok"]


def test_check_reach_no_people_and_no_rurality_column() -> None:
    zips = _line_zips().assign(population=0)
    res = reach(zips, SITE, radius_km=30.0)
    assert res.totals["population_share"] == 0.0
    assert check_reach(zips, SITE, res.zips, res.totals, radius_km=30.0)["ok"]
    tm = TravelModel()
    plain = _line_zips().assign(rurality=None)
    dres = reach(plain, SITE, drive_min=30.0, travel=tm)
    out = check_reach(plain.drop(columns="rurality"), SITE, dres.zips, dres.totals,
                      drive_min=30.0, circuity=tm.circuity, speed_kmh=tm.speed_kmh,
                      access_min=tm.access_min)
    assert out["ok"], out


def test_check_reach_sample_size_rules() -> None:
    rng = np.random.default_rng(3)
    n = 101
    zips = pd.DataFrame({"zip": [f"{i:05d}" for i in range(n)], "lat": rng.uniform(40, 41, n),
                         "lon": rng.uniform(-100, -99, n), "population": 1, "land_km2": 1.0,
                         "state": np.repeat(["AA", "BB"], [50, 51]), "rurality": "rural"})
    one = pd.DataFrame({"id": ["a"], "lat": [40.5], "lon": [-99.5]})
    res = reach(zips, one, radius_km=30.0)
    exact = check_reach(zips, one, res.zips, res.totals, radius_km=30.0, max_pairs=n)
    assert not exact["sampled"]  # exactly max_pairs pairs: every pair
    s = check_reach(zips, one, res.zips, res.totals, radius_km=30.0, max_pairs=100,
                    min_sample=30)
    assert s["sampled"] and s["rows_checked"] == 100  # distinct areas, not draws
    assert check_reach(zips, one, res.zips, res.totals, radius_km=30.0, max_pairs=10)[
        "rows_checked"] == 101  # min_sample 500 by default, at most every area
    assert check_reach(zips, one, res.zips, res.totals, radius_km=30.0, max_pairs=100,
                       min_sample=30) == check_reach(zips, one, res.zips, res.totals,
                                                     radius_km=30.0, max_pairs=100,
                                                     min_sample=30, seed=0)  # seed 0 default


def test_check_reach_argument_errors_name_the_rule() -> None:
    zips = _line_zips()
    res = reach(zips, SITE, radius_km=30.0)
    with pytest.raises(ValueError, match=r"^give exactly one of radius_km or drive_min$"):
        check_reach(zips, SITE, res.zips, res.totals)
    with pytest.raises(ValueError, match=r"^a drive-time check needs circuity and speed_kmh$"):
        check_reach(zips, SITE, res.zips, res.totals, drive_min=1.0, circuity={"rural": 1.0})
