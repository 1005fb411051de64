"""What each push result does in the outbox: retries with back-off (and the platform's retry_after) until
it gives up, final failures recorded for the recipient and never retried, and chats that moved to a new id."""

from __future__ import annotations

from collections import Counter

from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus
from bot.outbox.sender import Push
from storage import Database, DirectoryStore
from tests.fakes.transport import FakeTransport
from tests.outbox.box import drain, outbox


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
