"""Shared fixtures: the real content pack and matcher (built once), a fresh SQLite file per test."""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Config
from bot.content import ContentPack
from bot.dispatcher import Dispatcher
from bot.faq.matcher import FaqMatcher
from bot.messages import Inbound, Reply
from bot.services import Services, build_matcher, build_services
from handlers import build_dispatcher
from storage import Database
from tests.fakes.postgres import fresh_database
from tests.fakes.roster_data import roster_config

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SHARED = ROOT.parent / "shared"


@functools.cache
def real_matcher() -> tuple[ContentPack, FaqMatcher]:
    return build_matcher(CONTENT)


@pytest.fixture
def content() -> ContentPack:
    return real_matcher()[0]


@pytest.fixture
def matcher() -> FaqMatcher:
    return real_matcher()[1]


@pytest.fixture
def engine() -> str:
    """The storage engine of the test's database: SQLite, unless BOT_TEST_ENGINE says otherwise. Modules
    that run on both engines override this fixture with params=["sqlite", "postgresql"]."""
    return os.environ.get("BOT_TEST_ENGINE", "sqlite")


@pytest.fixture
async def database_target(engine: str) -> AsyncIterator[str | None]:
    """None for the default SQLite file in the data directory; a DSN of a fresh schema for PostgreSQL."""
    if engine == "sqlite":
        yield None
        return
    async for dsn in fresh_database():
        yield dsn


@pytest.fixture
def config(tmp_path: Path, database_target: str | None) -> Config:
    return Config(data_dir=tmp_path / "data", content_dir=CONTENT, database=database_target)


@pytest.fixture
async def db(config: Config) -> AsyncIterator[Database]:
    database = await Database.open(config.database_path)
    yield database
    await database.close()


@pytest.fixture
def services(config: Config, db: Database) -> Services:
    content, matcher = real_matcher()
    return build_services(config, content, db, matcher)


@pytest.fixture
def dispatcher(services: Services) -> Dispatcher[Services]:
    return build_dispatcher(services)


@pytest.fixture
def rsvc(services: Services) -> Services:
    """The services with the roster configured (an ID key, a Telegram bot name for deep links)."""
    return dataclasses.replace(services, config=roster_config(services.config))


@pytest.fixture
def rdisp(rsvc: Services) -> Dispatcher[Services]:
    return build_dispatcher(rsvc)


class Chat:
    """A laborer in a private chat with the bot, through the real dispatcher."""

    def __init__(self, dispatcher: Dispatcher[Services], user: str = "u1", channel: str = "test") -> None:
        self.dispatcher = dispatcher
        self.user = user
        self.channel = channel

    async def say(self, text: str, **fields: object) -> list[Reply]:
        msg = Inbound(channel=self.channel, user_id=self.user, chat_id=self.user, text=text, **fields)  # type: ignore[arg-type]
        return await self.dispatcher.dispatch(msg)

    async def press(self, data: str) -> list[Reply]:
        return await self.dispatcher.dispatch(
            Inbound(channel=self.channel, user_id=self.user, chat_id=self.user, button=data)
        )


@pytest.fixture
def chat(dispatcher: Dispatcher[Services]) -> Chat:
    return Chat(dispatcher)
