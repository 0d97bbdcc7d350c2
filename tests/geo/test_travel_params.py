"""Travel model parameters: physically meaningless values are refused, boundaries hold."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hinterland.core.errors import HinterlandError
from hinterland.geo import TravelModel
from hinterland.geo.travel import DEFAULT_CIRCUITY, DEFAULT_SPEED_KMH

BAD = [("negative", -1.0), ("nan", math.nan), ("inf", math.inf)]


@pytest.mark.parametrize("cls", list(DEFAULT_CIRCUITY))
@pytest.mark.parametrize(("label", "bad"), BAD)
def test_circuity_must_be_finite_and_at_least_one(cls: str, label: str, bad: float) -> None:
    with pytest.raises(HinterlandError):
        TravelModel(circuity={**DEFAULT_CIRCUITY, cls: bad})


@pytest.mark.parametrize("cls", list(DEFAULT_CIRCUITY))
def test_circuity_boundary_is_one(cls: str) -> None:
    assert TravelModel(circuity={**DEFAULT_CIRCUITY, cls: 1.0}).circuity[cls] == 1.0
    with pytest.raises(HinterlandError):  # roads are never shorter than the straight line
        TravelModel(circuity={**DEFAULT_CIRCUITY, cls: 1.0 - 1e-9})


@pytest.mark.parametrize("cls", list(DEFAULT_SPEED_KMH))
@pytest.mark.parametrize(("label", "bad"), [*BAD, ("zero", 0.0)])
def test_speed_must_be_positive_and_finite(cls: str, label: str, bad: float) -> None:
    with pytest.raises(HinterlandError):
        TravelModel(speed_kmh={**DEFAULT_SPEED_KMH, cls: bad})
    assert TravelModel(speed_kmh={**DEFAULT_SPEED_KMH, cls: 1e-6}).speed_kmh[cls] == 1e-6


@pytest.mark.parametrize(("label", "bad"), BAD)
def test_access_time_must_be_finite_and_non_negative(label: str, bad: float) -> None:
    with pytest.raises(HinterlandError):
        TravelModel(access_min=bad)


def test_access_time_zero_is_accepted() -> None:
    assert TravelModel(access_min=0.0).drive_min(60.0, "rural") == pytest.approx(60 / 70 * 60)
    with pytest.raises(HinterlandError):
        TravelModel(access_min=-1e-9)


def test_missing_class_and_unknown_default_are_refused() -> None:
    with pytest.raises(HinterlandError, match="lacks"):
        TravelModel(circuity={"metro": 1.2})
    with pytest.raises(HinterlandError, match="lacks"):
        TravelModel(speed_kmh={"metro": 40.0})
    with pytest.raises(HinterlandError):
        TravelModel(default_rurality="suburb")


def _pts() -> pd.DataFrame:
    return pd.DataFrame({"lat": [45.0, 45.1], "lon": [-108.0, -108.1]})


@pytest.mark.parametrize("kw", ["radius_km", "radius_min"])
@pytest.mark.parametrize(("label", "bad"), BAD)
def test_within_refuses_meaningless_radius(kw: str, label: str, bad: float) -> None:
    with pytest.raises(HinterlandError):
        TravelModel().within(_pts(), _pts(), **{kw: bad})


@pytest.mark.parametrize("kw", ["radius_km", "radius_min"])
def test_within_radius_zero_is_accepted(kw: str) -> None:
    pairs = TravelModel(access_min=0.0).within(_pts(), _pts(), **{kw: 0.0})
    assert sorted(zip(pairs["point"], pairs["centre"], strict=True)) == [(0, 0), (1, 1)]
    assert np.all(pairs["road_km"] == 0.0)
