"""Several senders on one outbox (other processes: their own connections to the same database):
each delivery sent once, a dead sender's claims taken over after its lease, completion hooks once."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from bot.config import Config
from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, RecipientKind
from bot.outbox.sender import Outbox, Progress, Push
from storage import Database
from storage.outbox import OutboxStore
from tests.fakes.transport import FakeTransport


def users(n: int, item: str = "1") -> list[Push]:
    return [Push("tg", f"u{i}", "user", Reply(f"招工 {item}"), user_id=f"u{i}") for i in range(n)]


@pytest.fixture
async def other(db: Database, config: Config) -> AsyncIterator[Database]:
    second = await Database.open(config.database_path)  # another process's connection (pool)
    yield second
    await second.close()


class Hanging(FakeTransport):
    """A sender's platform edge that never answers: the process is killed with these in flight."""

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        self.calls.append((recipient, kind, reply))
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_two_senders_share_one_outbox_without_doubles(db: Database, other: Database) -> None:
    boxes = [Outbox(db, poll_interval=0.02, lease=5), Outbox(other, poll_interval=0.02, lease=5)]
    await boxes[0].enqueue("posting", "1", users(150, "1"))
    await boxes[0].enqueue("posting", "2", users(150, "2"))  # two items per recipient: one at a time each
    completed: list[str] = []

    async def on_complete(kind: str, item: str, progress: Progress) -> None:
        completed.append(item)

    for box in boxes:
        box.on_complete("posting", on_complete)
    transports = [FakeTransport(delay=0.001), FakeTransport(delay=0.001)]
    await asyncio.wait_for(
        asyncio.gather(*(b.run({"tg": t}, until_idle=True) for b, t in zip(boxes, transports, strict=True))), 30
    )
    sent = Counter((r, reply.text) for t in transports for r, _, reply in t.calls)
    assert len(sent) == 300 and max(sent.values()) == 1  # 0 lost, 0 doubled
    assert all(t.calls for t in transports)  # both senders did work
    assert sorted(completed) == ["1", "2"]  # each summary once, though both senders saw the end
    assert (await boxes[1].progress("posting", "1")).by_status == {"sent": 150}


async def test_a_killed_senders_claims_return_after_its_lease(db: Database, other: Database) -> None:
    dead = Outbox(db, poll_interval=0.02, lease=0.5, concurrency=10)
    await dead.enqueue("posting", "1", users(40))
    hanging = Hanging()
    killed = asyncio.create_task(dead.run({"tg": hanging}))
    while len(hanging.calls) < 10:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    killed.cancel()  # no clean-up reaches the database: like kill -9 mid-push
    await asyncio.gather(killed, return_exceptions=True)

    survivor = Outbox(other, poll_interval=0.02, lease=5)
    transport = FakeTransport()
    await asyncio.wait_for(survivor.run({"tg": transport}, until_idle=True), 30)
    assert survivor.resumed == 10  # the killed sender's in-flight deliveries, taken over
    received = Counter(r for r, _, _ in transport.calls)
    assert len(received) == 40 and max(received.values()) == 1
    assert (await survivor.progress("posting", "1")).by_status == {"sent": 40}  # 0 stuck


@pytest.mark.parametrize("engine", ["sqlite"])  # the fault is injected with an SQLite trigger
async def test_a_failed_outcome_write_is_retried_not_sent_twice(db: Database) -> None:
    assert db.path is not None
    box = Outbox(db, poll_interval=0.02, lease=0.4)
    await box.enqueue("posting", "1", users(3))
    with sqlite3.connect(db.path, timeout=30) as conn:  # the database refuses the outcome writes for a while
        conn.execute(
            "CREATE TRIGGER refuse_sent BEFORE UPDATE OF status ON outbox WHEN NEW.status = 'sent' "
            "BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
        )

    def drop_trigger() -> None:
        with sqlite3.connect(db.path, timeout=30) as conn:  # type: ignore[arg-type]
            conn.execute("DROP TRIGGER refuse_sent")

    async def recover() -> None:
        await asyncio.sleep(1.0)  # longer than the lease: only renewal keeps the claims
        # In a thread: blocking the event loop while the sender's unit of work holds the lock would deadlock.
        await asyncio.to_thread(drop_trigger)

    transport = FakeTransport()
    await asyncio.wait_for(asyncio.gather(box.run({"tg": transport}, until_idle=True), recover()), 30)
    assert sorted(r for r, _, _ in transport.calls) == ["u0", "u1", "u2"]  # each once
    assert (await box.progress("posting", "1")).by_status == {"sent": 3}


async def test_a_restart_on_the_same_machine_takes_back_a_dead_processes_claims_at_once(db: Database) -> None:
    gone = await asyncio.create_subprocess_exec("true")
    await gone.wait()
    box = Outbox(db, poll_interval=0.02, lease=3600)
    await box.enqueue("posting", "1", users(5))
    owner = f"{socket.gethostname()}:{gone.pid}:0"
    claimed, _ = await OutboxStore(db).claim("tg", 3, set(), time.time(), owner, lease=3600)
    assert len(claimed) == 3
    transport = FakeTransport()
    await asyncio.wait_for(box.run({"tg": transport}, until_idle=True), 30)  # no waiting for the hour-long lease
    assert box.resumed == 3
    assert sorted(r for r, _, _ in transport.calls) == [f"u{i}" for i in range(5)]
