"""Independent re-check of promise choices: every option re-derived from the raw inputs.

:func:`verify_choices` recomputes, for the orders it checks, every mode's promised
minute, cost, reason, source and hand-off with the scalar reference of
:mod:`hinterland.promise.reference` (its own distances, nearest-site search, van rule,
hours of service, clocks and money), from the engine's raw inputs
(:class:`~hinterland.promise.reference.EngineInputs`: facility table, ZIP table,
partner service table, the operating model's numbers), and compares with what the
engine returned: promised minutes exactly (whole minutes), costs exactly (cents),
reason codes, sources and hand-offs, which options meet the tier, and the choice
under the policy with the same tie rule (``fastest``: earlier, then cheaper, then the
lower mode index; ``cheapest``: cheaper, then earlier, then the lower mode index).
Every order that disagrees is named.

Small batches are re-derived whole; larger ones on a seeded sample of ``sample``
orders drawn from the whole batch (the sample size and seed are in the certificate).
Every order of the batch (up to ``limit``) also gets the cheap consistency checks
(feasibility, whole minutes, the chosen option is the policy's pick among the engine's
own options).

Without raw inputs (``inputs=None``, the older call) only the consistency checks run,
and the certificate says so (``checks["rederived"]`` is false).

Capacity binding (``capacity=True``) is checked, not re-derived order by order: a
capacity site's option may be the reference's one to three days later at the same
site, or gone (``AT_CAPACITY``); the chosen parcels per site and day must fit each
site's capacity (from the facility table and the operating model); and no option may
slip while another site the reference considered for it still has room, handed out in
order-time order (rooms only fill, so room left at the end was room then).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from hinterland.core.certificate import Certificate
from hinterland.core.vocabulary import TIERS, Reason
from hinterland.promise.reference import (
    MODE_NAMES,
    EngineInputs,
    Option,
    Reference,
    RefOrder,
    _whole,
    choose,
    deadline_min,
)

__all__ = ["DEFAULT_SAMPLE", "EngineInputs", "Problem", "Recheck", "certify", "recheck",
           "reference_orders", "verify_choices"]

#: Orders re-derived per batch (all of a batch up to this size; a seeded sample beyond).
DEFAULT_SAMPLE = 2_000

_PEX, _PPR = MODE_NAMES.index("postal_express_24h"), MODE_NAMES.index("postal_priority_same_day")
_HUB, _FCV, _DRONE = (MODE_NAMES.index(x) for x in ("hub_van", "fc_van", "drone"))
#: Modes whose sites have a daily capacity (the van site, the drone site).
_CAPACITY_MODES = (_HUB, _FCV, _DRONE)
_gone = Option(promised=None, cost=frozenset({-1}), reason=int(Reason.AT_CAPACITY))


@dataclass
class Problem:
    """One disagreement, structured.

    Attributes
    ----------
    order_id, row
        The order (id, and row position in the batch).
    mode
        Mode name, or ``None`` for an order-level problem.
    kind
        ``"consistency"``, ``"option"`` (promise, cost, reason, source or hand-off),
        ``"meets_tier"``, ``"choice"``, ``"tier_reason"``, ``"handoff_day"``, ``"input"``.
    message
        The text (as in :attr:`Recheck.problems`).
    engine, reference
        For ``"option"``: the engine's ``(promised, cost, reason, source, handoff)`` and
        the reference's first acceptable :class:`~hinterland.promise.reference.Option`.
    """

    order_id: str
    row: int
    mode: str | None
    kind: str
    message: str
    engine: tuple[float, int, int, int, int] | None = None
    reference: Option | None = None


class _Found:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.details: list[Problem] = []
        self.slips = 0
        self.slipped: list[tuple[int, str, int, Option, float]] = []

    def add(self, oid: str, row: int, mode: int | None, kind: str, text: str,
            engine: tuple[float, int, int, int, int] | None = None,
            reference: Option | None = None) -> None:
        name = None if mode is None else MODE_NAMES[mode]
        message = f"order {oid}{'' if name is None else ' mode ' + name}: {text}"
        self.problems.append(message)
        self.details.append(Problem(oid, row, name, kind, message, engine, reference))


@dataclass
class Recheck:
    """Outcome of a re-check.

    Attributes
    ----------
    problems
        One message per disagreement, ``"order <id>[ mode <mode>]: ..."``.
    details
        The same disagreements, structured (:class:`Problem`).
    rederived
        Whether options were re-derived from raw inputs (else consistency only).
    consistency_checked
        Orders given the consistency checks.
    rederived_rows
        Row positions of the orders whose options were re-derived.
    sample, seed
        Sample size asked for (``None``: all) and its seed.
    disagreeing
        Ids of the orders with at least one problem (in row order).
    capacity_slips
        Options accepted as capacity slips (``capacity=True``).
    capacity
        Whether the batch was checked as promised with capacities binding.
    reference_objective
        The policy's objective recomputed from the reference's options and choices over
        the re-derived orders (total cost in USD under ``cheapest``, total promised
        minutes under ``fastest``); NaN without re-derivation.
    """

    problems: list[str] = field(default_factory=list)
    details: list[Problem] = field(default_factory=list)
    rederived: bool = False
    consistency_checked: int = 0
    rederived_rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    sample: int | None = None
    seed: int = 0
    disagreeing: list[str] = field(default_factory=list)
    reference_objective: float = math.nan
    capacity_slips: int = 0
    capacity: bool = False


def _reference(inputs: Any, partner_service: pd.DataFrame | None = None,
               stock: Any = None) -> Reference:
    if isinstance(inputs, Reference):
        return inputs
    if isinstance(inputs, EngineInputs):
        if partner_service is not None or stock is not None:
            inputs = dataclasses.replace(
                inputs, partner_service=(inputs.partner_service if partner_service is None
                                         else partner_service),
                stock=inputs.stock if stock is None else stock)
        return Reference(inputs)
    if hasattr(inputs, "sites") and hasattr(inputs, "zips") and hasattr(inputs, "model"):
        return Reference(EngineInputs.from_engine(inputs, partner_service=partner_service,
                                                  stock=stock))
    raise TypeError("inputs must be EngineInputs, a Reference or a PromiseEngine")


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip() in ("", "nan", "None", "<NA>")


def _flag(value: Any) -> bool:
    if _blank(value):
        return True
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "1.0"):
        return True
    if text in ("false", "0", "no", "0.0"):
        return False
    raise ValueError(f"not true/false: {value!r}")


def _wall_minute(value: Any) -> float:
    """Minute of the wall clock of an ISO 8601 time (its offset, if any, is kept apart)."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = value
    else:
        text = str(value).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1]
        stamp = dt.datetime.fromisoformat(text)
    return stamp.hour * 60 + stamp.minute + (stamp.second + stamp.microsecond / 1e6) / 60.0


def reference_orders(table: pd.DataFrame, ref: Reference) -> tuple[list[str], list[RefOrder]]:
    """Read an order table (the schema of :func:`~hinterland.promise.engine.parse_orders`)
    by the reference's own plain parse: ids and one :class:`RefOrder` per row."""
    cols = set(table.columns)
    n = len(table)
    ids = ([str(x) for x in table["order_id"]] if "order_id" in cols
           else [str(i + 1) for i in range(n)])
    zcol = "destination_zip" if "destination_zip" in cols else ("zip" if "zip" in cols else None)
    fees = {name: int((ref.m.shipping_fee_usd[name] * 100).to_integral_value())
            for name in TIERS}
    out: list[RefOrder] = []
    for row in table.to_dict("records"):
        zip_row, lat, lon = -1, math.nan, math.nan
        if zcol is not None and not _blank(row[zcol]):
            code = str(row[zcol]).strip().zfill(5)
            if code not in ref.zip_position:
                raise ValueError(f"unknown ZIP area {code!r}")
            zip_row = ref.zip_position[code]
        else:
            lat, lon = float(row["lat"]), float(row["lon"])
        if "order_time" in cols:
            minute = _wall_minute(row["order_time"])
        else:
            minute = float(row["order_min"])
        tier = TIERS.index(str(row["tier"]).strip())
        fee = fees[TIERS[tier]]
        if "shipping_fee_usd" in cols and not _blank(row["shipping_fee_usd"]):
            try:
                fee = int((Decimal(str(row["shipping_fee_usd"]).strip()) * 100)
                          .to_integral_value())
            except InvalidOperation:
                raise ValueError(f"bad shipping fee {row['shipping_fee_usd']!r}") from None
        out.append(RefOrder(
            zip_row=zip_row, minute=minute, weight_kg=float(row["weight_kg"]), tier=tier,
            in_stock=_flag(row.get("in_hub_stock")), weather_ok=_flag(row.get("weather_ok")),
            shipping_fee_cents=fee,
            item_id=None if "item_id" not in cols else str(row["item_id"]),
            lat=lat, lon=lon))
    return ids, out


def _orders_from_result(result: Any, ref: Reference, rows: np.ndarray) -> list[RefOrder]:
    """Orders as the result echoes them (ZIP areas; default stock and weather flags)."""
    out = []
    for i in rows:
        z = result.dest_zip[i] if result.dest_zip is not None else None
        zip_row = ref.zip_position.get(str(z), -1) if z is not None else -1
        out.append(RefOrder(zip_row=zip_row, minute=float(result.order_min[i]),
                            weight_kg=float(result.weight_kg[i]), tier=int(result.tier[i]),
                            shipping_fee_cents=int(result.shipping_fee_cents[i])))
    return out


def _consistency(result: Any, ids: Sequence[Any], n: int, found: _Found) -> None:
    """Cheap checks of the engine's own arrays for the first ``n`` orders."""
    k = result.promised_min.shape[1]
    for i in range(n):
        t = float(result.order_min[i])
        tier = int(result.tier[i])
        deadline = deadline_min(tier, t)
        prom: list[int | None] = []
        cost: list[int] = []
        oid = str(ids[i])
        for m in range(k):
            p = float(result.promised_min[i, m])
            c = int(result.cost_cents[i, m])
            feasible = int(result.reason[i, m]) == Reason.OK
            if feasible != math.isfinite(p):
                found.add(oid, i, m, "consistency", "reason and promise disagree")
            if math.isfinite(p) and not p.is_integer():
                found.add(oid, i, m, "consistency", f"promise {p!r} is not a whole minute")
            if feasible != (c >= 0):
                found.add(oid, i, m, "consistency", f"cost {c} and reason disagree")
            meets = feasible and math.isfinite(p) and p <= deadline
            if meets != bool(result.meets_tier[i, m]):
                found.add(oid, i, m, "consistency", f"meets_tier should be {meets}")
            prom.append(int(p) if feasible and math.isfinite(p) else None)
            cost.append(c)
        _, best = choose(prom, cost, tier, t, result.policy)
        chosen = int(result.chosen[i])
        if chosen != best:
            found.add(oid, i, None, "consistency", f"chose {_mode(chosen)}, the policy's pick "
                      f"among the engine's own options is {_mode(best)}")


def _mode(m: int) -> str:
    return MODE_NAMES[m] if m >= 0 else "nothing"


def _show(opt: Option) -> str:
    if opt.promised is None:
        return f"{Reason(opt.reason).name}"
    return (f"{Reason(opt.reason).name} at {min(opt.promised)} min ({opt.exact:.6f}), "
            f"{min(opt.cost)} cents, source {opt.source}, hand-off {opt.handoff}")


def _slipped(acceptable: list[Option], p: float, c: int, r: int, s: int, h: int
             ) -> Option | None:
    """The engine's answer as a capacity slip of an acceptable option: the same option
    one to three days later, or gone (``AT_CAPACITY``)."""
    for o in acceptable:
        if o.promised is None or o.reason != Reason.OK:
            continue
        if r == Reason.AT_CAPACITY and not math.isfinite(p) and c == -1:
            return _gone
        for days in (1, 2, 3):
            later = frozenset(x + days * 1440 for x in o.promised)
            if dataclasses.replace(o, promised=later).matches(p, c, r, s, h):
                return dataclasses.replace(o, promised=later)
        # Another of the nearest sites (its slot, possibly days later), taken because the
        # first was full: the time and sites are re-derived; the cost is that site's.
        if r == Reason.OK and math.isfinite(p):
            for alt_p, alt_s, alt_h in o.alternatives:
                if (alt_s, alt_h) != (s, h) and not (alt_h == -1 and alt_s == s):
                    continue
                for days in (0, 1, 2, 3):
                    if int(p) in _whole(alt_p + days * 1440):
                        return dataclasses.replace(o, promised=frozenset({int(p)}),
                                                   cost=frozenset({c}), source=s, handoff=h)
    return None


def _compare(result: Any, i: int, oid: str, order: RefOrder, opts: list[list[Option]],
             found: _Found, capacity: bool = False) -> float:
    """Compare order ``i`` with the reference; record problems; return the reference's
    objective contribution (0 when it chooses nothing)."""
    resolved_p: list[int | None] = []
    resolved_c: list[int] = []
    matched: list[Option] = []
    for m, acceptable in enumerate(opts):
        p = float(result.promised_min[i, m])
        c = int(result.cost_cents[i, m])
        r = int(result.reason[i, m])
        s = int(result.source[i, m])
        h = int(result.handoff[i, m])
        hit = next((o for o in acceptable if o.matches(p, c, r, s, h)), None)
        if hit is None and capacity and m in _CAPACITY_MODES:
            hit = _slipped(acceptable, p, c, r, s, h)
            if hit is not None:
                found.slips += 1
                base = next((o for o in acceptable if o.reason == Reason.OK), None)
                if base is not None:
                    found.slipped.append((i, oid, m, base, p))
        if hit is None:
            want = acceptable[0]
            got = (f"{Reason(r).name} at {p:g} min, {c} cents, source {s}, hand-off {h}"
                   if math.isfinite(p) else Reason(r).name)
            found.add(oid, i, m, "option", f"engine {got}; reference {_show(want)}",
                      engine=(p, c, r, s, h), reference=want)
            hit = want
            resolved_p.append(None if want.promised is None else min(want.promised))
            resolved_c.append(min(want.cost))
        else:
            resolved_p.append(int(p) if hit.promised is not None else None)
            resolved_c.append(c)
        matched.append(hit)
    meets, best = choose(resolved_p, resolved_c, order.tier, order.minute, result.policy)
    for m, ok in enumerate(meets):
        if ok != bool(result.meets_tier[i, m]):
            found.add(oid, i, m, "meets_tier", f"meets_tier is {bool(result.meets_tier[i, m])}, "
                      f"the reference says {ok}")
    chosen = int(result.chosen[i])
    if chosen != best:
        found.add(oid, i, None, "choice", f"chose {_mode(chosen)}, the reference chooses "
                  f"{_mode(best)} (policy {result.policy})")
    want_reason = (Reason.OK if best >= 0 else Reason.NO_OPTION
                   if all(p is None for p in resolved_p) else Reason.MISSES_TIER)
    if int(result.tier_reason[i]) != want_reason:
        found.add(oid, i, None, "tier_reason", f"tier reason "
                  f"{Reason(int(result.tier_reason[i])).name}, the reference says "
                  f"{want_reason.name}")
    if best >= 0 and chosen == best:
        hday = matched[best].handoff_day if best in (_PEX, _PPR) else -1
        if hday is not None and int(result.handoff_day[i]) != hday:
            found.add(oid, i, None, "handoff_day", f"hand-off day "
                      f"{int(result.handoff_day[i])}, the reference says {hday}")
    if best < 0:
        return 0.0
    p_best = resolved_p[best]
    assert p_best is not None
    return resolved_c[best] / 100.0 if result.policy == "cheapest" else float(p_best)


def _capacity_used(result: Any, ref: Reference, ids: Sequence[str], found: _Found) -> None:
    """Chosen parcels per (site, day) of the whole batch against each site's capacity; and
    no option slipped (a later day, or gone) while another considered site of its mode
    had room for it earlier (rooms only fill, so room left at the end was room then)."""
    used: dict[tuple[int, int], list[int]] = {}
    for i in range(len(result)):
        m = int(result.chosen[i])
        if m not in _CAPACITY_MODES:
            continue
        site = int(result.handoff[i, m] if m == _FCV else result.source[i, m])
        day = max(0, math.floor(float(result.promised_min[i, m]) / 1440.0))
        used.setdefault((site, day), []).append(i)
    for (site, day), rows in used.items():
        cap = ref.capacity(site)
        if len(rows) > cap:
            last = rows[-1]
            found.add(ids[last], last, None, "capacity",
                      f"site {ref.fac_id[site]} carries {len(rows)} chosen parcels on day "
                      f"{day}, its capacity is {cap:g}")
    # Room left at the end, handed to the slipped options in order-time order.
    room: dict[tuple[int, int], float] = {}
    for i, oid, m, base, p in sorted(found.slipped, key=lambda x: float(result.order_min[x[0]])):
        own = base.handoff if m == _FCV else base.source
        for q, source, handoff in base.alternatives:
            other = handoff if m == _FCV else source
            when = math.ceil(q - 1e-6)
            if other == own or (math.isfinite(p) and when >= p):
                continue
            key = (other, max(0, math.floor(when / 1440.0)))
            if key not in room:
                room[key] = ref.capacity(other) - len(used.get(key, []))
            if room[key] >= 1:
                room[key] -= 1
                found.add(oid, i, m, "capacity",
                          f"slipped to {p:g} min at {ref.fac_id[own]} while "
                          f"{ref.fac_id[other]} had room on day {key[1]} (promise {when} min)")
                break


def _sample_rows(n: int, sample: int | None, seed: int) -> np.ndarray:
    if sample is None or n <= sample:
        return np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=int(sample), replace=False)).astype(np.int64)


def recheck(result: Any, inputs: Any = None, *, orders: pd.DataFrame | None = None,
            sample: int | None = DEFAULT_SAMPLE, seed: int = 0, limit: int | None = None,
            partner_service: pd.DataFrame | None = None, stock: Any = None,
            capacity: bool = False) -> Recheck:
    """Re-check ``result`` (see the module docstring); returns a :class:`Recheck`.

    Parameters
    ----------
    result
        Output of :meth:`~hinterland.promise.engine.PromiseEngine.promise`.
    inputs
        The engine's raw inputs (:class:`EngineInputs`, or a
        :class:`~hinterland.promise.reference.Reference` built on them to reuse), or the
        engine itself (its facility and ZIP tables and model; the partner's distance
        rule). ``None``: the consistency checks only.
    orders
        The order table given to the engine (for stock and weather flags, item ids and
        lat/lon destinations, parsed by the reference's own reader). Without it the
        orders are read back from the result (ZIP destinations, flags true).
    sample
        Orders re-derived: all when the batch has at most this many, else a seeded
        sample of this size; ``None``: all.
    seed
        Seed of the sample.
    limit
        Give the consistency checks only to the first ``limit`` orders (all by default);
        the re-derived sample is drawn from the whole batch.
    partner_service, stock
        The partner's service table and the stock table (or the engine's
        :class:`~hinterland.promise.engine.StockIndex`) the engine was given, when
        ``inputs`` is an engine (it keeps no copy of either).
    capacity
        The batch was promised with capacities binding: an option of a site with a
        daily capacity may be the reference's option one to three days later, or gone
        (``AT_CAPACITY``); the chosen parcels per site and day are counted against each
        site's capacity (from the facility table and the operating model).
    """
    n_all = len(result)
    n = n_all if limit is None else min(int(limit), n_all)
    ids = [str(x) for x in result.ids()]
    out = Recheck(sample=sample, seed=seed, consistency_checked=n)
    found = _Found()
    _consistency(result, ids, n, found)
    if inputs is not None:
        ref = _reference(inputs, partner_service, stock)
        capacity = capacity or ref.capacity_binding
        rows = _sample_rows(n_all, sample, seed)
        out.rederived = True
        out.rederived_rows = rows
        if orders is not None and len(orders) != n_all:
            found.add("?", -1, None, "input", f"the order table has {len(orders)} "
                      f"rows, the result {n_all}")
            orders = None
        if orders is not None:
            table = orders.iloc[rows]
            oids, ref_orders = reference_orders(table, ref)
            for j, i in enumerate(rows):
                if oids[j] != ids[i]:
                    found.add(ids[i], int(i), None, "input",
                              f"row {i + 1} of the order table is order {oids[j]}")
        else:
            ref_orders = _orders_from_result(result, ref, rows)
        total = 0.0
        for order, i in zip(ref_orders, rows, strict=True):
            oid = ids[i]
            if order.zip_row < 0 and math.isnan(order.lat):
                found.add(oid, int(i), None, "input", "destination unknown to the reference")
                continue
            echo = [("order minute", float(result.order_min[i]), order.minute),
                    ("tier", int(result.tier[i]), order.tier),
                    ("weight", float(result.weight_kg[i]), order.weight_kg),
                    ("shipping fee", int(result.shipping_fee_cents[i]),
                     order.shipping_fee_cents)]
            for what, got, want in echo:
                if not math.isclose(got, want, rel_tol=0, abs_tol=1e-9):
                    found.add(oid, int(i), None, "input", f"{what} {got!r}, the order says "
                              f"{want!r}")
            total += _compare(result, int(i), oid, order, ref.options(order), found,
                              capacity)
        out.reference_objective = total
        out.capacity = capacity
        if capacity:
            _capacity_used(result, ref, ids, found)
        out.capacity_slips = found.slips
    out.problems, out.details = found.problems, found.details
    for d in found.details:
        if d.order_id not in out.disagreeing:
            out.disagreeing.append(d.order_id)
    return out


def verify_choices(result: Any, inputs: Any = None, *, orders: pd.DataFrame | None = None,
                   sample: int | None = DEFAULT_SAMPLE, seed: int = 0,
                   limit: int | None = None, partner_service: pd.DataFrame | None = None,
                   stock: Any = None, capacity: bool = False) -> list[str]:
    """Problems found in ``result`` (empty when every checked order agrees).

    See :func:`recheck` for the parameters. Each message names its order
    (``"order <id> mode <mode>: ..."`` or ``"order <id>: ..."``).
    """
    return recheck(result, inputs, orders=orders, sample=sample, seed=seed, limit=limit,
                   partner_service=partner_service, stock=stock, capacity=capacity).problems


def certify(result: Any, seconds: float, inputs: Any = None, *,
            orders: pd.DataFrame | None = None, sample: int | None = DEFAULT_SAMPLE,
            seed: int = 0, limit: int | None = 100_000,
            partner_service: pd.DataFrame | None = None, stock: Any = None,
            capacity: bool = False) -> Certificate:
    """Certificate of a batch of choices.

    The objective is the total cost in USD (``cheapest``) or the total promised minutes
    (``fastest``) over orders with a choice. The **bound** is the same total from the
    reference's own options and choices, and only when every order was re-derived (each
    order's choice is an exhaustive minimum over its options, so the reference's total
    is the optimum under the reference model); otherwise it is absent (NaN).
    ``verified`` is true when the re-check finds no problem; ``checks`` carries the
    numbers of orders checked, the sample and seed, and the disagreeing orders.
    """
    rc = recheck(result, inputs, orders=orders, sample=sample, seed=seed, limit=limit,
                 partner_service=partner_service, stock=stock, capacity=capacity)
    capacity = rc.capacity
    has = result.chosen >= 0
    rows = np.flatnonzero(has)
    c = result.chosen[rows].astype(np.int64)
    if result.policy == "cheapest":
        objective = float(result.cost_cents[rows, c].sum()) / 100.0
    else:
        objective = float(result.promised_min[rows, c].sum())
    whole = rc.rederived and len(rc.rederived_rows) == len(result) and not capacity
    bound = rc.reference_objective if whole else math.nan
    if rc.rederived:
        status = ("re-derived: every order" if whole else
                  f"re-derived: seeded sample of {len(rc.rederived_rows):,} orders")
    else:
        status = "consistency only (no engine inputs given; options not re-derived)"
    return Certificate(
        objective=objective, bound=bound, sense="min", seconds=seconds, status=status,
        verified=not rc.problems,
        checks={
            "orders": len(result), "checked": len(rc.rederived_rows) if rc.rederived
            else rc.consistency_checked,
            "rederived": rc.rederived, "rederived_orders": len(rc.rederived_rows),
            "consistency_checked": rc.consistency_checked,
            "sample": rc.sample, "seed": rc.seed,
            "problems": len(rc.problems), "first_problems": rc.problems[:3],
            "disagreeing_orders": rc.disagreeing[:50], "disagreeing": len(rc.disagreeing),
            "capacity": capacity, "capacity_slips": rc.capacity_slips,
            "chosen": int(has.sum()),
            "misses_tier": int((result.tier_reason == Reason.MISSES_TIER).sum()),
            "no_option": int((result.tier_reason == Reason.NO_OPTION).sum()),
        },
    )
