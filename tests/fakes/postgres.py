"""The PostgreSQL server the tests run against (started by scripts/postgres.sh, DSN in BOT_TEST_POSTGRES):
each test gets a database of its own, copied from a template migrated once per run (a copy takes a
fraction of applying every migration), and dropped afterwards."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from storage import Database
from storage.schema import migrations

ENV = "BOT_TEST_POSTGRES"
_template: str | None = None  # one test at a time per process: no lock needed


def server_dsn() -> str:
    """The test server's DSN; skips the test when there is none (fails it when CI is set)."""
    dsn = os.environ.get(ENV)
    if not dsn:
        reason = f"no PostgreSQL server for the tests ({ENV} unset; ./test.sh starts one via scripts/postgres.sh)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return dsn


def with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def template(dsn: str) -> str:
    """The name of a database with every migration applied (made once per schema of migrations)."""
    global _template
    if _template is None:
        shipped = migrations("postgresql")
        digest = hashlib.sha256("".join(m.name + m.sql for m in shipped).encode()).hexdigest()[:12]
        name = f"bot_template_{digest}"
        conn = await asyncpg.connect(dsn)
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        finally:
            await conn.close()
        if not exists:
            building = f"{name}_{uuid.uuid4().hex[:6]}"
            await _admin(dsn, f"CREATE DATABASE {building}")
            db = await Database.open(with_database(dsn, building))
            await db.close()
            try:
                await _admin(dsn, f"ALTER DATABASE {building} RENAME TO {name}")
            except asyncpg.DuplicateDatabaseError:  # another test process made it meanwhile
                await _admin(dsn, f"DROP DATABASE {building}")
        _template = name
    return _template


async def fresh_database() -> AsyncIterator[str]:
    """The DSN of a new database with every migration applied, dropped after the test."""
    dsn = server_dsn()
    name = f"test_{uuid.uuid4().hex[:16]}"
    await _admin(dsn, f"CREATE DATABASE {name} TEMPLATE {await template(dsn)}")
    yield with_database(dsn, name)
    await _admin(dsn, f"DROP DATABASE {name} WITH (FORCE)")


async def empty_database() -> AsyncIterator[str]:
    """The DSN of a new, empty database (nothing migrated yet)."""
    dsn = server_dsn()
    name = f"test_{uuid.uuid4().hex[:16]}"
    await _admin(dsn, f"CREATE DATABASE {name}")
    yield with_database(dsn, name)
    await _admin(dsn, f"DROP DATABASE {name} WITH (FORCE)")
