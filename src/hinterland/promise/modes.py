"""Delivery modes: one function per mode, over (destination, site) pairs, on the order's clock.

Each function takes the operating model and arrays describing pairs (a destination
and the site that would serve it: stem drive, line-haul transit, clock shifts) and
returns, for every schedule slot of that mode (van waves, line-haul departures), the
promised minute for an order placed before the slot's cut-off, and the cut-off. An
order at minute ``t`` rides the first slot whose cut-off it makes, or that slot
tomorrow (:func:`at_order`). The promise engine evaluates them over each
destination's nearest sites; coverage and design over any (ZIP area, site) pairs:
the same rules, not copies.

Clock shifts are minutes to add to a site's local wall-clock time to read it on the
destination's clock (:func:`hinterland.core.clock.clock_shift_min`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hinterland.core.vocabulary import DAY_MIN
from hinterland.operations.model import OperatingModel

__all__ = [
    "MODES",
    "MODE_CARRIER",
    "at_order",
    "drone_promise",
    "fc_van_slots",
    "fc_van_timeline",
    "hub_van_departures",
    "hub_van_slots",
    "postal_express_slots",
    "postal_timeline",
    "station_wave_after",
]

MODES: tuple[str, ...] = (
    "hub_van",
    "fc_van",
    "postal_express_24h",
    "postal_priority_same_day",
    "drone",
)

#: Carrier of each mode.
MODE_CARRIER: dict[str, str] = {
    "hub_van": "own_van",
    "fc_van": "own_van",
    "postal_express_24h": "postal_partner",
    "postal_priority_same_day": "postal_partner",
    "drone": "drone",
}

Slots = tuple[NDArray[np.float64], NDArray[np.float64]]


def at_order(promise: NDArray[np.float64], cutoff: NDArray[np.float64], t: ArrayLike,
             rows: NDArray[np.int64] | None = None
             ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Promise for orders at minute ``t`` given slots ``(promise, cutoff)`` of shape ``(s, N)``.

    An order rides the first slot whose cut-off it makes; after a slot's cut-off it
    rides that slot the next day (+1440). ``rows`` picks each order's column (default:
    orders are the columns). Returns the earliest such promise (NaN when no slot
    serves) and the flat index ``slot * N + column`` of the slot used (-1 when none),
    for gathering per-slot attributes with ``array.ravel().take``.
    """
    tt = np.asarray(t, dtype=float)
    s, big_n = promise.shape
    col = np.arange(big_n) if rows is None else np.asarray(rows, dtype=np.int64)
    best = np.full(col.shape, np.nan)
    flat = np.full(col.shape, -1, np.int64)
    for i in range(s):
        p = promise[i].take(col)
        cand = p + DAY_MIN * (tt > cutoff[i].take(col))
        better = (cand < best) | (np.isnan(best) & ~np.isnan(cand))
        best = np.where(better, cand, best)
        flat = np.where(better, i * big_n + col, flat)
    return best, flat


def hub_van_slots(m: OperatingModel, stem_min: ArrayLike, rurality: ArrayLike,
                  shift_min: ArrayLike) -> Slots:
    """Same-day from a site's own stock: one slot per van wave.

    Cut-off = wave - pick (site clock); promise = the last stop of a wave route
    (:meth:`~hinterland.operations.vans.VanFleet.route`), NaN when the route does not
    fit the shift or the delivery day.
    """
    s = np.asarray(stem_min, dtype=float)
    sh = np.asarray(shift_min, dtype=float)
    proms, cuts = [], []
    for wave in m.van.waves_min:
        ok, last, _ = m.van.route(s, wave, rurality)
        proms.append(np.where(ok, last + sh, np.nan))
        cuts.append(np.full(s.shape, wave - m.hub.pick_min) + sh)
    return np.array(proms), np.array(cuts)


def _first_wave(m: OperatingModel, ready_min: ArrayLike, stem_min: ArrayLike,
                rurality: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Last-stop minute and departure of the first wave leaving at or after ``ready_min``
    whose route fits, looking up to three days ahead (station clock; NaN if none)."""
    ready = np.asarray(ready_min, dtype=float)
    s = np.asarray(stem_min, dtype=float)
    shape = np.broadcast_shapes(ready.shape, s.shape)
    best = np.full(shape, np.inf)
    when = np.full(shape, np.nan)
    day0 = np.floor(np.where(np.isfinite(ready), ready, 0.0) / DAY_MIN)
    for k in range(4):
        for wave in m.van.waves_min:
            dep = (day0 + k) * DAY_MIN + wave
            ok, last, _ = m.van.route(s, dep, rurality)
            use = ok & (dep >= ready) & (last < best)
            best = np.where(use, last, best)
            when = np.where(use, dep, when)
    found = np.isfinite(best) & np.isfinite(ready)
    return np.where(found, best, np.nan), np.where(found, when, np.nan)


def station_wave_after(m: OperatingModel, ready_min: ArrayLike, stem_min: ArrayLike,
                       rurality: ArrayLike) -> NDArray[np.float64]:
    """Last-stop minute (station clock) of the first wave leaving at or after
    ``ready_min`` whose route fits, looking up to three days ahead (NaN if none)."""
    return _first_wave(m, ready_min, stem_min, rurality)[0]


def hub_van_departures(m: OperatingModel, shift_min: ArrayLike) -> NDArray[np.float64]:
    """Departure of each van wave on the destination's clock, shape ``(waves, ...)``."""
    sh = np.asarray(shift_min, dtype=float)
    return np.array([np.full(sh.shape, w) + sh for w in m.van.waves_min])


def fc_van_timeline(m: OperatingModel, stem_min: ArrayLike, rurality: ArrayLike,
                    station_shift_min: ArrayLike, linehaul_transit_min: ArrayLike,
                    fc_shift_min: ArrayLike) -> tuple[NDArray[np.float64], ...]:
    """Per line-haul departure (destination clock): the truck's departure, the parcel
    sorted at the station (ready), and the van wave's departure it rides; the same
    arithmetic as :func:`fc_van_slots`."""
    s = np.asarray(stem_min, dtype=float)
    st = np.asarray(station_shift_min, dtype=float)
    fc = np.asarray(fc_shift_min, dtype=float)
    lh = np.asarray(linehaul_transit_min, dtype=float)
    leave, ready, wave = [], [], []
    for dep in m.linehaul.departures_min:
        r = dep + lh + (fc - st) + m.station.sort_min
        _, w = _first_wave(m, r, s, rurality)
        leave.append(np.full(s.shape, dep) + fc)
        ready.append(r + st)
        wave.append(w + st)
    return np.array(leave), np.array(ready), np.array(wave)


def fc_van_slots(m: OperatingModel, stem_min: ArrayLike, rurality: ArrayLike,
                 station_shift_min: ArrayLike, linehaul_transit_min: ArrayLike,
                 fc_shift_min: ArrayLike) -> Slots:
    """From a fulfillment center by line-haul to a delivery station, then a van wave.

    One slot per line-haul departure: cut-off = departure - FC pick (FC clock); the
    truck arrives after its hours-of-service transit, the station sorts, and the
    parcel rides the first wave leaving after that whose route fits.

    Parameters
    ----------
    station_shift_min, fc_shift_min
        Clock shifts station -> destination and FC -> destination.
    linehaul_transit_min
        FC -> station truck minutes, rest stops included
        (:meth:`~hinterland.operations.linehaul.LineHaul.transit_min`).
    """
    s = np.asarray(stem_min, dtype=float)
    st = np.asarray(station_shift_min, dtype=float)
    fc = np.asarray(fc_shift_min, dtype=float)
    lh = np.asarray(linehaul_transit_min, dtype=float)
    proms, cuts = [], []
    for dep in m.linehaul.departures_min:
        # FC clock -> station clock: + fc_shift - station_shift.
        ready = dep + lh + (fc - st) + m.station.sort_min
        last, _ = _first_wave(m, ready, s, rurality)
        proms.append(last + st)
        cuts.append(np.full(s.shape, dep - m.fc.pick_min) + fc)
    return np.array(proms), np.array(cuts)


def _postal_handoff(m: OperatingModel, transit_days: ArrayLike, office_shift_min: ArrayLike,
                    linehaul_transit_min: ArrayLike, fc_shift_min: ArrayLike, dep: float
                    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Office-clock arrival of the truck leaving at ``dep`` (FC clock), the hand-off day
    ``h`` (days after the order's day) and whether the partner serves the area."""
    td = np.asarray(transit_days, dtype=float)
    of = np.asarray(office_shift_min, dtype=float)
    fc = np.asarray(fc_shift_min, dtype=float)
    lh = np.asarray(linehaul_transit_min, dtype=float)
    arrive = dep + lh + (fc - of)  # office clock
    h = np.maximum(np.ceil((arrive - m.partner.handoff_cutoff_min) / DAY_MIN), 0.0)
    ok = np.isfinite(arrive) & np.isfinite(td) & (td >= 0)
    return arrive, np.where(ok, h, np.nan), ok


def postal_express_slots(m: OperatingModel, transit_days: ArrayLike,
                         office_shift_min: ArrayLike, linehaul_transit_min: ArrayLike,
                         fc_shift_min: ArrayLike) -> tuple[NDArray[np.float64],
                                                           NDArray[np.float64],
                                                           NDArray[np.float64]]:
    """From a fulfillment center by line-haul to the partner's office, then the partner.

    The truck must arrive by the partner's hand-off cut-off (office clock) of some
    day ``h``; the partner delivers ``transit_days`` later by its delivery end.
    Returns ``(promise, cutoff, handoff_day)`` per line-haul departure; ``handoff_day``
    counts days after the order's day (for an order making the cut-off).
    """
    td = np.asarray(transit_days, dtype=float)
    of = np.asarray(office_shift_min, dtype=float)
    fc = np.asarray(fc_shift_min, dtype=float)
    p = m.partner
    proms, cuts, hands = [], [], []
    for dep in m.linehaul.departures_min:
        _, h, ok = _postal_handoff(m, td, of, linehaul_transit_min, fc, dep)
        proms.append(np.where(ok, (h + td) * DAY_MIN + p.delivery_end_min + of, np.nan))
        cuts.append(np.full(td.shape, dep - m.fc.pick_min) + fc)
        hands.append(h)
    return np.array(proms), np.array(cuts), np.array(hands)


def postal_timeline(m: OperatingModel, transit_days: ArrayLike, office_shift_min: ArrayLike,
                    linehaul_transit_min: ArrayLike, fc_shift_min: ArrayLike
                    ) -> tuple[NDArray[np.float64], ...]:
    """Per line-haul departure (destination clock): the truck's departure, its arrival
    at the office (ready), and the hand-off to the partner (the cut-off of day ``h``)."""
    td = np.asarray(transit_days, dtype=float)
    of = np.asarray(office_shift_min, dtype=float)
    fc = np.asarray(fc_shift_min, dtype=float)
    leave, ready, hand = [], [], []
    for dep in m.linehaul.departures_min:
        arrive, h, _ = _postal_handoff(m, td, of, linehaul_transit_min, fc, dep)
        leave.append(np.full(td.shape, dep) + fc)
        ready.append(arrive + of)
        hand.append(h * DAY_MIN + m.partner.handoff_cutoff_min + of)
    return np.array(leave), np.array(ready), np.array(hand)


def drone_promise(m: OperatingModel, t: ArrayLike, flight_min: ArrayLike,
                  open_min: ArrayLike, close_min: ArrayLike
                  ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Drone delivery: launch after prep (not before the site opens), back before it
    closes. ``open_min``/``close_min`` on the destination's clock. Returns the
    promise and whether the sortie fits the day's hours."""
    tt = np.asarray(t, dtype=float)
    f = np.asarray(flight_min, dtype=float)
    launch = np.maximum(tt + m.drone.prep_min, np.asarray(open_min, dtype=float))
    fits = launch + 2.0 * f <= np.asarray(close_min, dtype=float)
    return launch + f, fits
