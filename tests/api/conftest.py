"""Fixtures: a test client over the national demo engine."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def client() -> TestClient:
    from hinterland.api import create_app
    from hinterland.promise import default_engine

    return TestClient(create_app(default_engine()), raise_server_exceptions=False)
