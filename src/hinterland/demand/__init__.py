"""demand stage: parcels per ZIP area, order streams, order histories, forecasts.

See ``docs/demand.md``. Modules: :mod:`~hinterland.demand.rates` (defaults and
sources), :mod:`~hinterland.demand.catalogue`, :mod:`~hinterland.demand.orders`,
:mod:`~hinterland.demand.history`, :mod:`~hinterland.demand.forecast`,
:mod:`~hinterland.demand.backtest`, :mod:`~hinterland.demand.metrics`,
:mod:`~hinterland.demand.selection`, :mod:`~hinterland.demand.pipeline`,
:mod:`~hinterland.demand.panels`, :mod:`~hinterland.demand.global_model` (one
LightGBM model across all series), :mod:`~hinterland.demand.intervals`
(prediction intervals, predictive dispersion), :mod:`~hinterland.demand.coldstart`
(new hubs and items), :mod:`~hinterland.demand.world` (generated item x hub world).
"""

from hinterland.demand.backtest import backtest, rolling_cutoffs
from hinterland.demand.catalogue import Catalogue, generate_catalogue
from hinterland.demand.forecast import (
    GLOBAL_MODEL,
    MODEL_NAMES,
    MODELS_WITH_GLOBAL,
    forecast_panel,
)
from hinterland.demand.history import demand_series, load_order_history
from hinterland.demand.metrics import Scores, score
from hinterland.demand.orders import expected_parcels, generate_order_stream, generate_orders
from hinterland.demand.rates import DemandRates
from hinterland.demand.selection import Selection, select_and_forecast

__all__ = [
    "GLOBAL_MODEL",
    "MODELS_WITH_GLOBAL",
    "MODEL_NAMES",
    "Catalogue",
    "DemandRates",
    "Scores",
    "Selection",
    "backtest",
    "demand_series",
    "expected_parcels",
    "forecast_panel",
    "generate_catalogue",
    "generate_order_stream",
    "generate_orders",
    "load_order_history",
    "rolling_cutoffs",
    "score",
    "select_and_forecast",
]
