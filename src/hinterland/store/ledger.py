"""Persistent partner ledger and daily statements (idempotent per day).

Tables (money in integer cents):

* ``partner_parcels``: one row per parcel handed to a partner, unique by
  (partner, parcel_id); columns of :data:`hinterland.carriers.settlement.LEDGER_COLUMNS`.
* ``partner_statements``: one row per (partner, date): parcel count and sums.

:func:`settle_day` replaces the day's lines of each partner in the batch by the
batch (the day's parcel list is authoritative) and rebuilds those statements in
one transaction, so running a day twice leaves exactly the same rows. A parcel
already recorded for the same partner on another day is refused.

The ledger behaves the same on SQLite and PostgreSQL (``tests/store`` runs on both):

* Settlements are serialised: on PostgreSQL each :func:`settle_day` transaction first
  takes a transaction-scoped advisory lock (:data:`LOCK_KEY`); SQLite's single writer
  lock does the same. Concurrent runs (the same day twice, other partners or days) end
  exactly as if run one after another instead of failing on a unique key.
* Values too long for their column are refused with :class:`InputError` (PostgreSQL
  would raise a driver error, SQLite would store them).
* Rows come back in code-point order (as :func:`~hinterland.carriers.settlement.
  daily_statements` orders them), whatever the server's collation.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pandas as pd
from sqlalchemy import String, delete, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from hinterland.carriers.settlement import (
    LEDGER_COLUMNS,
    MONEY_COLUMNS,
    STATEMENT_COLUMNS,
    parse_date,
)
from hinterland.core.errors import InputError
from hinterland.core.money import from_cents, to_cents
from hinterland.store.db import session_scope
from hinterland.store.models import PartnerParcel, PartnerStatement

_CENTS = {c: c.replace("_usd", "_cents") for c in MONEY_COLUMNS}
#: PostgreSQL advisory lock key held by every :func:`settle_day` transaction.
LOCK_KEY = 0x68696E7465726C64  # "hinterld"


#: Called with the day's statements and ledger lines just before the commit.
BeforeCommit = Callable[[pd.DataFrame, pd.DataFrame], None]


def settle_day(
    engine: Engine,
    date: str,
    lines: pd.DataFrame | None = None,
    *,
    before_commit: BeforeCommit | None = None,
) -> pd.DataFrame:
    """Record the day's ledger lines (if given) and (re)build the day's statements.

    Parameters
    ----------
    engine
        Database (see :func:`hinterland.store.db.make_engine`).
    date
        The day, ``YYYY-MM-DD``.
    lines
        Ledger lines from :func:`hinterland.carriers.settlement.ledger_lines`; those
        whose ``date`` is ``date`` replace the stored lines of their partners for that
        day. Lines of other days are refused. ``None``: only rebuild statements.
    before_commit
        ``before_commit(statements, day_lines)`` runs inside the transaction, with the
        day's statements and ledger lines as they will be committed; if it raises,
        nothing is committed. A command uses it to check the statements and write its
        output files first, so that the ledger commits last (all or nothing).

    Returns
    -------
    pandas.DataFrame
        The day's statements (:data:`~hinterland.carriers.settlement.STATEMENT_COLUMNS`).

    Raises
    ------
    InputError
        A line of another day, a parcel listed twice, a value longer than its column
        allows, or a parcel already recorded on another day.
    """
    day = parse_date(date, source="--date")
    if lines is not None and len(lines):
        _check_lines(lines, day)
    with session_scope(engine) as s:
        if engine.dialect.name == "postgresql":
            s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        if lines is not None and len(lines):
            partners = sorted(set(lines["partner"].astype(str)))
            s.execute(delete(PartnerParcel).where(PartnerParcel.date == day,
                                                  PartnerParcel.partner.in_(partners)))
            clash = s.execute(
                select(PartnerParcel.partner, PartnerParcel.parcel_id, PartnerParcel.date).where(
                    PartnerParcel.partner.in_(partners),
                    PartnerParcel.parcel_id.in_(lines["parcel_id"].astype(str).tolist()))
            ).first()
            if clash is not None:
                raise InputError("ledger lines", f"parcel {clash.parcel_id!r} of {clash.partner} "
                                 f"is already settled on {clash.date}", column="parcel_id")
            s.add_all(
                PartnerParcel(
                    partner=str(r["partner"]), parcel_id=str(r["parcel_id"]), date=day,
                    zip=str(r["zip"]), office_id=str(r["office_id"]),
                    weight_kg=float(r["weight_kg"]), service=str(r["service"]),
                    **{_CENTS[c]: to_cents(Decimal(r[c])) for c in MONEY_COLUMNS},
                )
                for r in lines[list(LEDGER_COLUMNS)].to_dict(orient="records")
            )
            s.flush()
        s.execute(delete(PartnerStatement).where(PartnerStatement.date == day))
        sums = s.execute(
            select(
                PartnerParcel.partner,
                func.count(PartnerParcel.id),
                *(func.sum(getattr(PartnerParcel, _CENTS[c])) for c in MONEY_COLUMNS),
            ).where(PartnerParcel.date == day).group_by(PartnerParcel.partner)
        ).all()
        for summed in sums:
            values = list(summed)
            money = dict(zip((_CENTS[c] for c in MONEY_COLUMNS), values[2:], strict=True))
            s.add(PartnerStatement(partner=str(values[0]), date=day, parcels=int(values[1]),
                                   **{k: int(v) for k, v in money.items()}))
        s.flush()
        result = _statements(s, day)
        if before_commit is not None:
            before_commit(result, _ledger(s, day, None))
    return result


def _check_lines(lines: pd.DataFrame, day: str) -> None:
    """Refuse lines of another day, repeated parcels and values too long for their column."""
    other = lines["date"].astype(str) != day
    if other.any():
        row = int(other.to_numpy().nonzero()[0][0]) + 1
        raise InputError("ledger lines", f"line dated {lines['date'].iloc[row - 1]} "
                         f"while settling {day}", row=row, column="date")
    twice = pd.DataFrame({"partner": lines["partner"].astype(str),
                          "parcel_id": lines["parcel_id"].astype(str)}).duplicated()
    if twice.any():
        row = int(twice.to_numpy().nonzero()[0][0]) + 1
        raise InputError("ledger lines", f"parcel {lines['parcel_id'].iloc[row - 1]!r} of "
                         f"{lines['partner'].iloc[row - 1]} appears twice", row=row,
                         column="parcel_id")
    for column in ("partner", "parcel_id", "zip", "office_id", "service"):
        kind = PartnerParcel.__table__.c[column].type
        limit = kind.length if isinstance(kind, String) else None
        if limit is None:
            continue
        too_long = lines[column].astype(str).str.len() > limit
        if too_long.any():
            row = int(too_long.to_numpy().nonzero()[0][0]) + 1
            raise InputError("ledger lines", f"{column} is longer than {limit} characters",
                             row=row, column=column)


def statements(engine: Engine, date: str | None = None) -> pd.DataFrame:
    """Stored statements (of one day, or all), money as Decimal."""
    with session_scope(engine) as s:
        return _statements(s, date)


def _statements(s: Session, date: str | None) -> pd.DataFrame:
    q = select(PartnerStatement).order_by(PartnerStatement.partner, PartnerStatement.date)
    if date is not None:
        q = q.where(PartnerStatement.date == parse_date(date, source="--date"))
    rows = [
        {"partner": r.partner, "date": r.date, "parcels": r.parcels,
         **{c: from_cents(getattr(r, _CENTS[c])) for c in MONEY_COLUMNS}}
        for r in s.scalars(q)
    ]
    # Sort here, not in SQL: the server's collation may not be code-point order.
    return _ordered(pd.DataFrame(rows, columns=list(STATEMENT_COLUMNS)), ["partner", "date"])


def ledger(engine: Engine, date: str | None = None, partner: str | None = None) -> pd.DataFrame:
    """Stored ledger lines, money as Decimal (:data:`LEDGER_COLUMNS`)."""
    with session_scope(engine) as s:
        return _ledger(s, date, partner)


def _ledger(s: Session, date: str | None, partner: str | None) -> pd.DataFrame:
    q = select(PartnerParcel).order_by(PartnerParcel.partner, PartnerParcel.date,
                                       PartnerParcel.parcel_id)
    if date is not None:
        q = q.where(PartnerParcel.date == parse_date(date, source="--date"))
    if partner is not None:
        q = q.where(PartnerParcel.partner == partner)
    rows = [
        {"partner": r.partner, "parcel_id": r.parcel_id, "date": r.date, "zip": r.zip,
         "office_id": r.office_id, "weight_kg": r.weight_kg, "service": r.service,
         **{c: from_cents(getattr(r, _CENTS[c])) for c in MONEY_COLUMNS}}
        for r in s.scalars(q)
    ]
    return _ordered(pd.DataFrame(rows, columns=list(LEDGER_COLUMNS)),
                    ["partner", "date", "parcel_id"])


def _ordered(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``table`` sorted by ``by`` in code-point order (Python's), index reset."""
    return table.sort_values(by, kind="stable").reset_index(drop=True)


def count_lines(engine: Engine) -> int:
    """Number of ledger lines stored (all partners, all days)."""
    with session_scope(engine) as s:
        return int(s.execute(select(func.count(PartnerParcel.id))).scalar_one())


