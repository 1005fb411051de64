"""One long message must not freeze the bot: extraction is linear, runs for staff only, off the event loop."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.dispatcher import Dispatcher
from bot.messages import Inbound
from bot.postings.extract import MAX_NOTICE, extract
from bot.services import Services
from storage import Staff
from tests.conftest import Chat

# Inputs that made the old patterns quadratic: runs of digits, numerals, spaces, deadline clauses, punctuation.
ADVERSARIAL = {
    "digits": "1" * 30_000,
    "digits then 元": "3" * 30_000 + "元",
    "numerals": "三" * 30_000,
    "spaces": "招" + " " * 30_000 + "工",
    "newlines": "\n \n" * 10_000,
    "deadline": "我" * 30_000 + "截止",
    "commas": "电话13812345678" + "，" * 30_000 + "x",
    "mixed": "招聘电焊工 日薪350元 联系电话13812345678 截止6月30日 " * 700,
    "han": "招部有" * 10_000,
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_extraction_is_linear_on_30kb(name: str) -> None:
    text = ADVERSARIAL[name]
    started = time.perf_counter()
    extract(text)
    spent = time.perf_counter() - started
    assert spent < 1.0, f"{name}: {spent:.2f} s for {len(text)} characters"  # was minutes; ~0.01–0.1 s now


def test_contact_name_after_the_word_lianxiren() -> None:
    assert extract("招聘电工，联系人王经理 13812345678").get("contact_name") == "王经理"
    assert extract("有意者请联系李师傅").get("contact_name") == "李师傅"


async def _latency_while(dispatcher: Dispatcher[Services], heavy: Inbound) -> tuple[list[float], list[str]]:
    """The reply latencies (s, sorted) of another chat's ordinary questions while `heavy` is being handled."""
    other = Chat(dispatcher, "someone-else")
    await other.say("交通补贴咋领")  # warm up: first use of the tables
    took = []
    task = asyncio.create_task(dispatcher.dispatch(heavy))
    await asyncio.sleep(0)
    for _ in range(5):
        started = time.perf_counter()
        await other.say("交通补贴咋领")
        took.append(time.perf_counter() - started)
    replies = await asyncio.wait_for(task, 30)
    return sorted(took), [r.text for r in replies]


def assert_not_delayed(took: list[float]) -> None:
    """Under 100 ms typically; the worst is allowed some slack for a busy test machine (it was minutes)."""
    assert took[len(took) // 2] < 0.1 and took[-1] < 0.5, took


async def test_laborers_long_message_does_not_delay_other_chats(dispatcher: Dispatcher[Services]) -> None:
    heavy = Inbound(channel="test", user_id="big", chat_id="big", text="招聘1" + "1" * 30_000)
    took, _ = await _latency_while(dispatcher, heavy)
    assert_not_delayed(took)


async def test_staffs_longest_notice_does_not_delay_other_chats(
    dispatcher: Dispatcher[Services], services: Services
) -> None:
    await services.directory.add_staff(Staff("test", "boss", "bureau", "boss", None, None))
    notice = ("招聘电焊工 日薪350元 联系电话13812345678 截止6月30日 1111 三三三 " * 200)[:MAX_NOTICE]
    heavy = Inbound(channel="test", user_id="boss", chat_id="boss", text=notice)
    took, replies = await _latency_while(dispatcher, heavy)
    assert_not_delayed(took)
    assert "电焊工" in "\n".join(replies)  # it was taken as a notice


async def test_a_notice_longer_than_the_limit_is_refused(dispatcher: Dispatcher[Services], services: Services) -> None:
    await services.directory.add_staff(Staff("test", "boss", "bureau", "boss", None, None))
    replies = await Chat(dispatcher, "boss").say("/post " + "招聘电焊工 13812345678 " * 1000)
    assert "太长" in replies[0].text
