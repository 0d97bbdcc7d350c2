"""Database connection: SQLAlchemy 2, SQLite by default, PostgreSQL by URL.

The URL comes from (first found): the ``url`` argument, the ``HINTERLAND_DB_URL``
environment variable, else ``sqlite:///hinterland.sqlite`` in the working folder.
A PostgreSQL URL looks like ``postgresql+psycopg://user:pass@host/dbname`` (needs
a driver such as ``psycopg``). Money is stored as integer cents (``BIGINT``) so
that SQLite, which has no exact decimal type, stays exact.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Session

from hinterland.core.errors import HinterlandError

ENV_VAR = "HINTERLAND_DB_URL"
DEFAULT_URL = "sqlite:///hinterland.sqlite"


class Base(DeclarativeBase):
    """Declarative base of every hinterland table."""


def database_url(url: str | None = None) -> str:
    """The database URL in effect (argument, then ``HINTERLAND_DB_URL``, then the default)."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` and create missing tables.

    Raises
    ------
    HinterlandError
        The URL is malformed or names a driver that is not installed.
    """
    target = database_url(url)
    try:
        engine = create_engine(target)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise HinterlandError(f"cannot use database URL {target!r}: {exc}") from None
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    # Import table modules so their classes register with Base before create_all.
    from hinterland.store import ledger  # noqa: F401

    Base.metadata.create_all(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error (one transaction)."""
    with Session(engine) as session, session.begin():
        yield session
