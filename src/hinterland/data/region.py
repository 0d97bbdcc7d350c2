"""Selecting ZIP areas by state and rurality, and summarising them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from hinterland.core.errors import HinterlandError
from hinterland.data.rurality import RURALITY_CLASSES


def select_zip_areas(
    zips: pd.DataFrame,
    states: Sequence[str] | None = None,
    rurality: Sequence[str] | None = None,
    counties: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of a ZIP-area table in the given states, rurality classes and counties.

    Raises
    ------
    HinterlandError
        A state code, rurality class or county FIPS that matches no ZIP area.
    """
    mask = pd.Series(True, index=zips.index)
    if states:
        wanted = [s.strip().upper() for s in states]
        known = set(zips["state"].unique())
        unknown = [s for s in wanted if s not in known]
        if unknown:
            raise HinterlandError(
                f"unknown state code(s): {', '.join(unknown)} (use 2-letter codes such as MT, "
                f"WY; known: the 50 states and DC)"
            )
        mask &= zips["state"].isin(wanted)
    if rurality:
        wanted_r = [r.strip().lower().replace("-", "_") for r in rurality]
        unknown = [r for r in wanted_r if r not in RURALITY_CLASSES]
        if unknown:
            raise HinterlandError(
                f"unknown rurality class(es): {', '.join(unknown)}; "
                f"expected {', '.join(RURALITY_CLASSES)}"
            )
        mask &= zips["rurality"].astype(str).isin(wanted_r)
    if counties:
        wanted_c = [c.strip().zfill(5) for c in counties]
        unknown = [c for c in wanted_c if c not in set(zips["county_fips"])]
        if unknown:
            raise HinterlandError(f"unknown county FIPS code(s): {', '.join(unknown)}")
        mask &= zips["county_fips"].isin(wanted_c)
    return zips.loc[mask]


def summarise_zip_areas(zips: pd.DataFrame) -> dict[str, Any]:
    """Totals and a per-rurality breakdown of ZIP count, population and land area.

    Returns
    -------
    dict
        ``zip_areas``, ``population``, ``land_km2`` (totals), ``nonmetro_zip_areas``,
        ``nonmetro_population`` (primary RUCA 4-10) and ``by_rurality``: a list of
        ``{rurality, zip_areas, population, land_km2, population_share}``, one per class.
    """
    total_pop = int(zips["population"].sum())
    groups = zips.groupby(zips["rurality"].astype(str))
    rows = []
    for cls in RURALITY_CLASSES:
        part = groups.get_group(cls) if cls in groups.groups else zips.iloc[0:0]
        pop = int(part["population"].sum())
        rows.append(
            {
                "rurality": cls,
                "zip_areas": len(part),
                "population": pop,
                "land_km2": float(part["land_km2"].sum()),
                "population_share": pop / total_pop if total_pop else 0.0,
            }
        )
    ruca = zips["ruca"]
    nonmetro = (ruca >= 4) & (ruca <= 10)
    return {
        "zip_areas": len(zips),
        "population": total_pop,
        "land_km2": float(zips["land_km2"].sum()),
        "nonmetro_zip_areas": int(nonmetro.sum()),
        "nonmetro_population": int(zips.loc[nonmetro, "population"].sum()),
        "by_rurality": rows,
    }
