"""Days of operation end to end: tracking events, KPIs, scenario comparison.

See :mod:`hinterland.sim.run` (the simulation), :mod:`hinterland.sim.kpis` (the
KPIs) and :mod:`hinterland.sim.compare` (two scenarios with common random numbers).
"""

from hinterland.sim.run import EVENT_COLUMNS, EVENTS, PARCEL_COLUMNS, SimResult, SimSpec, simulate

__all__ = ["EVENTS", "EVENT_COLUMNS", "PARCEL_COLUMNS", "SimResult", "SimSpec", "simulate"]
