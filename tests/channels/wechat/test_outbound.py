"""Pushing to WeChat users within the rules, against the fake WeChat API on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.wechat.api import WechatApi
from bot.channels.wechat.outbound import WechatPush, seconds_to_quota_reset
from bot.config import Config, WechatConfig
from bot.messages import Button, Reply
from bot.outbox.delivery import DeliveryStatus, PushTarget
from bot.services import Services
from storage import Database, DirectoryStore
from storage.wechat import WechatStore
from tests.conftest import CONTENT
from tests.fakes.wechat import APP_ID, FakeWechat

CS = "message/custom/send"
TEMPLATE = "message/template/send"


@pytest.fixture
def config(tmp_path: Path, fake: FakeWechat) -> Config:
    wechat = WechatConfig(app_id=APP_ID, app_secret=fake.app_secret, api_base_url=fake.url, template_id="TPL-notice")
    return Config(data_dir=tmp_path / "data", content_dir=CONTENT, wechat=wechat)


@pytest.fixture
async def push(services: Services) -> AsyncIterator[WechatPush]:
    store = services.wechat
    transport = WechatPush(WechatApi(services.config.wechat, store), store, services.directory, services.config.wechat)
    yield transport
    await transport.api.close()


async def wrote(services: Services, user: str, hours_ago: float = 0) -> None:
    await services.directory.seen("wechat", user, user)
    if hours_ago:
        when = (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(timespec="seconds")
        await services.db.execute("UPDATE recipients SET last_inbound_at = ? WHERE user_id = ?", (when, user))


async def test_within_the_window_customer_service_messages_then_template(
    push: WechatPush, services: Services, fake: FakeWechat
) -> None:
    await wrote(services, "u1")
    for i in range(5):
        assert (await push.push("u1", "user", Reply(f"消息{i}"))).status is DeliveryStatus.SENT
    sixth = await push.push("u1", "user", Reply("招工信息\n县城物流园招装卸工", (Button("报名", "apply:1"),)))
    assert sixth.status is DeliveryStatus.SENT and "msgid" in sixth.detail
    assert [p["text"]["content"] for p in fake.payloads(CS)] == [f"消息{i}" for i in range(5)]
    assert fake.payloads(TEMPLATE) == [
        {
            "touser": "u1",
            "template_id": "TPL-notice",
            "data": {
                "first": {"value": "招工信息"},
                "keyword1": {"value": "县城物流园招装卸工 回复数字选择： 1. 报名"},
            },
        }
    ]
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    await services.db.execute("UPDATE wechat_sends SET sent_at = ?", (an_hour_ago,))
    await services.db.execute("UPDATE recipients SET last_inbound_at = ?", (an_hour_ago,))
    await wrote(services, "u1")  # an hour later the user writes again: a new window
    assert (await push.push("u1", "user", Reply("又一条"))).status is DeliveryStatus.SENT
    assert len(fake.payloads(CS)) == 6


async def test_outside_the_window_template_or_out_of_window(
    push: WechatPush, services: Services, fake: FakeWechat
) -> None:
    await wrote(services, "old", hours_ago=49)
    assert (await push.push("old", "user", Reply("通知"))).status is DeliveryStatus.SENT
    assert (await push.push("never-wrote", "user", Reply("通知"))).status is DeliveryStatus.SENT
    assert fake.payloads(CS) == [] and len(fake.payloads(TEMPLATE)) == 2
    plain = WechatPush(push.api, push.store, push.directory, replace(push.config, template_id=""))
    result = await plain.push("old", "user", Reply("通知"))
    assert result.status is DeliveryStatus.OUT_OF_WINDOW
    assert (await push.push("old", "group", Reply("群消息"))).status is DeliveryStatus.INVALID


async def test_45015_falls_back_to_template_and_is_recorded(
    push: WechatPush, services: Services, fake: FakeWechat
) -> None:
    await wrote(services, "u2")
    fake.fail_next(CS, 45015)
    assert (await push.push("u2", "user", Reply("消息"))).status is DeliveryStatus.SENT
    sends = await push.store.sends("u2")
    assert [(kind, status, code) for kind, status, code, _, _ in sends] == [
        ("cs", "out_of_window", 45015),
        ("template", "sent", 0),
    ]
    plain = WechatPush(push.api, push.store, push.directory, replace(push.config, template_id=""))
    fake.fail_next(CS, 45015)
    assert (await plain.push("u2", "user", Reply("消息"))).status is DeliveryStatus.OUT_OF_WINDOW


async def test_43004_makes_the_user_unreachable(push: WechatPush, services: Services, fake: FakeWechat) -> None:
    await wrote(services, "gone")
    fake.fail_next(CS, 43004)
    result = await push.push("gone", "user", Reply("消息"))
    assert result.status is DeliveryStatus.UNREACHABLE
    await services.recipients.apply(PushTarget("wechat", "gone", "user", "gone"), result)  # as the outbox does
    status = await services.directory.reachability("wechat", "gone")
    assert status is not None and status[0] == "unreachable"
    assert (await push.push("gone", "user", Reply("再试"))).status is DeliveryStatus.UNREACHABLE
    assert fake.calls == [CS]  # no second call for an unreachable user


async def test_a_malformed_message_fails_and_the_user_stays_reachable(
    push: WechatPush, services: Services, fake: FakeWechat
) -> None:
    await wrote(services, "u4")
    fake.fail_next(CS, 45002)  # content size out of limit: the message's defect
    result = await push.push("u4", "user", Reply("消息"))
    assert result.status is DeliveryStatus.BAD_REQUEST and result.final
    await services.recipients.apply(PushTarget("wechat", "u4", "user", "u4"), result)
    status = await services.directory.reachability("wechat", "u4")
    assert status is not None and status[0] == "active"
    assert (await push.push("u4", "user", Reply("消息"))).status is DeliveryStatus.SENT


async def test_45009_quota_is_retried_later(push: WechatPush, services: Services, fake: FakeWechat) -> None:
    await wrote(services, "u3")
    fake.fail_next(CS, 45009)
    result = await push.push("u3", "user", Reply("消息"))
    assert result.status is DeliveryStatus.RETRY and result.retry_after is not None and result.retry_after >= 60
    assert await push.store.sends("u3") == [("cs", "retry", 45009, None, None)]
    assert (await push.push("u3", "user", Reply("消息"))).status is DeliveryStatus.SENT


@pytest.mark.parametrize("code", [40001, 42001])
async def test_rejected_token_is_refreshed_and_the_call_retried(
    push: WechatPush, services: Services, fake: FakeWechat, code: int
) -> None:
    await wrote(services, "u4")
    assert (await push.push("u4", "user", Reply("一"))).status is DeliveryStatus.SENT
    fake.fail_next(CS, code)
    assert (await push.push("u4", "user", Reply("二"))).status is DeliveryStatus.SENT
    assert fake.tokens_issued == 2
    assert [p["text"]["content"] for p in fake.payloads(CS)] == ["一", "二"]


async def test_processes_share_one_token(services: Services, fake: FakeWechat) -> None:
    fake.token_delay = 0.1
    other_db = await Database.open(services.config.database_path)  # a second process's connection
    try:
        apis = [
            WechatApi(services.config.wechat, services.wechat),
            WechatApi(services.config.wechat, WechatStore(other_db)),
        ]
        tokens = await asyncio.gather(*(api.access_token() for api in apis))
        assert tokens[0] == tokens[1] and fake.tokens_issued == 1
        fake.revoke_tokens()  # e.g. the token was reset in the WeChat console
        pushes = [WechatPush(api, api.store, DirectoryStore(api.store.db), api.config) for api in apis]
        await wrote(services, "u5")
        results = await asyncio.gather(*(p.push("u5", "user", Reply("消息")) for p in pushes))
        assert all(r.status is DeliveryStatus.SENT for r in results)
        assert fake.tokens_issued == 2  # one refresh, used by both
        for api in apis:
            await api.close()
    finally:
        await other_db.close()


def test_quota_resets_at_beijing_midnight() -> None:
    eleven_pm_beijing = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    assert seconds_to_quota_reset(eleven_pm_beijing) == pytest.approx(3605)


async def test_images_go_as_customer_service_images_only_within_the_window(
    push: WechatPush, services: Services, fake: FakeWechat
) -> None:
    chart = Reply("", image=b"\x89PNG\r\n\x1a\nfake", image_name="chart.png")
    await wrote(services, "u6")
    assert (await push.push("u6", "user", chart)).status is DeliveryStatus.SENT
    assert [p["msgtype"] for p in fake.payloads(CS)] == ["image"]
    await wrote(services, "u7", hours_ago=49)
    late = await push.push("u7", "user", chart)
    assert late.status is DeliveryStatus.OUT_OF_WINDOW and fake.payloads(TEMPLATE) == []
