"""Clocks: IANA zones from tzfpy, offsets from zoneinfo, facility -> destination clocks."""

from __future__ import annotations

import datetime as dt

import numpy as np

from hinterland.core.clock import clock_shift_min, time_zones, utc_offset_min


def test_zones_and_offsets_of_real_places() -> None:
    zones = time_zones([45.68, 47.61, 40.75, 33.45, 21.31], [-111.04, -122.33, -73.99,
                                                             -112.07, -157.86])
    assert list(zones) == ["America/Denver", "America/Los_Angeles", "America/New_York",
                           "America/Phoenix", "Pacific/Honolulu"]
    winter = utc_offset_min(zones, dt.date(2026, 1, 15))
    summer = utc_offset_min(zones, dt.date(2026, 7, 15))
    assert list(winter) == [-420, -480, -300, -420, -600]
    assert list(summer) == [-360, -420, -240, -420, -600]  # Arizona keeps standard time


def test_a_pacific_departure_on_a_mountain_clock() -> None:
    pac, mtn = utc_offset_min(["America/Los_Angeles", "America/Denver"], "2026-03-04")
    assert 22 * 60 + clock_shift_min(pac, mtn) == 23 * 60


def test_zip_areas_carry_their_zone(zips) -> None:  # type: ignore[no-untyped-def]
    z = zips.set_index("zip")
    assert z.loc["59715", "time_zone"] == "America/Denver"  # Bozeman MT
    assert z.loc["97601", "time_zone"] == "America/Los_Angeles"  # Klamath Falls OR
    assert z["time_zone"].notna().all() and (z["time_zone"] != "").all()
    assert np.isin(z["time_zone"].str.split("/").str[0], ["America", "Pacific"]).mean() > 0.99
