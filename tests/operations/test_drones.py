"""Drone rules: flight time, CO2, daylight hours and daily capacity, by hand-computed values.

Daylight is checked against almanac sunrise and sunset times (to a few minutes), not
against the library the code uses.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from hinterland.operations import DroneFleet


def test_flight_time_and_co2_by_hand() -> None:
    d = DroneFleet(speed_kmh=60.0, co2_kg_per_km=0.5)
    np.testing.assert_allclose(d.flight_min([0.0, 6.0, 30.0]), [0.0, 6.0, 30.0])
    np.testing.assert_allclose(DroneFleet(speed_kmh=80.0).flight_min([12.0]), [9.0])
    np.testing.assert_allclose(d.parcel_co2_kg([0.0, 3.0]), [0.0, 3.0])  # out and back


def test_daily_capacity_is_whole_flights() -> None:
    d = DroneFleet(open_min=480, close_min=1200, flights_per_hour=4.0, availability=0.85)
    assert d.daily_capacity() == 40  # floor(12 h x 4 x 0.85 = 40.8)
    np.testing.assert_array_equal(d.daily_capacity(np.array([480.0, 600.0, 700.0]),
                                                   np.array([540.0, 600.0, 715.0])),
                                  [3.0, 0.0, 0.0])  # 1 h x 3.4; none; 15 min x 3.4 / 60 = 0.85
    assert DroneFleet(availability=1.0, flights_per_hour=2.0, open_min=0,
                      close_min=90).daily_capacity() == 3


def _hours(lat: float, lon: float, zone: str, date: dt.date,
           d: DroneFleet | None = None) -> tuple[float, float]:
    o, c = (d or DroneFleet()).hours([lat], [lon], [zone], date)
    return float(o[0]), float(c[0])


def test_winter_daylight_cuts_the_hours() -> None:
    # Fairbanks AK, 2025-12-21: sunrise 10:58, sunset 14:40 AKST (NOAA).
    o, c = _hours(64.8378, -147.7164, "America/Anchorage", dt.date(2025, 12, 21))
    assert o == pytest.approx(10 * 60 + 58, abs=4)
    assert c == pytest.approx(14 * 60 + 40, abs=4)


def test_summer_daylight_leaves_the_configured_hours() -> None:
    # Billings MT, 2025-06-21: sunrise ~05:21, sunset ~21:03 MDT: 08:00-20:00 stand.
    assert _hours(45.7833, -108.5007, "America/Denver", dt.date(2025, 6, 21)) == (480.0, 1200.0)
    # A site open at 05:00 opens at sunrise instead.
    early = DroneFleet(open_min=300.0, close_min=1320.0)
    o, c = _hours(45.7833, -108.5007, "America/Denver", dt.date(2025, 6, 21), early)
    assert o == pytest.approx(5 * 60 + 21, abs=8)
    assert c == pytest.approx(21 * 60 + 3, abs=8)


def test_polar_night_and_polar_day() -> None:
    # Utqiagvik AK: no sunrise on 2025-12-21 (no flying), no sunset on 2025-06-21.
    o, c = _hours(71.2906, -156.7887, "America/Anchorage", dt.date(2025, 12, 21))
    assert c == o
    assert DroneFleet().daily_capacity(np.array([o]), np.array([c]))[0] == 0
    assert _hours(71.2906, -156.7887, "America/Anchorage", dt.date(2025, 6, 21)) == (480.0,
                                                                                      1200.0)


def test_hours_are_per_site() -> None:
    o, c = DroneFleet().hours([64.8378, 45.7833], [-147.7164, -108.5007],
                              ["America/Anchorage", "America/Denver"], dt.date(2025, 12, 21))
    # Fairbanks as above; Billings MT: sunrise ~07:59, sunset ~16:33 MST.
    assert o.shape == c.shape == (2,)
    assert o[0] == pytest.approx(10 * 60 + 58, abs=4) and c[0] == pytest.approx(880, abs=4)
    assert o[1] == pytest.approx(480, abs=4) and c[1] == pytest.approx(16 * 60 + 33, abs=8)


def test_hours_keep_seconds_of_sunrise_and_sunset() -> None:
    from zoneinfo import ZoneInfo

    from astral import Observer
    from astral.sun import sun

    date = dt.date(2025, 12, 21)
    s = sun(Observer(64.8378, -147.7164), date, tzinfo=ZoneInfo("America/Anchorage"))
    rise = s["sunrise"].hour * 60 + s["sunrise"].minute + s["sunrise"].second / 60
    set_ = s["sunset"].hour * 60 + s["sunset"].minute + s["sunset"].second / 60
    assert s["sunrise"].second or s["sunset"].second  # seconds matter in this case
    o, c = _hours(64.8378, -147.7164, "America/Anchorage", date)
    assert o == pytest.approx(rise, abs=1e-9) and c == pytest.approx(set_, abs=1e-9)


def test_hours_go_on_after_a_polar_site() -> None:
    o, c = DroneFleet().hours([71.2906, 64.8378, 71.2906], [-156.7887, -147.7164, -156.7887],
                              ["America/Anchorage"] * 3, dt.date(2025, 12, 21))
    assert c[0] == o[0] and c[2] == o[2]  # polar night: no flying
    assert o[1] == pytest.approx(658, abs=4) and c[1] == pytest.approx(880, abs=4)
    o, c = DroneFleet().hours([71.2906, 64.8378], [-156.7887, -147.7164],
                              ["America/Anchorage"] * 2, dt.date(2025, 6, 21))
    assert (o[0], c[0]) == (480.0, 1200.0)  # polar day: the configured hours
    with pytest.raises(ValueError):
        DroneFleet().hours([64.8], [-147.7, -147.8], ["America/Anchorage"], dt.date(2025, 6, 1))


@pytest.mark.parametrize(
    ("kw", "message"),
    [({"payload_kg": 0.0}, "drone payload_kg must be > 0, got 0.0"),
     ({"speed_kmh": float("nan")}, "drone speed_kmh must be > 0, got nan"),
     ({"prep_min": -1.0}, "drone prep_min must be finite and >= 0, got -1.0"),
     ({"co2_kg_per_km": float("inf")}, "drone co2_kg_per_km must be finite and >= 0, got inf"),
     ({"open_min": 600.0, "close_min": 600.0},
      "drone hours need 0 <= open_min < close_min <= 1440"),
     ({"availability": 2.0}, "drone availability must be within 0..1, got 2.0"),
     ({"cost_per_delivery_usd": "-0.01"}, "drone cost_per_delivery_usd must be >= 0, got -0.01"),
     ({"cost_per_delivery_usd": "six"}, "drone cost_per_delivery_usd: 'six' is not a decimal")],
)
def test_refusals_name_the_field(kw: dict[str, object], message: str) -> None:
    import re

    with pytest.raises(Exception, match="^" + re.escape(message)):
        DroneFleet(**kw)  # type: ignore[arg-type]


def test_cost_is_kept_as_exact_cents() -> None:
    from decimal import Decimal

    d = DroneFleet(cost_per_delivery_usd="6.5")  # type: ignore[arg-type]
    assert d.cost_per_delivery_usd == Decimal("6.50")
    assert isinstance(d.cost_per_delivery_usd, Decimal)
    assert str(d.cost_per_delivery_usd) == "6.50"
