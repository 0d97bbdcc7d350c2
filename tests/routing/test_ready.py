"""Ready times from the promise: hub stock (order + pick) and FC freight (line-haul)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hinterland.operations import LineHaul, OperatingModel
from hinterland.operations.model import FcOps, HubOps, StationOps
from hinterland.routing.ready import (
    hub_ready_min,
    linehaul_drive_min,
    linehaul_ready_min,
    ready_from_promise,
)


def test_hub_stock_is_order_plus_pick():
    ops = OperatingModel(hub=HubOps(pick_min=25.0))
    assert hub_ready_min([600.0, 0.0], ops).tolist() == [625.0, 25.0]


def test_linehaul_cutoff_edge_and_sort():
    ops = OperatingModel(fc=FcOps(pick_min=60.0), linehaul=LineHaul(departures_min=(1320.0,)),
                         station=StationOps(sort_min=45.0))
    # at the cut-off (22:00 - 60 min) it rides tonight's truck; one minute later, tomorrow's
    r = linehaul_ready_min([1260.0, 1261.0], [300.0, 300.0], ops)
    assert r.tolist() == [1320.0 + 300.0 + 45.0, 1440.0 + 1320.0 + 300.0 + 45.0]


def test_linehaul_hours_of_service_and_clock_shift():
    ops = OperatingModel()
    drive = 700.0  # over 11 h of driving: a 10-h rest and the 30-min break
    r = linehaul_ready_min([600.0], [drive], ops, fc_shift_min=-60.0)  # FC an hour ahead
    dep = 1320.0  # 22:00 FC time is 21:00 at the station
    transit = float(ops.linehaul.transit_min(drive))
    assert transit == pytest.approx(700.0 + 30.0 + 600.0)
    assert r[0] == pytest.approx(dep + transit - 60.0 + ops.station.sort_min)


def test_ready_from_promise_by_mode():
    ops = OperatingModel()
    fac = pd.DataFrame({"id": ["FC1", "H1", "DS1"], "lat": [45.8, 45.0, 45.1],
                        "lon": [-108.5, -109.0, -109.1]})
    choices = pd.DataFrame({
        "mode": ["hub_van", "fc_van", "drone", None],
        "source_id": ["H1", "FC1", "H1", None],
        "handoff_id": [None, "DS1", None, None],
    })
    r = ready_from_promise(choices, [600.0, 600.0, 600.0, 600.0], fac, ops)
    assert r[0] == 600.0 + ops.hub.pick_min
    drive = linehaul_drive_min(45.8, -108.5, 45.1, -109.1, ops)
    assert r[1] == pytest.approx(float(linehaul_ready_min([600.0], [drive], ops)[0]))
    assert np.isnan(r[2]) and np.isnan(r[3])
