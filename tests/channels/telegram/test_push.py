"""The Telegram push path: outcome classification, rate limits under a burst, replies never wait."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.limits import PushLimits, SendLimiter
from bot.channels.telegram.push import TelegramPushTransport
from bot.config import TelegramConfig
from bot.dispatcher import Dispatcher
from bot.messages import Reply
from bot.outbox.delivery import DeliveryStatus
from bot.outbox.sender import Outbox, Push
from bot.services import Services
from tests.fakes import telegram_updates as tg
from tests.fakes.clock import VirtualClock
from tests.fakes.telegram import FakeTelegram, running
from tests.fakes.telegram_refusals import BLOCKED, KICKED, NOT_FOUND, Failure, FloodLimits, too_many

LIMITS = PushLimits(push_per_second=40, group_per_window=5, group_window=0.5, chat_interval=0.1)
# What the fake enforces with 429s: the same limits, less a little for loopback jitter.
FLOOD = FloodLimits(overall_per_second=44, group_per_window=5, group_window=0.45, chat_interval=0.08)
GROUP = "-5001"
UNPARSABLE = Failure(400, 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 3')


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram(flood=FLOOD, latency=0.002).start()
    yield server
    await server.stop()


@pytest.fixture
async def transport(fake: FakeTelegram, services: Services) -> AsyncIterator[TelegramPushTransport]:
    push = TelegramPushTransport(tg.TOKEN, fake.base_url, SendLimiter(LIMITS))
    yield push
    await push.close()


async def test_outcomes_are_classified_and_nobody_is_marked_by_the_transport(
    fake: FakeTelegram, transport: TelegramPushTransport, services: Services
) -> None:
    for user in ("11", "12", "13", "14"):
        await services.directory.seen("telegram", user, user)
    fake.always["12"] = BLOCKED
    fake.always["13"] = NOT_FOUND
    fake.always["14"] = UNPARSABLE
    assert (await transport.push("11", "user", Reply("岗位"))).status is DeliveryStatus.SENT
    blocked = await transport.push("12", "user", Reply("岗位"))
    missing = await transport.push("13", "user", Reply("岗位"))
    malformed = await transport.push("14", "user", Reply("岗位"))
    assert blocked.status is DeliveryStatus.UNREACHABLE and blocked.final
    assert missing.status is DeliveryStatus.INVALID and "chat not found" in missing.detail.lower()
    assert malformed.status is DeliveryStatus.BAD_REQUEST and malformed.final
    await services.directory.bind_group("telegram", GROUP, "群", "qiansuo", "1")
    fake.always[GROUP] = KICKED
    assert (await transport.push(GROUP, "group", Reply("岗位"))).status is DeliveryStatus.UNREACHABLE
    for user in ("12", "13", "14"):  # the transport only classifies: the outcome hook decides
        assert (await services.directory.reachability("telegram", user) or ("",))[0] == "active"
    assert len(await services.directory.groups_in(["qiansuo"])) == 1


async def test_one_hook_decides_and_a_bad_request_never_stops_a_recipient(
    fake: FakeTelegram, transport: TelegramPushTransport, services: Services
) -> None:
    for user in ("12", "13", "14"):
        await services.directory.seen("telegram", user, user)
    await services.directory.bind_group("telegram", GROUP, "群", "qiansuo", "1")
    fake.always.update({"12": BLOCKED, "13": NOT_FOUND, "14": UNPARSABLE, GROUP: KICKED})
    pushes = [Push("telegram", u, "user", Reply("岗位"), user_id=u) for u in ("12", "13", "14")]
    await services.outbox.enqueue("notice", "7", [*pushes, Push("telegram", GROUP, "group", Reply("岗位"))])
    await asyncio.wait_for(services.outbox.run({"telegram": transport}, until_idle=True), 30)
    statuses = await services.db.fetchall("SELECT recipient, status, detail FROM outbox ORDER BY recipient")
    assert {r[0]: r[1] for r in statuses} == {
        GROUP: "unreachable",
        "12": "unreachable",
        "13": "invalid",
        "14": "failed",
    }
    assert "bad request" in str(statuses[-1][2])  # the delivery failed as a bad request ...
    reach = {u: (await services.directory.reachability("telegram", u) or ("",))[0] for u in ("12", "13", "14")}
    assert reach == {"12": "unreachable", "13": "invalid", "14": "active"}  # ... the recipient is still reachable
    assert services.recipients.counts["bad_request"] == 1
    assert await services.directory.groups_in(["qiansuo"]) == []
    progress = await services.outbox.progress("notice", "7")
    assert (progress.sent, progress.failed) == (0, 4)

    del fake.always["14"]  # the next, well-formed message reaches the same person
    await services.outbox.enqueue("notice", "8", [Push("telegram", "14", "user", Reply("岗位"), user_id="14")])
    await asyncio.wait_for(services.outbox.run({"telegram": transport}, until_idle=True), 30)
    assert (await services.outbox.progress("notice", "8")).sent == 1


async def test_network_errors_are_retried(services: Services) -> None:
    closed = TelegramPushTransport(tg.TOKEN, "http://127.0.0.1:9/bot", SendLimiter(LIMITS))
    result = await closed.push("11", "user", Reply("岗位"))
    await closed.close()
    assert result.status is DeliveryStatus.RETRY and result.detail.startswith("network")


async def test_a_rejected_token_is_retried_without_quoting_it(fake: FakeTelegram, services: Services) -> None:
    wrong = TelegramPushTransport("999:wrong", fake.base_url, SendLimiter(LIMITS))
    result = await wrong.push("11", "user", Reply("岗位"))
    await wrong.close()
    assert result.status is DeliveryStatus.RETRY and "999:wrong" not in result.detail


async def test_retry_after_pauses_only_that_chat(fake: FakeTelegram) -> None:
    clock = VirtualClock()  # the waits the limiter decides, exactly, whatever the machine's load
    transport = TelegramPushTransport(tg.TOKEN, fake.base_url, SendLimiter(LIMITS, clock.now, sleep=clock.sleep))
    fake.once["21"] = deque([too_many(1)])
    limited = await transport.push("21", "user", Reply("岗位"))
    assert limited.status is DeliveryStatus.RETRY and limited.retry_after == 1.0
    start = clock.now()
    assert (await transport.push("22", "user", Reply("岗位"))).status is DeliveryStatus.SENT
    assert clock.now() - start <= 1 / LIMITS.push_per_second  # other chats go on at once: one overall pacing step
    assert (await transport.push("21", "user", Reply("岗位"))).status is DeliveryStatus.SENT
    assert clock.now() - start >= 1.0  # the limited chat waited out its pause
    await transport.close()


async def test_replies_take_from_the_pushes_budget_for_a_second_only() -> None:
    clock = VirtualClock()
    limiter = SendLimiter(PushLimits(push_per_second=10, chat_interval=0.0), clock.now, sleep=clock.sleep)
    for _ in range(50):  # a burst of interactive replies: they never wait
        with limiter.reply():
            pass
    async with limiter.push("1", group=False) as waited:
        pass
    # the burst ages out of the one-second window; the 50 replies are no backlog (that would be 5 s at 10/s)
    assert waited == pytest.approx(1.0)


def _max_in_window(times: list[float], window: float) -> int:
    return max((sum(1 for t in times if s <= t < s + window) for s in times), default=0)


async def test_a_burst_honours_every_limit(fake: FakeTelegram, transport: TelegramPushTransport) -> None:
    pushes = [(GROUP, "group")] * 12 + [(str(100 + i), "user") for i in range(50)] + [("77", "user")] * 5
    results = await asyncio.gather(*(transport.push(c, k, Reply(f"岗位{i}")) for i, (c, k) in enumerate(pushes)))  # type: ignore[arg-type]
    assert [r for r in results if r.status is not DeliveryStatus.SENT] == [], fake.floods
    assert fake.rejected[429] == 0 and len(fake.sent) == len(pushes)
    group_times = [s.at for s in fake.sent_to(GROUP)]
    assert _max_in_window(group_times, 0.45) <= 5
    user_times = [s.at for s in fake.sent_to("77")]
    assert all(b - a >= 0.08 for a, b in pairwise(user_times))
    assert _max_in_window([s.at for s in fake.sent], 0.95) <= 40


async def test_outbox_retries_a_429_through_the_transport(
    fake: FakeTelegram, transport: TelegramPushTransport, services: Services
) -> None:
    fake.once["31"] = deque([too_many(1)])
    outbox = Outbox(services.db, on_outcome=services.recipients.apply, backoff=0.05, poll_interval=0.05)
    pushes = [Push("telegram", str(30 + i), "user", Reply("招聘会通知"), user_id=str(30 + i)) for i in range(4)]
    assert await outbox.enqueue("briefing", "fair", pushes) == 4
    await asyncio.wait_for(outbox.run({"telegram": transport}, until_idle=True), 30)
    progress = await outbox.progress("briefing", "fair")
    assert progress.sent == 4 and fake.rejected[429] == 1
    assert len(fake.sent_to("31")) == 1


async def test_a_reply_is_prompt_while_a_large_push_runs(
    fake: FakeTelegram, services: Services, dispatcher: Dispatcher[Services]
) -> None:
    config = TelegramConfig(token=tg.TOKEN, base_url=fake.base_url)
    limits = PushLimits(push_per_second=100, group_per_window=20, group_window=1.0, chat_interval=0.05)
    fake.flood = FloodLimits(overall_per_second=120)
    async with running(TelegramChannel(config, services, dispatcher, limits, poll_timeout=1)) as channel:
        gate = asyncio.Semaphore(16)

        async def one(i: int) -> None:
            async with gate:
                await channel.push_transport.push(str(10_000 + i), "user", Reply(f"岗位信息 {i}"))

        push = asyncio.gather(*(one(i) for i in range(200)))
        await fake.wait_until(lambda: len(fake.sent) >= 30)
        pushed_when_asked = len(fake.sent)
        await fake.push_update(tg.private_text(4242, "交通补贴咋领"))
        [answer] = await fake.wait_sent(4242)
        pushed_by_then = len(fake.sent)
        await push
    assert "依据" in answer.text
    # the reply overtook the push: measured in pushes, not seconds (a loaded machine slows both alike), at most
    # half a second of pushes went out meanwhile, where waiting behind the queue would let 170 go first
    assert pushed_by_then - pushed_when_asked < 50
    assert fake.rejected[429] == 0
