"""Webhook mode on the bot's own aiohttp server, the secret-token check, and configuration."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession

from bot.app import platform_channels
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.limits import PushLimits
from bot.channels.telegram.links import township_links, township_payload
from bot.channels.telegram.updates import start_payload
from bot.channels.telegram.webhook import check_config
from bot.config import Config, ConfigError, TelegramConfig
from bot.dispatcher import Dispatcher
from bot.services import Services
from bot.web import build_app, start_server
from tests.fakes import telegram_updates as tg
from tests.fakes.net import free_port
from tests.fakes.telegram import FakeTelegram, running

SECRET = "s3cret-Token_for-tests"
USER = 4343


@pytest.fixture
async def hook(
    fake: FakeTelegram, services: Services, dispatcher: Dispatcher[Services]
) -> AsyncIterator[TelegramChannel]:
    port = free_port()
    config = TelegramConfig(
        token=tg.TOKEN,
        base_url=fake.base_url,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        webhook_secret=SECRET,
    )
    channel = TelegramChannel(config, services, dispatcher, PushLimits())
    app = build_app(services)
    channel.mount(app)
    runner = await start_server(app, "127.0.0.1", port)
    try:
        async with running(channel):
            yield channel
    finally:
        await runner.cleanup()


async def test_webhook_is_registered_with_its_secret_and_answers(fake: FakeTelegram, hook: TelegramChannel) -> None:
    assert fake.webhook["secret_token"] == SECRET and fake.webhook["url"].endswith("/telegram/hook")
    assert fake.calls["getUpdates"] == 0
    assert await fake.post_webhook(tg.private_text(USER, "交通补贴咋领"), SECRET) == 200
    [answer] = await fake.wait_sent(USER)
    assert "依据" in answer.text


async def test_forged_and_malformed_webhook_calls_are_refused(fake: FakeTelegram, hook: TelegramChannel) -> None:
    assert await fake.post_webhook(tg.private_text(USER, "/start"), "wrong") == 403
    assert await fake.post_webhook(tg.private_text(USER, "/start"), None) == 403
    url = fake.webhook["url"]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with ClientSession() as session:
        async with session.post(url, data=b"{not json", headers=headers) as resp:
            assert resp.status == 400
        async with session.post(url, json=["not", "an", "update"], headers=headers) as resp:
            assert resp.status == 400
        async with session.post(url, json={"update_id": 5, "message": {"bogus": 1}}, headers=headers) as resp:
            assert resp.status == 200  # authentic but unparsable: accepted so Telegram does not resend it
    assert await fake.post_webhook(tg.private_text(USER + 1, "/start"), SECRET) == 200
    await fake.wait_sent(USER + 1)
    assert not fake.sent_to(USER)


def test_webhook_mode_needs_a_url_and_a_well_formed_secret() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_URL"):
        check_config(TelegramConfig(token="1:x", mode="webhook", webhook_secret=SECRET))
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        check_config(TelegramConfig(token="1:x", mode="webhook", webhook_url="https://bot.example/tg"))
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        check_config(
            TelegramConfig(token="1:x", mode="webhook", webhook_url="https://bot.example/tg", webhook_secret="a b")
        )
    with pytest.raises(ConfigError, match="TOKEN"):
        check_config(TelegramConfig())


def test_serve_starts_telegram_when_a_token_is_set(
    config: Config, services: Services, dispatcher: Dispatcher[Services]
) -> None:
    assert platform_channels(config, services, dispatcher) == [] or all(
        c.name != "telegram" for c in platform_channels(config, services, dispatcher)
    )
    configured = Config(data_dir=config.data_dir, content_dir=config.content_dir, telegram=TelegramConfig(token="1:x"))
    channels = platform_channels(configured, services, dispatcher)
    assert [c.name for c in channels if isinstance(c, TelegramChannel)] == ["telegram"]
    assert "1:x" not in repr(configured) and configured.redacted()["telegram"]["token"] == "***"


async def test_township_deep_links_use_the_bot_username(fake: FakeTelegram, config: Config) -> None:
    configured = Config(data_dir=config.data_dir, telegram=TelegramConfig(token=tg.TOKEN, base_url=fake.base_url))
    links = dict(await township_links(configured))
    assert links["孙家坪乡"] == "https://t.me/wuzhai_test_bot?start=t_sunjiaping"
    assert len(links) == len(configured_townships()) and all(
        start_payload(f"/start {u.split('=')[1]}") for u in links.values()
    )
    with pytest.raises(ValueError, match="deep link"):
        township_payload("孙家坪")


def configured_townships() -> list[str]:
    from bot.content import load_content

    return list(load_content(Config().content_dir).townships)


async def test_an_outage_at_start_up_is_waited_out_and_a_bad_token_is_final(
    fake: FakeTelegram, services: Services, dispatcher: Dispatcher[Services]
) -> None:
    fake.down["getMe"] = 2
    channel = TelegramChannel(TelegramConfig(token=tg.TOKEN, base_url=fake.base_url), services, dispatcher)
    channel.startup_backoff = 0.05
    async with running(channel):
        assert fake.calls["getMe"] == 3 and channel.me.username == "wuzhai_test_bot"
    wrong = TelegramConfig(token="999:wrong", base_url=fake.base_url)
    with pytest.raises(ConfigError, match="rejected") as refused:
        await TelegramChannel(wrong, services, dispatcher).run()
    assert "999:wrong" not in str(refused.value) and refused.value.__cause__ is None
