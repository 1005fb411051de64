"""One long message must not freeze the bot: extraction is linear, runs for staff only, off the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import bot.postings.draft
import handlers.postings
from bot.dispatcher import Dispatcher
from bot.messages import Inbound
from bot.postings.extract import MAX_NOTICE, Extracted, extract
from bot.services import Services
from storage import Staff
from tests.conftest import Chat
from tests.fakes.admin_site import csrf_of, running_site

WAIT = 60.0  # seconds: only a guard against hanging, the machine is shared
NOTICE = ("招聘电焊工 日薪350元 联系电话13812345678 截止6月30日 1111 三三三 " * 200)[:MAX_NOTICE]  # the longest

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
async def test_extraction_finishes_on_30kb(name: str) -> None:
    """A did-not-hang guard: quadratic patterns took minutes on these inputs, linear ones take well under a
    second. How long extraction takes, and that it grows linearly, is measured in bench/long_message_bench.py."""
    await asyncio.wait_for(asyncio.to_thread(extract, ADVERSARIAL[name]), WAIT)


def test_contact_name_after_the_word_lianxiren() -> None:
    assert extract("招聘电工，联系人王经理 13812345678").get("contact_name") == "王经理"
    assert extract("有意者请联系李师傅").get("contact_name") == "李师傅"


class HeldExtraction:
    """Wraps the real extractor: notes where each call runs, and holds a call made off the event loop's thread
    until released, so a test sees what the loop does meanwhile."""

    def __init__(self) -> None:
        self.loop_thread = threading.get_ident()
        self.calls: list[tuple[int, bool]] = []  # (characters, on the loop's thread)
        self.entered = threading.Event()
        self.release = threading.Event()

    def wrap(self, real: Callable[..., Extracted]) -> Callable[..., Extracted]:
        def held(text: str, *args: Any, **kwargs: Any) -> Extracted:
            on_loop = threading.get_ident() == self.loop_thread
            self.calls.append((len(text), on_loop))
            if not on_loop:
                self.entered.set()
                self.release.wait(WAIT)
            return real(text, *args, **kwargs)

        return held


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldExtraction]:
    holder = HeldExtraction()
    monkeypatch.setattr(handlers.postings, "extract", holder.wrap(extract))
    monkeypatch.setattr(bot.postings.draft, "extract", holder.wrap(extract))
    yield holder
    holder.release.set()


@pytest.mark.parametrize("text", ["招聘1" + "1" * 30_000, NOTICE], ids=["30 KB of digits", "a notice"])
async def test_a_laborers_long_message_is_never_extracted(
    dispatcher: Dispatcher[Services], held: HeldExtraction, text: str
) -> None:
    held.release.set()  # nothing to hold: no extraction may happen at all
    await asyncio.wait_for(dispatcher.dispatch(Inbound(channel="test", user_id="big", chat_id="big", text=text)), WAIT)
    assert held.calls == []  # extraction is for staff only; a laborer's text is matched on its end (bot/faq)
    assert "依据" in (await asyncio.wait_for(Chat(dispatcher, "someone-else").say("交通补贴咋领"), WAIT))[0].text


async def test_staffs_longest_notice_does_not_delay_other_chats(
    dispatcher: Dispatcher[Services], services: Services, held: HeldExtraction
) -> None:
    await services.directory.add_staff(Staff("test", "boss", "bureau", "boss", None, None))
    notice = Inbound(channel="test", user_id="boss", chat_id="boss", text=NOTICE)
    task = asyncio.create_task(dispatcher.dispatch(notice))
    async with asyncio.timeout(WAIT):
        while not held.entered.is_set():
            assert not task.done(), f"the notice was handled without extraction off the loop: {held.calls}"
            await asyncio.sleep(0.005)
    other = Chat(dispatcher, "someone-else")
    for _ in range(3):  # answered while the notice's extraction is still held in its worker
        assert "依据" in (await asyncio.wait_for(other.say("交通补贴咋领"), WAIT))[0].text
    assert not task.done()
    held.release.set()
    replies = await asyncio.wait_for(task, WAIT)
    assert "电焊工" in "\n".join(r.text for r in replies)  # it was taken as a notice
    assert held.calls and not any(on_loop for _, on_loop in held.calls), held.calls


async def test_a_notice_longer_than_the_limit_is_refused(dispatcher: Dispatcher[Services], services: Services) -> None:
    await services.directory.add_staff(Staff("test", "boss", "bureau", "boss", None, None))
    replies = await Chat(dispatcher, "boss").say("/post " + "招聘电焊工 13812345678 " * 1000)
    assert "太长" in replies[0].text


async def test_the_workbench_extracts_a_pasted_notice_off_the_loop(tmp_path: Path, held: HeldExtraction) -> None:
    """The clerk's page runs the same extractor as chat: in a worker, so the bot answers meanwhile."""
    held.release.set()
    async with running_site(tmp_path) as site, site.client() as liaison:
        await site.login(liaison, "cun")
        html = await (await liaison.get("/admin/postings")).text()
        page = await liaison.post("/admin/postings/extract", data={"csrf": csrf_of(html), "text": NOTICE[:2000]})
        assert page.status == 200 and "电焊工" in await page.text()
    assert held.calls and not any(on_loop for _, on_loop in held.calls), held.calls
