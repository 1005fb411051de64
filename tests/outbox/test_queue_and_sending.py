"""The outbox queue and one sender against a real database file, fake platforms at the PushTransport edge:
written first, each delivery sent once, several in flight per channel (one per recipient), urgent ones
first, guards, and a sender that waits for work and survives failing hooks."""

from __future__ import annotations

import asyncio

from bot.messages import Button, Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind
from bot.outbox.sender import Outbox, Progress, Push, SentPush, transports_of
from storage import Database
from tests.fakes.transport import FakeTransport
from tests.outbox.box import drain, outbox, users


async def test_enqueue_is_written_first_and_never_duplicates(db: Database) -> None:
    box = outbox(db)
    assert await box.enqueue("posting", "1", users(3)) == 3
    assert await box.enqueue("posting", "1", users(3)) == 0  # the same text forwarded twice
    assert await box.enqueue("posting", "2", users(1)) == 1  # another item to the same person is new
    progress = await box.progress("posting", "1")
    assert (progress.total, progress.sent, progress.pending) == (3, 0, 3)
    reopened = Outbox(db)  # written to SQLite, not held in memory
    assert (await reopened.progress("posting", "1")).pending == 3


async def test_sends_each_once_and_reports_progress_and_callbacks(db: Database) -> None:
    box = outbox(db)
    sent: list[SentPush] = []
    done: list[tuple[str, str, Progress]] = []

    async def on_sent(push: SentPush) -> None:
        sent.append(push)

    async def on_complete(kind: str, item: str, progress: Progress) -> None:
        done.append((kind, item, progress))

    box.on_sent("posting", on_sent)
    box.on_complete("posting", on_complete)
    buttons = (Button("我感兴趣", "postings:like:1"),)
    await box.enqueue("posting", "1", [Push("tg", "u1", "user", Reply("岗位", buttons, image=b"\x89PNG"), "p1", "u1")])
    await box.enqueue("posting", "1", [Push("tg", "g1", "group", Reply("岗位"))])
    transport = FakeTransport()
    await drain(box, transport)
    assert sorted(r for r, _, _ in transport.calls) == ["g1", "u1"]
    reply = next(rep for r, _, rep in transport.calls if r == "u1")
    assert reply.buttons == buttons and reply.image == b"\x89PNG"
    assert {(s.recipient, s.kind, s.person_id, s.user_id) for s in sent} == {
        ("u1", "user", "p1", "u1"),
        ("g1", "group", None, None),
    }
    assert len(done) == 1 and done[0][2].text() == "已送达 2/2，失败 0"
    await drain(box, transport)  # nothing left: nothing sent again, no second summary
    assert len(transport.calls) == 2 and len(done) == 1


async def test_several_in_flight_per_channel_but_one_per_recipient(db: Database) -> None:
    box = outbox(db, concurrency=5)
    await box.enqueue("posting", "1", users(20))
    await box.enqueue("posting", "2", users(20))  # every user gets two items: never two at once
    transport = FakeTransport(delay=0.01)
    await drain(box, transport)
    assert len(transport.calls) == 40
    assert 1 < transport.max_active <= 5
    assert transport.max_active_per_recipient == 1


async def test_a_raising_transport_is_retried_and_channels_are_independent(db: Database) -> None:
    class Broken(FakeTransport):
        async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
            self.calls.append((recipient, kind, reply))
            if len(self.calls) == 1:
                raise ConnectionError("reset")
            return DeliveryResult(DeliveryStatus.SENT)

    box = outbox(db)
    await box.enqueue("posting", "1", [*users(1, "tg"), *users(2, "wx")])
    tg, wx = Broken("tg"), FakeTransport("wx")
    await drain(box, tg, wx)
    assert len(tg.calls) == 2 and len(wx.calls) == 2
    assert (await box.progress("posting", "1")).sent == 3


async def test_guard_cancels_withdrawn_items(db: Database) -> None:
    withdrawn = {"2"}

    async def still_wanted(item_id: str) -> bool:
        return item_id not in withdrawn

    box = outbox(db)
    box.guard("posting", still_wanted)
    await box.enqueue("posting", "1", users(2))
    await box.enqueue("posting", "2", users(2, text="作废"))
    transport = FakeTransport()
    await drain(box, transport)
    assert all(reply.text == "招工啦" for _, _, reply in transport.calls) and len(transport.calls) == 2
    progress = await box.progress("posting", "2")
    assert progress.cancelled == 2 and progress.done and progress.text() == "已送达 0/0，失败 0，已取消 2"
    assert await box.cancel("posting", "1") == 0  # already sent: nothing open to cancel


async def test_sender_waits_for_new_work_and_stops_cleanly(db: Database) -> None:
    box = outbox(db)
    transport = FakeTransport()
    task = asyncio.create_task(box.run({"tg": transport}))
    await asyncio.sleep(0.05)
    await box.enqueue("posting", "1", users(3))
    async with asyncio.timeout(30):  # only a guard against hanging
        while len(transport.calls) < 3:  # noqa: ASYNC110 (the sender task appends)
            await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert len(transport.calls) == 3


async def test_a_sender_cancelled_as_new_work_wakes_it_stops(db: Database) -> None:
    """Cancelled in the same step as the wake-up (a delivery finishing, work enqueued), the sender stops: the
    wait must not swallow the cancellation (asyncio.wait_for does in Python 3.11) and poll on forever."""
    box = Outbox(db, poll_interval=60)
    task = asyncio.create_task(box.run({"tg": FakeTransport()}))
    await asyncio.sleep(0.1)  # now waiting for work
    await box.enqueue("posting", "1", users(1))  # sets the wake-up...
    task.cancel()  # ...and the cancellation lands before the sender runs again
    async with asyncio.timeout(10):  # a swallowed cancellation would wait out the 60 s poll, then loop
        done = await asyncio.gather(task, return_exceptions=True)
    assert isinstance(done[0], asyncio.CancelledError)


async def test_channels_bring_their_transports_or_their_send(db: Database) -> None:
    class Plain:
        name = "console"

        def __init__(self) -> None:
            self.sent: list[tuple[str, str]] = []

        async def send(self, chat_id: str, reply: Reply) -> None:
            if not self.sent and chat_id == "u0":
                self.sent.append(("failed", chat_id))
                raise OSError("terminal gone")
            self.sent.append((chat_id, reply.text))

    class WithTransport:
        name = "tg"
        push_transport = FakeTransport("tg")

    class WithSeveral:
        name = "wx"

        def __init__(self) -> None:
            self.transports = {"wx": FakeTransport("wx"), "wecom": FakeTransport("wecom")}

    plain = Plain()
    found = transports_of([plain, WithTransport(), WithSeveral()])
    assert set(found) == {"console", "tg", "wx", "wecom"} and found["tg"] is WithTransport.push_transport
    box = outbox(db)
    await box.enqueue("notice", "n", users(2, "console"))
    await asyncio.wait_for(box.run({"console": found["console"]}, until_idle=True), 30)
    assert sorted(plain.sent) == [("failed", "u0"), ("u0", "招工啦"), ("u1", "招工啦")]  # an error is retried


async def test_urgent_notices_overtake_a_queued_broadcast(db: Database) -> None:
    box = outbox(db, concurrency=1)
    await box.enqueue("posting", "1", users(20))
    await box.enqueue("notice", "review:1", [Push("tg", "staff", "user", Reply("待审核"))], urgent=True)
    transport = FakeTransport()
    await drain(box, transport)
    assert transport.calls[0][0] == "staff" and len(transport.calls) == 21


async def test_a_failing_guard_or_loop_does_not_stop_the_sender(db: Database) -> None:
    calls: list[str] = []

    async def flaky_guard(item_id: str) -> bool:
        calls.append(item_id)
        if len(calls) == 1:
            raise RuntimeError("database is locked")
        return True

    box = outbox(db)
    box.guard("posting", flaky_guard)
    await box.enqueue("posting", "1", users(3))
    transport = FakeTransport()
    await drain(box, transport)
    assert len(transport.calls) == 3 and (await box.progress("posting", "1")).sent == 3
