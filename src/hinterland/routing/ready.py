"""Ready times of parcels at their delivery station, derived from the operating model.

A parcel is *ready* when it is at the station that runs its van and sorted, so a
van may take it (minutes on the station's clock of the order's day; the next day is
``>= 1440``):

* **hub stock** (mode ``hub_van``): picked and packed at the hub itself,
  ``ready = order + hub.pick_min``;
* **fulfillment-center freight** (mode ``fc_van``): picked at the FC in
  ``fc.pick_min`` (FC local time; zones from :mod:`hinterland.core.clock`), it rides
  the first line-haul departure whose cut-off it makes (otherwise that departure
  the next day), drives for its hours-of-service transit
  (:meth:`~hinterland.operations.linehaul.LineHaul.transit_min`) and is sorted at
  the station in ``station.sort_min``.

Its due time is its promise (``promised_min`` of
:meth:`~hinterland.promise.engine.PromiseResult.choices`). Used by the demo's routed
day and the simulation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from hinterland.core.vocabulary import DAY_MIN
from hinterland.geo import haversine_km
from hinterland.operations.model import OperatingModel

__all__ = ["hub_ready_min", "linehaul_drive_min", "linehaul_ready_min", "ready_from_promise"]


def hub_ready_min(order_min: ArrayLike, ops: OperatingModel) -> NDArray[np.float64]:
    """Ready minute of a parcel picked from the hub's own stock: order + pick."""
    return np.asarray(order_min, dtype=float) + ops.hub.pick_min


def linehaul_drive_min(fc_lat: ArrayLike, fc_lon: ArrayLike, station_lat: ArrayLike,
                       station_lon: ArrayLike, ops: OperatingModel) -> NDArray[np.float64]:
    """Truck drive minutes FC -> station by the travel model (line-haul rurality class)."""
    gc = haversine_km(fc_lat, fc_lon, station_lat, station_lon)
    lh = ops.linehaul
    return np.asarray(ops.travel.drive_min(ops.travel.road_km(gc, lh.rurality), lh.rurality),
                      dtype=float)


def linehaul_ready_min(order_min: ArrayLike, drive_min: ArrayLike, ops: OperatingModel,
                       fc_shift_min: ArrayLike = 0.0) -> NDArray[np.float64]:
    """Ready minute (station clock) of FC freight ordered at ``order_min`` (station clock).

    Parameters
    ----------
    order_min
        Order minutes on the station's clock.
    drive_min
        Truck drive minutes FC -> station (:func:`linehaul_drive_min`).
    ops
        Operating model (FC pick, line-haul departures and hours of service, sort).
    fc_shift_min
        Minutes to add to an FC wall-clock time to read it on the station's clock
        (:func:`hinterland.core.clock.clock_shift_min`).
    """
    shift = np.asarray(fc_shift_min, dtype=float)
    t_fc = np.asarray(order_min, dtype=float) - shift
    pick = ops.fc.pick_min
    best = np.full(np.broadcast_shapes(t_fc.shape, shift.shape), np.inf)
    for dep in ops.linehaul.departures_min:
        k = np.ceil((t_fc + pick - dep) / DAY_MIN - 1e-12)
        best = np.minimum(best, dep + k * DAY_MIN)
    transit = ops.linehaul.transit_min(drive_min)
    return best + transit + shift + ops.station.sort_min


def ready_from_promise(choices: pd.DataFrame, order_min: ArrayLike, facilities: pd.DataFrame,
                       ops: OperatingModel | None = None) -> NDArray[np.float64]:
    """Ready minute at the van's station of each promised order (NaN for other modes).

    Parameters
    ----------
    choices
        Rows of :meth:`~hinterland.promise.engine.PromiseResult.choices` (``mode``,
        ``source_id``, ``handoff_id``).
    order_min
        Each row's order minute (the order's clock, taken as the station's).
    facilities
        The facility table the promise used (``id``, ``lat``, ``lon``).
    ops
        The operating model the promise used.
    """
    m = ops or OperatingModel()
    t = np.asarray(order_min, dtype=float)
    mode = choices["mode"].astype(object).to_numpy()
    out = np.full(len(choices), np.nan)
    hub = mode == "hub_van"
    out[hub] = hub_ready_min(t[hub], m)
    fc = mode == "fc_van"
    if fc.any():
        site = facilities.assign(id=facilities["id"].astype(str)).set_index("id")
        src = site.reindex(choices.loc[fc, "source_id"].astype(str))
        dst = site.reindex(choices.loc[fc, "handoff_id"].astype(str))
        drive = linehaul_drive_min(src["lat"].to_numpy(float), src["lon"].to_numpy(float),
                                   dst["lat"].to_numpy(float), dst["lon"].to_numpy(float), m)
        from hinterland.core.clock import clock_shift_min, time_zones, utc_offset_min

        zf = utc_offset_min(time_zones(src["lat"].to_numpy(float), src["lon"].to_numpy(float)),
                            m.date)
        zs = utc_offset_min(time_zones(dst["lat"].to_numpy(float), dst["lon"].to_numpy(float)),
                            m.date)
        out[fc] = linehaul_ready_min(t[fc], drive, m, clock_shift_min(zf, zs))
    return out
