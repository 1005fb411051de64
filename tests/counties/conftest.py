"""Fixtures of the multi-county tests: the two-county pack over a fresh database (SQLite, and PostgreSQL when
BOT_TEST_POSTGRES is set), a roster in both counties, staff of each level."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.config import Config
from bot.dispatcher import Dispatcher
from bot.services import Services, build_services
from handlers import build_dispatcher
from storage import Database, Staff
from storage.people import Scope
from tests.conftest import real_matcher
from tests.fakes.counties import two_counties
from tests.fakes.roster_data import person_row, roster_config, seed

WUZHAI_ROWS = [person_row(n, "孙家坪乡", "东村") for n in range(1, 5)] + [person_row(5, "qiansuo", "南村")]
YANGLI_ROWS = [person_row(n, "东川镇", "河村") for n in range(11, 14)] + [person_row(14, "yl-qiansuo", "北村")]
STAFF = (
    Staff("test", "pref", "bureau", "市局", None, None, None),
    Staff("test", "wz", "bureau", "五寨县局", None, None, "wuzhai"),
    Staff("test", "yl", "bureau", "样例县局", None, None, "yangli"),
    Staff("test", "dc", "station", "东川站", "dongchuan", None),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


@pytest.fixture
def msvc(config: Config, db: Database) -> Services:
    """Services over the two-county content, with the roster configured."""
    content = two_counties()
    settings = dataclasses.replace(roster_config(config), content_dir=content.root)
    return build_services(settings, content, db, real_matcher()[1])


@pytest.fixture
async def seeded(msvc: Services, tmp_path: Path) -> Services:
    await seed(msvc.db, msvc.content, tmp_path, WUZHAI_ROWS + YANGLI_ROWS)
    for staff in STAFF:
        await msvc.directory.add_staff(staff)
    return msvc


@pytest.fixture
def mdisp(seeded: Services) -> Dispatcher[Services]:
    return build_dispatcher(seeded)


async def person_in(svc: Services, township_id: str) -> str:
    people = await svc.roster.people(Scope(township_id))
    return people[0].person_id
