"""Every outbox test runs on both storage engines."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """The outbox tests run on both storage engines."""
    return str(request.param)
