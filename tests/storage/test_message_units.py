"""One unit of work per message: collected writes commit together, reads see them, concurrent writes
share a trip to the database (group commit) yet each caller's failure stays its own, and one message
reads its conversation state (with the sender's staff record) once."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest

from bot.dispatcher import SORRY, Dispatcher
from bot.messages import Inbound
from bot.services import Services
from storage import Database, QuestionStore, Staff
from storage.conversations import Awaiting
from storage.errors import IntegrityViolation
from storage.sqlite import _Connection
from storage.wechat import WechatStore

T = TypeVar("T")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


async def outside(work: Awaitable[T]) -> T:
    """Run `work` as another task that is in no unit of work (it sees only committed data)."""
    return await asyncio.get_running_loop().create_task(work, context=contextvars.Context())  # type: ignore[arg-type]


async def logged(db: Database) -> int:
    row = await db.fetchone("SELECT count(*) FROM question_log")
    return int(row[0]) if row else 0


async def test_collected_writes_commit_together_at_the_end_and_reads_see_them(db: Database) -> None:
    questions = QuestionStore(db)
    async with db.deferring():
        await questions.record("test", "u1", "交通补贴咋领", "answer", "transport", 1.0)
        await questions.record("test", "u1", "稳岗补贴", "answer", "stable", 1.0)
        assert await outside(logged(db)) == 0  # collected, not committed yet
        assert await logged(db) == 2  # a read in the block sees them (they go first)
        await questions.record("test", "u1", "公益岗", "decline", None, 0.0)
        assert await outside(logged(db)) == 2
    assert await outside(logged(db)) == 3


async def test_collected_writes_are_committed_also_when_the_block_fails(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.deferring():
            await QuestionStore(db).record("test", "u1", "交通补贴咋领", "answer", "transport", 1.0)
            raise RuntimeError("a handler failed after writing")
    assert await logged(db) == 1  # as if the write had run when it was made


async def test_outside_a_block_later_runs_at_once(db: Database) -> None:
    await QuestionStore(db).record("test", "u1", "交通补贴咋领", "answer", "transport", 1.0)
    assert await outside(logged(db)) == 1


async def test_concurrent_writes_commit_together_but_fail_alone(db: Database) -> None:
    questions = QuestionStore(db)
    good = [questions.log("test", f"u{n}", "问题", "decline", None, 0.0) for n in range(30)]
    bad = db.execute("INSERT INTO question_log (asked_at) VALUES (?)", ("2024-01-01",))  # NOT NULL columns missing
    results = await asyncio.gather(*good[:15], bad, *good[15:], return_exceptions=True)
    assert isinstance(results[15], IntegrityViolation)
    ids = [r for r in results if not isinstance(r, BaseException)]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert await logged(db) == 30


async def test_claim_in_one_statement_on_both_engines(db: Database) -> None:
    store = WechatStore(db)
    assert await store.claim("msg:1", "u") is None
    earlier = await store.claim("msg:1", "u")
    assert earlier is not None and earlier.state == "processing"
    assert not await store.answered_passively("msg:1", "答复")  # the retry came meanwhile: push instead
    assert await store.claim("msg:1", "u", stale_after=0.0) is None  # left by a crashed process: taken over
    assert await store.answered_passively("msg:1", "答复")  # the take-over clears the retry mark
    again = await store.claim("msg:1", "u", stale_after=0.0)
    assert again is not None and (again.state, again.reply) == ("passive", "答复")


async def test_conversation_writes_in_a_message_are_seen_by_its_later_reads(services: Services) -> None:
    conversations = services.conversations
    await conversations.save("test", "c1", "u1", ["a", "b"], "问题一")
    async with services.db.deferring():
        assert (await conversations.get("test", "c1", "u1")).choices == ("a", "b")
        await conversations.set_topic("test", "c1", "u1", "transport")
        await conversations.set_awaiting("test", "c1", "u1", Awaiting("keyword", "x", {"k": 1}))
        await conversations.save("test", "c1", "u1", ["c"], None)
        state = await conversations.get("test", "c1", "u1")
        assert (state.choices, state.last_question, state.topic) == (("c",), "问题一", "transport")
        assert state.awaiting == Awaiting("keyword", "x", {"k": 1})
    assert await conversations.get("test", "c1", "u1") == state  # the same once committed


async def test_staff_role_changes_are_seen_by_the_next_message(services: Services) -> None:
    directory, conversations = services.directory, services.conversations
    await directory.add_staff(Staff("test", "s1", "liaison", "王", "t1", "东村"))
    async with services.db.deferring():
        await conversations.get("test", "s1", "s1")  # reads the staff record along
        found = await directory.staff("test", "s1")
        assert found is not None and found.role == "liaison"
    await directory.add_staff(Staff("test", "s1", "bureau", "王", None, None))
    async with services.db.deferring():
        await conversations.get("test", "s1", "s1")
        found = await directory.staff("test", "s1")
        assert found is not None and found.role == "bureau"
    async with services.db.deferring():
        assert await directory.staff("test", "nobody") is None


@pytest.mark.parametrize("engine", ["sqlite"])  # trips to SQLite's threads are what is counted
async def test_a_question_costs_one_read_and_one_write(
    services: Services, dispatcher: Dispatcher[Services], monkeypatch: pytest.MonkeyPatch
) -> None:
    trips: list[str] = []
    hop, ops = _Connection.hop, _Connection.ops

    async def counted_hop(self: _Connection, runner: Any, units: Any) -> Any:
        trips.append(runner.__name__)
        return await hop(self, runner, units)

    async def counted_ops(self: _Connection, unit: Any) -> Any:
        trips.append("ops")
        return await ops(self, unit)

    monkeypatch.setattr(_Connection, "hop", counted_hop)
    monkeypatch.setattr(_Connection, "ops", counted_ops)
    replies = await dispatcher.dispatch(Inbound("test", "u1", "u1", text="交通补贴咋领"))
    assert "交通补贴" in replies[0].text
    assert trips == ["run_reads", "run_group"]  # conversation + staff in one read; log, topic, state in one write
    assert await logged(services.db) == 1
    assert (await services.conversations.get("test", "u1", "u1")).last_question == "交通补贴咋领"


@pytest.mark.parametrize("engine", ["sqlite"])
async def test_writes_that_cannot_be_committed_give_the_apology(
    services: Services, dispatcher: Dispatcher[Services]
) -> None:
    await services.db.execute(
        "CREATE TRIGGER full BEFORE INSERT ON question_log BEGIN SELECT RAISE(FAIL, 'disk is full'); END"
    )
    replies = await dispatcher.dispatch(Inbound("test", "u1", "u1", text="交通补贴咋领"))
    assert [r.text for r in replies] == [SORRY]
    assert await logged(services.db) == 0
    assert (await services.conversations.get("test", "u1", "u1")).topic is None  # the message's writes: none
