"""A published posting delivered through the real Telegram and WeCom transports to fake platforms on loopback."""

from __future__ import annotations

import asyncio
from collections import deque

from bot.channels.telegram.limits import PushLimits, SendLimiter
from bot.channels.telegram.push import TelegramPushTransport
from bot.channels.wechat.wecom import WecomRobots
from bot.config import WechatConfig
from bot.messages import Inbound
from bot.services import Services
from handlers import build_dispatcher
from storage import Staff
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_refusals import BLOCKED, migrated, too_many
from tests.fakes.wechat import FakeWechat

LIMITS = PushLimits(push_per_second=200, group_per_window=20, group_window=1.0, chat_interval=0.01)


async def test_posting_reaches_telegram_and_wecom_and_records_outcomes(services: Services) -> None:
    fake_tg = await FakeTelegram(latency=0.001).start()
    fake_wx = FakeWechat(robot_keys={"key-yancheng"})
    await fake_wx.start()
    telegram = TelegramPushTransport(tg.TOKEN, fake_tg.base_url, SendLimiter(LIMITS))
    wecom = WecomRobots(WechatConfig(wecom_api_base_url=fake_wx.url, wecom_robots={"yancheng": "key-yancheng"}))
    try:
        directory = services.directory
        await directory.add_staff(Staff("telegram", "9", "bureau", "局", None, None))
        await directory.bind_group("telegram", "-5001", "砚城镇就业群", "yancheng", "admin")
        await directory.bind_group("wecom", "yancheng", "砚城镇企业微信群", "yancheng", "config")
        for user in ("11", "12", "13"):
            await directory.seen("telegram", user, user)  # they wrote to the bot to subscribe
            await services.postings.subscriptions.add("telegram", user, user, "township", "yancheng")
        fake_tg.always["12"] = BLOCKED
        fake_tg.once["13"] = deque([too_many(1)])
        fake_tg.once["-5001"] = deque([migrated(-1005001)])

        dispatcher = build_dispatcher(services)
        text = "/post 砚城镇招聘保洁员2名，月薪2600元，联系人：孟经理，电话：0350-7225678"
        await dispatcher.dispatch(Inbound(channel="telegram", user_id="9", chat_id="9", text=text))
        replies = await dispatcher.dispatch(Inbound(channel="telegram", user_id="9", chat_id="9", button="pd:ok"))
        assert "已发布 #1" in replies[0].text

        services.outbox.outcomes.backoff = 0.05
        services.outbox.poll_interval = 0.05
        await asyncio.wait_for(services.outbox.run({"telegram": telegram, "wecom": wecom}, until_idle=True), 20)

        assert [s.text.splitlines()[0] for s in fake_tg.sent_to("11")] == ["【招聘】保洁员 2人"]
        assert ("我感兴趣", "postings:like:1") in fake_tg.sent_to("11")[0].buttons
        assert len(fake_tg.sent_to("13")) == 1 and fake_tg.rejected[429] == 1  # retried after the 429
        assert fake_tg.sent_to("12") == [] and len(fake_tg.sent_to("-1005001")) == 1
        robot = fake_wx.payloads("webhook/send")
        assert len(robot) == 1 and "保洁员" in robot[0]["text"]["content"]
        progress = await services.outbox.progress("posting", "1")
        assert progress.text() == "已送达 4/5，失败 1"
        assert "推送完成：已送达 4/5，失败 1" in fake_tg.sent_to("9")[0].text
        assert (await directory.reachability("telegram", "12") or ("",))[0] == "unreachable"
        assert [s.user_id for s in await services.postings.subscriptions.matching(["yancheng"], "")] == ["11", "13"]
        assert await directory.group("telegram", "-1005001") is not None
        rows = await services.db.fetchall("SELECT user_id FROM service_events WHERE kind = 'job_recommendation'")
        assert sorted(r[0] for r in rows) == ["11", "13"]  # delivered individually; the blocked one is not
    finally:
        await telegram.close()
        await wecom.close()
        await fake_tg.stop()
        await fake_wx.close()
