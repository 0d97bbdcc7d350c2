"""HTTP API (FastAPI): delivery promises for one order or a batch.

Endpoints:

* ``POST /v1/promise``: one order -> its options and the chosen one;
* ``POST /v1/promise/batch``: ``{"orders": [...], "policy": ...}`` (1 to
  :data:`MAX_BATCH` orders);
* ``GET /v1/health``: liveness and network size;
* ``GET /docs``: OpenAPI documentation (Swagger UI served from this process, so it
  works offline; ``GET /openapi.json`` is the schema).

Errors: invalid input (including a body that is not JSON) answers 422 with a
``message`` naming the field and FastAPI's ``detail`` list; an unknown ZIP area
answers 404; no input is meant to give a 500.

Validation is the CLI's (:mod:`hinterland.promise.orders_check`): the same weight
and fee limits, lat/lon on US soil, a ZIP area or a point but not both, no unknown
fields, unique order ids within a batch.

Times: ``order_time`` is ISO 8601; an offset (``+02:00``/``Z``) is kept, and the
operating day is the order's local calendar day. Promised times come back in the
same offset.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from decimal import Decimal
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool

from hinterland.core.errors import HinterlandError, InputError
from hinterland.core.money import to_cents
from hinterland.io import dumps
from hinterland.promise.engine import (
    MODE_CARRIER,
    MODES,
    REASON_NAMES,
    REASON_TEXT,
    TIERS,
    ParsedOrders,
    PromiseEngine,
    PromiseResult,
    UnknownZipError,
)
from hinterland.promise.orders_check import MAX_FEE_USD, MAX_WEIGHT_KG, check_points

#: Most orders one batch request may carry.
MAX_BATCH = 10_000
#: Batches up to this size run on the event loop; larger ones in the thread pool.
SMALL_BATCH = 200

Tier = Literal["60min", "same_day", "next_day", "two_day"]
Policy = Literal["fastest", "cheapest"]
assert set(TIERS) == {"60min", "same_day", "next_day", "two_day"}


class OrderIn(BaseModel):
    """One order: a destination (ZIP area, or lat/lon), a parcel weight, a time and a tier."""

    model_config = ConfigDict(extra="forbid")

    order_id: Annotated[str | None, Field(max_length=128)] = None
    destination_zip: Annotated[
        str | None, Field(pattern=r"^\d{5}$", description="5-digit ZIP area (ZCTA)")
    ] = None
    lat: Annotated[float | None, Field(ge=-90, le=90, allow_inf_nan=False)] = None
    lon: Annotated[float | None, Field(ge=-180, le=180, allow_inf_nan=False)] = None
    weight_kg: Annotated[float, Field(gt=0, le=MAX_WEIGHT_KG, allow_inf_nan=False)]
    order_time: Annotated[dt.datetime, Field(description="ISO 8601, e.g. 2025-03-04T13:05-06:00")]
    tier: Tier
    in_hub_stock: bool = True
    weather_ok: bool = True
    shipping_fee_usd: Annotated[Decimal | None, Field(ge=0, le=MAX_FEE_USD, decimal_places=2,
                                                      allow_inf_nan=False)] = None

    @model_validator(mode="after")
    def _one_destination(self) -> OrderIn:
        if self.destination_zip is None and (self.lat is None or self.lon is None):
            raise ValueError("give destination_zip, or both lat and lon")
        if self.destination_zip is not None and (self.lat is not None or self.lon is not None):
            raise ValueError("give destination_zip or lat/lon, not both")
        if self.lat is not None and self.lon is not None:
            import pandas as pd

            try:
                check_points(pd.DataFrame({"lat": [self.lat], "lon": [self.lon]}), "order")
            except InputError as exc:
                raise ValueError(exc.reason) from None
        return self


class PromiseRequest(OrderIn):
    """One order and the choice policy."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"destination_zip": "95240", "weight_kg": 1.0, "order_time": "2025-03-04T13:00:00-08:00",
         "tier": "60min", "policy": "fastest"},
        {"destination_zip": "69201", "weight_kg": 2.5, "order_time": "2025-03-04T13:00",
         "tier": "next_day", "policy": "cheapest"},
        {"lat": 40.75, "lon": -73.99, "weight_kg": 0.5, "order_time": "2025-03-04T08:00",
         "tier": "same_day"},
    ]})

    policy: Policy = "fastest"


class BatchRequest(BaseModel):
    """Several orders and one choice policy."""

    model_config = ConfigDict(extra="forbid")

    orders: Annotated[list[OrderIn], Field(min_length=1, max_length=MAX_BATCH)]
    policy: Policy = "fastest"

    @model_validator(mode="after")
    def _unique_ids(self) -> BatchRequest:
        seen: dict[str, int] = {}
        for i, o in enumerate(self.orders):
            if o.order_id is None:
                continue
            if o.order_id in seen:
                raise ValueError(f"order_id {o.order_id!r} appears twice (orders "
                                 f"{seen[o.order_id]} and {i})")
            seen[o.order_id] = i
        return self


class OptionOut(BaseModel):
    """One delivery option of an order."""

    mode: str
    carrier: str
    feasible: bool
    reason: str
    reason_text: str
    source_id: str | None
    handoff_id: str | None
    promised_time: str | None
    promised_min: float | None
    cost_usd: float | None
    co2_kg: float | None
    meets_tier: bool


class PromiseOut(BaseModel):
    """Options of one order and the chosen one (``None`` when no option meets the tier)."""

    order_id: str
    tier: str
    policy: str
    chosen: OptionOut | None
    reason: str
    reason_text: str
    options: list[OptionOut]


class BatchOut(BaseModel):
    """Promises of a batch, in request order."""

    count: int
    promises: list[PromiseOut]


def _parsed(engine: PromiseEngine, orders: list[OrderIn], field_prefix: str) -> ParsedOrders:
    n = len(orders)
    zip_row = np.full(n, -1, np.int64)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    dest_zip = np.full(n, None, dtype=object)
    day_start = np.empty(n, "datetime64[s]")
    tz = np.empty(n, dtype=object)
    t = np.empty(n)
    fee = np.empty(n, np.int64)
    cfg = engine.model
    for i, o in enumerate(orders):
        if o.destination_zip is not None:
            pos = engine.zip_position.get(o.destination_zip, -1)
            if pos < 0:
                raise UnknownZipError("request", o.destination_zip,
                                      column=f"{field_prefix.format(i=i)}destination_zip")
            zip_row[i] = pos
            dest_zip[i] = o.destination_zip
        else:
            lat[i], lon[i] = float(o.lat), float(o.lon)  # type: ignore[arg-type]
        ts = o.order_time
        off = ts.utcoffset()
        if off is None:
            tz[i] = ""
        else:
            secs = int(off.total_seconds())
            sign = "-" if secs < 0 else "+"
            tz[i] = f"{sign}{abs(secs) // 3600:02d}:{abs(secs) % 3600 // 60:02d}"
        day_start[i] = np.datetime64(ts.date().isoformat(), "s")
        t[i] = ts.hour * 60 + ts.minute + ts.second / 60 + ts.microsecond / 6e7
        fee[i] = to_cents(o.shipping_fee_usd if o.shipping_fee_usd is not None
                          else cfg.shipping_fee_usd[o.tier])
    pts = zip_row < 0
    if pts.any():
        from hinterland.geo import unit_vectors

        _, near = engine._zip_tree.query(unit_vectors(lat[pts], lon[pts]))
        dest_zip[pts] = engine.zips["zip"].to_numpy()[near]
    return ParsedOrders(
        order_id=np.array([o.order_id or str(i + 1) for i, o in enumerate(orders)], dtype=object),
        zip_row=zip_row, lat=lat, lon=lon,
        weight_kg=np.array([o.weight_kg for o in orders], dtype=float),
        order_min=t,
        tier=np.array([TIERS.index(o.tier) for o in orders], dtype=np.int8),
        in_stock=np.array([o.in_hub_stock for o in orders], dtype=bool),
        weather_ok=np.array([o.weather_ok for o in orders], dtype=bool),
        shipping_fee_cents=fee, day_start=day_start, tz_suffix=tz, dest_zip=dest_zip,
    )


def _outputs(res: PromiseResult) -> list[dict[str, Any]]:
    """Plain dicts shaped like :class:`PromiseOut` (serialised without re-validation)."""
    n, k = res.promised_min.shape
    rows = np.repeat(np.arange(n), k)
    times = res._time_text(res.promised_min.ravel(), rows).reshape(n, k).tolist()
    ids = res.facility_ids
    order_ids = res.ids()
    reason = res.reason.tolist()
    source = res.source.tolist()
    handoff = res.handoff.tolist()
    cost = res.cost_cents.tolist()
    prom = res.promised_min.tolist()
    co2 = res.co2_kg.tolist()
    meets = res.meets_tier.tolist()
    out: list[dict[str, Any]] = []
    for i in range(n):
        opts = []
        for m in range(k):
            r, src, hand, c = reason[i][m], source[i][m], handoff[i][m], cost[i][m]
            ok = r == 0
            opts.append({
                "mode": MODES[m], "carrier": MODE_CARRIER[MODES[m]], "feasible": ok,
                "reason": REASON_NAMES[r], "reason_text": REASON_TEXT[r],
                "source_id": str(ids[src]) if src >= 0 else None,
                "handoff_id": str(ids[hand]) if hand >= 0 else None,
                "promised_time": times[i][m], "promised_min": prom[i][m] if ok else None,
                "cost_usd": c / 100 if c >= 0 else None, "co2_kg": co2[i][m] if ok else None,
                "meets_tier": meets[i][m],
            })
        c = int(res.chosen[i])
        tr = int(res.tier_reason[i])
        out.append({
            "order_id": str(order_ids[i]), "tier": TIERS[int(res.tier[i])], "policy": res.policy,
            "chosen": opts[c] if c >= 0 else None, "reason": REASON_NAMES[tr],
            "reason_text": REASON_TEXT[tr], "options": opts,
        })
    return out


def _json(obj: Any) -> Response:
    try:
        text = json.dumps(obj, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError):  # numpy scalars or a stray NaN: the strict converter
        text = dumps(obj, compact=True)
    return Response(text, media_type="application/json")


def _swagger_assets() -> str | None:
    """Folder of the Swagger UI files shipped by ``swagger-ui-bundle-v2``, if installed."""
    try:
        import swagger_ui_bundle
    except ImportError:  # pragma: no cover - a dependency; fall back to FastAPI's CDN page
        return None
    return str(swagger_ui_bundle.swagger_ui_path)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p != "body"]
    return ".".join(parts) if parts else "body"


def create_app(engine: PromiseEngine | None = None) -> FastAPI:
    """Build the API over ``engine`` (default: the national demo network, built on first use)."""
    assets = _swagger_assets()
    app = FastAPI(
        title="hinterland promise API",
        version="1",
        description="Delivery promises for rural last-mile networks: options (mode, source, "
        "promised time, cost, CO2) and the one chosen by policy.",
        docs_url=None if assets else "/docs",
        redoc_url=None,
    )
    if assets:
        from fastapi.staticfiles import StaticFiles

        app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")

        @app.get("/docs", include_in_schema=False)
        def docs() -> HTMLResponse:
            return get_swagger_ui_html(
                openapi_url=app.openapi_url or "/openapi.json",
                title=f"{app.title} - docs",
                swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                swagger_css_url="/docs-assets/swagger-ui.css",
                swagger_favicon_url="/docs-assets/favicon-32x32.png",
            )
    state: dict[str, PromiseEngine] = {}
    if engine is not None:
        state["engine"] = engine

    def get_engine() -> PromiseEngine:
        if "engine" not in state:
            from hinterland.promise.service import default_engine

            state["engine"] = default_engine()
            # The network's tables live for the whole process: keep them out of the
            # cyclic GC's generations so collections stay short (latency tail).
            gc.collect()
            gc.freeze()
        return state["engine"]

    app.state.get_engine = get_engine

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        detail = []
        for e in errors:
            loc = list(e.get("loc", ()))
            field = _field_name(loc)
            msg = str(e.get("msg", "invalid"))
            if e.get("type") == "json_invalid":
                field, msg = "body", f"body is not valid JSON: {msg}"
            detail.append({"field": field, "message": msg, "type": e.get("type"),
                           "loc": [str(x) for x in loc]})
        first = detail[0] if detail else {"field": "body", "message": "invalid request"}
        return JSONResponse(status_code=422, content={
            "message": f"invalid field '{first['field']}': {first['message']}",
            "field": first["field"], "detail": detail})

    @app.exception_handler(UnknownZipError)
    async def _unknown_zip(request: Request, exc: UnknownZipError) -> JSONResponse:
        return JSONResponse(status_code=404, content={
            "message": f"unknown ZIP area {exc.zip_code!r}: not a US ZIP code tabulation area "
            "in hinterland's data", "field": exc.column, "zip": exc.zip_code})

    @app.exception_handler(HinterlandError)
    async def _user_error(request: Request, exc: HinterlandError) -> JSONResponse:
        field = getattr(exc, "column", None)
        return JSONResponse(status_code=422, content={"message": str(exc), "field": field})

    @app.get("/v1/health")
    def health() -> dict[str, Any]:
        """Liveness, and the size of the network promises are made over."""
        eng = get_engine()
        return {"status": "ok", "zip_areas": len(eng.zips),
                "facilities": len(eng.sites.facilities), "modes": list(MODES),
                "tiers": list(TIERS)}

    @app.post("/v1/promise", response_model=PromiseOut,
              responses={404: {"description": "unknown ZIP area"},
                         422: {"description": "invalid input, naming the field"}})
    async def promise_one(order: PromiseRequest) -> Response:
        """Options for one order and the chosen one."""
        # Sub-millisecond numpy work: run on the event loop, no thread hop.
        eng = get_engine()
        res = eng.promise_parsed(_parsed(eng, [order], ""), policy=order.policy)
        return _json(_outputs(res)[0])

    @app.post("/v1/promise/batch", response_model=BatchOut,
              responses={404: {"description": "unknown ZIP area"},
                         422: {"description": "invalid input, naming the field"}})
    async def promise_batch(batch: BatchRequest) -> Response:
        """Options and choices for up to ``MAX_BATCH`` orders, in request order."""
        eng = get_engine()

        def work() -> Response:
            res = eng.promise_parsed(_parsed(eng, batch.orders, "orders.{i}."),
                                     policy=batch.policy)
            outs = _outputs(res)
            return _json({"count": len(outs), "promises": outs})

        # Large batches run in the thread pool so they do not stall other requests.
        return work() if len(batch.orders) <= SMALL_BATCH else await run_in_threadpool(work)

    return app
