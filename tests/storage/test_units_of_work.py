"""Units of work: each commits or rolls back only its own writes, whatever else runs meanwhile."""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
from pathlib import Path

import pytest

from storage import Database, QuestionStore, ServiceLedger, StorageError
from storage.errors import IntegrityViolation
from storage.outbox import NewDelivery, OutboxStore
from storage.people import Person
from storage.roster import RosterStore
from storage.schema import migrations


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


class Boom(Exception):
    pass


def person(n: int, name: str | None = "张三") -> Person:
    return Person(f"p{n}", f"h{n}", "1234", name, "", "t1", "v1")  # type: ignore[arg-type]


async def test_a_failed_batch_rolls_back_only_its_own_writes(db: Database) -> None:
    """An outbox mark and a chat log written while an import fails stay written."""
    outbox = OutboxStore(db)
    await outbox.insert("notice", "1", [NewDelivery("test", "c1", "user", {"text": "hi"})], now=0)
    [delivery], _ = await outbox.claim("test", 1, set(), now=1, owner="s1", lease=60)
    inside = asyncio.Event()

    async def others() -> None:
        await inside.wait()
        await outbox.mark_sent(delivery.id)
        await QuestionStore(db).log("test", "u1", "交通补贴咋领", "answer", "transport", 1.0)

    task = asyncio.create_task(others())
    with pytest.raises(Boom):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO audit_log (at, actor, role, action) VALUES ('2024-01-01', 'cli', 'bureau', 'import')"
            )
            inside.set()
            await asyncio.sleep(0.05)  # the other writes are queued meanwhile
            raise Boom
    await task
    assert await outbox.counts("notice", "1") == {"sent": 1}
    assert await db.fetchall("SELECT question FROM question_log") != []
    assert await db.fetchall("SELECT * FROM audit_log") == []


async def test_a_failing_import_leaves_a_concurrent_chat_log(db: Database) -> None:
    roster = RosterStore(db)
    questions = QuestionStore(db)
    batch = [person(n) for n in range(200)] + [person(999, name=None)]  # NOT NULL breaks the last row
    results = await asyncio.gather(
        roster.upsert(batch),
        *(questions.log("test", f"u{n}", "问题", "decline", None, 0.0) for n in range(20)),
        return_exceptions=True,
    )
    assert isinstance(results[0], IntegrityViolation)
    assert await roster.count() == 0
    row = await db.fetchone("SELECT count(*) FROM question_log")
    assert row is not None and row[0] == 20


async def test_statements_inside_a_unit_of_work_join_it(db: Database) -> None:
    ledger = ServiceLedger(db)
    with pytest.raises(Boom):
        async with db.transaction():
            assert await ledger.record("training", "course:1", person_id="p1")  # a nested unit of work joins
            await QuestionStore(db).log("test", "u1", "问题", "decline", None, 0.0)
            raise Boom
    assert await db.fetchall("SELECT * FROM service_events") == []
    assert await db.fetchall("SELECT * FROM service_counts") == []
    assert await db.fetchall("SELECT * FROM question_log") == []


async def test_readers_never_see_uncommitted_writes(db: Database) -> None:
    seen: list[int] = []
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO audit_log (at, actor, role, action) VALUES ('x', 'cli', 'bureau', 'a')")

        async def reader() -> None:
            row = await db.fetchone("SELECT count(*) FROM audit_log")
            seen.append(int(row[0]) if row else -1)

        # A task that is not part of the unit of work (another chat's handler) reads committed data only.
        await asyncio.get_running_loop().create_task(reader(), context=contextvars.Context())
        assert seen == [0]
        inside = await tx.fetchone("SELECT count(*) FROM audit_log")
        assert inside is not None and inside[0] == 1
    row = await db.fetchone("SELECT count(*) FROM audit_log")
    assert row is not None and row[0] == 1


async def test_a_finished_unit_of_work_refuses_statements(db: Database) -> None:
    async with db.transaction() as tx:
        pass
    with pytest.raises(StorageError):
        await tx.execute("DELETE FROM audit_log")


@pytest.mark.parametrize("engine", ["sqlite"])  # one writer at a time is SQLite's rule; PostgreSQL locks rows
async def test_a_second_connection_waits_for_the_unit_of_work(db: Database, tmp_path: Path) -> None:
    assert db.path is not None
    other = await Database.open(db.path)  # another process on the same file
    try:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO audit_log (at, actor, role, action) VALUES ('x', 'cli', 'bureau', 'a')")
            write = asyncio.create_task(
                other.execute("INSERT INTO audit_log (at, actor, role, action) VALUES ('y', 'cli', 'bureau', 'b')")
            )
            await asyncio.sleep(0.05)
            assert not write.done()
        assert await write == 1
    finally:
        await other.close()
    row = await db.fetchone("SELECT count(*) FROM audit_log")
    assert row is not None and row[0] == 2


async def test_databases_from_before_the_health_migration_lose_their_triggers(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    shipped = migrations("sqlite")
    before = next(m.number for m in shipped if "storage_health" in m.name) - 1
    with sqlite3.connect(path) as conn:  # as databases created with the trigger-keeping roster migration were
        for migration in shipped[:before]:
            conn.executescript(migration.sql)
        conn.execute(
            "CREATE TRIGGER service_counts_insert AFTER INSERT ON service_events BEGIN "
            "UPDATE service_counts SET training = training + 100; END"
        )
        conn.execute(f"PRAGMA user_version = {before}")
    async with await Database.open(path) as db:
        assert await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'trigger'") == []
        assert await ServiceLedger(db).record("training", "course:1", person_id="p1")
        row = await db.fetchone("SELECT training FROM service_counts WHERE person_id = 'p1'")
        assert row is not None and row[0] == 1


def test_a_dialect_file_replaces_the_plain_migration_for_that_engine_only() -> None:
    sqlite, postgres = migrations("sqlite"), migrations("postgresql")
    assert [m.number for m in sqlite] == [m.number for m in postgres]
    differing = [(a.name, b.name) for a, b in zip(sqlite, postgres, strict=True) if a.name != b.name]
    assert differing and all(a.endswith(".sqlite.sql") and not b.endswith(".sqlite.sql") for a, b in differing)
