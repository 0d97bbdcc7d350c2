"""Independent re-check of promise choices (scalar code, not the vectorised engine).

:func:`verify_choices` walks every order in plain Python: it recomputes each
tier deadline, which options meet it, and the best one under the policy, and
compares with what the engine returned.
"""

from __future__ import annotations

import math

import numpy as np

from hinterland.core.certificate import Certificate
from hinterland.promise.engine import TIERS, PromiseResult, Reason

_DEADLINE_DAYS = {"same_day": 1, "next_day": 2, "two_day": 3}


def verify_choices(result: PromiseResult, *, limit: int | None = None) -> list[str]:
    """Problems found in ``result`` (empty when every choice checks out).

    Parameters
    ----------
    result
        Output of :meth:`~hinterland.promise.engine.PromiseEngine.promise`.
    limit
        Check only the first ``limit`` orders (all by default).
    """
    problems: list[str] = []
    n = len(result) if limit is None else min(limit, len(result))
    ids = result.ids()
    for i in range(n):
        tier = TIERS[int(result.tier[i])]
        t = float(result.order_min[i])
        deadline = t + 60.0 if tier == "60min" else 1440.0 * _DEADLINE_DAYS[tier]
        best: tuple[float, float, int] | None = None
        for m in range(result.promised_min.shape[1]):
            p = float(result.promised_min[i, m])
            feasible = int(result.reason[i, m]) == 0
            if feasible != math.isfinite(p):
                problems.append(f"order {ids[i]} mode {m}: feasibility and time disagree")
            meets = feasible and p <= deadline
            if meets != bool(result.meets_tier[i, m]):
                problems.append(f"order {ids[i]} mode {m}: meets_tier should be {meets}")
            if not meets:
                continue
            c = float(result.cost_cents[i, m])
            key = (p, c, m) if result.policy == "fastest" else (c, p, m)
            if best is None or key[:2] < best[:2]:
                best = key
        chosen = int(result.chosen[i])
        if best is None:
            if chosen != -1:
                problems.append(f"order {ids[i]}: chose mode {chosen} but none meets {tier}")
        elif chosen < 0:
            problems.append(f"order {ids[i]}: chose nothing but mode {best[2]} meets {tier}")
        else:
            p = float(result.promised_min[i, chosen])
            c = float(result.cost_cents[i, chosen])
            mine = (p, c) if result.policy == "fastest" else (c, p)
            if not bool(result.meets_tier[i, chosen]) or mine > best[:2]:
                problems.append(f"order {ids[i]}: chose mode {chosen}, best is {best[2]}")
    return problems


def certify(result: PromiseResult, seconds: float, *, limit: int | None = 100_000
            ) -> Certificate:
    """Certificate of a batch of choices.

    Each order's choice is an exhaustive minimum over its few options, so the
    objective (total cost in USD under ``cheapest``, total promised minutes under
    ``fastest``, over orders with a choice) equals its bound; ``verified`` is the
    outcome of :func:`verify_choices` on the first ``limit`` orders.
    """
    problems = verify_choices(result, limit=limit)
    has = result.chosen >= 0
    rows = np.flatnonzero(has)
    c = result.chosen[rows].astype(np.int64)
    if result.policy == "cheapest":
        objective = float(result.cost_cents[rows, c].sum()) / 100.0
    else:
        objective = float(result.promised_min[rows, c].sum())
    checked = len(result) if limit is None else min(limit, len(result))
    return Certificate(
        objective=objective, bound=objective, sense="min", seconds=seconds,
        status="optimal (exhaustive per order)", verified=not problems,
        checks={
            "orders": len(result), "checked": checked, "problems": len(problems),
            "first_problems": problems[:3], "chosen": int(has.sum()),
            "misses_tier": int((result.tier_reason == Reason.MISSES_TIER).sum()),
            "no_option": int((result.tier_reason == Reason.NO_OPTION).sum()),
        },
    )
