"""Liveness and readiness on the real aiohttp app."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.services import Services
from bot.web import build_app


async def get(
    services: Services, path: str, meanwhile: Callable[[], None] = lambda: None
) -> tuple[int, dict[str, str]]:
    async with TestClient(TestServer(build_app(services), host="127.0.0.1", port=0)) as client:
        meanwhile()
        response = await client.get(path)
        return response.status, await response.json()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
async def test_ready_when_the_database_takes_writes(services: Services, engine: str) -> None:
    assert (await get(services, "/healthz"))[0] == 200
    status, body = await get(services, "/readyz")
    assert status == 200 and body["database"] == engine


@pytest.mark.parametrize("engine", ["sqlite"])  # faults injected into the SQLite file
async def test_not_ready_when_the_database_refuses_writes_though_alive(services: Services) -> None:
    assert services.db.path is not None
    with sqlite3.connect(services.db.path) as conn:
        conn.execute("CREATE TRIGGER full BEFORE UPDATE ON health_probe BEGIN SELECT RAISE(FAIL, 'disk is full'); END")
        conn.execute("CREATE TRIGGER full2 BEFORE INSERT ON health_probe BEGIN SELECT RAISE(FAIL, 'disk is full'); END")
    assert (await get(services, "/healthz"))[0] == 200  # alive: restarting would not help
    status, body = await get(services, "/readyz")
    assert status == 503 and "full" in body["reason"]


@pytest.mark.parametrize("engine", ["sqlite"])
async def test_not_ready_when_migrations_are_not_current(services: Services) -> None:
    path = services.db.path
    assert path is not None

    def newer_bot_migrated_it() -> None:  # another process, a newer version of the bot
        with sqlite3.connect(path) as conn:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"PRAGMA user_version = {current + 1}")

    status, body = await get(services, "/readyz", newer_bot_migrated_it)
    assert status == 503 and "schema version" in body["reason"]
