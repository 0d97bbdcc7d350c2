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

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from hinterland.core.errors import HinterlandError
from hinterland.store.models import Base

ENV_VAR = "HINTERLAND_DB_URL"
DEFAULT_URL = "sqlite:///hinterland.sqlite"



def database_url(url: str | None = None) -> str:
    """The database URL in effect (argument, then ``HINTERLAND_DB_URL``, then the default)."""
    return url or os.environ.get(ENV_VAR) or DEFAULT_URL


def shown_url(url: str) -> str:
    """``url`` with any password masked, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<malformed URL>"


def sqlite_file(url: str) -> str | None:
    """The file of a SQLite URL (``None`` for other databases and in-memory SQLite)."""
    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return u.database


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for ``url`` and create missing tables.

    Raises
    ------
    HinterlandError
        The URL is malformed, names a driver that is not installed (PostgreSQL
        needs ``pip install 'hinterland[postgres]'``), names a SQLite file in a
        folder that does not exist, or the database cannot be opened.
    """
    target = database_url(url)
    shown = shown_url(target)
    file = sqlite_file(target)
    if file is not None:
        folder = os.path.dirname(os.path.abspath(file))
        if not os.path.isdir(folder):
            raise HinterlandError(f"cannot use database {shown}: folder {folder} does not exist")
        if os.path.isdir(file):
            raise HinterlandError(f"cannot use database {shown}: {file} is a folder")
    try:
        engine = create_engine(target)
    except (NoSuchModuleError, ImportError) as exc:
        hint = ""
        if target.startswith("postgresql"):
            hint = "; PostgreSQL needs a driver: pip install 'hinterland[postgres]'"
        raise HinterlandError(f"cannot use database URL {shown}: {exc}{hint}") from None
    except (ArgumentError, ValueError) as exc:
        raise HinterlandError(f"cannot use database URL {shown}: {exc}") from None
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    try:
        Base.metadata.create_all(engine)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise HinterlandError(f"cannot open database {shown}: {reason}") from None
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error (one transaction)."""
    with Session(engine) as session, session.begin():
        yield session
