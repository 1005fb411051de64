"""State several processes share through the database: send pacing (bot/pacing.py) and leases (bot/leases.py),
on both storage engines, each "process" with its own connection (pool) to the same database."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest

from bot.config import Config
from bot.leases import Leadership
from bot.pacing import SharedPacer
from storage import Database
from storage.leases import LeaseStore
from storage.pacing import PacingStore
from tests.fakes.clock import VirtualClock


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def others(db: Database, config: Config) -> AsyncIterator[list[Database]]:
    opened = [await Database.open(config.database_path) for _ in range(2)]
    yield [db, *opened]
    for other in opened:
        await other.close()


async def test_concurrent_reservations_from_several_processes_get_slots_a_step_apart(others: list[Database]) -> None:
    stores = [PacingStore(d) for d in others]
    now, step = 1000.0, 0.1
    slots = await asyncio.gather(*(stores[i % 3].reserve("telegram:all", step, now) for i in range(30)))
    ordered = sorted(slots)
    assert ordered[0] == pytest.approx(now)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    assert min(gaps) == pytest.approx(step)  # every slot distinct and a full step from the previous one
    assert ordered[-1] == pytest.approx(now + 29 * step)  # and none wasted: 30 sends take 3 s in total


async def test_a_key_idle_for_a_while_starts_again_at_now(db: Database) -> None:
    store = PacingStore(db)
    assert await store.reserve("k", 1.0, 100.0) == pytest.approx(100.0)
    assert await store.reserve("k", 1.0, 100.2) == pytest.approx(101.0)
    assert await store.reserve("k", 1.0, 500.0) == pytest.approx(500.0)  # no credit saved up: no burst


async def test_hold_moves_the_next_slot_to_at_least_then(db: Database) -> None:
    store = PacingStore(db)
    await store.reserve("chat", 1.0, 100.0)  # next slot 101
    await store.hold("chat", 100.5)  # earlier than the next slot: unchanged
    assert await store.reserve("chat", 1.0, 100.0) == pytest.approx(101.0)
    await store.hold("chat", 105.0)  # the push completed late: counted from then
    assert await store.reserve("chat", 1.0, 100.0) == pytest.approx(105.0)
    assert await store.prune(1000.0) == 1


async def test_the_pacer_waits_for_its_slot(db: Database) -> None:
    clock = VirtualClock()  # exact waits, whatever the machine's load
    pacer = SharedPacer(db, clock.now, sleep=clock.sleep)
    assert await pacer.wait("k", 1.0) == 0.0  # the first slot is now
    assert await pacer.wait("k", 1.0) == pytest.approx(1.0)  # the next is a second after it
    assert clock.sleeps == [pytest.approx(1.0)]


async def test_a_send_waking_late_takes_a_new_slot_instead_of_bunching(db: Database) -> None:
    now = [100.0]
    slots: list[float] = []

    class BusyLoop(PacingStore):
        async def reserve(self, key: str, step: float, at: float) -> float:
            slots.append(await super().reserve(key, step, at))
            if len(slots) == 2:
                now[0] = 103.0  # the event loop was busy: this send wakes 2 s after its slot
            return slots[-1]

    pacer = SharedPacer(db, clock=lambda: now[0])
    pacer.store = BusyLoop(db)
    await pacer.wait("k", 1.0)
    assert await pacer.wait("k", 1.0) == pytest.approx(3.0)
    assert slots == [100.0, 101.0, 103.0]  # slot 101 given up: the send goes at 103, the next at 104 or later


async def test_one_holder_at_a_time_and_a_lapsed_lease_is_taken_over(others: list[Database]) -> None:
    a, b = LeaseStore(others[0]), LeaseStore(others[1])
    assert await a.acquire("telegram.polling", "A", 100.0, 10.0)
    assert not await b.acquire("telegram.polling", "B", 105.0, 10.0)
    assert await a.acquire("telegram.polling", "A", 105.0, 10.0)  # renewed until 115
    assert not await b.acquire("telegram.polling", "B", 114.0, 10.0)
    assert await b.holder("telegram.polling", 114.0) == "A"
    assert await b.acquire("telegram.polling", "B", 116.0, 10.0)  # A died: its lease lapsed
    assert not await a.acquire("telegram.polling", "A", 117.0, 10.0)
    await b.release("telegram.polling", "B")
    assert await a.holder("telegram.polling", 117.0) is None


async def test_a_standby_takes_the_role_when_the_holder_stops(others: list[Database]) -> None:
    events: list[str] = []
    tasks: dict[str, asyncio.Task[None]] = {}

    def role(name: str, db: Database) -> Leadership:
        async def start() -> None:
            events.append(f"{name} start")

        async def stop() -> None:
            events.append(f"{name} stop")

        leader = Leadership(db, "test.role", seconds=3.0, holder=name)
        tasks[name] = asyncio.create_task(leader.run(start, stop))
        return leader

    first = role("A", others[0])
    await asyncio.wait_for(first.leading.wait(), 30)
    second = role("B", others[1])
    await asyncio.sleep(0.3)
    assert not second.leading.is_set()  # a standby while A holds the role
    tasks["A"].cancel()
    await asyncio.gather(tasks["A"], return_exceptions=True)
    await asyncio.wait_for(second.leading.wait(), 30)  # A released it: B takes over at its next try
    tasks["B"].cancel()
    await asyncio.gather(tasks["B"], return_exceptions=True)
    assert events == ["A start", "A stop", "B start", "B stop"]
