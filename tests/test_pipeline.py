"""The end-to-end demo job: every stage runs and its figures agree with each other."""

from __future__ import annotations

from hinterland.pipeline import rural_day_demo


def test_rural_day_demo_chains_all_stages():
    out = rural_day_demo("MT", new_stations=3, route_seconds=2.0, seed=1)
    plan, routes = out["design"], out["routes"]
    assert out["region"]["zip_areas"] > 200
    assert 1 <= len(plan["new_stations"]) <= 3 and plan["certificate"]["verified"]
    before, after = plan["population_by_class_before"], plan["population_by_class_after"]
    assert sum(before.values()) == sum(after.values()) == out["region"]["population"]
    assert after.get("same_day", 0) >= before.get("same_day", 0)
    assert sum(out["promise"]["chosen_mode"].values()) == out["orders"] > 0
    assert routes["verified"] and routes["unserved"] == 0
    assert routes["stops_routed"] + routes["drone_queue"] == routes["stops"]
