"""Staff of one county see only that county, a prefecture sees all: in chat, on the pages (URL tampering
refused on the server), in exports and in the CLI. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

import aiohttp
import pytest
from openpyxl import load_workbook

from bot.config import WebConfig
from bot.dispatcher import Dispatcher
from bot.services import Services
from bot.web import build_app, start_server
from tests.conftest import Chat
from tests.fakes.admin_site import PASSWORD, csrf_of
from tests.fakes.cli import run
from tests.fakes.roster_data import make_id


async def test_chat_1131_of_a_county_bureau_shows_only_its_county(mdisp: Dispatcher[Services]) -> None:
    [own] = await Chat(mdisp, "yl").say("/1131")
    assert own.text.startswith("样例县") and "东川镇" in own.text and "孙家坪" not in own.text
    [other] = await Chat(mdisp, "wz").say("/1131")
    assert "孙家坪乡" in other.text and "东川镇" not in other.text


async def test_chat_1131_of_the_prefecture_is_per_county(mdisp: Dispatcher[Services]) -> None:
    [reply] = await Chat(mdisp, "pref").say("/1131")
    assert reply.text.startswith("全市")
    lines = reply.text.splitlines()
    assert any(line.startswith("五寨县：5 ") for line in lines), reply.text
    assert any(line.startswith("样例县：4 ") for line in lines), reply.text
    assert "孙家坪" not in reply.text and "县：人数" in reply.text  # the roll-up: one line per county


async def test_chat_actions_on_another_countys_people_are_refused(mdisp: Dispatcher[Services]) -> None:
    boss = Chat(mdisp, "yl")
    [record] = await boss.say(f"/jilu 张1 {make_id(1)[-4:]} 指导")
    assert "没找到" in record.text
    [codes] = await boss.say("/bangdingma 孙家坪乡 东村")
    assert "负责范围" in codes.text and "绑定码（" not in codes.text
    [send] = await boss.say("/fasong transport-retention 孙家坪乡")
    assert "不在您负责的范围" in send.text
    [station] = await Chat(mdisp, "dc").say("/jilu 张1 " + make_id(1)[-4:] + " 指导")
    assert "没找到" in station.text
    [ok] = await boss.say(f"/jilu 张11 {make_id(11)[-4:]} 指导")
    assert ok.text.startswith("已记录")


@asynccontextmanager
async def _site(svc: Services) -> AsyncIterator[str]:
    runner = await start_server(build_app(svc), "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def _signed_in(svc: Services, base: str, user: str) -> aiohttp.ClientSession:
    staff = await svc.directory.staff("test", user)
    assert staff is not None
    from bot.admin.accounts import WEB_CHANNEL

    login = f"{user}-web"
    web_staff = dataclasses.replace(staff, channel=WEB_CHANNEL, user_id=login)
    link = await svc.accounts.invite(web_staff, login, "test")
    await svc.accounts.sign_up(link.rsplit("/", 1)[1], PASSWORD, PASSWORD)
    session = aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True))
    page = await (await session.get("/admin/login")).text()
    form = {"login": login, "password": PASSWORD, "csrf": csrf_of(page)}
    response = await session.post("/admin/login", data=form, allow_redirects=False)
    assert response.status in (302, 303), await response.text()
    return session


def _web(svc: Services) -> Services:
    web = WebConfig(base_url="http://127.0.0.1", password_memory_kib=8192, password_time_cost=1)
    return dataclasses.replace(svc, config=dataclasses.replace(svc.config, web=web))


async def test_pages_keep_a_county_bureau_in_its_county(seeded: Services) -> None:
    svc = _web(seeded)
    async with _site(svc) as base, await _signed_in(svc, base, "yl") as yl:
        page = await (await yl.get("/admin/p1131")).text()
        assert "东川镇" in page and "孙家坪" not in page
        for query in ("county=wuzhai", "township=sunjiaping", "county=yangli&township=sunjiaping", "county=x"):
            response = await yl.get(f"/admin/p1131?{query}")
            assert response.status == 403, query
            export = await yl.get(f"/admin/p1131/export.xlsx?{query}")
            assert export.status == 403, query
        names = _names(await (await yl.get("/admin/p1131/export.xlsx")).read())
        assert names == {"张11", "张12", "张13", "张14"}, names
        overview = await (await yl.get("/admin/overview")).text()
        assert "孙家坪" not in overview


async def test_pages_of_the_prefecture_roll_up_per_county(seeded: Services) -> None:
    svc = _web(seeded)
    async with _site(svc) as base, await _signed_in(svc, base, "pref") as pref:
        page = await (await pref.get("/admin/p1131")).text()
        assert "p1131?county=wuzhai" in page and "p1131?county=yangli" in page and "孙家坪" not in page
        one = await (await pref.get("/admin/p1131?county=yangli")).text()
        assert "东川镇" in one and "孙家坪" not in one
        names = _names(await (await pref.get("/admin/p1131/export.xlsx")).read())
        assert len(names) == 9


def _names(xlsx: bytes) -> set[str]:
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and "姓名" in row)
    column = rows[header].index("姓名")
    return {str(r[column]) for r in rows[header + 1 :] if r and r[column] and str(r[column]).startswith("张")}


def _env(svc: Services) -> dict[str, str]:
    env = {"BOT_CONTENT_DIR": str(svc.config.content_dir)}
    if svc.config.database:
        env["BOT_DATABASE"] = svc.config.database
    return env


async def test_cli_staff_add_names_the_county_where_there_are_several(seeded: Services, tmp_path: Path) -> None:
    env = _env(seeded)
    base = ["staff", "add", "--channel", "test", "--user", "new", "--name", "新"]
    refused = run([*base, "--role", "bureau"], tmp_path, **env)
    assert refused.returncode == 2 and "--county" in refused.stderr
    added = run([*base, "--role", "bureau", "--county", "样例县"], tmp_path, **env)
    assert added.returncode == 0 and "样例县" in added.stdout, added.stderr
    staff = await seeded.directory.staff("test", "new")
    assert staff is not None and staff.county_id == "yangli"
    ambiguous = run([*base, "--role", "station", "--township", "前所乡"], tmp_path, **env)
    assert ambiguous.returncode == 2
    station = run([*base, "--role", "station", "--township", "前所乡", "--county", "样例县"], tmp_path, **env)
    assert station.returncode == 0, station.stderr
    staff = await seeded.directory.staff("test", "new")
    assert staff is not None and staff.township_id == "yl-qiansuo"
    listed = run(["staff", "list"], tmp_path, **env)
    assert "市人社局（全部县）" in listed.stdout and "全市" in listed.stdout


async def test_cli_report_per_county_and_for_the_prefecture(seeded: Services, tmp_path: Path) -> None:
    env = _env(seeded)
    county = run(["report", "1131", "--county", "样例县"], tmp_path, **env)
    assert county.returncode == 0, county.stderr
    assert "东川镇" in county.stdout and "孙家坪" not in county.stdout
    prefecture = run(["report", "1131"], tmp_path, **env)
    lines = prefecture.stdout.splitlines()
    assert [line.split("：")[0] for line in lines if line.startswith(("五寨县", "样例县"))] == ["五寨县", "样例县"]
    assert any(line.startswith("合计") for line in lines)


async def test_a_county_bureau_invites_only_into_its_county(seeded: Services) -> None:
    from bot.admin.accounts import WEB_CHANNEL

    svc = _web(seeded)
    async with _site(svc) as base, await _signed_in(svc, base, "yl") as yl:
        page = await (await yl.get("/admin/accounts")).text()
        assert "东川镇" in page and "孙家坪" not in page
        form = {"csrf": csrf_of(page), "role": "bureau", "name": "样例新人", "login": "ylnew", "county": "wuzhai"}
        assert (await yl.post("/admin/accounts", data=form)).status == 200
        invited = await svc.directory.staff(WEB_CHANNEL, "ylnew")
        assert invited is not None and invited.county_id == "yangli"  # never a prefecture, never another county
        form |= {"role": "station", "login": "ylstation", "township": "sunjiaping"}
        assert "要选乡镇" in await (await yl.post("/admin/accounts", data=form)).text()
        assert await svc.directory.staff(WEB_CHANNEL, "ylstation") is None


async def test_postings_of_a_county_go_to_its_townships_and_its_bureau_reviews_only_them(seeded: Services) -> None:
    from bot.postings.draft import Draft
    from bot.postings.rules import OutsideAreaError
    from storage import Staff

    service = seeded.postings
    found = [await seeded.directory.staff("test", u) for u in ("yl", "wz", "pref")]
    yl, wz, pref = (s for s in found if s is not None)
    assert service.area(yl) == ["dongchuan", "xiling", "yl-qiansuo"]
    assert service.area(Staff("test", "s", "station", "站", "sunjiaping", None)) == list(
        seeded.content.counties["wuzhai"].townships
    )
    assert len(service.area(pref)) == len(seeded.content.townships)
    text = "急招搬运工3名，一天200元，电话13934561234，有效期到12月31日"
    draft = Draft.from_text(text, service.names(), ("sunjiaping",))
    with pytest.raises(OutsideAreaError, match="孙家坪乡"):
        await service.submit(yl, draft)
    liaison = Staff("test", "li", "liaison", "孙家坪联络员", "sunjiaping", "东村")
    await seeded.directory.add_staff(liaison)
    done = await service.submit(liaison, draft.with_default_expiry(30, date.today()))
    assert done.reach is None  # waits for review
    posting = done.posting
    assert [service.can_review(s, posting) for s in (yl, wz, pref)] == [False, True, True]
    assert {s.user_id for s in await service.approvers(posting)} == {"wz", "pref"}
    assert await service.reviewable(yl) == [] and [p.id for p in await service.reviewable(wz)] == [posting.id]
