"""The one storage interface every store uses, whatever the engine.

`Database.open(target)` opens SQLite (a file path, the default; storage/sqlite.py) or PostgreSQL (a
`postgresql://…` DSN; storage/postgres.py) and applies the numbered migrations. Stores use only:

- `await db.execute(sql, params)` → rows changed; `await db.executemany(sql, rows)` → rows changed;
- `await db.fetchone(sql, params)` / `await db.fetchall(sql, params)` (also for `… RETURNING`);
- `db.iterate(sql, params)` — an async iterator of row batches, for queries too large to hold;
- `async with db.transaction() as tx:` — a unit of work: `tx` has the same four methods; everything it
  wrote commits together or rolls back together, and nothing else is committed or rolled back with it.
  Statements a store issues through `db` *inside* the unit of work (same task, or a task it started)
  join it, so a caller can wrap several stores' calls in one unit of work without passing `tx` around.
  A nested `db.transaction()` joins the outer one.
- `async with db.deferring():` — one message's writes as one unit of work, without holding the writer
  meanwhile: `await db.later(sql, params)` (a write whose result nobody needs: a log row, a state save)
  is collected, and the collected writes commit together when the block ends. Any other statement made
  through `db` in the block (same task, or a task it started) first sends the collected writes with it,
  in one unit, so reads always see them and order is kept. `db.memo()` is a dict for the block's
  lifetime: stores keep what they read once (the conversation state, the sender's staff record) there.
  Outside such a block `later` simply runs now.

Failures surface as the engine-neutral errors of storage/errors.py. SQL is written once, portable: `?`
placeholders (translated per engine, cached), `ON CONFLICT … DO NOTHING/UPDATE`, `RETURNING`,
`count(*) FILTER (WHERE …)`, no engine-specific functions.

Migrations are one numbered series `storage/migrations/NNN_name.sql`, found and ordered by storage/schema.py.
Where a dialect needs different text, `NNN_name.postgresql.sql` (or `.sqlite.sql`) replaces the plain file for
that engine only; for PostgreSQL the plain files additionally get a few type words substituted (see
storage/postgres.py: `INTEGER` → `BIGINT`, `INTEGER PRIMARY KEY` → identity column, `REAL` → `DOUBLE
PRECISION`, `BLOB` → `BYTEA`). A new migration in plain portable SQL therefore runs on both engines unchanged.
"""

from __future__ import annotations

import abc
import contextlib
import contextvars
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, cast

from storage.deferred import DeferredWrites
from storage.errors import StorageError
from storage.schema import Migration, migrations


class Row(Protocol):
    """A result row: index by position (or by column name); iterable."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Any]: ...


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Executor(abc.ABC):
    """The four statement methods, shared by a database and a unit of work."""

    @abc.abstractmethod
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abc.abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Run one statement per parameter row; the number of rows changed in total."""

    @abc.abstractmethod
    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...

    @abc.abstractmethod
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...


class Transaction(Executor):
    """A unit of work in progress; closed once it committed or rolled back."""

    closed = False


_AMBIENT: contextvars.ContextVar[tuple[Database, Transaction] | None] = contextvars.ContextVar(
    "storage_unit_of_work", default=None
)


class Database(DeferredWrites, Executor):
    """An open database. Subclasses implement the `_`-prefixed methods for one engine."""

    engine: str = ""
    path: Path | None = None  # the SQLite file; None for a server
    # Appended to a SELECT inside a unit of work that claims rows: on a server, rows another unit of work
    # has locked are skipped instead of waited for; SQLite's single writer needs nothing.
    skip_locked: str = ""

    @staticmethod
    async def open(target: str | Path) -> Database:
        """Open (creating when needed) and migrate the database at `target`: an SQLite path or a
        `postgresql://` DSN."""
        if is_server_dsn(str(target)):
            from storage.postgres import PostgresDatabase

            return await PostgresDatabase.connect(str(target))
        from storage.sqlite import SqliteDatabase

        return await SqliteDatabase.connect(Path(target))

    # --- the unit of work ------------------------------------------------------------------------

    def _ambient(self) -> Transaction | None:
        current = _AMBIENT.get()
        if current is not None and current[0] is self and not current[1].closed:
            return current[1]
        return None

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A unit of work; see the module docstring."""
        joined = self._ambient()
        if joined is not None:
            yield joined
            return
        if (scope := self._pending()) is not None:
            await self._send_collected(scope)  # collected writes come first
        async with self._begin() as tx:
            token = _AMBIENT.set((self, tx))
            try:
                yield tx
            finally:
                _AMBIENT.reset(token)

    @abc.abstractmethod
    def _begin(self) -> contextlib.AbstractAsyncContextManager[Transaction]:
        """Start a unit of work, commit it on success, roll it back on any exception; close it."""

    # --- statements: join the ambient unit of work, else run on their own ----------------------

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        tx = self._ambient()
        if tx is None and (scope := self._pending()) is not None:
            return int(await self._send_collected(scope, ("exec", sql, tuple(params))))
        return await (tx.execute(sql, params) if tx else self._execute(sql, params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        tx = self._ambient()
        if tx is None and (scope := self._pending()) is not None:
            return int(await self._send_collected(scope, ("many", sql, [tuple(r) for r in rows])))
        return await (tx.executemany(sql, rows) if tx else self._executemany(sql, rows))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        tx = self._ambient()
        if tx is None and (scope := self._pending()) is not None:
            return cast(list[Row], await self._send_collected(scope, ("rows", sql, tuple(params))))
        return await (tx.fetchall(sql, params) if tx else self._fetchall(sql, params))

    def iterate(self, sql: str, params: Sequence[Any] = (), batch: int = 1000) -> AsyncIterator[list[Row]]:
        """The rows of a query in batches, never all in memory (exports, copies of whole tables)."""
        return self._iterate(sql, params, batch)

    @abc.abstractmethod
    def _iterate(self, sql: str, params: Sequence[Any], batch: int) -> AsyncIterator[list[Row]]: ...

    async def after_bulk_load(self, tx: Transaction, table: str) -> None:
        """Rows with explicit ids were loaded into `table`: the engine's id generator continues after them."""

    @abc.abstractmethod
    async def _execute(self, sql: str, params: Sequence[Any]) -> int: ...

    @abc.abstractmethod
    async def _executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> int: ...

    @abc.abstractmethod
    async def _fetchone(self, sql: str, params: Sequence[Any]) -> Row | None: ...

    @abc.abstractmethod
    async def _fetchall(self, sql: str, params: Sequence[Any]) -> list[Row]: ...

    # --- schema and health -----------------------------------------------------------------------

    @abc.abstractmethod
    async def schema_version(self) -> int:
        """The number of the last migration applied to this database."""

    @abc.abstractmethod
    async def _apply(self, migration: Migration) -> None:
        """Run one migration and record its number, all in one transaction."""

    async def migrate(self) -> int:
        """Apply every migration newer than the database's schema version, each in its own transaction."""
        current = await self.schema_version()
        shipped = migrations(self.engine)
        latest = shipped[-1].number if shipped else 0
        if current > latest:
            raise StorageError(
                f"the database {self.describe()} is at schema version {current}, newer than this program "
                f"knows ({latest}); upgrade the bot"
            )
        for migration in shipped[current:]:
            try:
                await self._apply(migration)
            except StorageError as exc:
                raise StorageError(f"migration {migration.name} failed: {exc}") from exc
        return latest

    async def ready(self) -> str | None:
        """None when the database answers, takes a write and its schema is current; else why not."""
        try:
            current = await self.schema_version()
            latest = len(migrations(self.engine))
            if current != latest:
                return f"schema version {current}, expected {latest}"
            async with self.transaction() as tx:
                await tx.execute(
                    "INSERT INTO health_probe (id, checked_at) VALUES (1, ?) "
                    "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                    (utc_now(),),
                )
        except StorageError as exc:
            return str(exc)
        return None

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the database is, for messages (never a password)."""

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


def is_server_dsn(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))
