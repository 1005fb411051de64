"""The outbox against a real SQLite file, with fake platforms at the PushTransport edge."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import pytest

from bot.messages import Button, Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind
from bot.outbox.sender import Outbox, Progress, Push, SentPush, transports_of
from bot.recipients import RecipientRules
from storage import Database, DirectoryStore
from storage.outbox import OutboxStore
from tests.fakes.transport import FakeTransport


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


def outbox(db: Database, **kw: object) -> Outbox:
    options: dict[str, object] = {"backoff": 0.01, "poll_interval": 0.02, "max_attempts": 4, **kw}
    return Outbox(db, on_outcome=RecipientRules(DirectoryStore(db)).apply, **options)  # type: ignore[arg-type]


def users(n: int, channel: str = "tg", text: str = "招工啦") -> list[Push]:
    return [Push(channel, f"u{i}", "user", Reply(text), user_id=f"u{i}") for i in range(n)]


async def drain(box: Outbox, *transports: FakeTransport) -> None:
    await asyncio.wait_for(box.run({t.channel: t for t in transports}, until_idle=True), 60)  # generous: loaded CI


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


async def test_retries_with_backoff_and_retry_after_then_gives_up(db: Database) -> None:
    def script(recipient: str, attempt: int) -> DeliveryResult:
        if recipient == "flaky" and attempt < 3:
            return DeliveryResult(DeliveryStatus.RETRY, "429", retry_after=0.05)
        if recipient == "down":
            return DeliveryResult(DeliveryStatus.RETRY, "502")
        return DeliveryResult(DeliveryStatus.SENT)

    box = outbox(db)
    await box.enqueue("posting", "1", [Push("tg", r, "user", Reply("x")) for r in ("flaky", "down", "ok")])
    transport = FakeTransport(script=script)
    await drain(box, transport)
    attempts = Counter(r for r, _, _ in transport.calls)
    assert attempts == {"flaky": 3, "down": 4, "ok": 1}
    progress = await box.progress("posting", "1")
    assert (progress.sent, progress.failed, progress.by_status.get("failed")) == (2, 1, 1)


async def test_final_failures_are_recorded_and_not_retried(db: Database) -> None:
    outcomes = {
        "blocked": DeliveryStatus.UNREACHABLE,
        "gone": DeliveryStatus.INVALID,
        "late": DeliveryStatus.OUT_OF_WINDOW,
        "ok": DeliveryStatus.SENT,
    }
    directory = DirectoryStore(db)
    for user in outcomes:
        await directory.seen("wx", user, user)
    await directory.bind_group("wx", "robot-a", "孙家坪群", "sunjiaping", "admin")
    box = outbox(db)
    pushes = [Push("wx", u, "user", Reply("x"), user_id=u) for u in outcomes]
    pushes.append(Push("wx", "robot-a", "robot", Reply("x")))
    await box.enqueue("posting", "9", pushes)

    def script(recipient: str, attempt: int) -> DeliveryResult:
        return DeliveryResult(outcomes.get(recipient, DeliveryStatus.INVALID), "code")

    transport = FakeTransport("wx", script)
    await drain(box, transport)
    assert Counter(r for r, _, _ in transport.calls) == dict.fromkeys([*outcomes, "robot-a"], 1)
    progress = await box.progress("posting", "9")
    assert progress.text() == "已送达 1/5，失败 4"
    assert await directory.reachability("wx", "blocked") == ("unreachable", await _last_inbound(db, "blocked"))
    assert (await directory.reachability("wx", "gone") or ("",))[0] == "invalid"
    assert (await directory.reachability("wx", "late") or ("",))[0] == "active"  # may write again later
    group = await directory.group("wx", "robot-a")
    assert group is not None and not group.active


async def _last_inbound(db: Database, user: str) -> str | None:
    row = await db.fetchone("SELECT last_inbound_at FROM recipients WHERE user_id = ?", (user,))
    return row[0] if row else None


async def test_migrated_group_is_sent_at_its_new_id(db: Database) -> None:
    directory = DirectoryStore(db)
    await directory.bind_group("tg", "-100", "砚城镇群", "yancheng", "admin")

    def script(recipient: str, attempt: int) -> DeliveryResult:
        if recipient == "-100":
            return DeliveryResult(DeliveryStatus.RETRY, "migrated", new_recipient="-100200")
        return DeliveryResult(DeliveryStatus.SENT)

    box = outbox(db)
    await box.enqueue("posting", "1", [Push("tg", "-100", "group", Reply("x"))])
    await box.enqueue(
        "briefing", "b", [Push("tg", "-100", "group", Reply("y")), Push("tg", "-100200", "group", Reply("y"))]
    )
    transport = FakeTransport(script=script)
    await drain(box, transport)
    assert Counter(r for r, _, _ in transport.calls)["-100200"] == 2  # one per item, no duplicate
    assert (await box.progress("posting", "1")).text() == "已送达 1/1，失败 0"
    assert (await box.progress("briefing", "b")).text() == "已送达 1/1，失败 0"
    assert await directory.group("tg", "-100200") is not None


async def test_a_crash_repeats_only_the_deliveries_in_flight(db: Database) -> None:
    box = outbox(db)
    await box.enqueue("posting", "1", users(10))
    store = OutboxStore(db)
    # Another sender claimed three, then died: its lease has lapsed.
    in_flight, _ = await store.claim("tg", 3, set(), now=time.time(), owner="dead", lease=0)
    assert len(in_flight) == 3
    sent: list[str] = []

    async def on_sent(push: SentPush) -> None:
        sent.append(push.recipient)

    restarted = outbox(db)
    restarted.on_sent("posting", on_sent)
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
    seen: list[str] = []

    async def on_sent(push: SentPush) -> None:
        seen.append(push.recipient)

    again = outbox(db)
    again.on_sent("posting", on_sent)
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
    seen: list[str] = []

    async def on_sent(push: SentPush) -> None:
        seen.append(push.recipient)

    box.on_sent("posting", on_sent)
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


async def test_a_migration_the_transport_followed_moves_the_chats_other_pushes(db: Database) -> None:
    def script(recipient: str, attempt: int) -> DeliveryResult:
        if recipient == "-100":  # sent at the new id by the transport, which reports where the chat went
            return DeliveryResult(DeliveryStatus.SENT, new_recipient="-100200")
        return DeliveryResult(DeliveryStatus.SENT)

    box = outbox(db, concurrency=1)
    await box.enqueue("posting", "1", [Push("tg", "-100", "group", Reply("a"))])
    await box.enqueue("posting", "2", [Push("tg", "-100", "group", Reply("b"))])
    transport = FakeTransport(script=script)
    await drain(box, transport)
    assert [r for r, _, _ in transport.calls] == ["-100", "-100200"]
