"""The WeChat callback answers every message kind: URL verification, text and voice (plain and safe mode),
subscribe and scan with their scenes, menu clicks, unsubscribe, template job reports, and the rest."""

from __future__ import annotations

import pytest

from bot.dispatcher import Dispatcher
from bot.messages import Inbound, Reply
from bot.services import Services
from tests.channels.wechat.callback.served import Bot
from tests.fakes.wechat import FakeWechat, message_xml, signed_query


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


def start_handler_spy(dispatcher: Dispatcher[Services], answer: str) -> list[Inbound]:
    """The messages the start handler (a subscribe or scan event) is called with; it answers `answer`."""
    seen: list[Inbound] = []

    async def spy(msg: Inbound, svc: Services) -> list[Reply]:
        seen.append(msg)
        return [Reply(answer)]

    dispatcher.events["subscribe"] = spy
    return seen


async def test_qrscene_payload_and_scan_reach_the_start_handler(bot: Bot, dispatcher: Dispatcher[Services]) -> None:
    seen = start_handler_spy(dispatcher, "欢迎")
    assert await bot.say(message_xml("user-q", "event", Event="subscribe", EventKey="qrscene_sunjiaping")) == "欢迎"
    assert [(m.event, m.payload) for m in seen] == [("subscribe", "sunjiaping")]


async def test_scan_event_is_passed_on_with_its_scene(bot: Bot, dispatcher: Dispatcher[Services]) -> None:
    seen = start_handler_spy(dispatcher, "欢迎回来")
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
