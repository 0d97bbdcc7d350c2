"""Route length and van reach from a route-time budget (continuous approximation).

A station day of ``n`` stops holding ``P`` parcels, spread over a service area of
``A`` km\u00b2, is served by ``m`` van routes of total road length::

    L(m) = 2 m s + k_l c sqrt(n A) f(n, m)                              (km)

the line-haul + local-tour form of Daganzo (1984) with an explicit stem ``s``
(road km from the station to where the routes reach their stops) and ``c`` the
circuity (road km per straight km). The local-tour factor ``f`` is one of
:data:`CORRECTIONS`:

* ``"none"``: ``f = 1`` (Daganzo 1984; with ``s`` = mean distance from the
  station to the stops this is the classic formula ``2 m r + k sqrt(nA)``);
* ``"figliozzi"``: ``f = (n - m) / n`` (Figliozzi 2008): ``m`` routes have
  ``n - m`` links between stops, the ``2 m`` legs to the depot being in ``2 m s``
  with ``s`` the mean distance to the stops;
* ``"legs"``: ``f = (n + m) / (n - 1)`` (default; denominator at least 1): with
  ``s`` the stem to the *nearest* stops (0 for a station inside its area), every
  one of the ``n + m`` legs of ``m`` closed routes through ``n`` stops is a
  local leg, ``(k_l / 0.6331) x`` the mean edge of the stops' minimum spanning
  tree (``n - 1`` edges, ``0.6331 sqrt(nA)`` long for uniform stops). The
  classic ``2 m r`` with ``r`` the mean distance counts the drive into the area
  twice (once in ``2 m r``, once in the tour), which is what makes the classic
  formula long for a station inside or at the edge of its area; the finite
  ``n + m`` legs over ``n - 1`` edges is this form's correction for small ``n``.

Number of routes: ``m = max(ceil(P / capacity), m_shift)``; the shift bound is the
smallest ``m`` for which the routes fit their time budget on average::

    m (fill x shift - load - break - 2 stem_min) >= n x service_stop + P x service_parcel
                                                    + 60 L_local(m) / speed

with ``stem_min = 60 s / stem_speed``; solved in closed form (``L_local`` is
linear in ``m``). ``fill`` (<= 1) is the share of the shift a route can use on
average (routes cannot be balanced exactly).

For one route of ``s`` stops at a local density of ``delta`` stops/km\u00b2
(``A = s / delta``) the same budget is the reach rule of :func:`van_reach`::

    load + break + 2 stem_min + s x service + 60 k_l c sqrt(s A) f(s, 1) / speed
        <= fill x shift

Spread input. ``area_km2`` is the area the stops are spread over. For stops
given as points, :func:`mst_spread` gives the *equivalent area* of their minimum
spanning tree, ``(MST / 0.6331)^2 / n``: the uniform area with the same MST. It
follows clustering (towns inside ZIP areas), which a land area does not; with a
land area (uniform density) the estimate is longer than routes through
clustered stops (the calibration's ``legs_zip_land`` variant).
:func:`stem_to_area_km` gives the stem to a compact area from the road km to its
centroid.

Calibration (provenance of :data:`CALIBRATED`)
-----------------------------------------------
Fitted on 2026-12-02 by ``python benchmarks/route_length.py fit`` (solves by
``python benchmarks/route_length.py solve``, PyVRP 0.14 through the project's
adapter, routing code of commit 4c88b9a) on 90 generated station days
(:func:`hinterland.routing.station_day`, real ZIP areas, delivery-only: no time
windows, pickups, drones or hand-offs), 20-320 stops each, one county per
rurality class in each of 18 states, 72 with the station in its county's most
populous ZIP area and 18 with it outside the county (1-2 county radii away).
One cargo van type (180 parcels, shift 600 min, no load time), service 1.5 min
per stop + 0.5 per parcel, travel by :class:`hinterland.geo.TravelModel`
(circuity and speed by the stop's rurality; the day's circuity is the stops'
mean, its speed their harmonic mean). Area: the MST-equivalent area of the
stops (:func:`mst_spread`); stem: road km to the nearest stop.

* Fit half: 40 days in MT, IA, GA, PA, NM, OR, MN, NC (PyVRP 30 s per day);
  grid fit of ``k_l`` (least squared log error of km, routes predicted by the
  model) and ``fill`` (most exact route counts, then least error).
* Held-out half: 50 days in WY, KS, AL, NY, CO, WA, WI, VA, TN, OK (PyVRP
  60 s per day): mean absolute error of route km **4.2 %** (max 25 %, a day
  whose route count is off by one), route count exact on **96 %** of days.
  Station inside: 3.3 %, 97.5 % (40 days); outside: 7.7 %, 90 % (10 days).
* Published forms on the same days, held-out MAPE / exact routes: Daganzo
  (stem = mean distance to the stops) 7.6 % / 94 %; Figliozzi ``(n - m)/n``
  7.2 % / 96 %; Figliozzi with the nearest-stop stem 4.8 % / 94 %; this form
  with a land area (ZIP areas' land of the stops, uniform density) instead of
  the MST-equivalent area 8.8 % / 94 %.

Per-day rows: ``benchmarks/results/route_length_calibration.csv``; summaries:
``route_length_summary.csv``, ``route_length_variants.csv``; section
"Route length: continuous approximation vs PyVRP" of ``docs/benchmarks.md``.

References
----------
Daganzo, C. F. (1984). The distance traveled to visit N points with a maximum of
C stops per vehicle: an analytic model and an application. *Transportation
Science* 18(4), 331-350.

Figliozzi, M. A. (2008). Planning approximations to the average length of vehicle
routing problems with varying customer demands and routing constraints.
*Transportation Research Record* 2089, 1-8.

Figliozzi, M. A. (2009). Planning approximations to the average length of vehicle
routing problems with time window constraints. *Transportation Research Part B*
43(4), 438-447.

Finch, S. R. (2003). *Mathematical Constants*. Cambridge University Press
(estimates of the minimum spanning tree constant of random points in the plane).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hinterland.core.errors import HinterlandError

FloatArray = NDArray[np.float64]

#: Local-tour factors ``f(n, m)`` (module docstring).
CORRECTIONS = ("none", "figliozzi", "legs")


@dataclass(frozen=True)
class RouteConstants:
    """Constants of the approximation (see the module docstring).

    Attributes
    ----------
    k_local
        Local tour constant ``k_l`` (straight km per ``sqrt(stops x km2)``).
    fill
        Share of the shift a route uses on average in the shift bound (<= 1).
    correction
        Local-tour factor, one of :data:`CORRECTIONS`.
    """

    k_local: float
    fill: float = 1.0
    correction: str = "legs"

    def __post_init__(self) -> None:
        if not np.isfinite(self.k_local) or self.k_local <= 0:
            raise HinterlandError(f"k_local must be > 0, got {self.k_local!r}")
        if not (0 < self.fill <= 1):
            raise HinterlandError(f"fill must be in (0, 1], got {self.fill!r}")
        if self.correction not in CORRECTIONS:
            raise HinterlandError(
                f"correction must be one of {', '.join(CORRECTIONS)}, got {self.correction!r}"
            )

    def factor(self, stops: ArrayLike, routes: ArrayLike) -> FloatArray:
        """The local-tour factor ``f(n, m)`` (1 where there are no stops)."""
        n = np.asarray(stops, dtype=float)
        m = np.asarray(routes, dtype=float)
        safe = np.where(n > 0, n, 1.0)
        if self.correction == "figliozzi":
            f = np.clip(n - m, 0.0, None) / safe
        elif self.correction == "legs":
            f = (n + m) / np.maximum(n - 1.0, 1.0)
        else:
            f = np.ones(np.broadcast(n, m).shape)
        return np.asarray(np.where(n > 0, f, 1.0), dtype=float)

    def slope(self, stops: ArrayLike) -> FloatArray:
        """``d f / d m`` (the factor is linear in ``m``)."""
        n = np.asarray(stops, dtype=float)
        if self.correction == "legs":
            return np.asarray(np.where(n > 0, 1.0 / np.maximum(n - 1.0, 1.0), 0.0), dtype=float)
        inv = np.where(n > 0, 1.0 / np.where(n > 0, n, 1.0), 0.0)
        sign = -1.0 if self.correction == "figliozzi" else 0.0
        return np.asarray(sign * inv, dtype=float)


#: Calibrated constants (provenance in the module docstring); stem = road km to
#: the nearest stops, area = :func:`mst_spread` equivalent area.
CALIBRATED = RouteConstants(k_local=0.7775, fill=1.0, correction="legs")
#: The classic Daganzo (1984) form fitted on the same days (stem = mean road km
#: from the station to the stops); for comparison.
DAGANZO = RouteConstants(k_local=0.6625, fill=0.96, correction="none")
#: Figliozzi's (2008) ``(n - m)/n`` form fitted on the same days (stem = mean
#: road km to the stops); for comparison.
FIGLIOZZI = RouteConstants(k_local=0.6675, fill=1.0, correction="figliozzi")


@dataclass(frozen=True)
class RouteEstimate:
    """Expected routes of station days (arrays, one entry per day).

    Attributes
    ----------
    routes
        Number of routes ``m`` (int; 0 where no route count fits the shift).
    km
        Total road km of the routes.
    minutes
        Total route minutes (load, stems, service, local tour).
    capacity_bound, shift_bound
        The two lower bounds on ``m`` (int; ``shift_bound`` is a large sentinel
        when even one stop cannot be served within the shift).
    shift_binds
        True where the shift bound sets ``m``.
    feasible
        False where no number of routes fits the shift (stem too long).
    """

    routes: NDArray[np.int64]
    km: FloatArray
    minutes: FloatArray
    capacity_bound: NDArray[np.int64]
    shift_bound: NDArray[np.int64]
    shift_binds: NDArray[np.bool_]
    feasible: NDArray[np.bool_]


#: Shift bound returned where no route count fits the shift.
NO_FIT = np.iinfo(np.int64).max // 4


def _arr(x: ArrayLike, name: str, *, positive: bool = False) -> FloatArray:
    a = np.asarray(x, dtype=float)
    if not np.isfinite(a).all():
        raise HinterlandError(f"{name} must be finite")
    if positive and (a <= 0).any():
        raise HinterlandError(f"{name} must be > 0")
    if (a < 0).any():
        raise HinterlandError(f"{name} must be >= 0")
    return a


def equivalent_area_km2(stops: ArrayLike, area_km2: ArrayLike, axis: int = -1) -> FloatArray:
    """Equivalent uniform area of stops spread over zones of different density.

    ``(sum_z sqrt(n_z A_z))^2 / n``: the area over which ``n = sum_z n_z`` uniform
    stops would give the same local tour length as the zones
    (``k sqrt(n A_eq) = k sum_z sqrt(n_z A_z)``). Never more than ``sum_z A_z``
    (Cauchy-Schwarz), equal to it for uniform density.

    Parameters
    ----------
    stops
        Stops per zone (e.g. per ZIP area), zones along ``axis``.
    area_km2
        Area of each zone (km\u00b2), same shape.
    axis
        Zone axis.

    Returns
    -------
    numpy.ndarray
        Equivalent area (km\u00b2); 0 where there are no stops.
    """
    n = _arr(stops, "stops")
    a = _arr(area_km2, "area_km2")
    span = np.sqrt(n * a).sum(axis=axis)
    tot = n.sum(axis=axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(tot > 0, span**2 / np.where(tot > 0, tot, 1.0), 0.0)


#: Asymptotic constant of the minimum spanning tree of ``n`` uniform random points
#: in an area ``A``: ``MST ~ 0.6331 sqrt(n A)`` (estimates in Finch 2003; the tests
#: re-measure 0.63-0.665 at 10,000 points, boundary effect included). It only sets
#: the scale of the equivalent area: ``k_l`` is calibrated on that area.
MST_CONSTANT = 0.6331


def mst_spread(lat: ArrayLike, lon: ArrayLike) -> tuple[float, float]:
    """The stops' spread: MST length and the equivalent uniform area.

    The area over which ``n`` uniform stops would have the same minimum spanning
    tree, ``A = (MST / 0.6331)^2 / n``: the spread input of :func:`route_estimate`
    for stops given as points (it follows clustering, which a land area does not).

    Parameters
    ----------
    lat, lon
        Stop coordinates (degrees); projected to km around their mean latitude.

    Returns
    -------
    (mst_km, area_km2)
        Straight-line km of the MST (Delaunay edges, SciPy) and the area.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree
    from scipy.spatial import Delaunay

    la = np.asarray(lat, dtype=float).ravel()
    lo = np.asarray(lon, dtype=float).ravel()
    n = la.size
    if n < 2:
        return 0.0, 0.0
    x = lo * 111.2 * np.cos(np.radians(la.mean()))
    y = la * 111.2
    pts = np.c_[x, y]
    pts, _ = np.unique(pts, axis=0, return_index=True)
    if len(pts) < 2:
        return 0.0, 0.0
    if len(pts) < 4:
        i, j = np.triu_indices(len(pts), 1)
    else:
        try:
            simp = Delaunay(pts).simplices
        except Exception:  # collinear points: every pair is a candidate edge
            i, j = np.triu_indices(len(pts), 1)
        else:
            e = np.vstack([simp[:, [0, 1]], simp[:, [1, 2]], simp[:, [0, 2]]])
            e = np.unique(np.sort(e, axis=1), axis=0)
            i, j = e[:, 0], e[:, 1]
    w = np.hypot(*(pts[i] - pts[j]).T) + 1e-12
    g = coo_matrix((w, (i, j)), shape=(len(pts), len(pts)))
    km = float(minimum_spanning_tree(g).sum())
    return km, (km / MST_CONSTANT) ** 2 / n


def local_tour_km(
    stops: ArrayLike,
    area_km2: ArrayLike,
    routes: ArrayLike,
    *,
    circuity: ArrayLike = 1.0,
    constants: RouteConstants = CALIBRATED,
) -> FloatArray:
    """Road km of the local tours: ``k_l c sqrt(n A) f(n, m)``.

    Parameters
    ----------
    stops, area_km2, routes
        Stops ``n``, service area ``A`` (km\u00b2) and routes ``m`` (broadcast).
    circuity
        Road km per straight-line km.
    constants
        Calibrated constants.
    """
    n = _arr(stops, "stops")
    a = _arr(area_km2, "area_km2")
    m = _arr(routes, "routes")
    c = _arr(circuity, "circuity", positive=True)
    return np.asarray(constants.k_local * c * np.sqrt(n * a) * constants.factor(n, m), dtype=float)


def stem_to_area_km(
    centroid_km: ArrayLike, area_km2: ArrayLike, circuity: ArrayLike = 1.0
) -> FloatArray:
    """Stem to a compact area from the road km to its centroid.

    ``max(centroid_km - c sqrt(A / pi), 0)``: the drive to the edge of a disc of
    the area around the centroid (0 for a station inside it).
    """
    r = _arr(centroid_km, "centroid_km")
    a = _arr(area_km2, "area_km2")
    c = _arr(circuity, "circuity", positive=True)
    return np.asarray(np.maximum(r - c * np.sqrt(a / np.pi), 0.0), dtype=float)


def route_estimate(
    stops: ArrayLike,
    parcels: ArrayLike,
    area_km2: ArrayLike,
    stem_km: ArrayLike,
    *,
    capacity: ArrayLike = 180,
    shift_min: ArrayLike = 600.0,
    load_min: ArrayLike = 0.0,
    break_min: ArrayLike = 0.0,
    stop_service_min: ArrayLike = 1.5,
    parcel_service_min: ArrayLike = 0.5,
    speed_kmh: ArrayLike = 55.0,
    stem_speed_kmh: ArrayLike | None = None,
    circuity: ArrayLike = 1.3,
    constants: RouteConstants = CALIBRATED,
) -> RouteEstimate:
    """Expected route count and total route km of station days (vectorised).

    All inputs broadcast against each other; one entry per station day.

    Parameters
    ----------
    stops
        Stops ``n`` of the day.
    parcels
        Parcels ``P`` delivered.
    area_km2
        Area ``A`` (km\u00b2) the stops are spread over: a land area, or the
        equivalent area of the stops' spread (:func:`mst_spread`, as calibrated).
    stem_km
        Road km from the station to the nearest stops (0 for a station inside its
        area; :func:`stem_to_area_km` for a compact area away from the station).
        With ``correction="none"`` or ``"figliozzi"`` the published forms use the
        mean road km from the station to the stops instead.
    capacity
        Parcels per van.
    shift_min
        Route-time budget of a van (leaving the station to back at it), minutes.
    load_min, break_min
        Minutes of the shift spent loading and on breaks.
    stop_service_min, parcel_service_min
        Service minutes per stop and per parcel.
    speed_kmh
        Driving speed between stops.
    stem_speed_kmh
        Driving speed on the stem (default ``speed_kmh``).
    circuity
        Road km per straight-line km of the local tour.
    constants
        Calibrated constants (:data:`CALIBRATED`).

    Returns
    -------
    RouteEstimate
        Routes, km and minutes per day, the two bounds and which binds.
    """
    n = _arr(stops, "stops")
    p = _arr(parcels, "parcels")
    a = _arr(area_km2, "area_km2")
    r = _arr(stem_km, "stem_km")
    cap = _arr(capacity, "capacity", positive=True)
    shift = _arr(shift_min, "shift_min", positive=True)
    fixed = _arr(load_min, "load_min") + _arr(break_min, "break_min")
    service = _arr(stop_service_min, "stop_service_min") * n + _arr(
        parcel_service_min, "parcel_service_min"
    ) * p
    v = _arr(speed_kmh, "speed_kmh", positive=True)
    vs = v if stem_speed_kmh is None else _arr(stem_speed_kmh, "stem_speed_kmh", positive=True)
    c = _arr(circuity, "circuity", positive=True)
    n, p, a, r, cap, shift, fixed, service, v, vs, c = np.broadcast_arrays(
        n, p, a, r, cap, shift, fixed, service, v, vs, c
    )
    has = n > 0
    stem_min = 60.0 * r / vs
    # local minutes = base x f(n, m) = base x (f(n, 0) + slope x m)
    base = 60.0 * constants.k_local * c * np.sqrt(n * a) / v
    f0 = constants.factor(n, np.zeros_like(n))
    room = constants.fill * shift - fixed - 2.0 * stem_min - base * constants.slope(n)
    work = service + base * f0
    one_stop = np.where(has, service / np.where(has, n, 1.0), 0.0)
    feasible = (room > 0) & (fixed + 2.0 * stem_min + one_stop <= constants.fill * shift + 1e-9)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        m_cont = np.where(feasible, work / np.where(room > 0, room, 1.0), 0.0)
    shift_bound = np.where(feasible, np.ceil(np.minimum(m_cont, 1e15) - 1e-9), 0.0)
    shift_bound = np.where(has, np.maximum(shift_bound, 1.0), 0.0).astype(np.int64)
    shift_bound = np.where(feasible | ~has, shift_bound, NO_FIT)
    cap_bound = np.where(has, np.maximum(np.ceil(p / cap - 1e-9), 1.0), 0.0).astype(np.int64)
    ok = feasible | ~has
    m = np.where(ok, np.maximum(cap_bound, shift_bound), 0)
    mf = m.astype(float)
    local_km = local_tour_km(n, a, mf, circuity=c, constants=constants)
    km = np.where(ok, 2.0 * mf * r + local_km, np.nan)
    minutes = np.where(ok, mf * (fixed + 2.0 * stem_min) + service + 60.0 * local_km / v, np.nan)
    return RouteEstimate(
        routes=np.asarray(m, dtype=np.int64),
        km=np.asarray(km, dtype=float),
        minutes=np.asarray(minutes, dtype=float),
        capacity_bound=np.asarray(cap_bound, dtype=np.int64),
        shift_bound=np.asarray(shift_bound, dtype=np.int64),
        shift_binds=np.asarray(ok & (shift_bound > cap_bound)),
        feasible=np.asarray(ok),
    )


def van_reach(
    density_per_km2: ArrayLike,
    stops_per_route: ArrayLike,
    *,
    parcels_per_stop: ArrayLike = 1.35,
    shift_min: ArrayLike = 600.0,
    load_min: ArrayLike = 0.0,
    break_min: ArrayLike = 0.0,
    stop_service_min: ArrayLike = 1.5,
    parcel_service_min: ArrayLike = 0.5,
    speed_kmh: ArrayLike = 55.0,
    circuity: ArrayLike = 1.3,
    constants: RouteConstants = CALIBRATED,
) -> FloatArray:
    """Largest one-way stem (drive minutes) at which one route still fits its shift.

    A route of ``s`` stops in an area of ``delta`` stops/km\u00b2 fits when::

        load + break + 2 stem + s x service + 60 k_l c sqrt(s A) f(s, 1) / speed
            <= fill x shift,        A = s / delta

    (``sqrt(s A) = s / sqrt(delta)``). A station can serve an area with a route of
    ``s`` stops when its drive to the area's nearest stops (:func:`stem_to_area_km`
    for a compact area) takes at most the returned minutes. Negative where the
    route does not fit even with the station in the area.

    Parameters
    ----------
    density_per_km2
        Stops per km\u00b2 in the area served (> 0).
    stops_per_route
        Stops ``s`` on the route (>= 1).
    parcels_per_stop
        Mean parcels per stop (sets the service minutes).
    shift_min, load_min, break_min, stop_service_min, parcel_service_min
        Route-time budget and its fixed parts, as in :func:`route_estimate`.
    speed_kmh
        Driving speed between stops.
    circuity
        Road km per straight-line km of the local tour.
    constants
        Calibrated constants.

    Returns
    -------
    numpy.ndarray
        Maximum stem minutes (one way), broadcast shape of the inputs.
    """
    d = _arr(density_per_km2, "density_per_km2", positive=True)
    s = _arr(stops_per_route, "stops_per_route")
    if (s < 1).any():
        raise HinterlandError("stops_per_route must be >= 1")
    c = _arr(circuity, "circuity", positive=True)
    local_km = constants.k_local * c * s / np.sqrt(d) * constants.factor(s, np.ones_like(s))
    local_min = 60.0 * local_km / _arr(speed_kmh, "speed_kmh", positive=True)
    per_parcel = _arr(parcel_service_min, "parcel_service_min")
    service = s * (
        _arr(stop_service_min, "stop_service_min")
        + per_parcel * _arr(parcels_per_stop, "parcels_per_stop")
    )
    room = (
        constants.fill * _arr(shift_min, "shift_min", positive=True)
        - _arr(load_min, "load_min")
        - _arr(break_min, "break_min")
        - service
        - local_min
    )
    return np.asarray(room / 2.0, dtype=float)


def stops_within_shift(
    stem_min: ArrayLike,
    density_per_km2: ArrayLike,
    *,
    max_stops: int = 1000,
    **kwargs: Any,
) -> NDArray[np.int64]:
    """Most stops one route can serve at that stem and density within the shift.

    The inverse of :func:`van_reach`: the largest integer ``s <= max_stops`` with
    ``stem_min <= van_reach(density, s)`` (0 where not even one stop fits).
    Vectorised bisection; ``van_reach`` does not increase with ``s`` on integers.

    Parameters
    ----------
    stem_min
        One-way drive minutes from the station to the area's nearest stops.
    density_per_km2
        Stops per km\u00b2 in the area.
    max_stops
        Upper end of the search (e.g. capacity / parcels per stop).
    **kwargs
        Keywords of :func:`van_reach` (``parcels_per_stop``, ``shift_min``, ...).

    Returns
    -------
    numpy.ndarray
        Stops per route (int), broadcast shape of ``stem_min`` and the density.
    """
    t = _arr(stem_min, "stem_min")
    d = _arr(density_per_km2, "density_per_km2", positive=True)
    t, d = np.broadcast_arrays(t, d)
    lo = np.zeros(t.shape, dtype=np.int64)  # fits (0 always "fits")
    hi = np.full(t.shape, int(max_stops) + 1, dtype=np.int64)  # does not fit
    while True:
        open_ = hi - lo > 1
        if not open_.any():
            break
        mid = np.where(open_, (lo + hi) // 2, np.maximum(lo, 1))
        ok = t <= van_reach(d, mid.astype(float), **kwargs) + 1e-9
        lo = np.where(open_ & ok, mid, lo)
        hi = np.where(open_ & ~ok, mid, hi)
    return np.asarray(lo, dtype=np.int64)


def route_fits(
    stem_min: ArrayLike,
    density_per_km2: ArrayLike,
    stops_per_route: ArrayLike,
    **kwargs: Any,
) -> NDArray[np.bool_]:
    """True where a route of ``s`` stops at that stem and density fits the shift.

    ``stem_min <= van_reach(density_per_km2, stops_per_route, **kwargs)``
    (keywords as :func:`van_reach`).
    """
    reach = van_reach(density_per_km2, stops_per_route, **kwargs)
    return np.asarray(_arr(stem_min, "stem_min") <= reach + 1e-9)
