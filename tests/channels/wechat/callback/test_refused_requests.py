"""Requests the WeChat callback refuses (forged, stale, hostile or malformed XML, bad safe-mode envelopes,
plain mode where encryption is required), with nothing stored."""

from __future__ import annotations

from dataclasses import replace

import pytest
from wechatpy.crypto import WeChatCrypto

from bot.channels.wechat.xml import signature
from tests.channels.wechat.callback.served import Bot
from tests.fakes.wechat import AES_KEY, TOKEN, encrypted, message_xml, signed_query, xml_field

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>evil</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&c;</Content><MsgId>1</MsgId></xml>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    "<xml><ToUserName>gh</ToUserName><FromUserName>evil</FromUserName><CreateTime>1</CreateTime>"
    "<MsgType>text</MsgType><Content>&x;</Content><MsgId>2</MsgId></xml>"
)
GOOD = message_xml("user-x", "text", msg_id=99, Content="交通补贴咋领")


async def assert_nothing_stored(bot: Bot) -> None:
    for table in ("wechat_inbound", "recipients", "question_log", "conversations", "wechat_sends"):
        assert await bot.count(table) == 0, table


@pytest.mark.parametrize(
    ("body", "query", "status"),
    [
        (GOOD, signed_query(token="forged"), 403),
        (GOOD, {k: v for k, v in signed_query().items() if k != "signature"}, 403),
        (GOOD, signed_query(timestamp=1_600_000_000), 403),
        (BILLION_LAUGHS, None, 400),
        (EXTERNAL_ENTITY, None, 400),
        (GOOD[: len(GOOD) // 2], None, 400),
        (GOOD.encode("gbk"), None, 400),
        ("<xml><Foo>1</Foo></xml>", None, 400),
        ("<html><body>hi</body></html>", None, 400),
        (GOOD.replace("</xml>", "<Pad>" + "x" * 40_000 + "</Pad></xml>"), None, 413),
    ],
    ids=[
        "forged-signature",
        "no-signature",
        "stale",
        "billion-laughs",
        "external-entity",
        "truncated",
        "not-utf8",
        "not-a-message",
        "not-wechat-xml",
        "oversized",
    ],
)
async def test_bad_requests_are_refused_and_nothing_is_stored(
    bot: Bot, body: str | bytes, query: dict[str, str] | None, status: int
) -> None:
    got, _ = await bot.post(body, query)
    assert got == status
    await assert_nothing_stored(bot)


async def test_bad_safe_mode_requests_are_refused(bot: Bot) -> None:
    body, query = encrypted(GOOD)
    assert (await bot.post(body, {**query, "msg_signature": "0" * 40}))[0] == 403
    foreign = WeChatCrypto(TOKEN, AES_KEY, "wx-other-app").encrypt_message(GOOD, "nonce1", query["timestamp"])
    foreign_signature = xml_field(foreign, "MsgSignature")
    assert (await bot.post(foreign, {**query, "msg_signature": foreign_signature}))[0] == 403
    assert (await bot.post(*encrypted(EXTERNAL_ENTITY)))[0] == 400
    junk = "bm90IGVuY3J5cHRlZA=="
    junk_query = {**query, "msg_signature": signature(TOKEN, query["timestamp"], query["nonce"], junk)}
    assert (await bot.post(f"<xml><Encrypt><![CDATA[{junk}]]></Encrypt></xml>", junk_query))[0] == 400
    await assert_nothing_stored(bot)


async def test_plain_mode_can_be_refused(bot: Bot) -> None:
    bot.channel.endpoint.config = replace(bot.channel.config, require_encryption=True)  # what the callback checks
    assert (await bot.post(GOOD))[0] == 403
    assert await bot.say(GOOD, aes=True) is not None
