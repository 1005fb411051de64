"""The SQLite engine (the default): one file in WAL mode, through aiosqlite.

Two aiosqlite connections, each with its own thread, so the event loop never waits for SQLite: a writer
and a reader. Going to a connection's thread and back (a hop) costs far more than a small statement, so
hops are few: statements that arrive while a connection is busy wait and then go together in its next hop
(storage/sqlite_batch.py). Writes outside a unit of work are committed in groups: one transaction per
hop, each caller's statements in their own savepoint, so one caller's failing statement is undone alone.
A unit of work (`db.transaction()`) holds the writer from BEGIN to COMMIT under one asyncio lock (BEGIN
travels with its first statement) and commits or rolls back only its own statements; other writers wait
for the lock (they are never swept into someone else's transaction). Plain reads go to the reader, which
in WAL mode sees only committed data and does not wait for writers. The schema version is `PRAGMA
user_version`.

The connections' threads (and a roster import's validation thread) share the GIL with the event loop: a
thread that wants it waits out the interpreter's switch interval (5 ms by default) while another runs
Python. Opening an SQLite database shortens the interval for the process to `SWITCH_INTERVAL`, so the event
loop gets its turn sooner while an import validates rows (reply p99 during a 100,000-person import).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

from storage.database import Database, Row, Transaction
from storage.deferred import Op
from storage.errors import IntegrityViolation, StorageError, StorageUnavailable
from storage.schema import Migration
from storage.sqlite_batch import Batcher, Outcome, Runner, Unit, run_group, run_ops, run_reads

T = TypeVar("T")
_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
    # Up to 128 MB of page cache per connection, allocated only as pages are read (the default is 2 MB): at
    # 100,000 people the reports' index lookups stop re-reading pages from the OS (~25% less CPU, measured).
    "PRAGMA cache_size=-131072",
)
SWITCH_INTERVAL = 0.001  # s; see the module docstring
_READS = ("SELECT", "PRAGMA", "VALUES", "EXPLAIN")
_OUTSIDE = ("PRAGMA", "VACUUM", "ANALYZE")  # run on the writer outside any transaction
_UNAVAILABLE = ("locked", "busy", "disk", "full", "readonly", "unable to open", "i/o")


def translate(exc: sqlite3.Error) -> StorageError:
    """An engine-neutral error for a sqlite3 one."""
    text = str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityViolation(text)
    if isinstance(exc, sqlite3.OperationalError) and any(word in text.lower() for word in _UNAVAILABLE):
        return StorageUnavailable(text)
    return StorageError(text)


def _is_read(sql: str) -> bool:
    head = sql.lstrip()[:8].upper()
    return head.startswith(_READS) and "RETURNING" not in sql.upper()


class _Connection:
    """One aiosqlite connection (its own thread); each call is one hop there, with its rows."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @classmethod
    async def open(cls, path: Path, pragmas: Sequence[str]) -> _Connection:
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            for pragma in pragmas:
                await conn.execute_fetchall(pragma)
        except BaseException:
            await conn.close()
            raise
        conn.row_factory = sqlite3.Row
        return cls(conn)

    @staticmethod
    async def _call(call: Awaitable[T]) -> T:
        try:
            return await call
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    async def hop(self, runner: Runner, units: list[Unit]) -> list[Outcome]:
        """Run `runner` on the connection's thread with its sqlite3 connection (one hop); raw errors."""
        raw = self._conn._conn
        return cast(list[Outcome], await self._conn._execute(runner, raw, units))  # type: ignore[no-untyped-call]

    async def ops(self, ops: Unit) -> list[Any]:
        """Statements in order, in one hop; the first error raised (translated). A caller cancelled
        meanwhile (a timeout) still waits for the hop to end: the thread goes on with it (a BEGIN waiting
        for another process's lock), and whoever rolls back must know whether a transaction began."""
        raw = self._conn._conn
        hop = asyncio.ensure_future(self._call(self._conn._execute(run_ops, raw, ops)))  # type: ignore[no-untyped-call]
        try:
            return await asyncio.shield(hop)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await hop
            raise

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int((await self.ops([("exec", sql, tuple(params))]))[0])

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return cast(list[Row], (await self.ops([("rows", sql, tuple(params))]))[0])

    async def batches(self, sql: str, params: Sequence[Any], size: int) -> AsyncIterator[list[Row]]:
        cursor = await self._call(self._conn.execute(sql, tuple(params)))
        try:
            while rows := await self._call(cursor.fetchmany(size)):
                yield cast(list[Row], list(rows))
        finally:
            await cursor.close()

    async def script(self, sql: str) -> None:
        await self._call(self._conn.executescript(sql))

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                await self._conn.execute_fetchall("ROLLBACK")

    async def close(self) -> None:
        await self._conn.close()


class SqliteTransaction(Transaction):
    """A unit of work on the writer; BEGIN goes with its first statement, in the same hop."""

    def __init__(self, conn: _Connection) -> None:
        self._conn = conn
        self.begun = False

    async def _run(self, op: Op) -> Any:
        if self.closed:
            raise StorageError("the unit of work is already finished")
        if self.begun:
            return (await self._conn.ops([op]))[0]
        self.begun = True  # set first: if the hop fails after BEGIN, the rollback must follow
        return (await self._conn.ops([("exec", "BEGIN IMMEDIATE", ()), op]))[1]

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return int(await self._run(("exec", sql, tuple(params))))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        return int(await self._run(("many", sql, [tuple(r) for r in rows])))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return cast(list[Row], await self._run(("rows", sql, tuple(params))))


class SqliteDatabase(Database):
    engine = "sqlite"

    def __init__(self, writer: _Connection, reader: _Connection, path: Path) -> None:
        self._writer = writer
        self._reader = reader
        self._lock = asyncio.Lock()
        self.path = path
        self._writes = Batcher(writer, run_group, self._lock)
        self._reads = Batcher(reader, run_reads)

    @classmethod
    async def connect(cls, path: Path) -> SqliteDatabase:
        if sys.getswitchinterval() > SWITCH_INTERVAL:  # the GIL changes hands sooner; see the module docstring
            sys.setswitchinterval(SWITCH_INTERVAL)
        memory = str(path) == ":memory:"
        if not memory:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"cannot create the data directory {path.parent}: {exc.strerror}") from exc
        opened: list[_Connection] = []
        try:
            writer = await _Connection.open(path, _PRAGMAS)
            opened.append(writer)
            db = cls(writer, writer, path)
            await db.migrate()
            if not memory:
                db._reader = await _Connection.open(path, _PRAGMAS[1:])
                db._reads = Batcher(db._reader, run_reads)
                opened.append(db._reader)
        except sqlite3.Error as exc:
            for conn in opened:
                await conn.close()
            raise StorageError(f"cannot use the database {path}: {exc}") from exc
        except BaseException:
            for conn in opened:
                await conn.close()
            raise
        return db

    def describe(self) -> str:
        return str(self.path)

    @contextlib.asynccontextmanager
    async def _begin(self) -> AsyncIterator[Transaction]:
        async with self._lock:
            tx = SqliteTransaction(self._writer)
            try:
                yield tx
            except BaseException:
                tx.closed = True
                if tx.begun:
                    await self._writer.rollback()
                raise
            tx.closed = True
            if tx.begun:
                try:
                    await self._writer.execute("COMMIT")
                except BaseException:
                    await self._writer.rollback()
                    raise

    async def _submit(self, batcher: Batcher, unit: Unit) -> list[Any]:
        try:
            return await batcher.submit(unit)
        except sqlite3.Error as exc:
            raise translate(exc) from exc

    async def _run_unit(self, unit: Unit) -> list[Any]:
        """Statements outside a unit of work: committed together with whatever else waits (group commit)."""
        return await self._submit(self._writes, unit)

    async def _execute(self, sql: str, params: Sequence[Any]) -> int:
        if sql.lstrip()[:8].upper().startswith(_OUTSIDE):  # cannot run inside a transaction (a checkpoint)
            async with self._lock:
                return await self._writer.execute(sql, params)
        return int((await self._run_unit([("exec", sql, tuple(params))]))[0])

    async def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        return int((await self._run_unit([("many", sql, [tuple(r) for r in rows])]))[0])

    async def _fetchone(self, sql: str, params: Sequence[Any]) -> Row | None:
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None

    async def _fetchall(self, sql: str, params: Sequence[Any]) -> list[Row]:
        op: Op = ("rows", sql, tuple(params))
        if _is_read(sql) and self._reader is not self._writer:
            return cast(list[Row], (await self._submit(self._reads, [op]))[0])
        return cast(list[Row], (await self._run_unit([op]))[0])

    async def _iterate(self, sql: str, params: Sequence[Any], batch: int) -> AsyncIterator[list[Row]]:
        async for rows in self._reader.batches(sql, params, batch):
            yield rows

    async def schema_version(self) -> int:
        rows = await self._reader.fetchall("PRAGMA user_version")
        return int(rows[0][0]) if rows else 0

    async def _apply(self, migration: Migration) -> None:
        async with self._lock:
            try:
                await self._writer.script(
                    f"BEGIN;\n{migration.sql}\nPRAGMA user_version = {migration.number};\nCOMMIT;"
                )
            except StorageError:
                await self._writer.rollback()
                raise

    async def close(self) -> None:
        if self._reader is not self._writer:
            await self._reader.close()
        await self._writer.close()
