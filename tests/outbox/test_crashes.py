"""The outbox after a crash: only the deliveries in flight repeat, and on_sent callbacks the crash left un-run
are caught up at the next start, beside sending and once each (never the new sender's own)."""

from __future__ import annotations

import asyncio
import time

from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus
from bot.outbox.sender import Push, SentPush
from storage import Database
from storage.outbox import OutboxStore
from tests.fakes.transport import FakeTransport
from tests.outbox.box import drain, outbox, recipients_sent, users


async def test_a_crash_repeats_only_the_deliveries_in_flight(db: Database) -> None:
    box = outbox(db)
    await box.enqueue("posting", "1", users(10))
    store = OutboxStore(db)
    # Another sender claimed three, then died: its lease has lapsed.
    in_flight, _ = await store.claim("tg", 3, set(), now=time.time(), owner="dead", lease=0)
    assert len(in_flight) == 3
    restarted = outbox(db)
    sent = recipients_sent(restarted)
    transport = FakeTransport()
    await drain(restarted, transport)
    assert restarted.resumed == 3
    assert sorted(r for r, _, _ in transport.calls) == sorted(f"u{i}" for i in range(10))
    assert sorted(sent) == sorted(f"u{i}" for i in range(10))


async def test_callbacks_missed_by_a_crash_run_at_the_next_start(db: Database) -> None:
    box = outbox(db)
    await box.enqueue("posting", "1", users(2))
    await drain(box, FakeTransport())  # no callback registered: rows stay un-notified
    await db.execute("UPDATE outbox SET notified = 0")
    again = outbox(db)
    seen = recipients_sent(again)
    transport = FakeTransport()
    await drain(again, transport)
    assert sorted(seen) == ["u0", "u1"] and transport.calls == []


async def test_the_catch_up_at_start_leaves_this_senders_own_sends_to_it(db: Database) -> None:
    """A delivery this sender has just marked sent gets its callbacks from this sender, once: the catch-up
    running beside sending must not run them a second time (it did when its query came late, under load)."""
    box = outbox(db)
    await box.enqueue("posting", "1", users(2))
    store = OutboxStore(db)
    [theirs], _ = await store.claim("tg", 1, set(), now=time.time(), owner="crashed", lease=60)
    [mine], _ = await store.claim("tg", 1, set(), now=time.time(), owner=box.owner, lease=60)
    for delivery in (theirs, mine):
        await store.mark_sent(delivery.id)  # neither's callbacks have run yet
    seen = recipients_sent(box)
    assert await box.items.renotify() == 1 and seen == [theirs.recipient]  # the crashed sender's only


async def backlog(db: Database, n: int) -> None:
    """`n` deliveries sent before a crash whose on_sent callbacks never ran."""
    await outbox(db).enqueue("posting", "old", users(n))
    await db.execute("UPDATE outbox SET status = 'sent', notified = 0")


async def test_a_large_callback_backlog_does_not_hold_up_new_pushes(db: Database) -> None:
    await backlog(db, 1500)
    notified: list[str] = []

    async def on_sent(push: SentPush) -> None:
        await asyncio.sleep(0.001)  # a callback that writes something
        notified.append(push.recipient)

    box = outbox(db)
    box.on_sent("posting", on_sent)
    await box.enqueue("notice", "new", [Push("tg", "staff-1", "user", Reply("有新问题"), user_id="staff-1")])
    seen_at_push: list[int] = []

    def script(recipient: str, attempt: int) -> DeliveryResult:
        seen_at_push.append(len(notified))
        return DeliveryResult(DeliveryStatus.SENT)

    await asyncio.wait_for(box.run({"tg": FakeTransport(script=script)}, until_idle=True), 60)
    assert seen_at_push and seen_at_push[0] < 1500  # sent while the backlog was being caught up
    assert len(notified) == 1500  # and the backlog was caught up all the same
    assert (await db.fetchone("SELECT count(*) FROM outbox WHERE notified = 0"))[0] == 0  # type: ignore[index]


async def test_callbacks_that_keep_failing_are_tried_once_per_start(db: Database) -> None:
    await backlog(db, 1200)
    tried: list[str] = []

    async def on_sent(push: SentPush) -> None:
        tried.append(push.recipient)
        raise RuntimeError("the feature's store is broken")

    box = outbox(db)
    box.on_sent("posting", on_sent)
    await asyncio.wait_for(box.run({"tg": FakeTransport()}, until_idle=True), 60)  # returns: no endless loop
    assert len(tried) == 1200 and len(set(tried)) == 1200
    assert (await db.fetchone("SELECT count(*) FROM outbox WHERE notified = 0"))[0] == 1200  # type: ignore[index]
