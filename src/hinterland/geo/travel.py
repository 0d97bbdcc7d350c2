"""Travel model: great-circle distance x circuity, drive time by rurality.

Road distance is the great-circle distance times a circuity factor that grows
with rurality (sparser road networks); drive time is a fixed access time plus
road distance over an average speed by rurality. The rurality of a pair is the
destination's (the delivery end), falling back to ``default_rurality``.

Defaults (assumptions, overridable in the scenario file):

* circuity 1.20 / 1.25 / 1.30 / 1.35 (metro ... rural). Ballou, Rahardja and
  Sakai (2002, *Transportation Research A* 36(9)) report 1.20 for the US as a
  whole; Boscoe, Henry and Zdeb (2012, *Professional Geographer* 64(2)) find
  driving/straight-line ratios higher where road networks are sparse.
* average speed 40 / 55 / 65 / 70 km/h: urban arterial vs rural highway travel
  (order of magnitude of FHWA Highway Statistics speeds), including slowdowns.
* access time 5 min per trip (leaving the depot/parking at the stop).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from hinterland.core.errors import HinterlandError
from hinterland.data.rurality import RURALITY_CLASSES
from hinterland.geo.distance import chord_to_km, haversine_km, km_to_chord, unit_vectors

DEFAULT_CIRCUITY = {"metro": 1.20, "micropolitan": 1.25, "small_town": 1.30, "rural": 1.35}
DEFAULT_SPEED_KMH = {"metro": 40.0, "micropolitan": 55.0, "small_town": 65.0, "rural": 70.0}

PAIR_COLUMNS = ("point", "centre", "gc_km", "road_km", "drive_min")


class TravelBackend(Protocol):
    """What a travel model offers; a road-graph or OSRM backend implements the same."""

    def matrix(
        self, origins: pd.DataFrame, destinations: pd.DataFrame
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Dense road km and drive minutes, shape ``(len(origins), len(destinations))``."""
        ...

    def within(
        self,
        points: pd.DataFrame,
        centres: pd.DataFrame,
        radius_km: float | None = None,
        radius_min: float | None = None,
    ) -> pd.DataFrame:
        """Sparse pairs (point, centre) within a road-km or drive-minute radius."""
        ...


def _rurality_index(frame: pd.DataFrame, default: str) -> NDArray[np.int64]:
    """Position of each row's rurality class in :data:`RURALITY_CLASSES`."""
    if "rurality" not in frame.columns:
        return np.full(len(frame), RURALITY_CLASSES.index(default), dtype=np.int64)
    values = frame["rurality"].astype(object).where(frame["rurality"].notna(), default)
    codes = pd.Categorical(values, categories=list(RURALITY_CLASSES)).codes
    if (codes < 0).any():
        bad = values[codes < 0].iloc[0]
        raise HinterlandError(
            f"unknown rurality {bad!r}; expected one of {', '.join(RURALITY_CLASSES)}"
        )
    return np.asarray(codes, dtype=np.int64)


@dataclass(frozen=True)
class TravelModel:
    """Great-circle x circuity travel model (the default backend).

    Parameters
    ----------
    circuity
        Road km per great-circle km, by rurality class.
    speed_kmh
        Average driving speed, by rurality class.
    access_min
        Fixed minutes added to every trip.
    default_rurality
        Class used where a destination has no ``rurality`` column/value.
    """

    circuity: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CIRCUITY))
    speed_kmh: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEED_KMH))
    access_min: float = 5.0
    default_rurality: str = "small_town"

    def __post_init__(self) -> None:
        for name, table in (("circuity", self.circuity), ("speed_kmh", self.speed_kmh)):
            missing = [c for c in RURALITY_CLASSES if c not in table]
            if missing:
                raise HinterlandError(f"travel model {name} lacks classes: {', '.join(missing)}")
        for cls in RURALITY_CLASSES:
            circ, speed = float(self.circuity[cls]), float(self.speed_kmh[cls])
            if not (math.isfinite(circ) and circ >= 1.0):
                raise HinterlandError(f"travel model circuity[{cls}] must be finite and >= 1 "
                                      f"(roads are never shorter), got {circ!r}")
            if not (math.isfinite(speed) and speed > 0):
                raise HinterlandError(
                    f"travel model speed_kmh[{cls}] must be positive and finite, got {speed!r}")
        if not (math.isfinite(self.access_min) and self.access_min >= 0):
            raise HinterlandError(
                f"travel model access_min must be finite and >= 0, got {self.access_min!r}")
        if self.default_rurality not in RURALITY_CLASSES:
            raise HinterlandError(f"travel model default_rurality {self.default_rurality!r} "
                                  f"is not one of {', '.join(RURALITY_CLASSES)}")

    def _factors(
        self, rur_idx: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        circ = np.array([self.circuity[c] for c in RURALITY_CLASSES])[rur_idx]
        speed = np.array([self.speed_kmh[c] for c in RURALITY_CLASSES])[rur_idx]
        return circ, speed

    def road_km(
        self, gc_km: ArrayLike, rurality: ArrayLike | str | None = None
    ) -> NDArray[np.float64]:
        """Road distance from great-circle km for destinations of the given rurality."""
        gc = np.asarray(gc_km, dtype=float)
        idx = self._index(rurality, gc.shape)
        return gc * self._factors(idx)[0]

    def drive_min(
        self, road_km: ArrayLike, rurality: ArrayLike | str | None = None
    ) -> NDArray[np.float64]:
        """Drive minutes for a road distance: access time + km / speed."""
        km = np.asarray(road_km, dtype=float)
        idx = self._index(rurality, km.shape)
        return self.access_min + km / self._factors(idx)[1] * 60.0

    def _index(self, rurality: ArrayLike | str | None, shape: tuple[int, ...]) -> NDArray[np.int64]:
        if rurality is None or isinstance(rurality, str):
            name = rurality or self.default_rurality
            return np.full(shape, RURALITY_CLASSES.index(name), dtype=np.int64)
        flat = _rurality_index(
            pd.DataFrame({"rurality": np.ravel(np.asarray(rurality))}), self.default_rurality
        )
        return np.broadcast_to(flat.reshape(np.shape(rurality)), shape)

    def matrix(
        self, origins: pd.DataFrame, destinations: pd.DataFrame
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Road km and drive minutes between every origin and destination.

        Parameters
        ----------
        origins, destinations
            Tables with ``lat`` and ``lon`` (degrees); destinations may carry
            ``rurality``, which sets circuity and speed of the pair.

        Returns
        -------
        (km, minutes)
            Arrays of shape ``(len(origins), len(destinations))``.
        """
        gc = haversine_km(
            origins["lat"].to_numpy()[:, None],
            origins["lon"].to_numpy()[:, None],
            destinations["lat"].to_numpy()[None, :],
            destinations["lon"].to_numpy()[None, :],
        )
        circ, speed = self._factors(_rurality_index(destinations, self.default_rurality))
        km = gc * circ[None, :]
        minutes = self.access_min + km / speed[None, :] * 60.0
        return km, minutes

    def within(
        self,
        points: pd.DataFrame,
        centres: pd.DataFrame,
        radius_km: float | None = None,
        radius_min: float | None = None,
    ) -> pd.DataFrame:
        """All (point, centre) pairs within a road distance or a drive time.

        Points are the destinations (their ``rurality`` sets circuity and speed).
        Uses a cKDTree over 3-D unit vectors of the centres; each point is
        queried with the great-circle radius its road/time radius implies.

        Parameters
        ----------
        points
            Table with ``lat``, ``lon`` and optional ``rurality``.
        centres
            Table with ``lat``, ``lon``.
        radius_km
            Maximum road km (exclusive with ``radius_min``).
        radius_min
            Maximum drive minutes, including the access time.

        Returns
        -------
        pandas.DataFrame
            ``point`` and ``centre`` (int row positions), ``gc_km``, ``road_km``,
            ``drive_min``; grouped by point in ascending order (the order of
            centres within a point is deterministic but unspecified).
        """
        if (radius_km is None) == (radius_min is None):
            raise HinterlandError("give exactly one of radius_km or radius_min")
        circ, speed = self._factors(_rurality_index(points, self.default_rurality))
        if radius_km is not None:
            if not (math.isfinite(radius_km) and radius_km >= 0):
                raise HinterlandError(f"radius_km must be finite and >= 0, got {radius_km!r}")
            gc_radius = radius_km / circ
        else:
            assert radius_min is not None
            if not (math.isfinite(radius_min) and radius_min >= 0):
                raise HinterlandError(f"radius_min must be finite and >= 0, got {radius_min!r}")
            gc_radius = np.maximum(radius_min - self.access_min, -1.0) / 60.0 * speed / circ
        if len(points) == 0 or len(centres) == 0:
            return empty_pairs()
        valid = gc_radius >= 0
        if not valid.any():
            return empty_pairs()
        # One C-level sweep at the largest radius, then an exact per-point filter.
        chord_max = float(km_to_chord(gc_radius[valid].max())) * (1 + 1e-9) + 1e-12
        point_tree = cKDTree(unit_vectors(points["lat"].to_numpy(), points["lon"].to_numpy()))
        centre_tree = cKDTree(unit_vectors(centres["lat"].to_numpy(), centres["lon"].to_numpy()))
        hits = point_tree.sparse_distance_matrix(centre_tree, chord_max, output_type="ndarray")
        point = hits["i"].astype(np.int64)
        centre = hits["j"].astype(np.int64)
        gc = chord_to_km(hits["v"])
        keep = gc <= gc_radius[point]
        point, centre, gc = point[keep], centre[keep], gc[keep]
        order = np.argsort(point, kind="stable")
        point, centre, gc = point[order], centre[order], gc[order]
        road = gc * circ[point]
        return pairs_frame(point, centre, gc, road, self.access_min + road / speed[point] * 60.0)

    def nearest(self, points: pd.DataFrame, centres: pd.DataFrame, k: int = 1) -> pd.DataFrame:
        """The ``k`` nearest centres (great-circle) of every point, with road km and minutes.

        Returns
        -------
        pandas.DataFrame
            Same columns as :meth:`within`, ``k`` rows per point (fewer when there
            are fewer centres), nearest first.
        """
        if len(points) == 0 or len(centres) == 0:
            return empty_pairs()
        k = min(k, len(centres))
        tree = cKDTree(unit_vectors(centres["lat"].to_numpy(), centres["lon"].to_numpy()))
        chord, idx = tree.query(
            unit_vectors(points["lat"].to_numpy(), points["lon"].to_numpy()), k=k, workers=-1
        )
        chord = np.asarray(chord).reshape(len(points), k)
        idx = np.asarray(idx).reshape(len(points), k)
        circ, speed = self._factors(_rurality_index(points, self.default_rurality))
        point = np.repeat(np.arange(len(points), dtype=np.int64), k)
        gc = chord_to_km(chord.ravel())
        road = gc * circ[point]
        centre = idx.ravel().astype(np.int64)
        return pairs_frame(point, centre, gc, road, self.access_min + road / speed[point] * 60.0)


def pairs_frame(
    point: NDArray[np.int64],
    centre: NDArray[np.int64],
    gc_km: NDArray[np.float64],
    road_km: NDArray[np.float64],
    drive_min: NDArray[np.float64],
) -> pd.DataFrame:
    """The (point, centre) pairs table every backend's ``within``/``nearest`` returns."""
    return pd.DataFrame(
        {
            "point": np.asarray(point, dtype=np.int64),
            "centre": np.asarray(centre, dtype=np.int64),
            "gc_km": np.asarray(gc_km, dtype=float),
            "road_km": np.asarray(road_km, dtype=float),
            "drive_min": np.asarray(drive_min, dtype=float),
        }
    )


def empty_pairs() -> pd.DataFrame:
    """An empty pairs table with the right columns and dtypes."""
    empty = np.empty(0)
    return pairs_frame(empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty)
