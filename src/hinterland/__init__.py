"""hinterland: planning and running rural last-mile delivery networks.

The flat public API (``import hinterland as hl``) names the functions and classes a
planner chains; each lives in its stage's module and is imported on first use, so
``import hinterland`` stays fast and the command line loads only what it runs.

A day, end to end (see :mod:`hinterland.plan`)::

    import hinterland as hl

    plan = hl.Plan().region(["MT"]).design(hl.DesignSpec(max_count=6))
    plan = plan.orders("2026-03-04", seed=0).promise(capacity=True).routes()

Public API
----------
Plan and scenario
    :class:`Plan`, :class:`Scenario`, :func:`load_scenario`, :class:`OperatingModel`,
    :func:`rural_day_demo`; stage adapters :func:`promise_orders`,
    :func:`network_with`, :func:`van_stations`, :func:`route_parcels`,
    :func:`solve_routes`.
Region and data
    :func:`zip_areas`, :func:`select_zip_areas`, :func:`summarise_zip_areas`,
    :func:`data_path`, :func:`verify_data`.
Travel
    :class:`TravelModel`, :func:`haversine_km`.
Network
    :func:`load_facilities`, :func:`facilities_frame`, :func:`default_facilities`,
    :func:`reach`, :func:`promise_coverage`, :class:`DesignSpec`, :func:`design`,
    :func:`zip_candidates`, :func:`upgrade_candidates`, :func:`solve_pmedian`.
Demand and inventory
    :class:`DemandRates`, :func:`generate_catalogue`, :func:`generate_orders`,
    :func:`forecast_panel`, :func:`select_and_forecast`, :func:`plan_assortment`.
Promise
    :class:`PromiseEngine`, :func:`parse_orders`.
Routing
    :class:`Station`, :func:`default_fleet`, :func:`parcels_to_stops`,
    :func:`build_problem`, :func:`build_problem_from_parcels`, :func:`plan_routes`,
    :func:`plan_routes_decomposed`, :func:`verify_plan`, :func:`station_day`.
Files
    :func:`read_table`, :func:`write_table`, :func:`write_json`,
    :func:`write_geojson`, :func:`write_geoparquet`, :func:`to_geodataframe`,
    :func:`from_geodataframe` (the last three need the ``geo`` extra).
Errors and certificates
    :class:`HinterlandError`, :class:`InputError`, :class:`Certificate`.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__: str = version("hinterland")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

#: Public name -> the module it lives in (imported on first use).
_API: dict[str, str] = {
    # plan and scenario
    "Plan": "hinterland.plan",
    "promise_orders": "hinterland.plan",
    "network_with": "hinterland.plan",
    "van_stations": "hinterland.plan",
    "route_parcels": "hinterland.plan",
    "solve_routes": "hinterland.plan",
    "Scenario": "hinterland.scenario",
    "load_scenario": "hinterland.scenario",
    "OperatingModel": "hinterland.operations",
    "rural_day_demo": "hinterland.pipeline",
    # region and data
    "zip_areas": "hinterland.data.zip_areas",
    "select_zip_areas": "hinterland.data.region",
    "summarise_zip_areas": "hinterland.data.region",
    "data_path": "hinterland.data.registry",
    "verify_data": "hinterland.data.registry:verify_all",
    # travel
    "TravelModel": "hinterland.geo.travel",
    "haversine_km": "hinterland.geo.distance",
    # network
    "load_facilities": "hinterland.network.facilities",
    "facilities_frame": "hinterland.network.facilities",
    "default_facilities": "hinterland.network.default_network",
    "reach": "hinterland.network.coverage",
    "promise_coverage": "hinterland.network.coverage",
    "DesignSpec": "hinterland.network.design",
    "design": "hinterland.network.design",
    "zip_candidates": "hinterland.network.design",
    "upgrade_candidates": "hinterland.network.design",
    "solve_pmedian": "hinterland.network.pmedian",
    # demand and inventory
    "DemandRates": "hinterland.demand.rates",
    "generate_catalogue": "hinterland.demand.catalogue",
    "generate_orders": "hinterland.demand.orders",
    "forecast_panel": "hinterland.demand.forecast",
    "select_and_forecast": "hinterland.demand.selection",
    "plan_assortment": "hinterland.inventory.assortment",
    # promise
    "PromiseEngine": "hinterland.promise.engine",
    "parse_orders": "hinterland.promise.engine",
    # routing
    "Station": "hinterland.routing.problem",
    "default_fleet": "hinterland.routing.problem",
    "parcels_to_stops": "hinterland.routing.problem",
    "build_problem": "hinterland.routing.problem",
    "build_problem_from_parcels": "hinterland.routing.problem",
    "plan_routes": "hinterland.routing.solve",
    "plan_routes_decomposed": "hinterland.routing.decompose",
    "verify_plan": "hinterland.routing.verify",
    "station_day": "hinterland.routing.station_day",
    # files
    "read_table": "hinterland.io.tables",
    "write_table": "hinterland.io.atomic",
    "write_json": "hinterland.io.atomic",
    "write_geojson": "hinterland.io.geo",
    "write_geoparquet": "hinterland.io.geo",
    "to_geodataframe": "hinterland.io.geo",
    "from_geodataframe": "hinterland.io.geo",
    # errors and certificates
    "HinterlandError": "hinterland.core.errors",
    "InputError": "hinterland.core.errors",
    "Certificate": "hinterland.core.certificate",
}

__all__ = [
    "Certificate",
    "DemandRates",
    "DesignSpec",
    "HinterlandError",
    "InputError",
    "OperatingModel",
    "Plan",
    "PromiseEngine",
    "Scenario",
    "Station",
    "TravelModel",
    "__version__",
    "build_problem",
    "build_problem_from_parcels",
    "data_path",
    "default_facilities",
    "default_fleet",
    "design",
    "facilities_frame",
    "forecast_panel",
    "from_geodataframe",
    "generate_catalogue",
    "generate_orders",
    "haversine_km",
    "load_facilities",
    "load_scenario",
    "network_with",
    "parcels_to_stops",
    "parse_orders",
    "plan_assortment",
    "plan_routes",
    "plan_routes_decomposed",
    "promise_coverage",
    "promise_orders",
    "reach",
    "read_table",
    "route_parcels",
    "rural_day_demo",
    "select_and_forecast",
    "select_zip_areas",
    "solve_pmedian",
    "solve_routes",
    "station_day",
    "summarise_zip_areas",
    "to_geodataframe",
    "upgrade_candidates",
    "van_stations",
    "verify_data",
    "verify_plan",
    "write_geojson",
    "write_geoparquet",
    "write_json",
    "write_table",
    "zip_areas",
    "zip_candidates",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    where = _API.get(name)
    if where is None:
        raise AttributeError(f"module 'hinterland' has no attribute {name!r}")
    module, _, attr = where.partition(":")
    value = getattr(importlib.import_module(module), attr or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})


if TYPE_CHECKING:  # the same names, for type checkers and IDEs
    from hinterland.core.certificate import Certificate
    from hinterland.core.errors import HinterlandError, InputError
    from hinterland.data.region import select_zip_areas, summarise_zip_areas
    from hinterland.data.registry import data_path
    from hinterland.data.registry import verify_all as verify_data
    from hinterland.data.zip_areas import zip_areas
    from hinterland.demand.catalogue import generate_catalogue
    from hinterland.demand.forecast import forecast_panel
    from hinterland.demand.orders import generate_orders
    from hinterland.demand.rates import DemandRates
    from hinterland.demand.selection import select_and_forecast
    from hinterland.geo.distance import haversine_km
    from hinterland.geo.travel import TravelModel
    from hinterland.inventory.assortment import plan_assortment
    from hinterland.io.atomic import write_json, write_table
    from hinterland.io.geo import (
        from_geodataframe,
        to_geodataframe,
        write_geojson,
        write_geoparquet,
    )
    from hinterland.io.tables import read_table
    from hinterland.network.coverage import promise_coverage, reach
    from hinterland.network.default_network import default_facilities
    from hinterland.network.design import DesignSpec, design, upgrade_candidates, zip_candidates
    from hinterland.network.facilities import facilities_frame, load_facilities
    from hinterland.network.pmedian import solve_pmedian
    from hinterland.operations import OperatingModel
    from hinterland.pipeline import rural_day_demo
    from hinterland.plan import (
        Plan,
        network_with,
        promise_orders,
        route_parcels,
        solve_routes,
        van_stations,
    )
    from hinterland.promise.engine import PromiseEngine, parse_orders
    from hinterland.routing.decompose import plan_routes_decomposed
    from hinterland.routing.problem import (
        Station,
        build_problem,
        build_problem_from_parcels,
        default_fleet,
        parcels_to_stops,
    )
    from hinterland.routing.solve import plan_routes
    from hinterland.routing.station_day import station_day
    from hinterland.routing.verify import verify_plan
    from hinterland.scenario import Scenario, load_scenario
