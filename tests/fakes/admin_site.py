"""A running workbench for the page tests: real services on a real SQLite file, the real aiohttp server on a
loopback port, a seeded roster (with a `<script>` name), staff of each role and their web accounts."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from aiohttp import web

from bot.admin.accounts import WEB_CHANNEL
from bot.config import Config, RosterConfig, WebConfig
from bot.services import Services, build_services
from bot.web import build_app, start_server
from storage import Database, Staff
from storage.people import Scope
from tests.conftest import CONTENT, real_matcher
from tests.fakes.roster_data import KEY, person_row, seed

PASSWORD = "correct-horse-battery"
XSS = "<script>alert(1)</script>"
STAFF = {
    "boss": Staff(WEB_CHANNEL, "boss", "bureau", "县局张科长", None, None),
    "zhan": Staff(WEB_CHANNEL, "zhan", "station", "孙家坪站李站长", "sunjiaping", None),
    "cun": Staff(WEB_CHANNEL, "cun", "liaison", "东村王联络员", "sunjiaping", "东村"),
    "nan": Staff(WEB_CHANNEL, "nan", "liaison", "南村赵联络员", "qiansuo", "南村"),
}


@dataclasses.dataclass
class Site:
    services: Services
    base: str
    runner: web.AppRunner

    @property
    def db(self) -> Database:
        return self.services.db

    def client(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(self.base, cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def login(
        self, session: aiohttp.ClientSession, login: str, password: str = PASSWORD
    ) -> aiohttp.ClientResponse:
        page = await (await session.get("/admin/login")).text()
        return await session.post(
            "/admin/login",
            data={"login": login, "password": password, "csrf": csrf_of(page)},
            allow_redirects=False,
        )


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    return found.group(1) if found else ""


def site_config(tmp: Path) -> Config:
    web_config = WebConfig(
        base_url="http://127.0.0.1", max_upload_mb=2, login_failures=5, password_memory_kib=8192, password_time_cost=1
    )
    return Config(
        data_dir=tmp / "data", content_dir=CONTENT, roster=RosterConfig(id_key=KEY), web=web_config, console=False
    )


async def seed_site(services: Services, tmp: Path) -> None:
    rows = [person_row(n, "孙家坪乡", "东村") for n in range(1, 7)]
    rows += [person_row(n, "孙家坪乡", "西村") for n in range(7, 10)]
    rows += [person_row(n, "前所乡", "南村") for n in range(10, 13)]
    rows[0][1] = XSS  # a stored-XSS attempt through a roster name
    store = await seed(services.db, services.content, tmp, rows)
    people = await store.people(Scope())
    for person in people[::2]:  # half of them are bound to a chat account
        await store.bind("test", f"u-{person.person_id}", person.person_id, "confirmed")
    accounts = services.accounts
    for login, staff in STAFF.items():
        link = await accounts.invite(staff, login, "test")
        await accounts.sign_up(link.rsplit("/", 1)[1], PASSWORD, PASSWORD)


@asynccontextmanager
async def running_site(tmp: Path, seeded: bool = True) -> AsyncIterator[Site]:
    config = site_config(tmp)
    content, matcher = real_matcher()
    db = await Database.open(config.database_path)
    services = build_services(config, content, db, matcher)
    try:
        if seeded:
            await seed_site(services, tmp)
        runner = await start_server(build_app(services), "127.0.0.1", 0)
        host, port = runner.addresses[0][:2]
        yield Site(services, f"http://{host}:{port}", runner)
        await runner.cleanup()
    finally:
        await db.close()
