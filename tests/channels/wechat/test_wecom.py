"""WeCom group robots against the fake webhook on loopback: binding, limits, classification."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.channels.wechat.render import split_utf8, truncate_utf8
from bot.channels.wechat.wecom import RateLimiter, WecomRobots
from bot.config import ConfigError, WechatConfig
from bot.messages import Button, Reply
from bot.outbox.delivery import DeliveryStatus
from bot.pacing import SharedPacer
from bot.services import Services
from storage import Database
from tests.fakes.wechat import FakeWechat


@pytest.fixture
async def fake() -> AsyncIterator[FakeWechat]:
    server = FakeWechat(robot_keys={"key-sunjiaping", "key-qiansuo"})
    await server.start()
    yield server
    await server.close()


def robots(fake: FakeWechat, fmt: str = "text", per_minute: int = 20, period: float = 60.0) -> WecomRobots:
    config = WechatConfig(
        wecom_api_base_url=fake.url,
        wecom_robots={"sunjiaping": "key-sunjiaping", "qiansuo": "key-qiansuo", "lijiaping": "key-removed"},
        wecom_format=fmt,
    )
    return WecomRobots(config, per_minute=per_minute, period=period)


async def test_configured_robots_are_bound_to_their_townships(fake: FakeWechat, services: Services) -> None:
    transport = robots(fake)
    names = {t.id: t.name for t in services.content.townships.values()}
    await transport.bind(services.directory, names)
    groups = await services.directory.groups_in(["sunjiaping", "qiansuo"])
    assert [(g.channel, g.chat_id, g.township_id) for g in groups] == [
        ("wecom", "qiansuo", "qiansuo"),
        ("wecom", "sunjiaping", "sunjiaping"),
    ]
    with pytest.raises(ConfigError, match="nowhere"):
        await WecomRobots(WechatConfig(wecom_robots={"nowhere": "k"})).bind(services.directory, names)
    await transport.close()


async def test_push_sends_text_and_classifies_errors(fake: FakeWechat) -> None:
    transport = robots(fake)
    reply = Reply("【招工】县城物流园招装卸工", (Button("我想报名", "apply:1"),))
    assert (await transport.push("sunjiaping", "group", reply)).status is DeliveryStatus.SENT
    assert fake.payloads("webhook/send") == [
        {"msgtype": "text", "text": {"content": "【招工】县城物流园招装卸工"}, "_key": "key-sunjiaping"}
    ]
    removed = await transport.push("lijiaping", "robot", reply)
    assert removed.status is DeliveryStatus.INVALID and "93000" in removed.detail
    assert (await transport.push("nowhere", "robot", reply)).status is DeliveryStatus.INVALID
    assert (await transport.push("sunjiaping", "user", reply)).status is DeliveryStatus.INVALID
    fake.fail_next("webhook/send", 45009)
    limited = await transport.push("qiansuo", "robot", reply)
    assert limited.status is DeliveryStatus.RETRY and limited.retry_after == 60.0
    await transport.close()


async def test_markdown_and_the_2048_byte_limit(fake: FakeWechat) -> None:
    transport = robots(fake, fmt="markdown")
    await transport.push("qiansuo", "robot", Reply("标题\n" + "内容很长" * 400))
    content = fake.payloads("webhook/send")[0]["markdown"]["content"]
    assert content.startswith("**标题**\n内容很长") and content.endswith("…")
    assert len(content.encode("utf-8")) <= 2048
    await transport.close()


async def test_at_most_20_messages_per_window_per_robot(fake: FakeWechat) -> None:
    transport = robots(fake, per_minute=20, period=0.3)
    started = time.monotonic()
    for i in range(21):
        assert (await transport.push("sunjiaping", "robot", Reply(f"第{i}条"))).status is DeliveryStatus.SENT
    assert time.monotonic() - started >= 0.3  # the 21st waited for the window
    await transport.close()


async def test_robots_are_limited_separately(fake: FakeWechat) -> None:
    transport = robots(fake, per_minute=20, period=3600.0)  # a window no test outlasts
    for i in range(20):
        assert (await transport.push("sunjiaping", "robot", Reply(f"第{i}条"))).status is DeliveryStatus.SENT
    waiting = asyncio.create_task(transport.push("sunjiaping", "robot", Reply("第21条")))
    other = await asyncio.wait_for(transport.push("qiansuo", "robot", Reply("另一个群")), 30)  # not after an hour
    assert other.status is DeliveryStatus.SENT
    assert not waiting.done()  # meanwhile the full robot's 21st waits for its window
    keys = [p["_key"] for p in fake.payloads("webhook/send")]
    assert (keys.count("key-sunjiaping"), keys.count("key-qiansuo")) == (20, 1)
    waiting.cancel()
    await transport.close()


async def test_rate_limiter_window() -> None:
    limiter = RateLimiter(limit=2, period=0.1)
    started = time.monotonic()
    for _ in range(5):
        await limiter.acquire()
    assert time.monotonic() - started >= 0.2


def test_utf8_cuts_never_split_a_character() -> None:
    text = "补贴" * 1000 + "a"
    cut = truncate_utf8(text, 100)
    assert len(cut.encode()) <= 100 and cut.endswith("…")
    for limit in (4, 5, 6, 7, 100):
        parts = split_utf8("第一段\n" + text, limit)
        assert all(0 < len(p.encode()) <= limit for p in parts)
        assert "".join(p for p in parts).replace("\n", "") == ("第一段" + text)


@pytest.mark.parametrize("engine", ["postgresql"])
async def test_two_processes_pace_one_robot_in_total(fake: FakeWechat, services: Services) -> None:
    config = WechatConfig(wecom_api_base_url=fake.url, wecom_robots={"sunjiaping": "key-sunjiaping"})
    other = await Database.open(services.config.database_path)  # the second process's connections
    first = WecomRobots(config, per_minute=20, period=1.0, shared=SharedPacer(services.db))
    second = WecomRobots(config, per_minute=20, period=1.0, shared=SharedPacer(other))
    started = time.time()
    for transport in (first, second, first, second):  # each alone would allow all four at once
        assert (await transport.push("sunjiaping", "robot", Reply("招工"))).status is DeliveryStatus.SENT
    row = await services.db.fetchone("SELECT next_at FROM rate_pacing WHERE name = 'wecom:sunjiaping'")
    assert row is not None and row[0] >= started + 4 * 0.05  # four slots a twentieth of the period apart
    assert time.time() - started >= 3 * 0.05 * 0.99
    for transport in (first, second):
        await transport.close()
    await other.close()
