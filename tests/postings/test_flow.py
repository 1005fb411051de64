"""Postings end to end through the real dispatcher, the real SQLite file and the outbox (fake platform edge)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.config import ConfigError, load_config
from bot.dispatcher import Dispatcher
from bot.messages import Inbound, Reply
from bot.postings.dates import today
from bot.services import Services
from storage import Staff
from tests.conftest import Chat
from tests.fakes.transport import FakeTransport


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


NOTICE = (
    "五寨县鑫源建筑有限公司招聘电焊工5名\n工作地点：砚城镇\n工资：6000-8000元/月\n"
    "联系人：王经理 13812345678\n有效期至2099年4月30日"
)


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def buttons(replies: list[Reply]) -> list[str]:
    return [b.data for r in replies for b in r.buttons]


async def add_staff(svc: Services, user: str, role: str, township: str | None) -> None:
    await svc.directory.add_staff(Staff("test", user, role, f"{role}-{user}", township, None))  # type: ignore[arg-type]


async def deliver(svc: Services) -> FakeTransport:
    transport = FakeTransport("test")
    await asyncio.wait_for(svc.outbox.run({"test": transport}, until_idle=True), 30)
    return transport


async def count(svc: Services, sql: str, *params: object) -> int:
    row = await svc.db.fetchone(sql, params)
    return int(row[0]) if row else 0


async def test_non_staff_cannot_publish_and_nothing_is_saved(chat: Chat, services: Services) -> None:
    replies = await chat.say(f"/post {NOTICE}")
    assert "只有登记过的" in texts(replies)
    in_group = Inbound(channel="test", user_id="u1", chat_id="-9", chat_kind="group", text=f"/post {NOTICE}")
    assert "请私聊我" in texts(await chat.dispatcher.dispatch(in_group))
    assert await count(services, "SELECT count(*) FROM postings") == 0
    assert await count(services, "SELECT count(*) FROM posting_drafts") == 0


async def test_bureau_posting_goes_out_at_once_to_groups_subscribers_and_liaisons(
    dispatcher: Dispatcher[Services], services: Services
) -> None:
    await add_staff(services, "boss", "bureau", None)
    await add_staff(services, "li", "liaison", "yancheng")
    await add_staff(services, "far", "liaison", "sancha")  # another township: not reached
    await services.directory.bind_group("test", "-1001", "砚城镇就业群", "yancheng", "admin")
    laborer, welder, other = Chat(dispatcher, "lab"), Chat(dispatcher, "weld"), Chat(dispatcher, "oth")
    assert "已订阅砚城镇" in texts(await laborer.press("subs:t:yancheng"))
    await welder.press("subs:kw")
    assert "已订阅关键词：电焊" in texts(await welder.say("电焊、保洁"))
    await other.press("subs:t:sancha")

    boss = Chat(dispatcher, "boss")
    preview = await boss.say(f"/post\n{NOTICE}")  # the notice on the lines after the command
    assert "电焊工" in texts(preview) and "13812345678" in texts(preview) and "pd:ok" in buttons(preview)
    published = await boss.press("pd:ok")
    assert "已发布 #1" in texts(published) and "1 个群、2 位订阅的群众、1 位村联络员" in texts(published)

    transport = await deliver(services)
    by_recipient = {r: reply for r, _, reply in transport.calls}
    assert set(by_recipient) == {"-1001", "lab", "weld", "li", "boss"}  # boss: the final summary
    assert "postings:like:1" in [b.data for b in by_recipient["lab"].buttons]
    assert "请转发到村里的微信群" in by_recipient["li"].text and by_recipient["li"].buttons[0].data == "postings:fwd:1"
    assert "推送完成：已送达 4/4，失败 0" in by_recipient["boss"].text
    events = await services.db.fetchall("SELECT user_id, kind, ref FROM service_events ORDER BY user_id")
    assert [tuple(e) for e in events] == [
        ("lab", "job_recommendation", "posting:1"),
        ("weld", "job_recommendation", "posting:1"),
    ]

    assert "已记下您转发了" in texts(await Chat(dispatcher, "li").press("postings:fwd:1"))
    assert "告诉发布这条信息的工作人员" in texts(await laborer.say("1"))  # text-only channels: 1 = 我感兴趣
    progress = texts(await boss.press("postings:prog:1"))
    assert "已送达 4/4，失败 0" in progress and "联络员已转发 1 次" in progress
    assert "不用再发" in texts(await boss.say(f"/post {NOTICE}"))  # the same text forwarded again
    assert await count(services, "SELECT count(*) FROM postings") == 1


async def test_liaison_posting_missing_fields_review_and_rejection(
    dispatcher: Dispatcher[Services], services: Services
) -> None:
    await add_staff(services, "li", "liaison", "yancheng")
    await add_staff(services, "st", "station", "yancheng")
    await add_staff(services, "st2", "station", "sancha")
    liaison = Chat(dispatcher, "li")
    assert "请把招聘或零工信息发给我" in texts(await liaison.say("/post"))
    asked = texts(await liaison.say("急招搬运工3名，电话1381234567"))
    assert "位数不对" in asked and "联系电话是多少" in asked
    assert "位数不对" in texts(await liaison.say("12345"))
    assert "工资待遇是多少" in texts(await liaison.say("13912345678"))
    confirm = await liaison.say("面议")
    assert "请核对" in texts(confirm) and "发往：砚城镇" in texts(confirm)  # the liaison's own township
    assert "没有「火星乡」这个乡镇" in texts(await liaison.say("乡镇：火星乡"))
    submitted = await liaison.press("pd:ok")
    assert "等乡镇就业服务站或县人社局审核" in texts(submitted)
    row = await services.db.fetchone("SELECT status, salary, contact_phone FROM postings")
    assert row is not None and tuple(row) == ("pending", "面议", "13912345678")

    assert "审核由" in texts(await liaison.say("/review"))
    assert "没有审核这条信息的权限" in texts(await Chat(dispatcher, "st2").press("pr:ok:1"))
    station = Chat(dispatcher, "st")
    assert "pr:ok:1" in buttons(await station.say("/review"))
    assert "原因" in texts(await station.press("pr:no:1"))
    assert "已退回" in texts(await station.say("电话打不通，请核实"))
    assert "不在待审核状态" in texts(await station.press("pr:ok:1"))
    transport = await deliver(services)
    to_liaison = [reply.text for r, _, reply in transport.calls if r == "li"]
    assert any("没有通过审核" in t and "电话打不通" in t for t in to_liaison)
    assert any(r == "st" and "待审核" in reply.text for r, _, reply in transport.calls)
    assert await count(services, "SELECT count(*) FROM outbox WHERE item_kind = 'posting'") == 0


async def test_approver_edits_then_publishes(dispatcher: Dispatcher[Services], services: Services) -> None:
    await add_staff(services, "li", "liaison", "sancha")
    await add_staff(services, "boss", "bureau", None)
    await Chat(dispatcher, "li").say("/post 三岔镇招保洁员2名，月薪2000元，电话13512345678")
    await Chat(dispatcher, "li").press("pd:ok")
    boss = Chat(dispatcher, "boss")
    assert "修改 #1" in texts(await boss.press("pr:edit:1"))
    assert "已改好「薪资」" in texts(await boss.say("薪资：2500元/月"))
    assert "已通过 #1" in texts(await boss.press("pd:ok"))
    row = await services.db.fetchone("SELECT status, salary FROM postings WHERE id = 1")
    assert row is not None and tuple(row) == ("published", "2500元/月")


async def test_withdrawn_and_expired_postings_are_not_listed_or_pushed(
    dispatcher: Dispatcher[Services], services: Services
) -> None:
    await add_staff(services, "boss", "bureau", None)
    boss, laborer = Chat(dispatcher, "boss"), Chat(dispatcher, "lab")
    await laborer.press("subs:t:yancheng")
    await boss.say(f"/post {NOTICE}")
    await boss.press("pd:ok")
    assert "电焊工" in texts(await laborer.press("postings:latest"))
    assert "告诉发布这条信息的工作人员" in texts(await laborer.press("postings:like:1"))
    assert "只有发布人" in texts(await laborer.press("postings:wd:1"))
    assert "已撤回" in texts(await boss.press("postings:wd:1"))
    assert "最近没有正在招的信息" in texts(await laborer.say("/jobs"))
    assert "过期或撤回" in texts(await laborer.press("postings:like:1"))
    transport = await deliver(services)
    assert [r for r, _, reply in transport.calls if "电焊工" in reply.text and r == "lab"] == []
    assert (await services.outbox.progress("posting", "1")).cancelled == 1

    yesterday = (today() - timedelta(days=1)).isoformat()
    await boss.say("/post 砚城镇招聘厨师1名，月薪5000元，电话13712345678")
    assert "已发布 #2" in texts(await boss.press("pd:ok"))
    await services.db.execute("UPDATE postings SET valid_until = ? WHERE id = 2", (yesterday,))
    assert "最近没有正在招的信息" in texts(await laborer.say("/jobs"))
    transport = await deliver(services)
    assert [r for r, _, reply in transport.calls if "厨师" in reply.text] == ["boss"]  # the summary only
    assert (await services.outbox.progress("posting", "2")).cancelled == 1

    await boss.say(f"/post 招聘会计1名，月薪4000元，电话13612345678，砚城镇，有效期：{yesterday}")
    assert "已经过了" in texts(await boss.press("pd:ok"))
    assert "请核对" in texts(await boss.say("2099年1月1日"))
    assert "已发布 #3" in texts(await boss.press("pd:ok"))


async def test_subscriptions_and_deep_link(dispatcher: Dispatcher[Services], services: Services) -> None:
    laborer = Chat(dispatcher, "lab")
    assert "还没有订阅" in texts(await laborer.press("subs:mine"))
    await laborer.press("subs:t:yancheng")
    assert "已取消订阅砚城镇" in texts(await laborer.press("subs:t:yancheng"))
    link = Inbound(
        channel="test", user_id="lab", chat_id="lab", text="/start", event="start_payload", payload="t_sancha"
    )
    assert "已为您订阅三岔镇" in texts(await dispatcher.dispatch(link))
    bad = Inbound(channel="test", user_id="lab", chat_id="lab", text="/start", event="start_payload", payload="t_mars")
    assert "订阅链接不对" in texts(await dispatcher.dispatch(bad))
    await laborer.press("subs:kw")
    await laborer.say("司机")
    mine = await laborer.say("/dingyue")
    assert "乡镇：三岔镇" in texts(mine) and "关键词：司机" in texts(mine) and "subs:kd:0" in buttons(mine)
    assert "已退订关键词「司机」" in texts(await laborer.press("subs:kd:0"))
    assert "已全部退订" in texts(await laborer.say("/tuiding"))
    assert await count(services, "SELECT count(*) FROM subscriptions") == 0


async def test_staff_can_just_forward_a_notice(
    dispatcher: Dispatcher[Services], services: Services, chat: Chat
) -> None:
    await add_staff(services, "st", "station", "sancha")
    station = Chat(dispatcher, "st")
    preview = await station.say("三岔镇养殖场招饲养员2名，工资3500元/月，联系人：赵老板 电话15203501234")
    assert "请核对" in texts(preview) and "饲养员" in texts(preview)
    again = await station.say("急招搬运工3名，一天200元，电话13934561234")  # another one replaces the open draft
    assert "搬运工" in texts(again) and "饲养员" not in texts(again)
    assert "已发布 #1" in texts(await station.press("pd:ok"))
    assert "交通补贴" in texts(await station.say("交通补贴咋领"))  # questions still reach the FAQ
    laborer = await chat.say("急招搬运工3名，一天200元，电话13934561234")  # not staff: the FAQ answers
    assert "请核对" not in texts(laborer)
    assert await count(services, "SELECT count(*) FROM posting_drafts") == 0


def test_review_modes_and_their_setting(services: Services) -> None:
    liaison = Staff("test", "li", "liaison", "李", "yancheng", "村")
    station = Staff("test", "st", "station", "站", "yancheng", None)
    bureau = Staff("test", "boss", "bureau", "局", None, None)
    service = services.postings
    assert [service.needs_review(s) for s in (liaison, station, bureau)] == [True, False, False]
    service.review_mode = "bureau"
    assert [service.needs_review(s) for s in (liaison, station, bureau)] == [True, True, False]
    service.review_mode = "none"
    assert [service.needs_review(s) for s in (liaison, station, bureau)] == [False, False, False]
    with pytest.raises(ConfigError, match="BOT_POSTINGS_REVIEW"):
        load_config(env={"BOT_POSTINGS_REVIEW": "village"})
    assert load_config(env={"BOT_POSTINGS_REVIEW": "bureau"}).postings.review == "bureau"
