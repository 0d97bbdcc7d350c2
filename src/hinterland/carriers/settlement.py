"""Settlement with the postal partner: one ledger line per parcel, daily statements.

Ledger lines and statements hold exact :class:`~decimal.Decimal` dollars. A
statement's amounts are the exact sums of its lines (no rounding after the
per-line rounding), so statements reconcile to the cent; :func:`reconcile`
re-checks that with independent integer-cent arithmetic.

Parcel table (input of :func:`ledger_lines`), one row per parcel handed to the partner:

================= ====== ===============================================
column            type   meaning
================= ====== ===============================================
parcel_id         str    unique per partner
date              str    hand-off date, ``YYYY-MM-DD``
zip               str    destination ZIP area (5 chars)
office_id         str    partner office the parcel was handed over at
weight_kg         float  parcel weight
service           str    ``express_24h`` or ``priority_same_day``
shipping_fee_usd  str    shipping fee the customer paid (decimal, cents)
partner           str    optional; default the partner's name
================= ====== ===============================================

Ledger (:data:`LEDGER_COLUMNS`): the parcel columns plus ``fee_usd``,
``revenue_share_usd``, ``premises_fee_usd`` and ``total_usd`` (Decimals).
Statement (:data:`STATEMENT_COLUMNS`): one row per (partner, date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import numpy as np
import pandas as pd

from hinterland.core.errors import HinterlandError, InputError
from hinterland.core.money import CENT, to_cents, usd
from hinterland.operations.postal import PostalPartner

SERVICES: tuple[str, ...] = ("express_24h", "priority_same_day")

PARCEL_COLUMNS: tuple[str, ...] = (
    "parcel_id", "date", "zip", "office_id", "weight_kg", "service", "shipping_fee_usd",
)
LEDGER_COLUMNS: tuple[str, ...] = (
    "partner", *PARCEL_COLUMNS, "fee_usd", "revenue_share_usd", "premises_fee_usd", "total_usd",
)
MONEY_COLUMNS: tuple[str, ...] = ("shipping_fee_usd", "fee_usd", "revenue_share_usd",
                                  "premises_fee_usd", "total_usd")
STATEMENT_COLUMNS: tuple[str, ...] = ("partner", "date", "parcels", *MONEY_COLUMNS)


def parse_date(value: str, *, source: str = "date") -> str:
    """Check an ISO date ``YYYY-MM-DD`` and return it normalised."""
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InputError(source, f"{value!r} is not a date YYYY-MM-DD") from None


def ledger_lines(
    parcels: pd.DataFrame,
    partner: PostalPartner | Mapping[str, PostalPartner] | None = None,
    *,
    source: str = "parcels",
) -> pd.DataFrame:
    """Price every parcel handed to the partner (exact Decimals).

    Parameters
    ----------
    parcels
        Parcel table (schema in the module docstring).
    partner
        Fee schedule, revenue share and premises fee (default :class:`PostalPartner`);
        or a mapping partner name -> :class:`PostalPartner` when the table's ``partner``
        column names several partners (each priced by its own terms).
    source
        Name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LEDGER_COLUMNS`; money columns hold ``Decimal`` objects.

    Raises
    ------
    InputError
        A missing column or bad value, naming the 1-based row and the column;
        a parcel id repeated for the same partner.
    """
    terms: Mapping[str, PostalPartner]
    if partner is None or isinstance(partner, PostalPartner):
        default = partner or PostalPartner()
        terms = {default.name: default}
    else:
        terms = dict(partner)
        if not terms:
            raise HinterlandError("no partner terms given")
        default = next(iter(terms.values()))
    missing = [c for c in PARCEL_COLUMNS if c not in parcels.columns]
    if missing:
        raise InputError(source, f"missing column(s): {', '.join(missing)}", column=missing[0])
    rows: list[dict[str, object]] = []
    seen: set[tuple[str, str]] = set()
    for i, rec in enumerate(parcels.to_dict(orient="records"), start=1):
        name = default.name
        if "partner" in parcels.columns and pd.notna(rec.get("partner")) and str(rec["partner"]):
            name = str(rec["partner"]).strip()
        if name not in terms:
            raise InputError(source, f"no terms for partner {name!r}", row=i, column="partner")
        partner_terms = terms[name]
        pid = str(rec["parcel_id"]).strip()
        if not pid or pid == "nan":
            raise InputError(source, "empty parcel id", row=i, column="parcel_id")
        if (name, pid) in seen:
            raise InputError(source, f"parcel {pid!r} appears twice", row=i, column="parcel_id")
        seen.add((name, pid))
        try:
            date = parse_date(str(rec["date"]), source=source)
        except InputError as exc:
            raise InputError(source, exc.reason, row=i, column="date") from None
        service = str(rec["service"]).strip()
        if service not in SERVICES:
            raise InputError(source, f"service {service!r} is not one of {', '.join(SERVICES)}",
                             row=i, column="service")
        try:
            weight = float(rec["weight_kg"])
            fee = partner_terms.fees.fee(weight)
        except (TypeError, ValueError, HinterlandError) as exc:
            raise InputError(source, f"bad weight: {exc}", row=i, column="weight_kg") from None
        if service == "priority_same_day":
            fee += partner_terms.priority_surcharge_usd
        try:
            ship = usd(str(rec["shipping_fee_usd"]).strip(), name="shipping_fee_usd")
            if ship < 0:
                raise HinterlandError("shipping_fee_usd must be >= 0")
            share = partner_terms.revenue_share(ship)
        except HinterlandError as exc:
            raise InputError(source, str(exc), row=i, column="shipping_fee_usd") from None
        premises = partner_terms.premises_fee_usd
        zip_code = str(rec["zip"]).strip().zfill(5)
        rows.append(
            {
                "partner": name, "parcel_id": pid, "date": date, "zip": zip_code,
                "office_id": str(rec["office_id"]), "weight_kg": weight, "service": service,
                "shipping_fee_usd": ship, "fee_usd": fee, "revenue_share_usd": share,
                "premises_fee_usd": premises, "total_usd": (fee + share + premises).quantize(CENT),
            }
        )
    return pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))


def daily_statements(lines: pd.DataFrame) -> pd.DataFrame:
    """One statement per (partner, date): parcel count and exact sums of the lines.

    Parameters
    ----------
    lines
        Ledger lines (:data:`LEDGER_COLUMNS`, money as Decimal).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STATEMENT_COLUMNS`, sorted by partner then date.
    """
    out: list[dict[str, object]] = []
    if len(lines):
        for (name, date), grp in lines.groupby(["partner", "date"], sort=True):
            row: dict[str, object] = {"partner": name, "date": date, "parcels": len(grp)}
            for col in MONEY_COLUMNS:
                row[col] = sum((Decimal(v) for v in grp[col]), Decimal("0.00")).quantize(CENT)
            out.append(row)
    return pd.DataFrame(out, columns=list(STATEMENT_COLUMNS))


def reconcile(lines: pd.DataFrame, statements: pd.DataFrame) -> list[str]:
    """Independent check: statements equal the integer-cent sums of their lines.

    Returns the list of discrepancies (empty when everything reconciles). Also checks
    every line's ``total_usd = fee + revenue_share + premises_fee``.
    """
    problems: list[str] = []
    cents = {c: np.array([to_cents(Decimal(v)) for v in lines[c]], dtype=np.int64)
             for c in MONEY_COLUMNS} if len(lines) else {c: np.zeros(0, np.int64)
                                                          for c in MONEY_COLUMNS}
    parts = cents["fee_usd"] + cents["revenue_share_usd"] + cents["premises_fee_usd"]
    for i in np.flatnonzero(parts != cents["total_usd"]):
        problems.append(f"line {lines['parcel_id'].iloc[i]}: total != fee + share + premises")
    keys = list(zip(lines["partner"], lines["date"], strict=True)) if len(lines) else []
    expected: dict[tuple[str, str], dict[str, int]] = {}
    for j, key in enumerate(keys):
        acc = expected.setdefault(key, {c: 0 for c in MONEY_COLUMNS} | {"parcels": 0})
        acc["parcels"] += 1
        for c in MONEY_COLUMNS:
            acc[c] += int(cents[c][j])
    got = {(str(r["partner"]), str(r["date"])): r for r in statements.to_dict(orient="records")}
    for key in sorted(set(expected) | set(got)):
        if key not in got:
            problems.append(f"{key}: no statement for ledger lines")
            continue
        if key not in expected:
            problems.append(f"{key}: statement without ledger lines")
            continue
        if int(got[key]["parcels"]) != expected[key]["parcels"]:
            problems.append(f"{key}: parcels {got[key]['parcels']} != {expected[key]['parcels']}")
        for c in MONEY_COLUMNS:
            if to_cents(Decimal(got[key][c])) != expected[key][c]:
                problems.append(f"{key}: {c} {got[key][c]} != {expected[key][c] / 100:.2f}")
    return problems
