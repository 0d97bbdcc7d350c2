"""The settlement ledger behaves the same on SQLite and on a real PostgreSQL server.

Every test runs once per backend: SQLite always, PostgreSQL when
``HINTERLAND_TEST_PG_URL`` names a server (``.ci/run`` starts one and sets it), e.g.
``postgresql+psycopg://user:pass@127.0.0.1:5432/db``. Each PostgreSQL test works in
its own fresh schema, dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import random
import threading
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from hinterland.carriers import daily_statements, ledger_lines
from hinterland.carriers.settlement import MONEY_COLUMNS, reconcile
from hinterland.core.errors import InputError
from hinterland.operations import PostalPartner
from hinterland.store import ledger as store
from hinterland.store.db import make_engine

PG_URL = os.environ.get("HINTERLAND_TEST_PG_URL", "")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not PG_URL,
            reason="HINTERLAND_TEST_PG_URL is not set: no PostgreSQL server to test against "
            "(.ci/run starts one and sets it)",
        ),
    ),
]
PARTNERS = {
    "usps_like": PostalPartner(name="usps_like"),
    "regional": PostalPartner(
        name="regional", premises_fee_usd=Decimal("0.40"), revenue_share_pct=Decimal("12.5")
    ),
}


@pytest.fixture(params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """URL of an empty ledger database on the backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('ledger') / 'ledger.sqlite'}"
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:  # a server was asked for: a missing driver is a failure, not a skip
        pytest.fail(
            "HINTERLAND_TEST_PG_URL is set but the psycopg driver is not installed "
            "(pip install 'psycopg[binary]')"
        )
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A ledger engine (tables created by :func:`make_engine`) on the backend under test."""
    eng = make_engine(db_url)
    try:
        yield eng
    finally:
        eng.dispose()


def _parcels(
    day: str,
    n: int,
    *,
    seed: int,
    start: int = 0,
    partners: tuple[str, ...] = ("usps_like", "regional"),
) -> pd.DataFrame:
    """``n`` random parcels of one day (ids ``p<start>``...), several partners."""
    rng = random.Random(seed)
    rows = []
    for i in range(start, start + n):
        cents = rng.choice(
            [0, 1, 99, 299, rng.randrange(0, 100_000), rng.randrange(10**9, 10**11)]
        )  # up to ~$1e9 per parcel
        rows.append(
            {
                "partner": partners[i % len(partners)],
                "parcel_id": f"p{i}",
                "date": day,
                "zip": rng.choice(["69201", "89049", "88030", "01001"]),
                "office_id": f"PO-{rng.randrange(5)}",
                "weight_kg": round(rng.uniform(0.01, 30.0), 3),
                "service": rng.choice(["express_24h", "priority_same_day"]),
                "shipping_fee_usd": f"{cents // 100}.{cents % 100:02d}",
            }
        )
    return pd.DataFrame(rows)


def _lines(parcels: pd.DataFrame) -> pd.DataFrame:
    return ledger_lines(parcels, PARTNERS)


def _sorted(lines: pd.DataFrame) -> pd.DataFrame:
    """Ledger lines in the store's order (partner, date, parcel id; code-point order)."""
    return lines.sort_values(["partner", "date", "parcel_id"]).reset_index(drop=True)


def test_backend_is_the_one_named(engine: Engine, db_url: str) -> None:
    assert engine.dialect.name == make_url(db_url).get_backend_name()
    assert store.count_lines(engine) == 0


def test_recording_a_day_stores_every_line_exactly(engine: Engine) -> None:
    lines = _lines(_parcels("2025-03-04", 60, seed=1))
    stmts = store.settle_day(engine, "2025-03-04", lines)
    stored = store.ledger(engine, "2025-03-04")
    pd.testing.assert_frame_equal(stored, _sorted(lines))
    for c in MONEY_COLUMNS:
        assert all(isinstance(v, Decimal) for v in stored[c])
    pd.testing.assert_frame_equal(stmts, daily_statements(lines))
    one = store.ledger(engine, partner="regional")
    assert len(one) == (lines["partner"] == "regional").sum() > 0
    assert store.ledger(engine, "2025-03-05").empty


def test_statements_equal_the_sum_of_lines_to_the_cent(engine: Engine) -> None:
    days = ["2025-03-04", "2025-03-05", "2025-03-06"]
    all_lines = []
    for k, day in enumerate(days):
        lines = _lines(_parcels(day, 150, seed=10 + k, start=1000 * k))
        store.settle_day(engine, day, lines)
        all_lines.append(lines)
    lines = pd.concat(all_lines, ignore_index=True)
    stored, stmts = store.ledger(engine), store.statements(engine)
    assert reconcile(stored, stmts, PARTNERS) == []
    pd.testing.assert_frame_equal(stmts, daily_statements(lines))
    for c in MONEY_COLUMNS:
        assert sum(stmts[c], Decimal(0)) == sum(lines[c], Decimal(0))
    # Sums beyond 32-bit integer cents stay exact (BIGINT columns and sums).
    assert max(stmts["total_usd"]) * 100 > 2**31


def test_rerunning_a_day_is_idempotent(engine: Engine) -> None:
    day = "2025-03-04"
    lines = _lines(_parcels(day, 40, seed=2))
    first = store.settle_day(engine, day, lines)
    ledger_first = store.ledger(engine)
    second = store.settle_day(engine, day, lines)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(store.ledger(engine), ledger_first)
    assert store.count_lines(engine) == 40
    # Another day is independent; a run without lines only rebuilds statements.
    store.settle_day(engine, "2025-03-05", _lines(_parcels("2025-03-05", 5, seed=3, start=500)))
    pd.testing.assert_frame_equal(store.settle_day(engine, day), first)
    assert store.count_lines(engine) == 45
    # The day's list is authoritative for its partners: a shorter re-run replaces it.
    usps = lines[lines["partner"] == "usps_like"].iloc[:3]
    after = store.settle_day(engine, day, usps)
    assert store.count_lines(engine) == 5 + 3 + (lines["partner"] == "regional").sum()
    assert after.set_index("partner").loc["usps_like", "parcels"] == 3
    assert reconcile(store.ledger(engine), store.statements(engine), PARTNERS) == []


def test_parcel_settled_on_another_day_is_refused_and_leaves_nothing(engine: Engine) -> None:
    store.settle_day(engine, "2025-03-04", _lines(_parcels("2025-03-04", 4, seed=4)))
    before = store.ledger(engine)
    moved = _lines(_parcels("2025-03-05", 2, seed=5))  # same ids p0, p1, same partners
    with pytest.raises(InputError, match="already settled"):
        store.settle_day(engine, "2025-03-05", moved)
    with pytest.raises(InputError, match="while settling"):
        store.settle_day(engine, "2025-03-06", moved)
    pd.testing.assert_frame_equal(store.ledger(engine), before)
    assert store.statements(engine, "2025-03-05").empty


def test_duplicate_lines_in_one_batch_are_refused(engine: Engine) -> None:
    lines = _lines(_parcels("2025-03-04", 3, seed=6))
    doubled = pd.concat([lines, lines.iloc[[1]]], ignore_index=True)
    with pytest.raises(InputError, match="twice") as err:
        store.settle_day(engine, "2025-03-04", doubled)
    assert (err.value.row, err.value.column) == (4, "parcel_id")
    assert store.count_lines(engine) == 0
    assert store.statements(engine).empty


@pytest.mark.parametrize(
    ("column", "value"),
    [("parcel_id", "x" * 129), ("partner", "p" * 65), ("zip", "123456"), ("office_id", "o" * 129)],
)
def test_values_too_long_for_a_column_are_refused_on_every_backend(
    engine: Engine, column: str, value: str
) -> None:
    lines = _lines(_parcels("2025-03-04", 3, seed=7))
    lines.loc[2, column] = value
    with pytest.raises(InputError, match="longer than") as err:
        store.settle_day(engine, "2025-03-04", lines)
    assert (err.value.row, err.value.column) == (3, column)
    assert store.count_lines(engine) == 0


def test_order_is_code_point_order_whatever_the_collation(engine: Engine) -> None:
    # A natural-language collation (e.g. en-US) would put "alpha" before "Zeta" and
    # ignore the punctuation in "p-2"; the store must order like Python, as
    # daily_statements does, whatever the server's collation.
    partners = {n: PostalPartner(name=n) for n in ("Zeta", "alpha", "beta_2", "beta-1")}
    rows = [
        {
            "partner": n,
            "parcel_id": pid,
            "date": "2025-03-04",
            "zip": "69201",
            "office_id": "PO-1",
            "weight_kg": 1.0,
            "service": "express_24h",
            "shipping_fee_usd": "2.99",
        }
        for n in partners
        for pid in ("p-2", "p1", "P3", "p_0", "p10")
    ]
    lines = ledger_lines(pd.DataFrame(rows), partners)
    stmts = store.settle_day(engine, "2025-03-04", lines)
    assert list(stmts["partner"]) == sorted(partners)
    pd.testing.assert_frame_equal(stmts, daily_statements(lines))
    pd.testing.assert_frame_equal(store.ledger(engine), _sorted(lines))


def test_concurrent_settlements_end_as_if_run_one_after_another(db_url: str) -> None:
    """Writers racing on the same day (same lines, other partners, other days) all succeed.

    Each writer uses its own engine (as separate processes would). The final ledger and
    statements equal a serial run's.
    """
    day, other_day = "2025-03-04", "2025-03-05"
    usps = _lines(_parcels(day, 120, seed=8, partners=("usps_like",)))
    regional = _lines(_parcels(day, 120, seed=9, start=1000, partners=("regional",)))
    later = _lines(_parcels(other_day, 120, seed=10, start=2000))
    jobs = [
        (day, usps),
        (day, usps),
        (day, regional),
        (day, regional),
        (other_day, later),
        (day, None),
    ]
    rounds = 3
    engines = [make_engine(db_url) for _ in jobs]
    errors: list[BaseException] = []
    try:
        for _ in range(rounds):
            barrier = threading.Barrier(len(jobs))

            def work(
                eng: Engine,
                job: tuple[str, pd.DataFrame | None],
                barrier: threading.Barrier = barrier,
            ) -> None:
                try:
                    barrier.wait(timeout=30)
                    store.settle_day(eng, *job)
                except BaseException as exc:  # collected and re-raised in the test thread
                    errors.append(exc)

            threads = [
                threading.Thread(target=work, args=(e, j))
                for e, j in zip(engines, jobs, strict=True)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            assert not any(t.is_alive() for t in threads), "a settlement hung"
            assert errors == [], f"concurrent settlement failed: {errors[0]!r}"
        check = engines[0]
        everything = pd.concat([usps, regional, later], ignore_index=True)
        pd.testing.assert_frame_equal(store.ledger(check), _sorted(everything))
        pd.testing.assert_frame_equal(store.statements(check), daily_statements(everything))
        assert reconcile(store.ledger(check), store.statements(check), PARTNERS) == []
    finally:
        for eng in engines:
            eng.dispose()
