"""Conversations through the real dispatcher and handlers, with a real SQLite file."""

import asyncio
import contextlib

import pytest

from bot.dispatcher import SORRY, Dispatcher
from bot.faq.context import Context
from bot.faq.relay import relay_answer
from bot.messages import Inbound, Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind
from bot.services import Services
from tests.conftest import Chat


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


async def test_greeting_offers_categories(chat: Chat) -> None:
    [reply] = await chat.say("/start")
    assert "小助手" in reply.text
    assert reply.buttons and all(b.data.startswith("cat:") for b in reply.buttons)


async def test_answer_carries_source_and_whom_to_ask(chat: Chat, services: Services) -> None:
    [reply] = await chat.say("交通补贴咋领")
    assert "【" in reply.text and "依据：五人社函〔2023〕24号" in reply.text and "问谁：" in reply.text
    row = await services.db.fetchone("SELECT outcome, entry_id FROM question_log")
    assert row is not None and tuple(row) == ("answer", "transport-subsidy")


async def test_category_then_entry_by_typed_number(chat: Chat) -> None:
    [menu] = await chat.say("/help")
    subsidies = next(i for i, b in enumerate(menu.buttons, start=1) if b.data == "cat:subsidies")
    [listing] = await chat.say(str(subsidies))
    assert listing.buttons and all(b.data.startswith("faq:") for b in listing.buttons)
    [answer] = await chat.say("1")
    assert answer.text.startswith(f"【{listing.buttons[0].label}】")


async def test_unknown_question_is_handed_over_and_queued(chat: Chat, services: Services) -> None:
    [reply] = await chat.say("劳务派遣公司靠谱不")  # employment help the FAQ lacks: staff can answer it
    assert "答不了" in reply.text or "答不上来" in reply.text
    assert "联络员" in reply.text  # the way to a person
    [queued] = await services.questions.list_open()
    assert queued.question == "劳务派遣公司靠谱不"
    row = await services.db.fetchone("SELECT outcome, open_question_id FROM question_log")
    assert row is not None and row[0] == "decline" and row[1] == queued.id


async def test_staff_answer_is_relayed_once_through_the_outbox(chat: Chat, services: Services) -> None:
    await chat.say("劳务派遣公司靠谱不")
    [queued] = await services.questions.list_open()
    await services.questions.answer(queued.id, "请问村委会。", "clerk")
    assert await relay_answer(services.questions, services.outbox, queued.id) == 1
    assert await relay_answer(services.questions, services.outbox, queued.id) == 0  # never twice

    sent: list[tuple[str, str]] = []

    class Recorder:
        channel = "test"

        async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
            sent.append((recipient, reply.text))
            return DeliveryResult(DeliveryStatus.SENT)

    sender = asyncio.create_task(services.outbox.run({"test": Recorder()}))
    try:
        for _ in range(200):
            if (await services.outbox.progress("answer", str(queued.id))).done:
                break
            await asyncio.sleep(0.01)
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
    [(recipient, text)] = sent
    assert recipient == "u1" and text.startswith("您之前问的「劳务派遣公司靠谱不」，clerk ")
    assert text.endswith("日答复：\n请问村委会。")
    [again] = await Chat(chat.dispatcher, user="u2").say("劳务派遣公司靠谱不？")
    assert "请问村委会。" in again.text and "clerk" in again.text


async def test_none_of_these_hands_over_the_last_question(chat: Chat, services: Services) -> None:
    await chat.say("补贴")  # vague: the bot may suggest or answer; either way "human" queues it
    [reply] = await chat.press("human")
    assert "已经记下" in reply.text
    [queued] = await services.questions.list_open()
    assert queued.question == "补贴"


async def test_suggestions_are_choices(services: Services, dispatcher: Dispatcher[Services]) -> None:
    chat = Chat(dispatcher)
    match = services.matcher.match("补贴")
    replies = await chat.say("补贴")
    if match.outcome == "suggest":
        [reply] = replies
        assert [b.data for b in reply.buttons][:-1] == [f"faq:{e}" for e in match.suggestions]
        [chosen] = await chat.say("1")
        assert chosen.text.startswith(f"【{services.content.entries[match.suggestions[0]].title}】")
        row = await services.db.fetchone("SELECT outcome, question FROM question_log ORDER BY id DESC")
        assert row is not None and tuple(row) == ("choice", "补贴")
    else:
        assert match.outcome in {"answer", "decline"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀👍",
        "\x00\x07\x1b[31m",
        "交通补贴" * 2500,
        "SELECT * FROM users; DROP TABLE question_log;--",
        "jiaotong butie 咋领？？？",
        "ｊｉａｏｔｏｎｇ　交通补贴",
    ],
)
async def test_bad_input_gets_a_sensible_reply(chat: Chat, services: Services, text: str) -> None:
    replies = await chat.say(text)
    assert replies and all(r.text and r.text != SORRY for r in replies)
    assert await services.db.fetchone("SELECT count(*) FROM question_log") is not None


async def test_empty_voice_asks_to_type(chat: Chat) -> None:
    [reply] = await chat.say("", voice=True)
    assert "打字" in reply.text


async def test_personal_numbers_are_masked_in_the_log(chat: Chat, services: Services) -> None:
    await chat.say("我电话13812345678身份证14222319800101123X交通补贴领了没")
    row = await services.db.fetchone("SELECT question FROM question_log")
    assert row is not None
    assert "13812345678" not in row[0] and "14222319800101123X" not in row[0]


async def test_group_messages_need_a_mention(dispatcher: Dispatcher[Services]) -> None:
    plain = Inbound(channel="test", user_id="u1", chat_id="g1", chat_kind="group", text="交通补贴咋领")
    assert await dispatcher.dispatch(plain) == []
    mentioned = Inbound(
        channel="test", user_id="u1", chat_id="g1", chat_kind="group", text="交通补贴咋领", mentioned=True
    )
    assert await dispatcher.dispatch(mentioned)


async def test_stale_or_unknown_choices(chat: Chat) -> None:
    [reply] = await chat.say("7")
    assert "没有这个选项" in reply.text
    [reply] = await chat.press("nonsense:42")
    assert reply.text
    [reply] = await chat.press("faq:no-such-entry")
    assert "重新提问" in reply.text


async def test_a_chosen_entry_keeps_the_topic_before_it_as_the_prior(chat: Chat, services: Services) -> None:
    await chat.say("交通补贴咋领")
    [reply] = await chat.press("faq:proxy-application")
    assert reply.text.startswith("【")
    state = await services.conversations.get(chat.channel, chat.user, chat.user)
    assert Context.decode(state.topic) == Context("proxy-application", prior="transport-subsidy")
    await chat.press("faq:proxy-application")  # chosen again: the topic stays, and so does its prior
    state = await services.conversations.get(chat.channel, chat.user, chat.user)
    assert Context.decode(state.topic).prior == "transport-subsidy"


async def test_a_failing_handler_gives_an_apology(services: Services) -> None:
    async def broken(msg: Inbound, svc: Services) -> list[Reply]:
        raise RuntimeError("boom")

    dispatcher = Dispatcher(services, [], text_handler=broken)
    replies = await dispatcher.dispatch(Inbound(channel="test", user_id="u", chat_id="u", text="hi"))
    assert [r.text for r in replies] == [SORRY]


async def test_asking_for_a_person_queues_the_previous_question(chat: Chat, services: Services) -> None:
    await chat.say("电脑开不了机")  # no office's business, nor employment help: declined, not queued by itself
    assert await services.questions.list_open() == []
    [handed] = await chat.say("转人工")
    assert "已经记下" in handed.text
    [reply] = await chat.say("人工")  # asking again neither queues "转人工" itself nor counts twice
    assert "已经记下了" in reply.text
    [queued] = await services.questions.list_open()
    assert queued.question == "电脑开不了机" and queued.ask_count == 1


async def test_follow_with_a_township_qr_scene_subscribes(dispatcher: Dispatcher[Services]) -> None:
    followed = Inbound(channel="test", user_id="u9", chat_id="u9", event="subscribe", payload="t_sancha")
    [reply] = await dispatcher.dispatch(followed)
    assert "三岔镇" in reply.text and "订阅" in reply.text
    plain = Inbound(channel="test", user_id="u8", chat_id="u8", event="subscribe", payload="unknown-scene")
    [greeting] = await dispatcher.dispatch(plain)
    assert "小助手" in greeting.text


async def test_an_answer_can_lead_on_to_a_feature(chat: Chat) -> None:
    [answer] = await chat.say("最近有什么招工信息")
    assert answer.text.startswith("【招聘和零工信息】")
    assert answer.buttons[0].data == "postings:latest"
    [latest] = await chat.say("1")  # typed number on a text-only channel = the first button
    assert "最近没有正在招的信息" in latest.text  # no postings yet in a fresh database
