"""A briefing campaign end to end through the real Telegram push transport to a fake Bot API server."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.briefings.catalog import load_briefings
from bot.briefings.send import start_campaign
from bot.channels.telegram.limits import PushLimits, SendLimiter
from bot.channels.telegram.push import TelegramPushTransport
from bot.services import Services
from handlers import build_dispatcher
from storage.people import Scope
from tests.conftest import Chat
from tests.fakes import telegram_updates as tg
from tests.fakes.roster_data import person_row, roster_config, seed
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_refusals import BLOCKED

FAST = PushLimits(push_per_second=200, group_per_window=50, group_window=0.5, chat_interval=0.01)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = await FakeTelegram().start()
    yield server
    await server.stop()


async def test_briefing_reaches_telegram_users_and_counts(
    services: Services, fake: FakeTelegram, tmp_path: Path
) -> None:
    svc = dataclasses.replace(services, config=roster_config(services.config))
    store = await seed(svc.db, svc.content, tmp_path, [person_row(1), person_row(2), person_row(3)])
    people = {p.name: p for p in await store.people(Scope())}
    for name, user in (("张1", "11"), ("张2", "12")):
        await svc.directory.seen("telegram", user, user)
        await store.bind("telegram", user, people[name].person_id, "code")
    fake.always["12"] = BLOCKED

    briefing = load_briefings(svc.content)["training-allowance"]
    result = await start_campaign(svc.db, svc.outbox, svc.content, briefing, townships=["孙家坪乡"])
    transport = TelegramPushTransport(tg.TOKEN, fake.base_url, SendLimiter(FAST))
    try:
        await svc.outbox.run({"telegram": transport}, until_idle=True)
    finally:
        await transport.close()

    [message] = fake.sent_to("11")
    assert "培训生活补贴" in message.text and "15元" in message.text
    assert message.buttons[0] == ("我已知晓", f"bf:a:{result.campaign_id}")
    assert not fake.sent_to("12")
    assert (await svc.directory.reachability("telegram", "12") or ("",))[0] == "unreachable"

    reports = svc.reports
    [row] = await reports.reach(result.campaign_id, Scope())
    assert (row.targeted, row.delivered, row.unreachable, row.not_bound, row.pending) == (3, 1, 1, 1, 0)
    assert (await reports.status_of(people["张1"].person_id)).briefing == 1  # a 政策宣讲 in the 1131 record

    laborer = Chat(build_dispatcher(svc), "11", channel="telegram")
    [question] = await laborer.press(message.buttons[0][1])
    assert "之前知道吗" in question.text
    [row] = await reports.reach(result.campaign_id, Scope())
    assert row.confirmed == 1
