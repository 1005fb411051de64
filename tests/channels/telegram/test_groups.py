"""Groups end to end: joining, binding to a township (staff only), privacy mode, kicks and migrations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.limits import PushLimits
from bot.config import TelegramConfig
from bot.dispatcher import Dispatcher
from bot.messages import Reply
from bot.outbox.sender import Push
from bot.services import Services
from handlers.groups import JOINED, NOT_STAFF
from storage import Staff
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram import FakeTelegram, running
from tests.fakes.telegram_refusals import migrated

FAST = PushLimits(push_per_second=200, group_per_window=5, group_window=0.5, chat_interval=0.02)
GROUP = -4001
LIAISON, STATION, STRANGER = 501, 502, 503


@pytest.fixture
async def bot(
    fake: FakeTelegram, services: Services, dispatcher: Dispatcher[Services]
) -> AsyncIterator[TelegramChannel]:
    await services.directory.add_staff(Staff("telegram", str(LIAISON), "liaison", "李联络", "sunjiaping", "王家村"))
    await services.directory.add_staff(Staff("telegram", str(STATION), "station", "前所站", "qiansuo", None))
    config = TelegramConfig(token=tg.TOKEN, base_url=fake.base_url)
    async with running(TelegramChannel(config, services, dispatcher, FAST, poll_timeout=1)) as channel:
        yield channel


async def test_added_to_a_group_greets_and_explains_binding(fake: FakeTelegram, bot: TelegramChannel) -> None:
    await fake.push_update(tg.my_chat_member(GROUP, LIAISON, "left", "member"))
    [greeting] = await fake.wait_sent(GROUP)
    assert greeting.text == JOINED.format(bureau="五寨县人社局") and "/bind" in greeting.text


async def test_only_registered_staff_bind_and_only_to_their_township(
    fake: FakeTelegram, bot: TelegramChannel, services: Services
) -> None:
    await fake.push_update(tg.group_text(GROUP, STRANGER, "/bind 孙家坪乡"))
    await fake.push_update(tg.group_text(GROUP, STATION, "/bind@wuzhai_test_bot 孙家坪乡"))
    await fake.push_update(tg.group_text(GROUP, LIAISON, "/bind 火星乡"))
    await fake.push_update(tg.group_text(GROUP, LIAISON, "/bind 孙家坪"))
    sent = await fake.wait_sent(GROUP, 4)
    assert sent[0].text == NOT_STAFF
    assert "只能把群绑定到前所乡" in sent[1].text
    assert "没找到「火星乡」" in sent[2].text and "孙家坪乡" in sent[2].text
    assert "已绑定到孙家坪乡" in sent[3].text
    group = await services.directory.group("telegram", str(GROUP))
    assert group is not None and group.township_id == "sunjiaping" and group.active
    assert group.title == "孙家坪乡就业群"


async def test_bind_in_a_private_chat_is_explained(fake: FakeTelegram, bot: TelegramChannel) -> None:
    await fake.push_update(tg.private_text(LIAISON, "/bind 孙家坪乡"))
    [reply] = await fake.wait_sent(LIAISON)
    assert "群里" in reply.text


async def test_privacy_mode_only_commands_and_mentions(fake: FakeTelegram, bot: TelegramChannel) -> None:
    await fake.push_update(tg.group_text(GROUP, STRANGER, "交通补贴咋领"))  # chatter: ignored
    await fake.push_update(tg.group_text(GROUP, STRANGER, "/help@other_bot"))  # another bot's command
    await fake.push_update(tg.group_text(GROUP, STRANGER, "/nosuchcommand"))  # unknown: silent in groups
    await fake.push_update(tg.group_text(GROUP, STRANGER, "@wuzhai_test_bot 交通补贴咋领"))
    await fake.push_update(tg.group_text(GROUP, STRANGER, "稳岗补贴咋领", reply_to_bot=True))
    await fake.push_update(tg.group_text(GROUP, STRANGER, "/help@wuzhai_test_bot"))
    sent = await fake.wait_sent(GROUP, 3)
    assert "依据" in sent[0].text and "交通" in sent[0].text
    assert "依据" in sent[1].text
    assert "打字" in sent[2].text  # the help text
    await fake.push_update(tg.private_text(STRANGER, "/start"))  # everything before it is done
    await fake.wait_sent(STRANGER)
    assert len(fake.sent_to(GROUP)) == 3


async def test_kicked_group_goes_inactive_and_comes_back(
    fake: FakeTelegram, bot: TelegramChannel, services: Services
) -> None:
    await services.directory.bind_group("telegram", str(GROUP), "群", "sunjiaping", str(LIAISON))
    await fake.push_update(tg.my_chat_member(GROUP, STRANGER, "member", "kicked"))
    await fake.push_update(tg.private_text(STRANGER, "/start"))
    await fake.wait_sent(STRANGER)
    group = await services.directory.group("telegram", str(GROUP))
    assert group is not None and not group.active and not fake.sent_to(GROUP)
    assert await services.directory.groups_in(["sunjiaping"]) == []
    await fake.push_update(tg.my_chat_member(GROUP, LIAISON, "left", "member"))
    [back] = await fake.wait_sent(GROUP)
    assert "仍绑定在孙家坪乡" in back.text
    group = await services.directory.group("telegram", str(GROUP))
    assert group is not None and group.active


async def test_migration_message_moves_the_binding(
    fake: FakeTelegram, bot: TelegramChannel, services: Services
) -> None:
    new_id = -1001234567890
    await services.directory.bind_group("telegram", str(GROUP), "群", "sunjiaping", str(LIAISON))
    await fake.push_update(tg.migrate(GROUP, new_id))
    await fake.push_update(tg.private_text(STRANGER, "/start"))
    await fake.wait_sent(STRANGER)
    assert await services.directory.group("telegram", str(GROUP)) is None
    moved = await services.directory.group("telegram", str(new_id))
    assert moved is not None and moved.township_id == "sunjiaping"


async def test_push_to_a_migrated_group_follows_it(
    fake: FakeTelegram, bot: TelegramChannel, services: Services
) -> None:
    new_id = -1009876543210
    await services.directory.bind_group("telegram", str(GROUP), "群", "sunjiaping", str(LIAISON))
    fake.always[str(GROUP)] = migrated(new_id)
    await services.outbox.enqueue("notice", "n1", [Push("telegram", str(GROUP), "group", Reply("新岗位：县城保洁员"))])
    await asyncio.wait_for(services.outbox.run({"telegram": bot.push_transport}, until_idle=True), 30)
    assert (await services.outbox.progress("notice", "n1")).sent == 1
    [posted] = fake.sent_to(new_id)
    assert posted.text == "新岗位：县城保洁员"
    [group] = await services.directory.groups_in(["sunjiaping"])
    assert group.chat_id == str(new_id)
    await bot.send(str(new_id), Reply("再来一条"))
    fake.always[str(new_id - 1)] = migrated(new_id)
    await bot.send(str(new_id - 1), Reply("迁移后的答复"))  # an interactive send follows a migration too
    assert [s.text for s in fake.sent_to(new_id)] == ["新岗位：县城保洁员", "再来一条", "迁移后的答复"]
