"""Settlement with the postal partner: one ledger line per parcel, daily statements.

Ledger lines and statements hold exact :class:`~decimal.Decimal` dollars. A
statement's amounts are the exact sums of its lines (no rounding after the
per-line rounding), so statements reconcile to the cent. :func:`reconcile` is the
independent check: it re-prices every line from the partner's own terms by its own
path (exact fractions of a cent, weight rounded up to whole pounds) and recomputes
every statement from the re-priced lines.

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
import math
from collections.abc import Collection, Mapping
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from hinterland.core.errors import HinterlandError, InputError
from hinterland.core.money import CENT, usd
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
#: Largest shipping fee a ledger line may carry, USD (keeps every sum of cents in 64 bits).
MAX_SHIPPING_FEE_USD = Decimal("1000000000000.00")


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
            if not math.isfinite(weight) or weight <= 0:
                raise ValueError(f"{rec['weight_kg']!r} is not a weight > 0 kg")
            fee = partner_terms.fees.fee(weight)
        except (TypeError, ValueError, HinterlandError) as exc:
            raise InputError(source, f"bad weight: {exc}", row=i, column="weight_kg") from None
        if service == "priority_same_day":
            fee += partner_terms.priority_surcharge_usd
        try:
            ship = usd(str(rec["shipping_fee_usd"]).strip(), name="shipping_fee_usd")
            if ship < 0:
                raise HinterlandError("shipping_fee_usd must be >= 0")
            if ship > MAX_SHIPPING_FEE_USD:
                raise HinterlandError(f"shipping_fee_usd {rec['shipping_fee_usd']!r} is above "
                                      f"the {MAX_SHIPPING_FEE_USD} USD a parcel may carry")
            share = partner_terms.revenue_share(ship)
        except ArithmeticError:  # decimal.InvalidOperation: beyond Decimal's precision
            raise InputError(source, f"shipping_fee_usd {rec['shipping_fee_usd']!r} is not a "
                             "usable amount", row=i, column="shipping_fee_usd") from None
        except HinterlandError as exc:
            raise InputError(source, str(exc), row=i, column="shipping_fee_usd") from None
        premises = partner_terms.premises_fee_usd
        zip_code = str(rec["zip"]).strip()
        if not (len(zip_code) == 5 and zip_code.isdigit()):
            hint = (f" (a leading zero lost? write {zip_code.zfill(5)})"
                    if zip_code.isdigit() and len(zip_code) < 5 else "")
            raise InputError(source, f"{zip_code!r} is not a 5-digit ZIP code{hint}", row=i,
                             column="zip")
        office = str(rec["office_id"]).strip()
        if not office or office == "nan":
            raise InputError(source, "empty office id", row=i, column="office_id")
        rows.append(
            {
                "partner": name, "parcel_id": pid, "date": date, "zip": zip_code,
                "office_id": office, "weight_kg": weight, "service": service,
                "shipping_fee_usd": ship, "fee_usd": fee, "revenue_share_usd": share,
                "premises_fee_usd": premises, "total_usd": (fee + share + premises).quantize(CENT),
            }
        )
    return pd.DataFrame(rows, columns=list(LEDGER_COLUMNS))


def check_places(
    lines: pd.DataFrame,
    zips: Collection[str],
    offices: Collection[str],
    *,
    source: str = "parcels",
) -> None:
    """Refuse a parcel whose ZIP area or partner office is unknown.

    Parameters
    ----------
    lines
        Parcel table or ledger lines (``zip`` and ``office_id`` columns), in file order.
    zips
        Known ZIP areas (5-character codes).
    offices
        Known partner office ids (the ``partner_post_office`` sites of the network).
    source
        Name used in error messages.

    Raises
    ------
    InputError
        The first unknown ZIP or office, naming the 1-based row and the column.
    """
    known_zips, known_offices = set(zips), set(offices)
    for i, (z, office) in enumerate(zip(lines["zip"].astype(str), lines["office_id"].astype(str),
                                        strict=True), start=1):
        if z.strip() not in known_zips:
            raise InputError(source, f"unknown ZIP area {z!r}", row=i, column="zip")
        if office.strip() not in known_offices:
            raise InputError(source, f"unknown partner office {office!r} (not a "
                             "partner_post_office of the network)", row=i, column="office_id")


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


def reconcile(
    lines: pd.DataFrame,
    statements: pd.DataFrame,
    partner: PostalPartner | Mapping[str, PostalPartner] | None = None,
) -> list[str]:
    """Independent check of ledger lines and statements against the partners' own terms.

    Every line is re-priced from its partner's terms by a separate path (exact
    fractions of a cent, not the helpers that priced it): the fee of the weight band
    holding the parcel's billable weight (:func:`billable_pounds`), the priority
    surcharge, the revenue share rounded half up to the cent, the premises fee, and
    their total. Each money column of each line is compared with that re-derivation.
    The statements are then recomputed from the re-derived lines, one per (partner,
    date), and compared both ways (a missing statement, an extra statement, a
    statement listed twice) and column by column: the parcel count and every money
    column.

    Parameters
    ----------
    lines
        Ledger lines (:data:`LEDGER_COLUMNS`).
    statements
        Statements (:data:`STATEMENT_COLUMNS`).
    partner
        The terms the lines were priced by, as for :func:`ledger_lines` (default
        :class:`PostalPartner`). A line of a partner without terms is a discrepancy.

    Returns
    -------
    list of str
        The discrepancies found; empty when everything reconciles to the cent.
    """
    terms: dict[str, PostalPartner]
    if partner is None:
        own = PostalPartner()
        terms = {own.name: own}
    elif isinstance(partner, PostalPartner):
        terms = {partner.name: partner}
    else:
        terms = {str(k): v for k, v in partner.items()}
    problems: list[str] = []
    for table, cols, what in ((lines, LEDGER_COLUMNS, "ledger lines"),
                              (statements, STATEMENT_COLUMNS, "statements")):
        absent = [c for c in cols if c not in table.columns]
        if absent:
            return [f"{what} lack column(s): {', '.join(absent)}"]
    money_cols = ("fee_usd", "revenue_share_usd", "premises_fee_usd", "total_usd")
    expected: dict[tuple[str, str], dict[str, int]] = {}
    seen: set[tuple[str, str]] = set()
    for rec in lines.to_dict(orient="records"):
        name, pid, date = str(rec["partner"]), str(rec["parcel_id"]), str(rec["date"])
        where = f"line {name}/{pid}"
        if (name, pid) in seen:
            problems.append(f"{where}: parcel listed twice")
        seen.add((name, pid))
        if name not in terms:
            problems.append(f"{where}: no terms for partner {name!r}")
            continue
        got = {c: _exact_cents(rec[c]) for c in (*money_cols, "shipping_fee_usd")}
        bad = [c for c, v in got.items() if v is None]
        if bad:
            problems.append(f"{where}: {', '.join(bad)} not a whole number of cents")
            continue
        ship = got["shipping_fee_usd"]
        assert ship is not None
        if ship < 0:
            problems.append(f"{where}: shipping_fee_usd {rec['shipping_fee_usd']} < 0")
            continue
        want = _reprice(terms[name], rec.get("weight_kg"), str(rec["service"]), ship)
        if isinstance(want, str):
            problems.append(f"{where}: {want}")
            continue
        for c in money_cols:
            if got[c] != want[c]:
                problems.append(f"{where}: {c} {rec[c]} != {_dollars(want[c])} by the terms")
        acc = expected.setdefault((name, date), dict.fromkeys(MONEY_COLUMNS, 0) | {"parcels": 0})
        acc["parcels"] += 1
        acc["shipping_fee_usd"] += ship
        for c in money_cols:
            acc[c] += want[c]
    stated: dict[tuple[str, str], dict[str, object]] = {}
    for srec in statements.to_dict(orient="records"):
        key = (str(srec["partner"]), str(srec["date"]))
        if key in stated:
            problems.append(f"{key}: statement listed twice")
        stated[key] = {str(k): v for k, v in srec.items()}
    for key in sorted(expected.keys() - stated.keys()):
        problems.append(f"{key}: no statement for ledger lines")
    for key in sorted(stated.keys() - expected.keys()):
        problems.append(f"{key}: statement without ledger lines")
    for key in sorted(expected.keys() & stated.keys()):
        row, want_stmt = stated[key], expected[key]
        if _exact_int(row["parcels"]) != want_stmt["parcels"]:
            problems.append(f"{key}: parcels {row['parcels']} != {want_stmt['parcels']}")
        for c in MONEY_COLUMNS:
            if _exact_cents(row[c]) != want_stmt[c]:
                problems.append(f"{key}: {c} {row[c]} != {_dollars(want_stmt[c])}")
    return problems


#: Kilograms in one avoirdupois pound, exact by definition.
_KG_PER_LB = Fraction(45359237, 10**8)


def billable_pounds(weight_kg: float) -> int:
    """Billable weight of a parcel: its weight rounded up to whole pounds.

    The weight is taken at its shortest decimal form (``repr``) and fractions below
    1e-9 lb (half a microgram: binary noise of a kilogram figure, far below any scale's
    resolution) are dropped, so a parcel of exactly ``k`` pounds bills ``k`` pounds.

    Raises
    ------
    ValueError
        Weight not a positive finite number.
    """
    w = float(weight_kg)
    if not (w > 0 and math.isfinite(w)):
        raise ValueError(f"weight {weight_kg!r} kg is not a positive finite number")
    return max(math.ceil(Fraction(repr(w)) / _KG_PER_LB - Fraction(1, 10**9)), 1)


def _band_pounds(max_kg: float) -> int:
    """Whole pounds a band holds under whole-pound billing (``k`` lb for a ``k x lb`` limit)."""
    return math.floor(Fraction(repr(float(max_kg))) / _KG_PER_LB + Fraction(1, 10**9))


def _exact_cents(value: object) -> int | None:
    """Whole cents of a money value, ``None`` when it is not an exact number of cents."""
    if isinstance(value, float | bool) or value is None:
        return None
    try:
        f = Fraction(str(value).strip()) * 100
    except (ValueError, ZeroDivisionError):
        return None
    return int(f) if f.denominator == 1 else None


def _term_cents(value: Decimal) -> int:
    """Whole cents of an amount in the partner's terms (checked to the cent there)."""
    return int(Fraction(str(value)) * 100)


def _exact_int(value: object) -> int | None:
    try:
        f = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        return None
    return int(f) if f.denominator == 1 else None


def _dollars(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _reprice(terms: PostalPartner, weight_kg: object, service: str, ship_cents: int
             ) -> dict[str, int] | str:
    """One line's charges in cents from the partner's terms, or the reason it has none."""
    if service not in SERVICES:
        return f"service {service!r} is not one of {', '.join(SERVICES)}"
    try:
        pounds = billable_pounds(float(weight_kg))  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        return f"bad weight: {exc}"
    fee: int | None = None
    for max_kg, band_fee in terms.fees.bands:
        if pounds <= _band_pounds(max_kg):
            fee = _term_cents(band_fee)
            break
    if fee is None:
        return f"billable weight {pounds} lb is above the partner's heaviest band"
    if service == "priority_same_day":
        fee += _term_cents(terms.priority_surcharge_usd)
    # Revenue share: pct % of the shipping fee, rounded half up to the cent.
    raw = Fraction(ship_cents) * Fraction(str(terms.revenue_share_pct)) / 100
    share = math.floor(raw + Fraction(1, 2))
    premises = _term_cents(terms.premises_fee_usd)
    return {"fee_usd": fee, "revenue_share_usd": share, "premises_fee_usd": premises,
            "total_usd": fee + share + premises}
