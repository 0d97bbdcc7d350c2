"""Every table hinterland stores, in one module (SQLAlchemy 2 declarative models).

:class:`Base` is the declarative base; :func:`hinterland.store.db.make_engine` creates
all tables registered here. The ledger's queries are in :mod:`hinterland.store.ledger`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["Base", "PartnerParcel", "PartnerStatement"]


class Base(DeclarativeBase):
    """Declarative base of every hinterland table."""


class PartnerParcel(Base):
    """One parcel line of the partner ledger."""

    __tablename__ = "partner_parcels"
    __table_args__ = (UniqueConstraint("partner", "parcel_id", name="uq_partner_parcel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner: Mapped[str] = mapped_column(String(64), index=True)
    parcel_id: Mapped[str] = mapped_column(String(128))
    date: Mapped[str] = mapped_column(String(10), index=True)
    zip: Mapped[str] = mapped_column(String(5))
    office_id: Mapped[str] = mapped_column(String(128))
    weight_kg: Mapped[float] = mapped_column(Float)
    service: Mapped[str] = mapped_column(String(32))
    shipping_fee_cents: Mapped[int] = mapped_column(BigInteger)
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    revenue_share_cents: Mapped[int] = mapped_column(BigInteger)
    premises_fee_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)


class PartnerStatement(Base):
    """A daily statement of one partner."""

    __tablename__ = "partner_statements"

    partner: Mapped[str] = mapped_column(String(64), primary_key=True)
    date: Mapped[str] = mapped_column(String(10), primary_key=True)
    parcels: Mapped[int] = mapped_column(Integer)
    shipping_fee_cents: Mapped[int] = mapped_column(BigInteger)
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    revenue_share_cents: Mapped[int] = mapped_column(BigInteger)
    premises_fee_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
