"""Every chosen option's timeline is physically ordered (nothing leaves before it is ready)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hinterland.promise import MODES, PromiseEngine
from hinterland.promise.service import default_engine

M = {m: i for i, m in enumerate(MODES)}


def test_timeline_is_ordered_on_random_national_orders(zips: pd.DataFrame) -> None:
    eng: PromiseEngine = default_engine()
    rng = np.random.default_rng(11)
    n = 20_000
    rows = rng.integers(0, len(eng.zips), n)
    t = rng.uniform(0, 1439, n)
    for capacity in (False, True):
        res = eng.promise_arrays(rows, t, rng.uniform(0.1, 20, n),
                                 rng.integers(0, 4, n).astype(np.int8), capacity=capacity)
        has = res.chosen >= 0
        c = np.maximum(res.chosen, 0)
        p = res.promised_min[np.arange(n), c]
        assert res.ready_min is not None and res.depart_min is not None
        assert res.first_min is not None and res.leave_fc_min is not None
        r, d, f, lf = (x[has] for x in (res.ready_min, res.depart_min, res.first_min,
                                        res.leave_fc_min))
        assert (r >= t[has]).all()
        assert (d >= r - 1e-6).all(), "leaves its last-mile site before it is ready"
        assert (f >= d - 1e-6).all() and (f <= p[has] + 1e-6).all()
        fc = np.isin(res.chosen[has], [M["fc_van"], M["postal_express_24h"]])
        assert (lf[fc] >= t[has][fc]).all() and (r[fc] >= lf[fc]).all()
        assert np.isnan(lf[res.chosen[has] == M["hub_van"]]).all()
        assert {M["hub_van"], M["fc_van"], M["postal_express_24h"]} <= set(res.chosen[has])
