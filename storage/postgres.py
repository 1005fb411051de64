"""The PostgreSQL engine (placeholder until the asyncpg engine lands)."""

from __future__ import annotations

from storage.database import Database, StorageError


class PostgresDatabase:
    @classmethod
    async def connect(cls, dsn: str) -> Database:
        raise StorageError("PostgreSQL is not supported yet")
