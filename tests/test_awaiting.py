"""Awaited flows: free text goes to the flow the conversation state awaits, until it ends or expires."""

from __future__ import annotations

from datetime import timedelta

from bot.dispatcher import Dispatcher
from bot.messages import Button, Inbound, Reply
from bot.routing import Router
from bot.services import Services
from handlers import build_dispatcher
from storage import Awaiting, Staff
from tests.conftest import Chat


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def echo_app(services: Services) -> Dispatcher[Services]:
    router: Router[Services] = Router()

    @router.command("ask")
    async def ask(msg: Inbound, svc: Services) -> list[Reply]:
        ttl = timedelta(0) if "now" in msg.text else timedelta(minutes=5)
        await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, Awaiting("t.name", "n"), ttl)
        return [Reply("名字？", (Button("取消", "t:cancel"),))]

    @router.command("help")
    async def help_(msg: Inbound, svc: Services) -> list[Reply]:
        return [Reply("help")]

    @router.button("t")
    async def cancel(msg: Inbound, svc: Services) -> list[Reply]:
        await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, None)
        return [Reply("cancelled")]

    @router.awaiting("t.name")
    async def name(msg: Inbound, svc: Services, awaiting: Awaiting) -> list[Reply] | None:
        if msg.text == "pass":
            return None  # not for this flow: the FAQ gets it
        await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, None)
        return [Reply(f"{awaiting.step}={msg.text}")]

    async def faq(msg: Inbound, svc: Services) -> list[Reply]:
        return [Reply(f"faq:{msg.text}")]

    return Dispatcher(services, [router], faq)


async def test_the_awaited_flow_gets_the_next_text_once(services: Services) -> None:
    chat = Chat(echo_app(services))
    await chat.say("/ask")
    assert texts(await chat.say("pass")) == "faq:pass"  # the flow passed it on and still waits
    assert texts(await chat.say("张三")) == "n=张三"
    assert texts(await chat.say("张三")) == "faq:张三"  # the flow ended itself


async def test_commands_and_buttons_work_while_a_flow_waits(services: Services) -> None:
    chat = Chat(echo_app(services))
    await chat.say("/ask")
    assert texts(await chat.say("/help")) == "help"
    assert texts(await chat.say("李四")) == "n=李四"  # still awaited after the command
    await chat.say("/ask")
    assert texts(await chat.press("t:cancel")) == "cancelled"
    assert texts(await chat.say("李四")) == "faq:李四"


async def test_an_expired_flow_no_longer_takes_text(services: Services) -> None:
    chat = Chat(echo_app(services))
    await chat.say("/ask now")  # awaited until now: expired when read
    state = await services.conversations.get("test", "u1", "u1")
    assert state.awaiting is None
    assert texts(await chat.say("王五")) == "faq:王五"


async def test_groups_and_unknown_flows_go_to_the_faq(services: Services) -> None:
    dispatcher = echo_app(services)
    await services.conversations.set_awaiting("test", "-1", "u1", Awaiting("t.name"))
    group = Inbound("test", "u1", "-1", "group", "赵六", mentioned=True)
    assert texts(await dispatcher.dispatch(group)) == "faq:赵六"
    await services.conversations.set_awaiting("test", "u1", "u1", Awaiting("gone.flow"))
    assert texts(await Chat(dispatcher).say("赵六")) == "faq:赵六"


async def test_a_keyword_subscription_survives_a_question_command(services: Services) -> None:
    laborer = Chat(build_dispatcher(services), "lab")
    await laborer.press("subs:kw")
    assert "直接打字" in texts(await laborer.say("/help"))
    assert "已订阅关键词：司机" in texts(await laborer.say("司机"))
    assert "交通补贴" in texts(await laborer.say("交通补贴咋领"))  # the flow ended: questions reach the FAQ


async def test_a_number_asked_for_goes_to_the_draft_not_to_the_choices(services: Services) -> None:
    await services.directory.add_staff(Staff("test", "boss", "bureau", "局", None, None))
    boss = Chat(build_dispatcher(services), "boss")
    await boss.say("/post 砚城镇招聘厨师1名，月薪5000元，电话13712345678")
    assert "请发来新的「人数」" in texts(await boss.press("pd:f:headcount"))
    assert "已改好「人数」" in texts(await boss.say("5"))


async def test_an_expired_rejection_reason_is_a_question_again(services: Services) -> None:
    await services.directory.add_staff(Staff("test", "li", "liaison", "李", "yancheng", "东村"))
    await services.directory.add_staff(Staff("test", "st", "station", "站", "yancheng", None))
    dispatcher = build_dispatcher(services)
    await Chat(dispatcher, "li").say("/post 砚城镇招聘厨师1名，月薪5000元，电话13712345678")
    await Chat(dispatcher, "li").press("pd:ok")
    station = Chat(dispatcher, "st")
    assert "原因" in texts(await station.press("pr:no:1"))
    reason = (await services.conversations.get("test", "st", "st")).awaiting
    assert reason is not None and reason.data == {"posting": 1}
    await services.conversations.set_awaiting("test", "st", "st", reason, timedelta(0))  # time passes
    assert "交通补贴" in texts(await station.say("交通补贴咋领"))
    row = await services.db.fetchone("SELECT status FROM postings WHERE id = 1")
    assert row is not None and row[0] == "pending"


async def test_a_choice_number_still_picks_cancel_while_a_keyword_is_awaited(services: Services) -> None:
    laborer = Chat(build_dispatcher(services), "lab")
    await laborer.press("subs:kw")
    assert "没有订阅关键词" in texts(await laborer.say("1"))  # 1 = 取消 on channels without buttons
    assert (await services.conversations.get("test", "lab", "lab")).awaiting is None
