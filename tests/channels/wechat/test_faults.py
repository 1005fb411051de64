"""The WeChat callback when the database or the customer-service API fails: an apology, never HTTP 500,
and the answer still arrives (answered later; a failed customer-service call goes through the outbox)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.wechat.channel import BUSY, WechatChannel
from bot.channels.wechat.pushed import ANSWER_ITEM
from bot.config import Config, WechatConfig
from bot.dispatcher import SORRY, Dispatcher
from bot.services import Services
from bot.web import build_app
from tests.conftest import CONTENT
from tests.fakes.wechat import (
    AES_KEY,
    APP_ID,
    TOKEN,
    FakeWechat,
    answer_when_opened,
    decrypt_reply,
    encrypted,
    message_xml,
    signed_query,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeWechat]:
    server = FakeWechat(app_id=APP_ID)
    await server.start()
    yield server
    await server.close()


@pytest.fixture
def config(tmp_path: Path, fake: FakeWechat) -> Config:
    wechat = WechatConfig(token=TOKEN, app_id=APP_ID, app_secret=fake.app_secret, api_base_url=fake.url)
    return Config(data_dir=tmp_path / "data", content_dir=CONTENT, wechat=wechat)


@pytest.fixture
async def channel(services: Services, dispatcher: Dispatcher[Services]) -> AsyncIterator[WechatChannel]:
    made = WechatChannel(services, dispatcher)
    yield made
    await made.drain()
    await made.api.close()


async def post(channel: WechatChannel, services: Services, xml: str) -> tuple[int, str]:
    app = build_app(services)
    channel.mount(app)
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        response = await client.post("/wechat", params=signed_query(), data=xml)
        return response.status, await response.text()


async def test_a_failing_database_gives_the_apology_and_the_answer_follows(
    channel: WechatChannel, services: Services, fake: FakeWechat
) -> None:
    await services.directory.seen("wechat", "user-f", "user-f")  # the customer-service window is open
    assert services.db.path is not None
    with sqlite3.connect(services.db.path) as conn:  # the disk fills up: no new row can be written
        conn.execute(
            "CREATE TRIGGER full BEFORE INSERT ON wechat_inbound BEGIN SELECT RAISE(FAIL, 'disk is full'); END"
        )
    status, body = await post(channel, services, message_xml("user-f", "text", msg_id=7, Content="交通补贴咋领"))
    assert status == 200 and BUSY in body
    with sqlite3.connect(services.db.path) as conn:  # space again
        conn.execute("DROP TRIGGER full")
    await asyncio.wait_for(channel.drain(), 30)  # answered in the background, by customer-service message
    [sent] = fake.payloads("message/custom/send")
    assert sent["touser"] == "user-f" and "交通补贴" in sent["text"]["content"]
    row = await services.db.fetchone("SELECT count(*) FROM question_log")
    assert row is not None and row[0] == 1


async def test_a_deferred_answer_whose_call_fails_goes_through_the_outbox(
    channel: WechatChannel, services: Services, dispatcher: Dispatcher[Services], fake: FakeWechat
) -> None:
    gate = asyncio.Event()
    dispatcher.text_handler = answer_when_opened(gate, "慢慢想好的答复")
    channel.budget = 0.05
    fake.fail_next("message/custom/send", -1)  # WeChat: system busy, once
    status, body = await post(channel, services, message_xml("user-d", "text", msg_id=8, Content="难题"))
    assert (status, body) == (200, "success")
    gate.set()
    await channel.drain()
    assert fake.payloads("message/custom/send") == []  # the first call failed ...
    outbox = services.outbox
    assert (await outbox.progress(ANSWER_ITEM, "msg:8#0")).pending == 1  # ... so the answer waits in the outbox
    await asyncio.wait_for(outbox.run(channel.transports, until_idle=True), 30)
    assert [p["text"]["content"] for p in fake.payloads("message/custom/send")] == ["慢慢想好的答复"]


async def test_the_answers_writes_and_its_record_fail_together(channel: WechatChannel, services: Services) -> None:
    """The question log, the conversation state and the passive answer's record are one unit of work:
    when it cannot be committed, the user gets the apology (never HTTP 500) and nothing of it stays."""
    assert services.db.path is not None
    with sqlite3.connect(services.db.path) as conn:
        conn.execute("CREATE TRIGGER full BEFORE INSERT ON question_log BEGIN SELECT RAISE(FAIL, 'disk is full'); END")
    status, body = await post(channel, services, message_xml("user-g", "text", msg_id=9, Content="交通补贴咋领"))
    assert status == 200 and SORRY in body
    row = await services.db.fetchone("SELECT state, reply FROM wechat_inbound WHERE key = 'msg:9'")
    assert row is not None and (row[0], row[1]) == ("processing", None)
    assert (await services.conversations.get("wechat", "user-g", "user-g")).topic is None


async def test_a_write_lock_held_elsewhere_gives_the_apology_in_time_and_readiness_says_so(
    channel: WechatChannel, services: Services, fake: FakeWechat, caplog: pytest.LogCaptureFixture
) -> None:
    plain = channel
    """Another process holds SQLite's write lock longer than the busy timeout (5 s): the callback answers
    with the apology within the reply budget (never HTTP 500, never after WeChat gave up), /readyz says
    the database cannot take a write, and once the lock is gone the answer follows by push, once."""
    await services.directory.seen("wechat", "user-l", "user-l")  # the customer-service window is open
    assert services.db.path is not None
    safe = replace(services.config, wechat=replace(services.config.wechat, encoding_aes_key=AES_KEY))
    channel = WechatChannel(replace(services, config=safe), channel.dispatcher)  # safe mode: no nonce record
    channel.budget = 0.2
    holder = sqlite3.connect(services.db.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # e.g. a roster import from the command line
    app = build_app(services)
    channel.mount(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
            body, query = encrypted(message_xml("user-l", "text", msg_id=11, Content="交通补贴咋领"))
            with caplog.at_level(logging.INFO):
                callback = await asyncio.wait_for(client.post("/wechat", params=query, data=body), 30)
            assert callback.status == 200
            assert BUSY in decrypt_reply(await callback.text(), query)
            # in time: the apology came when the budget ran out, while the claim still waited for the lock,
            # not when SQLite gave up after its 5 s busy timeout (WeChat waits 5 s)
            assert any("database is slow" in m for m in caplog.messages), caplog.messages
            assert not any("database failed" in m for m in caplog.messages), caplog.messages
            ready = await client.get("/readyz")
            assert ready.status == 503 and "database" in (await ready.json())["reason"]
            assert (await client.get("/healthz")).status == 200  # alive: a restart would not help
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    await asyncio.wait_for(channel.drain(), 60)
    [sent] = fake.payloads("message/custom/send")
    assert sent["touser"] == "user-l" and "交通补贴" in sent["text"]["content"]
    row = await services.db.fetchone("SELECT count(*) FROM question_log")
    assert row is not None and row[0] == 1
    await channel.api.close()
    status, _ = await post(plain, services, message_xml("user-l", "text", msg_id=12, Content="稳岗补贴"))
    assert status == 200  # the database works again: nothing was left half-begun
    assert (await services.db.fetchone("SELECT count(*) FROM question_log"))[0] == 2  # type: ignore[index]
