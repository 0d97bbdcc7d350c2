"""End-to-end jobs that chain the stages; ``hinterland demo`` runs one of them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from hinterland.data.registry import data_path
from hinterland.data.rurality import RURALITY_CLASSES
from hinterland.data.zip_areas import zip_areas
from hinterland.geo.travel import TravelModel
from hinterland.network.facilities import load_facilities


def default_fulfillment_centers() -> pd.DataFrame:
    """The public 2019 fulfillment-center list, duplicate coordinates dropped."""
    fcs = load_facilities(
        data_path("facilities/amazon_fulfillment_centers_2019.csv"), kind="fulfillment_center"
    )
    return fcs.drop_duplicates(["lat", "lon"], ignore_index=True)


def foundation_demo(travel: TravelModel | None = None) -> dict[str, Any]:
    """Population-weighted drive time from every ZIP area to its nearest fulfillment center."""
    travel = travel or TravelModel()
    zips = zip_areas()
    fcs = default_fulfillment_centers()
    near = travel.nearest(zips, fcs)
    zips = zips.assign(drive_min=near["drive_min"].to_numpy())
    rows = []
    for cls in RURALITY_CLASSES:
        part = zips[zips["rurality"] == cls]
        w = part["population"].to_numpy(dtype=float)
        order = np.argsort(part["drive_min"].to_numpy())
        cum = np.cumsum(w[order]) / max(w.sum(), 1.0)
        minutes = part["drive_min"].to_numpy()[order]
        rows.append(
            {
                "rurality": cls,
                "zip_areas": len(part),
                "population": int(w.sum()),
                "median_drive_min": float(minutes[np.searchsorted(cum, 0.5)])
                if len(part)
                else np.nan,
                "p90_drive_min": float(minutes[np.searchsorted(cum, 0.9)]) if len(part) else np.nan,
                "share_within_60_min": float(
                    w[part["drive_min"].to_numpy() <= 60].sum() / max(w.sum(), 1)
                ),
            }
        )
    return {
        "zip_areas": len(zips),
        "population": int(zips["population"].sum()),
        "fulfillment_centers": len(fcs),
        "by_rurality": rows,
    }
