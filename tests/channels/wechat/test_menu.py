"""The custom menu file, `python -m bot wechat menu` against the fake API, and the channel's wiring."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import platform_channels
from bot.channels.wechat.channel import WechatChannel
from bot.channels.wechat.menu import MENU_FILE, MenuError, apply_menu, load_menu
from bot.config import Config, ConfigError, WechatConfig, load_config
from bot.dispatcher import Dispatcher
from bot.services import Services
from tests.conftest import CONTENT
from tests.fakes.wechat import AES_KEY, APP_ID, TOKEN, FakeWechat

CATEGORIES = {"subsidies", "startup", "training", "jobs", "groups", "services"}


def test_the_shipped_menu_is_valid() -> None:
    menu = load_menu(CONTENT / MENU_FILE, CATEGORIES)
    assert [b["name"] for b in menu["button"]] == ["问政策", "找工作", "找人工"]
    keys = [s["key"] for b in menu["button"] for s in b.get("sub_button", [b])]
    assert "cat:subsidies" in keys and "postings:latest" in keys and "subs:mine" in keys and "human" in keys


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('[[button]]\nname = "一"\nkey = "a"\n' * 4, "4 top-level items"),
        ('[[button]]\nname = "就业补贴政策"\nkey = "human"\n', "over 16 bytes"),
        ('[[button]]\nname = "问"\n' + '[[button.sub_button]]\nname = "子"\nkey = "human"\n' * 6, "1 to 5"),
        ('[[button]]\nname = "问"\nkey = "类别"\n', "ASCII"),
        ('[[button]]\nname = "问"\nkey = "cat:nope"\n', "no category"),
        ('[[button]]\nname = "问"\n', "needs a key"),
        ("button = 3\n", "no .*button.* items"),
        ("[[button\n", "cannot read"),
    ],
)
def test_menu_rules_are_checked(tmp_path: Path, toml: str, problem: str) -> None:
    path = tmp_path / MENU_FILE
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(MenuError, match=problem):
        load_menu(path, CATEGORIES)


async def test_wechat_menu_command_posts_the_menu(tmp_path: Path, fake: FakeWechat) -> None:
    wechat = WechatConfig(app_id=APP_ID, app_secret=fake.app_secret, api_base_url=fake.url)
    config = Config(data_dir=tmp_path / "data", content_dir=CONTENT, wechat=wechat)
    assert await apply_menu(config, check_only=True) == 0
    assert fake.payloads("menu/create") == []
    assert await apply_menu(config) == 0
    assert fake.payloads("menu/create") == [load_menu(CONTENT / MENU_FILE, CATEGORIES)]
    fake.fail_next("menu/create", 40018)  # e.g. an invalid button name
    assert await apply_menu(config) == 1
    assert await apply_menu(replace(config, wechat=replace(wechat, app_secret=""))) == 2


def test_robot_keys_from_toml_or_environment_stay_secret(tmp_path: Path) -> None:
    file = tmp_path / "bot.toml"
    file.write_text('[wechat.wecom_robots]\nsunjiaping = "key-1"\n', encoding="utf-8")
    assert load_config(env={}, file=file).wechat.wecom_robots == {"sunjiaping": "key-1"}
    env = {"BOT_WECHAT_WECOM_ROBOTS": "sunjiaping=key-1, qiansuo=key-2"}
    config = load_config(env=env, file=file)
    assert config.wechat.wecom_robots == {"sunjiaping": "key-1", "qiansuo": "key-2"}
    assert config.redacted()["wechat"]["wecom_robots"] == "***"
    assert "key-1" not in repr(config)
    with pytest.raises(ConfigError, match="WECOM_ROBOTS"):
        load_config(env={"BOT_WECHAT_WECOM_ROBOTS": "sunjiaping"}, file=file)


async def test_serve_starts_the_channel_when_a_token_is_set(
    services: Services, dispatcher: Dispatcher[Services]
) -> None:
    assert not any(c.name == "wechat" for c in platform_channels(services.config, services, dispatcher))
    wechat = WechatConfig(token=TOKEN, encoding_aes_key=AES_KEY, app_id=APP_ID, wecom_robots={"qiansuo": "k"})
    configured = replace(services, config=replace(services.config, wechat=wechat))
    channels = [c for c in platform_channels(configured.config, configured, dispatcher) if c.name == "wechat"]
    assert len(channels) == 1 and isinstance(channels[0], WechatChannel)
    assert set(channels[0].transports) == {"wechat", "wecom"}
    await channels[0].api.close()
    assert channels[0].robots is not None
    await channels[0].robots.close()


@pytest.mark.parametrize(
    "wechat",
    [
        WechatConfig(token=TOKEN, encoding_aes_key="too-short", app_id=APP_ID),
        WechatConfig(token=TOKEN, encoding_aes_key=AES_KEY),
        WechatConfig(token=TOKEN, reply_budget_ms=5000),
        WechatConfig(token=TOKEN, wecom_robots={"atlantis": "k"}),
    ],
)
def test_bad_wechat_settings_fail_loudly(
    services: Services, dispatcher: Dispatcher[Services], wechat: WechatConfig
) -> None:
    with pytest.raises(ConfigError):
        WechatChannel(replace(services, config=replace(services.config, wechat=wechat)), dispatcher)


async def test_run_binds_the_robots_and_stops_cleanly(services: Services, dispatcher: Dispatcher[Services]) -> None:
    await services.directory.bind_group("wecom", "lijiaping", "old robot", "lijiaping", bound_by="config")
    wechat = WechatConfig(token=TOKEN, wecom_robots={"qiansuo": "k"})
    channel = WechatChannel(replace(services, config=replace(services.config, wechat=wechat)), dispatcher)
    task = asyncio.create_task(channel.run())
    async with asyncio.timeout(30):  # only a guard against hanging
        while (group := await services.directory.group("wecom", "qiansuo")) is None:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    assert group.township_id == "qiansuo" and group.active
    old = await services.directory.group("wecom", "lijiaping")
    assert old is not None and not old.active  # no longer configured
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
