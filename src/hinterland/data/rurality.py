"""RUCA codes and the four rurality classes built from them.

The mapping follows the USDA ERS four-way grouping of primary RUCA codes
(https://www.ers.usda.gov/data-products/rural-urban-commuting-area-codes/):
codes 1-3 metropolitan, 4-6 micropolitan, 7-9 small town, 10 rural.
Code 99 ("not coded": zero-population tract) takes the class of the nearest
coded ZIP area (see :func:`hinterland.data.zip_areas.zip_areas`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Rurality classes, densest first.
RURALITY_CLASSES: tuple[str, ...] = ("metro", "micropolitan", "small_town", "rural")

#: Primary RUCA code -> rurality class.
RUCA_TO_RURALITY: dict[int, str] = {
    1: "metro",
    2: "metro",
    3: "metro",
    4: "micropolitan",
    5: "micropolitan",
    6: "micropolitan",
    7: "small_town",
    8: "small_town",
    9: "small_town",
    10: "rural",
}

#: Code for ZIP areas RUCA leaves uncoded.
RUCA_NOT_CODED = 99

#: Short labels of the primary RUCA codes (USDA ERS, 2010 codes).
RUCA_LABELS: dict[int, str] = {
    1: "Metropolitan core",
    2: "Metropolitan high commuting",
    3: "Metropolitan low commuting",
    4: "Micropolitan core",
    5: "Micropolitan high commuting",
    6: "Micropolitan low commuting",
    7: "Small town core",
    8: "Small town high commuting",
    9: "Small town low commuting",
    10: "Rural areas",
    99: "Not coded",
}


def rurality_of(ruca: np.ndarray | pd.Series) -> pd.Categorical:
    """Rurality class of primary RUCA codes (``NaN`` where uncoded)."""
    codes = pd.Series(np.asarray(ruca)).map(RUCA_TO_RURALITY)
    return pd.Categorical(codes, categories=list(RURALITY_CLASSES), ordered=True)  # type: ignore[return-value]


def is_nonmetro(ruca: np.ndarray | pd.Series) -> np.ndarray:
    """Non-metro ZIP areas: primary RUCA 4-10 (uncoded 99 excluded)."""
    arr = np.asarray(ruca)
    return (arr >= 4) & (arr <= 10)
