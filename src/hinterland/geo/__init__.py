"""Travel between points: great-circle distance, circuity and drive time."""

from hinterland.geo.distance import EARTH_RADIUS_KM, haversine_km, unit_vectors
from hinterland.geo.travel import TravelBackend, TravelModel

__all__ = ["EARTH_RADIUS_KM", "TravelBackend", "TravelModel", "haversine_km", "unit_vectors"]
