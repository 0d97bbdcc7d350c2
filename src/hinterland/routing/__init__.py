"""Routing: a station's day of stops -> verified van routes, load plans and KPIs.

* :mod:`~hinterland.routing.problem` builds the problem from the operating model
  (parcels' ready and due times, van waves, mixed fleet, service times, drone
  queue, hand-offs, pickups, reloads);
* :mod:`~hinterland.routing.ready` derives parcels' ready times from their promise;
* :mod:`~hinterland.routing.solve` solves it with PyVRP (time limit, seed);
* :mod:`~hinterland.routing.decompose` splits large days into sectors on Dask;
* :mod:`~hinterland.routing.verify` re-checks every plan from the raw inputs;
* :mod:`~hinterland.routing.outputs` writes route sheets, load plans, KPIs, maps;
* :mod:`~hinterland.routing.station_day` generates a rural day from real ZIP areas.
"""

from hinterland.routing.decompose import plan_routes_decomposed
from hinterland.routing.problem import (
    RoutingParams,
    RoutingProblem,
    Station,
    build_problem,
    build_problem_from_parcels,
    default_fleet,
    parcels_to_stops,
)
from hinterland.routing.solve import RoutePlan, plan_routes
from hinterland.routing.station_day import station_day
from hinterland.routing.verify import Verification, verify_plan

__all__ = [
    "RoutePlan",
    "RoutingParams",
    "RoutingProblem",
    "Station",
    "Verification",
    "build_problem",
    "build_problem_from_parcels",
    "default_fleet",
    "parcels_to_stops",
    "plan_routes",
    "plan_routes_decomposed",
    "station_day",
    "verify_plan",
]
