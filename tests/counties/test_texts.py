"""Texts that name the bureau speak for the laborer's county when the deployment has several: the greeting,
the bot-help FAQ entry (a `{county}` template in content), the group greeting (no county before /bind)."""

from __future__ import annotations

from bot.content import load_content
from bot.dispatcher import Dispatcher
from bot.messages import Inbound
from bot.services import Services
from tests.conftest import Chat
from tests.counties.conftest import person_in
from tests.fakes.counties import ROOT


async def test_greeting_and_bot_help_name_the_laborers_county(mdisp: Dispatcher[Services]) -> None:
    svc = mdisp.services
    assert await svc.roster.bind("test", "u-yl", await person_in(svc, "dongchuan"), "confirmed")
    [greeting] = await Chat(mdisp, "u-yl").say("/start")
    assert "我是样例县人社局的就业帮扶小助手" in greeting.text and "五寨" not in greeting.text
    [helped] = await Chat(mdisp, "u-yl").press("faq:bot-help")
    assert "这里是样例县人社局就业帮扶问答" in helped.text and "五寨" not in helped.text
    [default] = await Chat(mdisp, "stranger").say("/start")  # unbound: the default county
    assert "我是五寨县人社局的就业帮扶小助手" in default.text
    [own] = await Chat(mdisp, "stranger").press("faq:bot-help")
    assert "这里是五寨县人社局就业帮扶问答" in own.text and "{county}" not in own.text


async def test_a_new_group_is_greeted_without_naming_a_county(mdisp: Dispatcher[Services]) -> None:
    joined = Inbound("test", "someone", "g1", "group", event="group_joined")
    [reply] = await mdisp.dispatch(joined)
    assert reply.text.startswith("大家好！我是人社局的就业帮扶小助手") and "五寨" not in reply.text


def test_one_county_text_is_unchanged() -> None:
    pack = load_content(ROOT / "content")
    assert "这里是五寨县人社局就业帮扶问答" in pack.entries["bot-help"].answer
    assert pack.bureau() == "五寨县人社局"
