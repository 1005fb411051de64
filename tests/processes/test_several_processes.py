"""Several real `python -m bot serve` processes on one PostgreSQL database, pushing to a fake Telegram Bot API
that enforces Telegram's limits (429 over 10 messages a second overall, or within 1 s into one chat):

- one push: every recipient gets it exactly once, and not one request is over the limit although each process
  alone would send at the configured rate (the pacing is shared through the database);
- the process that polls and sends is killed (SIGKILL) mid-push: nobody is missed, at most its deliveries in
  flight are sent twice, and a standby takes long polling over (updates are answered once each).
Bounded: small pushes, short leases; waits are generous, nothing asserts speed.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.messages import Reply
from bot.outbox.sender import Outbox, Push
from storage import Database
from tests.fakes import telegram_updates as tg
from tests.fakes.postgres import fresh_database
from tests.fakes.processes import BotProcess, bot_processes
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_refusals import FloodLimits

PLATFORM_LIMIT = 10  # messages a second the fake accepts overall
PUSH_RATE = 5  # each process's configured push rate: three processes alone would send 15 a second
CONCURRENCY = 4  # deliveries in flight per process


@pytest.fixture
async def dsn() -> AsyncIterator[str]:
    async for name in fresh_database():
        yield name


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram(flood=FloodLimits(overall_per_second=PLATFORM_LIMIT, chat_interval=1.0)).start()
    yield server
    await server.stop()


@pytest.fixture
async def db(dsn: str) -> AsyncIterator[Database]:
    database = await Database.open(dsn)
    yield database
    await database.close()


def environment(dsn: str, fake: FakeTelegram) -> dict[str, str]:
    return {
        "BOT_DATABASE": dsn,
        "BOT_TELEGRAM_TOKEN": tg.TOKEN,
        "BOT_TELEGRAM_BASE_URL": fake.base_url,
        "BOT_TELEGRAM_PUSH_PER_SECOND": str(PUSH_RATE),
        "BOT_TELEGRAM_POLLING_LEASE_SECONDS": "3",
        "BOT_OUTBOX_CONCURRENCY": str(CONCURRENCY),
        "BOT_OUTBOX_LEASE_SECONDS": "4",
    }


async def push(db: Database, item: str, recipients: list[int]) -> None:
    pushes = [Push("telegram", str(r), "user", Reply(f"招工信息 {item}")) for r in recipients]
    assert await Outbox(db).enqueue("notice", item, pushes) == len(recipients)


async def wait_for(predicate: Callable[[], bool], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(0.1)


async def settled(db: Database, within: float = 60) -> list[tuple[str, int, int]]:
    """The outbox by status once no delivery is open (the last outcomes are written after the sends)."""
    deadline = time.monotonic() + within
    while True:
        rows = await db.fetchall("SELECT status, count(*), count(DISTINCT claimed_by) FROM outbox GROUP BY status")
        if all(r[0] not in ("pending", "sending") for r in rows) or time.monotonic() > deadline:
            return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]
        await asyncio.sleep(0.1)


def received(fake: FakeTelegram, recipients: list[int]) -> Counter[int]:
    wanted = set(recipients)
    return Counter(int(s.chat_id) for s in fake.sent if int(s.chat_id) in wanted)


async def test_one_push_from_three_processes_no_doubles_no_losses_limit_held_in_total(
    dsn: str, db: Database, fake: FakeTelegram, tmp_path: Path
) -> None:
    recipients = list(range(5000, 5045))
    async with bot_processes(3, tmp_path, environment(dsn, fake)):
        await push(db, "1", recipients)
        await wait_for(lambda: len(received(fake, recipients)) == len(recipients), 90, "everyone received the push")
        rows = await settled(db)
    got = received(fake, recipients)
    assert set(got) == set(recipients) and max(got.values()) == 1  # no losses, no doubles
    assert fake.floods == Counter() and fake.rejected == Counter()  # not one request over the limit
    assert [(r[0], r[1]) for r in rows] == [("sent", len(recipients))]
    assert rows[0][2] >= 2  # the push really was shared by several processes


async def sending(db: Database) -> dict[int, int]:
    """Deliveries in flight by the pid of the process that claimed them."""
    rows = await db.fetchall("SELECT claimed_by, count(*) FROM outbox WHERE status = 'sending' GROUP BY claimed_by")
    return {int(str(r[0]).split(":")[1]): int(r[1]) for r in rows}


async def polling_leader(db: Database, bots: list[BotProcess]) -> BotProcess:
    row = await db.fetchone("SELECT holder FROM leases WHERE name = 'telegram.polling'")
    assert row is not None
    pid = int(str(row[0]).split(":")[1])
    return next(b for b in bots if b.pid == pid)


async def test_killing_the_polling_sender_mid_push_loses_nothing_and_a_standby_polls(
    dsn: str, db: Database, fake: FakeTelegram, tmp_path: Path
) -> None:
    recipients = list(range(7000, 7050))
    async with bot_processes(3, tmp_path, environment(dsn, fake)) as bots:
        await fake.push_update(tg.private_text(4444, "交通补贴咋领"))
        await fake.wait_sent(4444, within=60)
        leader = await polling_leader(db, bots)
        await push(db, "2", recipients)
        await wait_for(lambda: len(received(fake, recipients)) >= 10, 90, "the push is under way")
        in_flight = 0
        for _ in range(100):  # kill it while it has deliveries in flight
            in_flight = (await sending(db)).get(leader.pid, 0)
            if in_flight:
                break
            await asyncio.sleep(0.05)
        leader.kill()
        await leader.process.wait()
        assert in_flight <= CONCURRENCY
        await wait_for(lambda: len(received(fake, recipients)) == len(recipients), 90, "everyone received the push")
        await fake.push_update(tg.private_text(4445, "稳岗补贴咋领"))  # a standby polls now
        await fake.wait_sent(4445, within=60)
        standby = await polling_leader(db, bots)
        statuses = [(status, count) for status, count, _ in await settled(db)]
    got = received(fake, recipients)
    assert set(got) == set(recipients)  # 0 lost
    doubled = sum(n - 1 for n in got.values())
    assert doubled <= CONCURRENCY  # only what the killed process had in flight can repeat
    assert statuses == [("sent", len(recipients))]
    assert standby.pid != leader.pid
    assert len(fake.sent_to(4444)) == 1 and len(fake.sent_to(4445)) == 1  # each update answered once
    assert fake.floods == Counter()
