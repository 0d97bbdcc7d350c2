"""Two scenarios, common random numbers, R replications: KPI deltas with 95 % intervals.

Replication ``r`` of both scenarios draws from the same seed (common random numbers:
the same orders, the same service and travel variation, the same failed attempts and
weather), so the difference of a KPI between scenarios is measured on the same days.
Each KPI's delta is the mean over replications of ``B - A`` with a Student-t 95 %
confidence interval (``scipy.stats.t``), and the relative delta against A's mean.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from hinterland.core.errors import HinterlandError
from hinterland.sim.kpis import kpi_table, kpis
from hinterland.sim.run import SimResult, SimSpec

__all__ = ["COMPARED", "compare_runs", "delta_table"]

#: KPIs compared (overall), and per rurality class the order-to-door and on-time KPIs.
COMPARED: tuple[str, ...] = (
    "order_to_door_h_mean", "order_to_door_h_p50", "order_to_door_h_p90", "same_day_share",
    "next_day_share", "on_time_rate", "late_parcels", "cancelled", "cost_per_parcel_usd",
    "van_km", "van_driver_hours", "co2_kg_per_parcel_total", "jobs_per_station",
    "parcels_per_year",
)
BY_RURALITY: tuple[str, ...] = ("order_to_door_h_p50", "same_day_share", "next_day_share",
                                "on_time_rate")


def _flat(result: SimResult) -> dict[str, float]:
    k = kpis(result)
    out = {name: float(k[name]) for name in COMPARED}
    by = kpi_table(result, "rurality").set_index("rurality")
    for cls in by.index:
        for name in BY_RURALITY:
            out[f"{cls}:{name}"] = float(by.loc[cls, name])
    return out


def compare_runs(run_a: Callable[[SimSpec], SimResult], run_b: Callable[[SimSpec], SimResult],
                 spec: SimSpec, replications: int = 3,
                 say: Callable[[str], None] | None = None
                 ) -> tuple[pd.DataFrame, list[SimResult]]:
    """Run both scenarios ``replications`` times with common random numbers.

    ``run_a``/``run_b`` take the replication's :class:`SimSpec` (its seed set) and
    return a :class:`SimResult`. Returns the per-replication KPI table (columns
    ``replication``, ``scenario``, one per KPI) and the last replication's two results.
    """
    if replications < 2:
        raise HinterlandError("a confidence interval needs at least 2 replications")
    seeds = np.random.SeedSequence(spec.seed).generate_state(replications)
    rows: list[dict[str, Any]] = []
    last: list[SimResult] = []
    for r, seed in enumerate(seeds):
        rep = dataclasses.replace(spec, seed=int(seed))
        last = []
        for name, run in (("A", run_a), ("B", run_b)):
            if say:
                say(f"replication {r + 1}/{replications}: scenario {name}")
            res = run(rep)
            rows.append({"replication": r, "scenario": name, **_flat(res)})
            last.append(res)
    return pd.DataFrame(rows), last


def delta_table(runs: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per KPI: A's and B's means, the paired delta B - A with its interval, relative %.

    Columns ``kpi``, ``a_mean``, ``b_mean``, ``delta``, ``ci_low``, ``ci_high``,
    ``delta_pct``, ``pct_low``, ``pct_high`` (relative to A's mean; NaN when A's mean
    is 0), ``replications``.
    """
    a = runs[runs["scenario"] == "A"].set_index("replication").drop(columns="scenario")
    b = runs[runs["scenario"] == "B"].set_index("replication").drop(columns="scenario")
    a, b = a.sort_index(), b.reindex(a.index)
    r = len(a)
    q = float(stats.t.ppf(0.5 + level / 2.0, r - 1))
    out = []
    for col in a.columns:
        d = (b[col] - a[col]).to_numpy(float)
        ok = np.isfinite(d)
        if ok.sum() < 2:
            continue
        mean, sd = float(d[ok].mean()), float(d[ok].std(ddof=1))
        half = q * sd / math.sqrt(ok.sum())
        base = float(np.nanmean(a[col].to_numpy(float)))
        scale = 100.0 / base if base != 0.0 and math.isfinite(base) else math.nan
        out.append({"kpi": col, "a_mean": base, "b_mean": float(np.nanmean(b[col])),
                    "delta": mean, "ci_low": mean - half, "ci_high": mean + half,
                    "delta_pct": mean * scale, "pct_low": (mean - half) * scale,
                    "pct_high": (mean + half) * scale, "replications": int(ok.sum())})
    return pd.DataFrame(out)
