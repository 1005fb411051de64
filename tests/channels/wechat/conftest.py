"""The fake WeChat API server every WeChat channel test talks to (a module may define its own)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.wechat import APP_ID, FakeWechat


@pytest.fixture
async def fake() -> AsyncIterator[FakeWechat]:
    server = FakeWechat(app_id=APP_ID)
    await server.start()
    yield server
    await server.close()
