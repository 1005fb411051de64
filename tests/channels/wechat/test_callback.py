"""The WeChat callback on the real aiohttp app: signed plain and AES XML, every message kind, retries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from wechatpy.crypto import WeChatCrypto

from bot.channels.wechat.channel import WechatChannel
from bot.channels.wechat.xml import signature
from bot.config import Config, WechatConfig
from bot.dispatcher import Dispatcher
from bot.messages import Inbound, Reply
from bot.services import Services
from tests.conftest import CONTENT
from tests.fakes.wechat import (
    AES_KEY,
    APP_ID,
    TOKEN,
    FakeWechat,
    decrypt_reply,
    encrypted,
    message_xml,
    served_channel,
    signed_query,
    xml_field,
)


@pytest.fixture
def config(tmp_path: Path, fake: FakeWechat) -> Config:
    wechat = WechatConfig(
        token=TOKEN,
        encoding_aes_key=AES_KEY,
        app_id=APP_ID,
        app_secret=fake.app_secret,
        api_base_url=fake.url,
        reply_budget_ms=3000,
        compat_mode=True,  # 兼容模式: the plain-mode tests post plain XML although a key is set
    )
    return Config(data_dir=tmp_path / "data", content_dir=CONTENT, wechat=wechat)


@dataclass
class Bot:
    client: TestClient[web.Request, web.Application]
    channel: WechatChannel
    services: Services

    async def post(self, xml: str | bytes, query: dict[str, str] | None = None) -> tuple[int, str]:
        response = await self.client.post("/wechat", params=query or signed_query(), data=xml)
        return response.status, await response.text()

    async def say(self, xml: str, aes: bool = False) -> str | None:
        """Post a message as WeChat does; the passive reply's text, or None for "success"."""
        if aes:
            body, query = encrypted(xml)
            status, text = await self.post(body, query)
        else:
            status, text = await self.post(xml)
        assert status == 200, text
        if text == "success":
            return None
        inner = decrypt_reply(text, query) if aes else text
        assert xml_field(inner, "MsgType") == "text"
        return xml_field(inner, "Content")

    async def count(self, table: str) -> int:
        row = await self.services.db.fetchone(f"SELECT count(*) FROM {table}")
        assert row is not None
        return int(row[0])


@pytest.fixture
async def bot(services: Services, dispatcher: Dispatcher[Services]) -> AsyncIterator[Bot]:
    async with served_channel(services, dispatcher) as (client, channel):
        yield Bot(client, channel, services)


async def test_url_verification_echoes_only_when_signed(bot: Bot) -> None:
    ok = await bot.client.get("/wechat", params=signed_query(echostr="hello123"))
    assert ok.status == 200 and await ok.text() == "hello123"
    forged = await bot.client.get("/wechat", params=signed_query(token="wrong", echostr="hello123"))
    assert forged.status == 403
    stale = await bot.client.get("/wechat", params=signed_query(timestamp=1_600_000_000, echostr="hello123"))
    assert stale.status == 403


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (message_xml("user-k", "text", msg_id=101, Content="交通补贴咋领"), "交通补贴"),
        (message_xml("user-k", "voice", msg_id=102, MediaId="m", Format="amr", Recognition="交通补贴咋领"), "交通补贴"),
        (message_xml("user-k", "voice", msg_id=103, MediaId="m", Format="amr", Recognition=""), "打字"),
        (message_xml("user-k", "event", Event="subscribe", EventKey="qrscene_qiansuo"), "五寨县"),
        (message_xml("user-k", "event", Event="SCAN", EventKey="qiansuo"), "五寨县"),
        (message_xml("user-k", "event", Event="CLICK", EventKey="cat:training"), "技能培训"),
        (
            message_xml("user-k", "location", msg_id=104, Location_X="38.9", Location_Y="111.8", Label="五寨"),
            "文字和语音",
        ),
        (message_xml("user-k", "event", Event="unsubscribe"), None),
        (message_xml("user-k", "event", Event="LOCATION", Latitude="38.9", Longitude="111.8"), None),
    ],
    ids=["text", "voice", "voice-empty", "subscribe-qrscene", "scan", "click", "location", "unsubscribe", "report"],
)
async def test_every_kind_in_safe_mode(bot: Bot, xml: str, expected: str | None) -> None:
    answer = await bot.say(xml, aes=True)
    if expected is None:
        assert answer is None
    else:
        assert answer is not None and expected in answer


async def test_relayed_staff_answers_go_out_within_the_rules(bot: Bot, fake: FakeWechat) -> None:
    await bot.say(message_xml("user-h", "text", msg_id=110, Content="你好"))
    await bot.channel.send("user-h", Reply("工作人员答复：请到乡镇就业服务站办理。"))
    assert [p["touser"] for p in fake.payloads("message/custom/send")] == ["user-h"]
    with pytest.raises(RuntimeError, match="out_of_window"):  # never wrote, no template configured
        await bot.channel.send("user-never", Reply("答复"))


@pytest.mark.parametrize("aes", [False, True])
async def test_text_question_gets_a_passive_answer_and_opens_the_window(bot: Bot, aes: bool) -> None:
    answer = await bot.say(message_xml("user-a", "text", msg_id=1, Content="交通补贴咋领"), aes=aes)
    assert answer is not None and "交通补贴" in answer and "依据" in answer
    assert await bot.count("question_log") == 1
    status = await bot.services.directory.reachability("wechat", "user-a")
    assert status is not None and status[0] == "active" and status[1] is not None


async def test_voice_uses_recognition_and_empty_recognition_asks_to_type(bot: Bot) -> None:
    answer = await bot.say(
        message_xml("user-v", "voice", msg_id=2, MediaId="m", Format="amr", Recognition="交通补贴咋领")
    )
    assert answer is not None and "交通补贴" in answer
    empty = await bot.say(message_xml("user-v", "voice", msg_id=3, MediaId="m", Format="amr", Recognition=""))
    assert empty is not None and "打字" in empty


async def test_subscribe_greets_with_numbered_categories_and_a_number_picks_one(bot: Bot) -> None:
    greeting = await bot.say(message_xml("user-s", "event", Event="subscribe"))
    assert greeting is not None and "五寨县" in greeting and "回复数字选择" in greeting and "1. 就业补贴" in greeting
    listed = await bot.say(message_xml("user-s", "text", msg_id=10, Content="1"))
    assert listed is not None and "就业补贴" in listed and "1. " in listed


async def test_qrscene_payload_and_scan_reach_the_start_handler(bot: Bot, dispatcher: Dispatcher[Services]) -> None:
    seen: list[Inbound] = []

    async def spy(msg: Inbound, svc: Services) -> list[Reply]:
        seen.append(msg)
        return [Reply("欢迎")]

    dispatcher.events["subscribe"] = spy
    assert await bot.say(message_xml("user-q", "event", Event="subscribe", EventKey="qrscene_sunjiaping")) == "欢迎"
    assert [(m.event, m.payload) for m in seen] == [("subscribe", "sunjiaping")]


async def test_scan_event_is_passed_on_with_its_scene(bot: Bot, dispatcher: Dispatcher[Services]) -> None:
    seen: list[Inbound] = []

    async def spy(msg: Inbound, svc: Services) -> list[Reply]:
        seen.append(msg)
        return [Reply("欢迎回来")]

    dispatcher.events["subscribe"] = spy
    assert await bot.say(message_xml("user-q", "event", Event="SCAN", EventKey="qiansuo")) == "欢迎回来"
    assert [(m.event, m.payload) for m in seen] == [("subscribe", "qiansuo")]


async def test_unsubscribe_makes_the_user_unreachable_without_a_reply(bot: Bot) -> None:
    await bot.say(message_xml("user-u", "text", msg_id=20, Content="你好"))
    assert await bot.say(message_xml("user-u", "event", Event="unsubscribe")) is None
    status = await bot.services.directory.reachability("wechat", "user-u")
    assert status is not None and status[0] == "unreachable"


@pytest.mark.parametrize(
    ("key", "expected"),
    [("cat:subsidies", "就业补贴"), ("human", "着急的话可以找"), ("no-such-key", "没有这个选项")],
)
async def test_menu_clicks_become_buttons(bot: Bot, key: str, expected: str) -> None:
    answer = await bot.say(message_xml("user-m", "event", Event="CLICK", EventKey=key))
    assert answer is not None and expected in answer


async def test_template_job_finished_is_recorded(bot: Bot) -> None:
    store = bot.channel.store
    await store.record_send("user-t", "template", "sent", 0, "5001")
    xml = message_xml("user-t", "event", Event="TEMPLATESENDJOBFINISH", Status="failed:user block")
    assert await bot.say(xml.replace("</xml>", "<MsgID>5001</MsgID></xml>")) is None
    assert await store.sends("user-t") == [("template", "sent", 0, "5001", "failed:user block")]


async def test_other_kinds_get_a_short_helpful_reply(bot: Bot) -> None:
    answer = await bot.say(message_xml("user-i", "image", msg_id=30, PicUrl="http://x/y.jpg", MediaId="m"))
    assert answer is not None and "文字和语音" in answer
    assert await bot.say(message_xml("user-i", "event", Event="VIEW", EventKey="http://example.org")) is None


@pytest.mark.parametrize("aes", [False, True])
async def test_a_message_posted_three_times_is_answered_once(bot: Bot, aes: bool) -> None:
    xml = message_xml("user-r", "text", msg_id=40, Content="交通补贴咋领")
    answers = [await bot.say(xml, aes=aes) for _ in range(3)]
    assert answers[0] is not None and answers[1:] == [answers[0]] * 2  # a retry gets the same passive reply
    assert await bot.count("question_log") == 1
    assert await bot.count("wechat_inbound") == 1
    assert bot.channel.transport.api is not None and await bot.count("wechat_sends") == 0


async def test_event_retries_are_deduplicated_by_sender_and_time(bot: Bot) -> None:
    xml = message_xml("user-e", "event", create_time=1700000000, Event="CLICK", EventKey="human")
    first = await bot.say(xml)
    assert first is not None
    assert await bot.say(xml) == first
    assert await bot.count("question_log") == 0  # no question was pending: the hand-over text only
    assert await bot.count("wechat_inbound") == 1


async def test_slow_answer_says_success_then_pushes_a_customer_service_message(
    bot: Bot, dispatcher: Dispatcher[Services], fake: FakeWechat
) -> None:
    gate = asyncio.Event()

    async def slow(msg: Inbound, svc: Services) -> list[Reply]:
        await gate.wait()
        return [Reply("慢慢想好的答复")]

    dispatcher.text_handler = slow
    bot.channel.budget = 0.05
    xml = message_xml("user-slow", "text", msg_id=50, Content="一个难问题")
    # "success" after the budget while the answer is still being prepared: the handler waits for the gate,
    # opened only below, so a callback waiting for the answer would never return (the guard fails instead)
    assert await asyncio.wait_for(bot.say(xml), 30) is None
    assert not gate.is_set() and fake.payloads("message/custom/send") == []
    assert await bot.say(xml) is None  # a retry while the answer is being prepared: nothing new
    gate.set()
    await bot.channel.drain()
    assert fake.payloads("message/custom/send") == [
        {"touser": "user-slow", "msgtype": "text", "text": {"content": "慢慢想好的答复"}}
    ]
    assert await bot.channel.store.sends("user-slow") == [("cs", "sent", 0, None, None)]
    assert await bot.say(xml) is None  # and a late retry does not send it again
    await bot.channel.drain()
    assert len(fake.payloads("message/custom/send")) == 1


async def test_retry_while_answering_moves_the_answer_to_a_push(
    bot: Bot, dispatcher: Dispatcher[Services], fake: FakeWechat
) -> None:
    gate, entered = asyncio.Event(), asyncio.Event()

    async def slowish(msg: Inbound, svc: Services) -> list[Reply]:
        entered.set()
        await gate.wait()
        return [Reply("答复")]

    dispatcher.text_handler = slowish
    xml = message_xml("user-c", "text", msg_id=60, Content="问题")
    first = asyncio.create_task(bot.say(xml))
    await entered.wait()
    assert await bot.say(xml) is None  # WeChat retried: the first request's reply would be lost
    gate.set()
    assert await first is None
    await bot.channel.drain()
    assert [p["text"]["content"] for p in fake.payloads("message/custom/send")] == ["答复"]


async def test_long_answers_are_split_within_2048_bytes(
    bot: Bot, dispatcher: Dispatcher[Services], fake: FakeWechat
) -> None:
    long_text = "\n".join(f"第{i}段：" + "很长的说明" * 30 for i in range(12))

    async def verbose(msg: Inbound, svc: Services) -> list[Reply]:
        return [Reply(long_text)]

    dispatcher.text_handler = verbose
    first = await bot.say(message_xml("user-l", "text", msg_id=70, Content="长"))
    await bot.channel.drain()
    rest = [p["text"]["content"] for p in fake.payloads("message/custom/send")]
    assert first is not None and rest
    assert all(len(part.encode()) <= 2048 for part in [first, *rest])
    assert "\n".join([first, *rest]) == long_text


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


async def test_a_claim_left_by_a_crashed_process_is_taken_over(services: Services) -> None:
    store = services.wechat
    assert await store.claim("msg:1", "u") is None
    earlier = await store.claim("msg:1", "u")
    assert earlier is not None and earlier.state == "processing"
    assert await store.claim("msg:1", "u", stale_after=0.0) is None  # nobody finished it: answer it again
    assert await store.answered_passively("msg:1", "答复")
    again = await store.claim("msg:1", "u", stale_after=0.0)
    assert again is not None and (again.state, again.reply) == ("passive", "答复")


async def test_an_image_answer_follows_the_text_as_a_customer_service_image(
    bot: Bot, dispatcher: Dispatcher[Services], fake: FakeWechat
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

    async def chart(msg: Inbound, svc: Services) -> list[Reply]:
        return [Reply("孙家坪乡 触达情况", image=png, image_name="reach.png")]

    dispatcher.text_handler = chart
    assert await bot.say(message_xml("user-img", "text", msg_id=120, Content="图表")) == "孙家坪乡 触达情况"
    await bot.channel.drain()
    [upload] = fake.payloads("media/upload")
    assert upload["filename"] == "reach.png" and upload["size"] == len(png)
    assert fake.payloads("message/custom/send") == [
        {"touser": "user-img", "msgtype": "image", "image": {"media_id": upload["media_id"]}}
    ]
