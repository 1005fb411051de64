"""WeChat's retries of one message are answered once; an answer that is slow, long or carries an image goes
out as customer service messages after the passive reply; a claim a crashed process left is taken over."""

from __future__ import annotations

import asyncio

import pytest

from bot.dispatcher import Dispatcher
from bot.messages import Inbound, Reply
from bot.services import Services
from tests.channels.wechat.callback.served import Bot
from tests.fakes.wechat import FakeWechat, answer_when_opened, message_xml


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
    dispatcher.text_handler = answer_when_opened(gate, "慢慢想好的答复")
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
    dispatcher.text_handler = answer_when_opened(gate, "答复", entered)
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
