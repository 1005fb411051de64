"""Fewer hops to SQLite's threads: several statements per hop, and several callers per hop.

A hop — handing work to a connection's thread and getting the answer back on the event loop — costs
more than a small statement (thread wake-ups and GIL hand-overs, ~100 µs), and every write also waits
for the writer's lock meanwhile. Here:

- `run_ops` runs a list of statements in one hop (a unit of work's BEGIN with its first statement).
- `Batcher` queues the calls made while a connection is busy and sends them all in its next hop. For
  the writer, `run_group` commits them in one transaction with a savepoint per caller (group commit):
  a caller whose statement fails gets its error and its statements are undone; the others commit.
  For the reader, `run_reads` runs each caller's reads and returns each its rows or its error.

The functions named `run_*` run on a connection's thread; nothing else here does.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from storage.deferred import Op  # (kind, sql, parameters: a row of values, or for "many" a list of rows)

Unit = list[Op]  # one caller's statements, run in order, all or none
Outcome = list[Any] | sqlite3.Error  # each statement's result (rows changed, or rows), or the error
Runner = Callable[[sqlite3.Connection, list[Unit]], list[Outcome]]


def run_op(conn: sqlite3.Connection, op: Op) -> Any:
    kind, sql, params = op
    if kind == "rows":
        return conn.execute(sql, params).fetchall()
    if kind == "many":
        return max(conn.executemany(sql, params).rowcount, 0)
    return conn.execute(sql, params).rowcount


def run_ops(conn: sqlite3.Connection, ops: Sequence[Op]) -> list[Any]:
    """The statements in order, in one hop; the first error is raised (what ran before it stays)."""
    return [run_op(conn, op) for op in ops]


def run_group(conn: sqlite3.Connection, units: list[Unit]) -> list[Outcome]:
    """Several callers' writes in one transaction; each caller's unit all or none (a savepoint each).
    An error that ends the transaction itself (busy, disk full on commit), or the error of a group of
    one, is raised: then nothing of the group was written and every caller gets it."""
    conn.execute("BEGIN IMMEDIATE")
    outcomes: list[Outcome] = []
    try:
        for unit in units:
            if len(units) == 1:
                outcomes.append(run_ops(conn, unit))
                continue
            conn.execute("SAVEPOINT unit")
            try:
                outcomes.append(run_ops(conn, unit))
            except sqlite3.Error as exc:
                if not conn.in_transaction:  # SQLite rolled the whole transaction back (I/O error, full)
                    raise
                conn.execute("ROLLBACK TO unit")
                outcomes.append(exc)
            conn.execute("RELEASE unit")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes


def run_reads(conn: sqlite3.Connection, units: list[Unit]) -> list[Outcome]:
    """Several callers' reads, each answered with its rows or its own error."""
    outcomes: list[Outcome] = []
    for unit in units:
        try:
            outcomes.append(run_ops(conn, unit))
        except sqlite3.Error as exc:
            outcomes.append(exc)
    return outcomes


class Connection(Protocol):
    def hop(self, runner: Runner, units: list[Unit]) -> Awaitable[list[Outcome]]:
        """Run `runner(sqlite3_connection, units)` on the connection's thread."""


class Batcher:
    """Sends the units submitted while a hop is under way together in the next hop, in order."""

    def __init__(self, conn: Connection, runner: Runner, lock: asyncio.Lock | None = None) -> None:
        self._conn = conn
        self._runner = runner
        self._lock = lock
        self._queue: list[tuple[Unit, asyncio.Future[list[Any]]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, unit: Unit) -> list[Any]:
        """Each statement's result; raises the unit's sqlite3 error."""
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._queue.append((unit, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                units = [unit for unit, _ in batch]
                try:
                    if self._lock is None:
                        outcomes = await self._conn.hop(self._runner, units)
                    else:
                        async with self._lock:
                            outcomes = await self._conn.hop(self._runner, units)
                except BaseException as exc:  # the hop itself failed: every caller in it gets the error
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                    continue
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue  # the caller was cancelled (its statements ran all the same)
                    if isinstance(outcome, sqlite3.Error):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._drainer = None
            for _, future in self._queue:  # cancelled (the database is closing)
                if not future.done():
                    future.set_exception(sqlite3.OperationalError("the database connection is closing"))
            self._queue = []
