"""Copying an SQLite database into another database (a county moving to PostgreSQL), verified.

Every table of the source is copied, parents before the tables that refer to them, all in one unit of
work on the target (all or nothing). The target must be empty and at the same schema version (opening it
migrates it). Then each table is compared: the row count, and a checksum that does not depend on row
order (the sum of one SHA-256 per row, of its values normalised by the column's declared type).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from storage.database import Database, Row
from storage.errors import StorageError

_SKIP = {"health_probe", "schema_version"}
_BATCH = 2000


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str  # the declared type: INTEGER, TEXT, REAL, BLOB


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    rows: int
    checksum: str
    verified: bool


def _normaliser(kind: str) -> Callable[[Any], Any]:
    upper = kind.upper()
    if "INT" in upper:
        return lambda v: None if v is None else int(v)
    if "REAL" in upper or "DOUB" in upper or "FLOA" in upper:
        return lambda v: None if v is None else float(v)
    if "BLOB" in upper or "BYTEA" in upper:
        return lambda v: None if v is None else bytes(v)
    return lambda v: None if v is None else str(v)


def row_digest(values: Sequence[Any]) -> int:
    parts = []
    for value in values:
        if value is None:
            parts.append(b"N")
        elif isinstance(value, bytes):
            parts.append(b"b" + value)
        elif isinstance(value, float):
            parts.append(b"f" + repr(value).encode())
        elif isinstance(value, int):
            parts.append(b"i" + str(value).encode())
        else:
            parts.append(b"s" + str(value).encode("utf-8"))
    return int.from_bytes(hashlib.sha256(b"\x1f".join(parts)).digest(), "big")


async def source_tables(source: Database) -> list[tuple[str, list[Column]]]:
    """The source's tables with their columns, each after every table it refers to."""
    if source.engine != "sqlite":
        raise StorageError("the copy reads an SQLite database")
    names = [
        str(r[0])
        for r in await source.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
        if str(r[0]) not in _SKIP
    ]
    parents = {n: {str(r[2]) for r in await source.fetchall(f"PRAGMA foreign_key_list({n})")} - {n} for n in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in names if n not in ordered and parents[n] <= set(ordered)]
        if not ready:
            raise StorageError("the tables refer to each other in a cycle")
        ordered += ready
    out = []
    for name in ordered:
        info = await source.fetchall(f"PRAGMA table_info({name})")
        out.append((name, [Column(str(r[1]), str(r[2])) for r in info]))
    return out


async def _checksum(db: Database, table: str, columns: list[Column]) -> tuple[int, str]:
    normalise = [_normaliser(c.kind) for c in columns]
    total, count = 0, 0
    async for rows in db.iterate(f"SELECT {', '.join(c.name for c in columns)} FROM {table}", (), _BATCH):
        for row in rows:
            total = (total + row_digest([f(v) for f, v in zip(normalise, row, strict=True)])) % (1 << 256)
            count += 1
    return count, f"{total:064x}"


async def copy_database(source: Database, target: Database) -> list[TableCopy]:
    """Copy every table of `source` into the empty `target`; the per-table result of the verification."""
    if await source.schema_version() != await target.schema_version():
        raise StorageError("the two databases are at different schema versions; upgrade the bot first")
    tables = await source_tables(source)
    for table, _ in tables:
        row = await target.fetchone(f"SELECT count(*) FROM {table}")
        if row is not None and int(row[0]) > 0:
            raise StorageError(f"the target is not empty ({table} has rows); copy into a new database")
    async with target.transaction() as tx:
        for table, columns in tables:
            names = ", ".join(c.name for c in columns)
            insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
            normalise = [_normaliser(c.kind) for c in columns]
            async for rows in source.iterate(f"SELECT {names} FROM {table} ORDER BY rowid", (), _BATCH):
                await tx.executemany(insert, [_normalised(normalise, r) for r in rows])
            if any(c.name == "id" for c in columns):
                await target.after_bulk_load(tx, table)
    results = []
    for table, columns in tables:
        count, checksum = await _checksum(source, table, columns)
        copied, copied_checksum = await _checksum(target, table, columns)
        results.append(TableCopy(table, count, checksum, (count, checksum) == (copied, copied_checksum)))
    return results


def _normalised(normalise: list[Callable[[Any], Any]], row: Row) -> tuple[Any, ...]:
    return tuple(f(v) for f, v in zip(normalise, row, strict=True))
