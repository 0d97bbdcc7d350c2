"""HTTP API: promises, validation (422 naming the field), unknown ZIP (404), never 500."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ORDER = {"destination_zip": "95240", "weight_kg": 1.0,
         "order_time": "2025-03-04T13:00:00-08:00", "tier": "60min"}


def test_single_promise_lists_options_and_choice(client: TestClient) -> None:
    r = client.post("/v1/promise", json=ORDER)
    assert r.status_code == 200
    body = r.json()
    assert body["chosen"]["mode"] == "drone"
    assert body["chosen"]["source_id"] == "DRONE-95237"
    assert body["chosen"]["promised_time"].endswith("-08:00")
    assert body["chosen"]["promised_time"].startswith("2025-03-04T13:")
    assert {o["mode"] for o in body["options"]} == {
        "hub_van", "fc_van", "postal_express_24h", "postal_priority_same_day", "drone"}
    for o in body["options"]:
        assert set(o) >= {"mode", "source_id", "promised_time", "cost_usd", "reason"}
        assert (o["cost_usd"] is None) == (not o["feasible"])


def test_remote_zip_and_policy(client: TestClient) -> None:
    r = client.post("/v1/promise", json={**ORDER, "destination_zip": "69201",
                                         "tier": "next_day", "policy": "cheapest"})
    assert r.status_code == 200
    body = r.json()
    assert body["chosen"]["mode"] == "postal_express_24h"
    assert body["chosen"]["handoff_id"].startswith("PO-")
    assert body["policy"] == "cheapest"


def test_lat_lon_order(client: TestClient) -> None:
    order = {k: v for k, v in ORDER.items() if k != "destination_zip"}
    r = client.post("/v1/promise", json={**order, "lat": 40.75, "lon": -73.99,
                                         "tier": "same_day"})
    assert r.status_code == 200
    assert r.json()["chosen"]["mode"] in {"hub_van", "postal_priority_same_day"}


def test_batch_keeps_order_and_ids(client: TestClient) -> None:
    orders = [{**ORDER, "order_id": "a"}, {**ORDER, "order_id": "b", "weight_kg": 5.0}]
    r = client.post("/v1/promise/batch", json={"orders": orders})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    assert [p["order_id"] for p in body["promises"]] == ["a", "b"]
    assert body["promises"][1]["chosen"] is None
    assert body["promises"][1]["reason"] == "MISSES_TIER"
    drone = next(o for o in body["promises"][1]["options"] if o["mode"] == "drone")
    assert drone["reason"] == "TOO_HEAVY"


def test_unknown_zip_is_404(client: TestClient) -> None:
    r = client.post("/v1/promise", json={**ORDER, "destination_zip": "00000"})
    assert r.status_code == 404
    assert "unknown ZIP area '00000'" in r.json()["message"]
    r = client.post("/v1/promise/batch",
                    json={"orders": [ORDER, {**ORDER, "destination_zip": "99999"}]})
    assert r.status_code == 404
    assert r.json()["field"] == "orders.1.destination_zip"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weight_kg": -1}, "weight_kg"),
        ({"weight_kg": "heavy"}, "weight_kg"),
        ({"tier": "tomorrow"}, "tier"),
        ({"order_time": "not a time"}, "order_time"),
        ({"destination_zip": "1234"}, "destination_zip"),
        ({"shipping_fee_usd": "1.001"}, "shipping_fee_usd"),
        ({"policy": "random"}, "policy"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_field_is_422_naming_it(client: TestClient, change: dict[str, Any],
                                        field: str) -> None:
    r = client.post("/v1/promise", json={**ORDER, **change})
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == field
    assert field in body["message"]


def test_missing_field_and_destination(client: TestClient) -> None:
    r = client.post("/v1/promise", json={k: v for k, v in ORDER.items() if k != "weight_kg"})
    assert r.status_code == 422 and r.json()["field"] == "weight_kg"
    r = client.post("/v1/promise", json={k: v for k, v in ORDER.items()
                                         if k != "destination_zip"})
    assert r.status_code == 422 and "destination_zip" in r.json()["message"]


@pytest.mark.parametrize(
    ("content", "ctype"),
    [(b"{not json", "application/json"), (b"", "application/json"),
     (b"hello", "text/plain"), (b"[1, 2]", "application/json"), (b"\xff\xfe", "application/json")],
)
def test_non_json_body_is_422(client: TestClient, content: bytes, ctype: str) -> None:
    r = client.post("/v1/promise", content=content, headers={"content-type": ctype})
    assert r.status_code == 422
    assert "message" in r.json()


def test_batch_limits(client: TestClient) -> None:
    r = client.post("/v1/promise/batch", json={"orders": []})
    assert r.status_code == 422 and r.json()["field"] == "orders"


def test_docs_and_health(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/v1/promise" in spec["paths"] and "/v1/promise/batch" in spec["paths"]
    assert client.get("/v1/health").json()["status"] == "ok"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6,
)
fields = st.fixed_dictionaries(
    {},
    optional={
        "destination_zip": st.one_of(st.text(max_size=6), st.sampled_from(["95240", "00000"]),
                                     json_values),
        "lat": st.one_of(st.floats(), json_values),
        "lon": st.one_of(st.floats(), json_values),
        "weight_kg": st.one_of(st.floats(), json_values),
        "order_time": st.one_of(st.text(max_size=30), st.just("2025-03-04T13:00"), json_values),
        "tier": st.one_of(st.sampled_from(["60min", "same_day", "next_day", "two_day"]),
                          json_values),
        "policy": st.one_of(st.sampled_from(["fastest", "cheapest"]), json_values),
        "in_hub_stock": json_values,
        "shipping_fee_usd": json_values,
    },
)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(fields)
def test_fuzz_never_500(client: TestClient, body: dict[str, Any]) -> None:
    text = json.dumps(body, allow_nan=True)  # NaN/Infinity tokens are not JSON: must be 422
    r = client.post("/v1/promise", content=text, headers={"content-type": "application/json"})
    assert r.status_code in (200, 404, 422), r.text
    if r.status_code != 200:
        assert r.json()["message"]
    r = client.post("/v1/promise/batch", content=json.dumps({"orders": [body]}, allow_nan=True),
                    headers={"content-type": "application/json"})
    assert r.status_code in (200, 404, 422), r.text


valid_orders = st.fixed_dictionaries(
    {
        "weight_kg": st.floats(min_value=0.001, max_value=1000, allow_nan=False),
        "order_time": st.datetimes(
            min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 1, 1),
            timezones=st.one_of(st.none(), st.integers(-14 * 60, 14 * 60).map(
                lambda m: dt.timezone(dt.timedelta(minutes=m)))),
        ).map(lambda t: t.isoformat()),
        "tier": st.sampled_from(["60min", "same_day", "next_day", "two_day"]),
        "policy": st.sampled_from(["fastest", "cheapest"]),
        "in_hub_stock": st.booleans(),
        "weather_ok": st.booleans(),
    }
).flatmap(lambda base: st.one_of(
    st.builds(lambda z: {**base, "destination_zip": z},
              st.sampled_from(["95240", "69201", "10001", "99723", "59337"])
              | st.from_regex(r"\A[0-9]{5}\Z")),
    # Points on US soil (the 48 states' box, Alaska's, Hawaii's): others are refused (422).
    st.sampled_from([(25.0, 49.0, -124.0, -67.0), (55.0, 70.0, -165.0, -141.0),
                     (19.0, 22.0, -160.0, -155.0)]).flatmap(
        lambda b: st.builds(lambda la, lo: {**base, "lat": la, "lon": lo},
                            st.floats(b[0], b[1]), st.floats(b[2], b[3]))),
))


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(valid_orders)
def test_fuzz_valid_orders_answer_consistently(client: TestClient, body: dict[str, Any]) -> None:
    r = client.post("/v1/promise", json=body)
    assert r.status_code in (200, 404), r.text
    if r.status_code == 404:
        assert "unknown ZIP area" in r.json()["message"]
        return
    out = r.json()
    assert len(out["options"]) == 5
    chosen = out["chosen"]
    if chosen is None:
        assert out["reason"] in ("MISSES_TIER", "NO_OPTION")
        assert not any(o["meets_tier"] for o in out["options"])
    else:
        assert chosen["feasible"] and chosen["meets_tier"] and out["reason"] == "OK"
        key = "promised_min" if out["policy"] == "fastest" else "cost_usd"
        best = min(o[key] for o in out["options"] if o["meets_tier"])
        assert chosen[key] == best
