"""Sector decomposition: partition, fleet split, in-process and on a Dask LocalCluster."""

from __future__ import annotations

import numpy as np
import pytest

from hinterland.routing.decompose import plan_routes_decomposed, sectors, split_fleet
from hinterland.routing.problem import build_problem

from .conftest import STATION, make_fleet, make_stops


@pytest.fixture(scope="module")
def medium():
    stops = make_stops(120, seed=4)
    stops["parcels"] = 1
    fleet = make_fleet(count=8, parcel_capacity=30)
    return build_problem(stops, fleet, STATION)


def test_sectors_partition_stops(medium):
    parts = sectors(medium, 4)
    allpos = np.sort(np.concatenate(parts))
    assert (allpos == np.arange(medium.n_stops)).all()
    assert max(map(len, parts)) - min(map(len, parts)) <= 1


def test_split_fleet_keeps_totals(medium):
    parts = sectors(medium, 3)
    fleets = split_fleet(medium, parts)
    total = sum(f["count"].to_numpy() for f in fleets)
    assert (total == medium.fleet["count"].to_numpy()).all()


def test_in_process(medium):
    plan = plan_routes_decomposed(
        medium, time_limit_s=2.0, seed=1, n_sectors=3, local_cluster=False
    )
    c = plan.certificate
    assert c.verified and c.checks["sectors"] == 3
    assert c.checks["served"] == medium.n_stops
    assert plan.unserved.empty


def test_on_local_cluster(medium):
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        plan = plan_routes_decomposed(medium, time_limit_s=2.0, seed=1, client=client)
        # the --scheduler ADDRESS path: connect to a running scheduler by address
        by_address = plan_routes_decomposed(
            medium, time_limit_s=1.5, seed=1, scheduler=cluster.scheduler_address
        )
    assert by_address.certificate.verified
    c = plan.certificate
    assert c.verified and c.checks["sectors"] == 2
    assert c.checks["served"] == medium.n_stops
    # the repair search never makes the merged sector routes worse
    assert c.objective <= c.checks["merged_cost_usd"] * 1.001 + 1.0


def test_sector_plan_respects_fleet_size():
    stops = make_stops(60, seed=2)
    stops["parcels"] = 1
    p = build_problem(stops, make_fleet(count=2, parcel_capacity=40), STATION)
    plan = plan_routes_decomposed(p, time_limit_s=1.5, seed=0, n_sectors=4, local_cluster=False)
    used = plan.summary.groupby(["vehicle_type", "wave_min"]).size()  # counts are per wave
    assert all(n <= (2 if vt == "van" else 1) for (vt, _w), n in used.items())
    assert plan.certificate.verified
