"""WeChat callbacks: a replayed plain-mode URL with a new body, plain mode when a key is set, malformed fields."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.channels.wechat.channel import WechatChannel
from bot.channels.wechat.xml import signature
from bot.config import Config, WechatConfig
from bot.dispatcher import Dispatcher
from bot.services import Services
from storage.wechat import WechatStore
from tests.conftest import CONTENT
from tests.fakes.wechat import AES_KEY, APP_ID, TOKEN, encrypted, message_xml, served_channel, signed_query


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


@dataclass
class Callback:
    client: TestClient[web.Request, web.Application]
    channel: WechatChannel
    services: Services

    async def post(self, body: str, query: dict[str, str]) -> int:
        response = await self.client.post("/wechat", params=query, data=body.encode("utf-8"))
        await response.read()
        return response.status

    async def rows(self, table: str) -> int:
        row = await self.services.db.fetchone(f"SELECT count(*) FROM {table}")
        return int(row[0]) if row else 0


def make_config(tmp_path: Path, aes: bool, compat: bool = False) -> Config:
    wechat = WechatConfig(
        token=TOKEN,
        encoding_aes_key=AES_KEY if aes else "",
        app_id=APP_ID,
        app_secret="s",
        reply_budget_ms=3000,
        compat_mode=compat,
    )
    return Config(data_dir=tmp_path / "data", content_dir=CONTENT, wechat=wechat)


@pytest.fixture
def config(tmp_path: Path, request: pytest.FixtureRequest) -> Config:
    aes, compat = getattr(request, "param", (False, False))
    return make_config(tmp_path, aes, compat)


@pytest.fixture
async def callback(services: Services, dispatcher: Dispatcher[Services]) -> AsyncIterator[Callback]:
    async with served_channel(services, dispatcher) as (client, channel):
        yield Callback(client, channel, services)


async def test_a_replayed_url_with_a_new_body_is_refused(callback: Callback) -> None:
    query = signed_query()
    first = message_xml("liaison", "text", msg_id=1, Content="交通补贴咋领")
    assert await callback.post(first, query) == 200
    forged = message_xml("attacker-chose-this", "text", msg_id=2, Content="/bangdingma 东村")
    assert await callback.post(forged, query) == 403
    assert await callback.post(first, query) == 200  # byte for byte (same CreateTime): WeChat retrying
    await callback.channel.drain()  # (on a slow machine the answer may have gone out as a push)
    assert await callback.rows("question_log") == 1  # the retry is deduplicated by MsgId, the forgery refused
    assert await callback.rows("wechat_inbound") == 1


async def test_nonces_are_shared_through_the_database(callback: Callback) -> None:
    other_process = WechatStore(callback.services.db)
    query = signed_query()
    assert await other_process.first_use(query["timestamp"], query["nonce"], "hash-of-another-body")
    assert await callback.post(message_xml("u", "text", msg_id=3, Content="你好"), query) == 403
    await callback.channel.store.prune(replay_window=300)  # kept for twice the window…
    assert await callback.rows("wechat_nonces") == 1
    long_ago = (datetime.now(UTC) - timedelta(seconds=601)).isoformat(timespec="seconds")
    await callback.services.db.execute("UPDATE wechat_nonces SET seen_at = ?", (long_ago,))
    await callback.channel.store.prune(replay_window=300)  # …then forgotten
    assert await callback.rows("wechat_nonces") == 0


@pytest.mark.parametrize("config", [(True, False)], indirect=True)
async def test_plain_mode_is_refused_when_a_key_is_set(callback: Callback) -> None:
    xml = message_xml("u", "text", msg_id=4, Content="交通补贴咋领")
    assert await callback.post(xml, signed_query()) == 403
    assert await callback.post(*encrypted(xml)) == 200


@pytest.mark.parametrize("config", [(True, True)], indirect=True)
async def test_compat_mode_accepts_plain_mode_explicitly(callback: Callback) -> None:
    assert await callback.post(message_xml("u", "text", msg_id=5, Content="交通补贴咋领"), signed_query()) == 200


@pytest.mark.parametrize(
    "xml",
    [
        "<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>abc</CreateTime>"
        "<MsgType>text</MsgType><Content>你好</Content><MsgId>7</MsgId></xml>",
        "<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>你好</Content><MsgId>abc</MsgId></xml>",
        "<xml><ToUserName>gh</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>x1</MsgID><Status>success</Status></xml>",
    ],
    ids=["create-time", "msg-id", "template-msg-id"],
)
async def test_non_numeric_fields_are_a_bad_request(callback: Callback, xml: str) -> None:
    assert await callback.post(xml, signed_query()) == 400
    assert await callback.rows("wechat_inbound") == 0


@pytest.mark.parametrize("config", [(True, False)], indirect=True)
@pytest.mark.parametrize("junk", ["", "abc", "YWJj", "QUFBQUFBQUFBQUFBQUFBQQ==", "QUFB" * 11])
async def test_a_short_or_broken_encrypt_is_a_bad_request(callback: Callback, junk: str) -> None:
    query = signed_query(encrypt_type="aes")
    query["msg_signature"] = signature(TOKEN, query["timestamp"], query["nonce"], junk)
    assert await callback.post(f"<xml><Encrypt><![CDATA[{junk}]]></Encrypt></xml>", query) == 400
    assert await callback.rows("wechat_inbound") == 0


@pytest.mark.parametrize("timestamp", ["²", "１７００００００００", "-1"])
async def test_a_timestamp_that_is_not_ascii_digits_is_refused(callback: Callback, timestamp: str) -> None:
    query = {"timestamp": timestamp, "nonce": "n", "signature": signature(TOKEN, timestamp, "n")}
    assert await callback.post(message_xml("u", "text", msg_id=8, Content="你好"), query) == 403


@pytest.mark.parametrize("config", [(True, False)], indirect=True)
async def test_safe_mode_replays_cannot_change_the_body(callback: Callback) -> None:
    xml = message_xml("u", "text", msg_id=9, Content="交通补贴咋领")
    body, query = encrypted(xml)
    assert await callback.post(body, query) == 200
    other, _ = encrypted(message_xml("attacker", "text", msg_id=10, Content="/bangdingma"), query["nonce"])
    assert await callback.post(other, query) == 403  # msg_signature covers the encrypted body
    assert await callback.rows("wechat_nonces") == 0  # so nothing needs remembering
