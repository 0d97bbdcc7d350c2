"""Exact money: :class:`decimal.Decimal` US dollars and integer cents.

Money that is billed (fees, revenue shares, statements) is never a float. Carrier
parameters are Decimals quantised to the cent; vectorised code works in ``int64``
cents, which is exact, and converts back with :func:`from_cents`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from hinterland.core.errors import HinterlandError

#: One cent.
CENT = Decimal("0.01")


def usd(value: Decimal | int | str, *, name: str = "amount") -> Decimal:
    """Parse a dollar amount exactly and check it has at most cent precision.

    Parameters
    ----------
    value
        ``Decimal``, ``int`` or a decimal string such as ``"3.10"``. Floats are
        refused: their binary value is rarely the intended cents.
    name
        Name used in the error message.

    Raises
    ------
    HinterlandError
        Not a finite number, or finer than a cent.
    """
    if isinstance(value, float | bool):
        raise HinterlandError(f"{name}: give money as a decimal string or Decimal, not {value!r}")
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise HinterlandError(f"{name}: {value!r} is not a decimal amount") from None
    if not d.is_finite():
        raise HinterlandError(f"{name}: {value!r} is not a finite amount")
    if d != d.quantize(CENT):
        raise HinterlandError(f"{name}: {value!r} has sub-cent precision")
    return d.quantize(CENT)


def round_cents(value: Decimal) -> Decimal:
    """Round an exact Decimal to the cent, half away from zero (commercial rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> int:
    """Whole cents of a cent-precision Decimal (exact; raises on sub-cent input)."""
    d = usd(value)
    return int(d * 100)


def from_cents(cents: int) -> Decimal:
    """Decimal dollars of an integer number of cents (exact)."""
    return (Decimal(int(cents)) / 100).quantize(CENT)
