"""Fixtures: the national demo engine (built once per test session)."""

from __future__ import annotations

import pytest

from hinterland.promise import PromiseEngine


@pytest.fixture(scope="session")
def engine() -> PromiseEngine:
    from hinterland.promise import default_engine

    return default_engine()
