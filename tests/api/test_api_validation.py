"""The API and the CLI accept the same orders; /docs works offline."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hinterland.core.errors import InputError
from hinterland.promise.orders_check import check_orders

BASE = {"order_id": "o1", "destination_zip": "69201", "weight_kg": 1.0,
        "order_time": "2025-03-04T13:00", "tier": "next_day"}
POINT = {"order_id": "o1", "lat": 40.75, "lon": -73.99, "weight_kg": 1.0,
         "order_time": "2025-03-04T13:00", "tier": "same_day"}

BAD = [
    ("heavy", {**BASE, "weight_kg": 5000}),
    ("huge", {**BASE, "weight_kg": 1e9}),
    ("zip and point", {**BASE, "lat": 40.75, "lon": -73.99}),
    ("unknown field", {**BASE, "colour": "red"}),
    ("four-digit zip", {**BASE, "destination_zip": "1001"}),
    ("null island", {**POINT, "lat": 0.0, "lon": 0.0}),
    ("flipped lon", {**POINT, "lon": 73.99}),
    ("fee too big", {**BASE, "shipping_fee_usd": "10000.01"}),
]
GOOD = [
    ("zip", BASE),
    ("point", POINT),
    ("heaviest", {**BASE, "weight_kg": 1000}),
    ("top fee", {**BASE, "shipping_fee_usd": "10000.00"}),
    ("alaska", {**POINT, "lat": 64.84, "lon": -147.72}),
]


def _cli_accepts(order: dict) -> bool:
    table = pd.DataFrame([{k: ("" if v is None else str(v)) for k, v in order.items()}])
    try:
        check_orders(table, source="orders.csv")
    except InputError:
        return False
    return True


@pytest.mark.parametrize(("name", "order"), BAD, ids=[b[0] for b in BAD])
def test_both_refuse(client, name, order) -> None:
    assert not _cli_accepts(order), name
    r = client.post("/v1/promise", json=order)
    assert r.status_code == 422, (name, r.text)
    assert "message" in r.json()


@pytest.mark.parametrize(("name", "order"), GOOD, ids=[g[0] for g in GOOD])
def test_both_accept(client, name, order) -> None:
    assert _cli_accepts(order), name
    r = client.post("/v1/promise", json=order)
    assert r.status_code == 200, (name, r.text)


def test_batch_refuses_a_repeated_order_id(client) -> None:
    r = client.post("/v1/promise/batch", json={"orders": [BASE, BASE]})
    assert r.status_code == 422 and "appears twice" in r.json()["message"]
    dup = pd.DataFrame([BASE, BASE]).astype(str)
    with pytest.raises(InputError, match="appears twice"):
        check_orders(dup)
    ok = client.post("/v1/promise/batch", json={"orders": [BASE, {**BASE, "order_id": "o2"}]})
    assert ok.status_code == 200


def test_docs_are_served_offline(client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for src in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"):
        assert src in page.text
        asset = client.get(src)
        assert asset.status_code == 200 and len(asset.content) > 10_000
    assert client.get("/openapi.json").json()["info"]["title"] == "hinterland promise API"


def test_swagger_assets_ship_as_a_dependency() -> None:
    import swagger_ui_bundle

    folder = Path(swagger_ui_bundle.swagger_ui_path)
    assert (folder / "swagger-ui-bundle.js").is_file()
