"""Rules of an order table that the CLI, the API and the library share.

:func:`~hinterland.promise.engine.parse_orders` checks each value's type and range;
:func:`check_orders` adds the rules of a whole table that the HTTP API's
``OrderIn`` model also enforces, so both accept the same orders:

* only known columns (:data:`ORDER_COLUMNS`): a misspelt optional column would
  otherwise be ignored;
* ``order_id`` unique;
* ``destination_zip`` (or ``zip``) exactly 5 digits, as text: ``1001`` is refused
  (a leading zero lost by a spreadsheet), and so is a Parquet column of integers;
* a ZIP area *or* a lat/lon point per row, not both;
* ``lat``/``lon`` on US soil (``0,0`` and flipped signs are refused);
* ``weight_kg`` at most :data:`MAX_WEIGHT_KG`;
* ``shipping_fee_usd`` a decimal amount of at most :data:`MAX_FEE_USD`;
* ``tier`` present in every row.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from hinterland.core.errors import InputError
from hinterland.core.vocabulary import TIERS
from hinterland.network.facilities import check_us_soil

__all__ = ["MAX_FEE_USD", "MAX_WEIGHT_KG", "ORDER_COLUMNS", "check_orders", "check_points"]

#: Heaviest parcel an order may carry, kg (the API's ``weight_kg`` limit too).
MAX_WEIGHT_KG = 1000.0
#: Largest shipping fee an order may carry, USD (the API's ``shipping_fee_usd`` limit too).
MAX_FEE_USD = Decimal("10000")

#: Every column an order table may have (see :func:`~hinterland.promise.engine.parse_orders`).
ORDER_COLUMNS: tuple[str, ...] = (
    "order_id", "destination_zip", "zip", "lat", "lon", "weight_kg", "order_time",
    "order_min", "tier", "item_id", "in_hub_stock", "weather_ok", "shipping_fee_usd",
)


def check_points(points: pd.DataFrame, source: str = "orders") -> None:
    """Refuse the first ``lat``/``lon`` point not on US soil (the API uses it too).

    Raises
    ------
    InputError
        Naming the 1-based row (of ``points``) and the ``lon`` column.
    """
    check_us_soil(points, source)


def _present(values: pd.Series) -> np.ndarray:
    text = values.astype(str).str.strip()
    return (values.notna() & (text != "") & (text.str.lower() != "nan")).to_numpy()


def check_orders(orders: pd.DataFrame, *, source: str = "orders", allow_extra: bool = False
                 ) -> pd.DataFrame:
    """Check the table-wide rules of an order table (module docstring); return it.

    Parameters
    ----------
    orders
        Order table as read (text or typed columns).
    source
        File name used in error messages.
    allow_extra
        Accept columns outside :data:`ORDER_COLUMNS` (a library caller's own columns);
        the CLI and the API refuse them.

    Raises
    ------
    InputError
        The first rule broken, naming the 1-based row and the column.
    """
    cols = [str(c) for c in orders.columns]
    unknown = [c for c in cols if c not in ORDER_COLUMNS]
    if unknown and not allow_extra:
        raise InputError(source, f"unknown column (an order table has: "
                         f"{', '.join(ORDER_COLUMNS)})", column=unknown[0])
    if "destination_zip" in cols and "zip" in cols:
        raise InputError(source, "give destination_zip or zip, not both", column="zip")
    if "order_id" in cols:
        ids = orders["order_id"].astype(str).str.strip()
        missing = ~_present(orders["order_id"])
        if missing.any():
            raise InputError(source, "empty order id", row=int(np.argmax(missing)) + 1,
                             column="order_id")
        dup = ids.duplicated().to_numpy()
        if dup.any():
            i = int(np.argmax(dup))
            first = int(np.flatnonzero((ids == ids.iloc[i]).to_numpy())[0]) + 1
            raise InputError(source, f"order id {ids.iloc[i]!r} appears twice (first on row "
                             f"{first})", row=i + 1, column="order_id")
    zcol = "destination_zip" if "destination_zip" in cols else ("zip" if "zip" in cols else None)
    has_zip = np.zeros(len(orders), bool)
    if zcol is not None:
        z = orders[zcol]
        if pd.api.types.is_numeric_dtype(z.dtype):
            raise InputError(source, "ZIP codes are stored as numbers, which loses leading "
                             "zeros; store them as 5-character text", column=zcol)
        has_zip = _present(z)
        text = z.astype(str).str.strip()
        bad = has_zip & ~text.str.fullmatch(r"\d{5}").to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            code = text.iloc[i]
            hint = (f" (a leading zero lost? write {code.zfill(5)})"
                    if code.isdigit() and len(code) < 5 else "")
            raise InputError(source, f"{code!r} is not a 5-digit ZIP code{hint}", row=i + 1,
                             column=zcol)
    if "lat" in cols or "lon" in cols:
        if not ("lat" in cols and "lon" in cols):
            raise InputError(source, "give both lat and lon columns",
                             column="lon" if "lat" in cols else "lat")
        point = _present(orders["lat"]) | _present(orders["lon"])
        both = point & has_zip
        if both.any():
            raise InputError(source, "give a ZIP area or lat/lon, not both",
                             row=int(np.argmax(both)) + 1, column="lat")
        pts = orders.loc[point, ["lat", "lon"]]
        if len(pts):
            for name in ("lat", "lon"):
                num = pd.to_numeric(pts[name], errors="coerce").to_numpy(dtype=float)
                bad = ~np.isfinite(num)
                if bad.any():
                    row = int(np.flatnonzero(point)[int(np.argmax(bad))]) + 1
                    raise InputError(source, f"{pts[name].iloc[int(np.argmax(bad))]!r} is not "
                                     f"a number", row=row, column=name)
            rows = np.flatnonzero(point)
            try:
                check_points(pts.reset_index(drop=True), source)
            except InputError as exc:
                raise InputError(source, exc.reason, row=int(rows[(exc.row or 1) - 1]) + 1,
                                 column=exc.column) from None
    if "weight_kg" in cols:
        w = pd.to_numeric(orders["weight_kg"], errors="coerce").to_numpy(dtype=float)
        heavy = w > MAX_WEIGHT_KG
        if heavy.any():
            i = int(np.argmax(heavy))
            raise InputError(source, f"{orders['weight_kg'].iloc[i]!r} kg is above the "
                             f"{MAX_WEIGHT_KG:g} kg a parcel may weigh", row=i + 1,
                             column="weight_kg")
    if "shipping_fee_usd" in cols:
        fees = orders["shipping_fee_usd"]
        for pos in np.flatnonzero(_present(fees)).tolist():
            fee_text = str(fees.iloc[pos]).strip()
            try:
                value = Decimal(fee_text)
                ok = value.is_finite() and abs(value) <= MAX_FEE_USD
            except (InvalidOperation, ValueError):
                ok = False
            if not ok:
                raise InputError(source, f"shipping fee {fee_text!r} is not an amount of at "
                                 f"most {MAX_FEE_USD} USD", row=pos + 1,
                                 column="shipping_fee_usd")
    if "tier" in cols:
        blank = ~_present(orders["tier"])
        if blank.any():

            raise InputError(source, f"empty tier (one of {', '.join(TIERS)})",
                             row=int(np.argmax(blank)) + 1, column="tier")
    return orders
