"""The PostgreSQL server the tests run against (started by scripts/postgres.sh, DSN in BOT_TEST_POSTGRES):
each test gets a schema of its own, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

ENV = "BOT_TEST_POSTGRES"


def server_dsn() -> str:
    """The test server's DSN; skips the test when there is none (fails it when CI is set)."""
    dsn = os.environ.get(ENV)
    if not dsn:
        reason = f"no PostgreSQL server for the tests ({ENV} unset; ./test.sh starts one via scripts/postgres.sh)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return dsn


async def fresh_schema() -> AsyncIterator[str]:
    """A DSN whose tables live in a new, empty schema."""
    dsn = server_dsn()
    schema = f"test_{uuid.uuid4().hex[:16]}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
    finally:
        await conn.close()
    yield f"{dsn}{'&' if '?' in dsn else '?'}search_path={schema}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
    finally:
        await conn.close()
