"""Private chats end to end: the real python-telegram-bot client against the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram.channel import EDITED, TEXT_ONLY, VOICE_UNSUPPORTED, TelegramChannel
from bot.channels.telegram.limits import PushLimits
from bot.config import TelegramConfig
from bot.dispatcher import NOT_UNDERSTOOD, Dispatcher, Router
from bot.faq.relay import relay_answer
from bot.messages import Button, Inbound, Reply
from bot.outbox.sender import transports_of
from bot.services import Services
from handlers import faq, groups
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram import FakeTelegram, running
from tests.fakes.telegram_refusals import BLOCKED, Failure

FAST = PushLimits(push_per_second=200, group_per_window=5, group_window=0.5, chat_interval=0.02)
USER = 4242


def channel_for(fake: FakeTelegram, services: Services, dispatcher: Dispatcher[Services]) -> TelegramChannel:
    config = TelegramConfig(token=tg.TOKEN, base_url=fake.base_url)
    return TelegramChannel(config, services, dispatcher, FAST, poll_timeout=1)


@pytest.fixture
async def bot(
    fake: FakeTelegram, services: Services, dispatcher: Dispatcher[Services]
) -> AsyncIterator[TelegramChannel]:
    async with running(channel_for(fake, services, dispatcher)) as channel:
        yield channel


async def test_question_gets_an_answer_with_its_source(
    fake: FakeTelegram, bot: TelegramChannel, services: Services
) -> None:
    await fake.push_update(tg.private_text(USER, "交通补贴咋领"))
    [answer] = await fake.wait_sent(USER)
    assert "依据" in answer.text and "交通" in answer.text
    assert answer.params["parse_mode"] == "HTML" and answer.html.startswith("<b>【")
    seen = await services.directory.reachability("telegram", str(USER))
    assert seen is not None and seen[0] == "active" and seen[1] is not None


async def test_start_greets_and_the_command_menus_are_chinese(fake: FakeTelegram, bot: TelegramChannel) -> None:
    await fake.push_update(tg.private_text(USER, "/start"))
    [greeting] = await fake.wait_sent(USER)
    assert "小助手" in greeting.text and greeting.buttons  # categories as buttons
    private = {c["command"]: c["description"] for c in fake.commands["all_private_chats"]}
    group = {c["command"]: c["description"] for c in fake.commands["all_group_chats"]}
    assert {"start", "help", "jobs"} <= set(private) and "bind" in group
    assert set(private) | set(group) <= set(bot.dispatcher.commands)  # every menu entry is handled
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in d) for d in [*private.values(), *group.values()])


async def test_buttons_are_answered_and_lead_to_an_entry(fake: FakeTelegram, bot: TelegramChannel) -> None:
    await fake.push_update(tg.private_text(USER, "/help"))
    [menu] = await fake.wait_sent(USER)
    label, data = menu.buttons[0]
    assert data.startswith("cat:") and len(data.encode()) <= 64
    await fake.push_update(fake.callback_query(USER, data))
    sent = await fake.wait_sent(USER, 2)
    assert len(fake.answered) == 1 and label in sent[1].text
    entry_data = sent[1].buttons[0][1]
    await fake.push_update(fake.callback_query(USER, entry_data))
    sent = await fake.wait_sent(USER, 3)
    assert "依据" in sent[2].text and len(fake.answered) == 2


async def test_unknown_callback_data_is_answered_and_explained(fake: FakeTelegram, bot: TelegramChannel) -> None:
    await fake.push_update(fake.callback_query(USER, "zzz:nothing"))
    [reply] = await fake.wait_sent(USER)
    assert reply.text == NOT_UNDERSTOOD and len(fake.answered) == 1


async def test_handover_then_the_staff_answer_is_relayed(
    fake: FakeTelegram, bot: TelegramChannel, services: Services
) -> None:
    await fake.push_update(tg.private_text(USER, "村里修路的活谁管"))
    await fake.wait_sent(USER)
    await fake.push_update(fake.callback_query(USER, "human:again"))  # "not what I asked, a person please"
    handover = (await fake.wait_sent(USER, 2))[1]
    assert "工作人员" in handover.text
    [queued] = await services.questions.list_open()
    await services.questions.answer(queued.id, "请问村委会 <王主任> & 村会计。", "clerk")
    assert await relay_answer(services.questions, services.outbox, queued.id) == 1
    sender = asyncio.create_task(services.outbox.run(transports_of([bot])))
    try:
        relayed = (await fake.wait_sent(USER, 3))[2]
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
    assert "请问村委会 <王主任> & 村会计。" in relayed.text and "&lt;王主任&gt; &amp;" in relayed.html


async def test_long_replies_are_split_and_images_sent_as_photos(fake: FakeTelegram, bot: TelegramChannel) -> None:
    paragraph = "交通补贴说明。" * 100
    text = "\n\n".join([paragraph] * 8)  # ~5,600 characters
    await bot.send(str(USER), Reply(text, (Button("再看看", "cat:subsidies"),)))
    await bot.send(str(USER), Reply("本周岗位", image=b"\x89PNG fake image bytes", image_name="jobs.png"))
    sent = await fake.wait_sent(USER, 3)
    assert [s.method for s in sent] == ["sendMessage", "sendMessage", "sendPhoto"]
    assert all(len(s.text) <= 4096 for s in sent[:2]) and not sent[0].buttons and sent[1].buttons
    assert (sent[0].text + "\n" + sent[1].text).replace("\n", "") == text.replace("\n", "")
    assert sent[2].photo_bytes == len(b"\x89PNG fake image bytes") and sent[2].text == "本周岗位"


async def test_deep_link_payloads_reach_the_dispatcher(fake: FakeTelegram, services: Services) -> None:
    seen: list[Inbound] = []
    capture: Router[Services] = Router()

    @capture.command("start")
    async def start(msg: Inbound, svc: Services) -> list[Reply]:
        seen.append(msg)
        return [Reply(f"payload={msg.payload}")]

    @capture.event("start_payload")
    async def bind_person(msg: Inbound, svc: Services) -> list[Reply]:
        return [Reply(f"bound {msg.payload}")] if (msg.payload or "").startswith("b_") else []

    @capture.command("help")
    async def help_(msg: Inbound, svc: Services) -> list[Reply]:
        return [Reply("help")]

    dispatcher = Dispatcher(services, [capture, groups.router], text_handler=faq.answer_question)
    async with running(channel_for(fake, services, dispatcher)):
        for text in ["/start t_sunjiaping", "/start b_AbC-12_x", "/start 中文不行", "/start " + "a" * 65, "/start"]:
            await fake.push_update(tg.private_text(USER, text))
        sent = await fake.wait_sent(USER, 5)
    assert [s.text for s in sent] == [
        "payload=t_sunjiaping",
        "bound b_AbC-12_x",
        "payload=None",
        "payload=None",
        "payload=None",
    ]
    assert all(m.chat_kind == "private" and m.user_id == str(USER) and m.event is None for m in seen)


async def test_bad_input_gets_a_plain_answer_or_silence(fake: FakeTelegram, bot: TelegramChannel) -> None:
    for body in [tg.sticker(USER), tg.photo(USER), tg.voice(USER), tg.edited(USER, "改一下")]:
        await fake.push_update(body)
    await fake.push_update(tg.channel_post(-1009999, "频道消息"))
    await fake.push_update(tg.poll())
    await fake.push_update(tg.private_text(USER, "交通补贴咋领"))  # the loop is not stuck
    sent = await fake.wait_sent(USER, 5)
    assert [s.text for s in sent[:4]] == [TEXT_ONLY, TEXT_ONLY, VOICE_UNSUPPORTED, EDITED]
    assert "依据" in sent[4].text
    assert not fake.sent_to(-1009999)


async def test_blocking_the_bot_marks_the_user_unreachable(
    fake: FakeTelegram, bot: TelegramChannel, services: Services
) -> None:
    await fake.push_update(tg.private_text(USER, "/start"))
    await fake.wait_sent(USER)
    await fake.push_update(tg.my_chat_member(USER, USER, "member", "kicked"))
    await fake.push_update(tg.private_text(USER + 1, "/start"))
    await fake.wait_sent(USER + 1)  # other chats are handled concurrently: the block may land a moment later

    async def reach() -> str:
        return str((await services.directory.reachability("telegram", str(USER)) or ("",))[0])

    async with asyncio.timeout(30):  # only a guard against hanging
        while await reach() != "unreachable":  # noqa: ASYNC110 (the database is polled)
            await asyncio.sleep(0.05)
    fake.always[str(USER + 1)] = BLOCKED
    await bot.send(str(USER + 1), Reply("工作人员答复了"))  # a relay to a blocked user: noted, not raised
    assert (await services.directory.reachability("telegram", str(USER + 1)) or ("",))[0] == "unreachable"


async def test_a_reply_telegram_cannot_parse_leaves_the_user_reachable(
    fake: FakeTelegram, bot: TelegramChannel, services: Services
) -> None:
    await fake.push_update(tg.private_text(USER, "/start"))
    await fake.wait_sent(USER)
    fake.always[str(USER)] = Failure(400, "Bad Request: can't parse entities: unclosed start tag at byte offset 9")
    await bot.send(str(USER), Reply("工作人员答复了"))  # logged and counted, not raised
    assert (await services.directory.reachability("telegram", str(USER)) or ("",))[0] == "active"
    assert services.recipients.counts["bad_request"] == 1


async def test_an_update_that_does_not_parse_is_skipped_not_retried_forever(
    fake: FakeTelegram, bot: TelegramChannel, caplog: pytest.LogCaptureFixture
) -> None:
    await fake.push_update(tg.poll(persistent_ids=False))
    await fake.push_update(tg.private_text(USER, "交通补贴咋领"))
    [answer] = await fake.wait_sent(USER)
    assert "依据" in answer.text
    assert "skipped update 1" in caplog.text and "交通补贴咋领" not in caplog.text  # no raw update in the log


async def test_a_township_deep_link_subscribes_through_the_real_handlers(
    fake: FakeTelegram, bot: TelegramChannel
) -> None:
    await fake.push_update(tg.private_text(USER, "/start t_sunjiaping"))
    await fake.push_update(tg.private_text(USER, "/start b_not-a-code"))  # the roster's; never left silent
    await fake.push_update(tg.private_text(USER, "/start 乱码"))  # not a payload at all: the greeting
    sent = await fake.wait_sent(USER, 3)
    assert "孙家坪乡" in sent[0].text and "订阅" in sent[0].text
    assert sent[1].text.strip()
    assert "小助手" in sent[2].text


async def test_one_chat_is_answered_in_order_while_chats_run_concurrently(
    fake: FakeTelegram, bot: TelegramChannel
) -> None:
    texts = ["/help", "交通补贴咋领", "/start"] * 4
    for user in (USER, USER + 1, USER + 2):
        for text in texts:
            await fake.push_update(tg.private_text(user, text))
    for user in (USER, USER + 1, USER + 2):
        sent = await fake.wait_sent(user, len(texts))
        kinds = ["help" if "按类别" in s.text else "answer" if "依据" in s.text else "start" for s in sent]
        assert kinds == ["help", "answer", "start"] * 4


async def test_a_gateway_error_on_a_reply_is_retried(fake: FakeTelegram, bot: TelegramChannel) -> None:
    fake.down["sendMessage"] = 1
    await fake.push_update(tg.private_text(USER, "交通补贴咋领"))
    [answer] = await fake.wait_sent(USER)
    assert "依据" in answer.text and fake.calls["sendMessage"] == 2
