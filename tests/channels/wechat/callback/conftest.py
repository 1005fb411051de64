"""The WeChat callback tests' configuration (safe mode with 兼容模式, a 3 s reply budget, the fake API) and
the bot served on the real aiohttp app, with WeChat's side of its callback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config, WechatConfig
from bot.dispatcher import Dispatcher
from bot.services import Services
from tests.channels.wechat.callback.served import Bot
from tests.conftest import CONTENT
from tests.fakes.wechat import AES_KEY, APP_ID, TOKEN, FakeWechat, served_channel


@pytest.fixture
def config(tmp_path: Path, fake: FakeWechat) -> Config:
    wechat = WechatConfig(
        token=TOKEN,
        encoding_aes_key=AES_KEY,
        app_id=APP_ID,
        app_secret=fake.app_secret,
        api_base_url=fake.url,
        reply_budget_ms=3000,
        compat_mode=True,  # 兼容模式: the plain-mode tests post plain XML although a key is set
    )
    return Config(data_dir=tmp_path / "data", content_dir=CONTENT, wechat=wechat)


@pytest.fixture
async def bot(services: Services, dispatcher: Dispatcher[Services]) -> AsyncIterator[Bot]:
    async with served_channel(services, dispatcher) as (client, channel):
        yield Bot(client, channel, services)
