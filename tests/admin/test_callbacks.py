"""电话回访 through the real server: a station enters a call's result, the tally per township changes, the result is
edited, the XLSX export carries the tally with totals and rates; scope and CSRF refusals on the new endpoints."""

from __future__ import annotations

import io
from pathlib import Path

import aiohttp
from openpyxl import load_workbook

from storage.people import Person, Scope
from tests.fakes.admin_site import Site, csrf_of, running_site

SEED = "2026-12"
ANSWERS = {
    "reached": "1",
    "ledger_right": "0",
    "knows_transport": "1",
    "got_transport": "1",
    "knows_retention": "1",
    "got_retention": "0",
    "satisfaction": "基本满意",
    "note": "已去太原打工，电话13912345678",
}


async def sampled(site: Site, township: str) -> Person:
    [person] = await site.services.callbacks.sample(SEED, Scope(township))
    return person


async def form_of(http: aiohttp.ClientSession, person: Person) -> str:
    response = await http.get(f"/admin/callbacks/person/{person.person_id}", params={"seed": SEED})
    assert response.status == 200
    return await response.text()


async def test_a_station_enters_a_result_and_the_tally_counts_it(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        person = await sampled(site, "sunjiaping")
        await site.login(http, "zhan")
        page = await (await http.get("/admin/callbacks", params={"seed": SEED})).text()
        assert person.name in page and "未回访" in page and "前所乡" not in page
        html = await form_of(http, person)
        url = f"/admin/callbacks/person/{person.person_id}"
        partial = await http.post(url, data={"csrf": csrf_of(html), "seed": SEED, "reached": "1", "ledger_right": "1"})
        text = await partial.text()
        assert partial.status == 400 and "知晓交通补贴" in text and "满意度" in text
        assert await site.services.callbacks.result(SEED, person) is None
        done = await http.post(url, data={"csrf": csrf_of(html), "seed": SEED, **ANSWERS}, allow_redirects=False)
        assert done.status == 303
        saved = await site.services.callbacks.result(SEED, person)
        assert saved is not None and saved.recorded_by == "web:zhan" and saved.recorded_name == "孙家坪站李站长"
        assert saved.answers.ledger_right is False and saved.answers.satisfaction == "基本满意"
        assert "13912345678" not in saved.answers.note  # masked before it is stored
        tally = site.services.callbacks.tally([person], {person.person_id: saved})[-1]
        assert (tally.sampled, tally.called, tally.reached, tally.ledger_right, tally.basic) == (1, 1, 1, 0, 1)
        page = await (await http.get("/admin/callbacks", params={"seed": SEED})).text()
        assert "基本满意" in page and "台账有误" in page and "100.0%" in page  # satisfied + basic over reached
        edit = await form_of(http, person)
        assert "上次由 孙家坪站李站长" in edit and 'value="基本满意" checked' in edit
        await http.post(url, data={"csrf": csrf_of(edit), "seed": SEED, "reached": "0"})
        changed = await site.services.callbacks.result(SEED, person)
        assert changed is not None and not changed.answers.reached and changed.answers.satisfaction is None
        entries = await site.db.fetchall("SELECT action, detail FROM audit_log WHERE action = 'callbacks.record'")
        assert len(entries) == 2 and person.person_id in entries[0][1]


async def test_the_export_has_the_tally_with_totals_and_rates(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        person = await sampled(site, "sunjiaping")
        await site.login(http, "boss")
        html = await form_of(http, person)
        url = f"/admin/callbacks/person/{person.person_id}"
        await http.post(url, data={"csrf": csrf_of(html), "seed": SEED, **ANSWERS})
        response = await http.get("/admin/callbacks/export.xlsx", params={"seed": SEED})
        assert response.status == 200
        book = load_workbook(io.BytesIO(await response.read()))
        assert book.sheetnames == ["回访统计", "回访名单"]
        rows = [[c.value for c in row] for row in book["回访统计"].iter_rows()]
        assert "电话回访" in str(rows[0][0]) and SEED in str(rows[0][0]) and "制表时间" in str(rows[0][0])
        header = rows[1]
        by_name = {r[0]: dict(zip(header, r, strict=False)) for r in rows[2:]}
        assert list(by_name) == ["前所乡", "孙家坪乡", "合计"]  # the county's official order, then the totals
        assert by_name["孙家坪乡"]["接通"] == 1 and by_name["孙家坪乡"]["台账准确率"] == 0
        assert by_name["孙家坪乡"]["满意率"] == 1 and by_name["前所乡"]["已回访"] == 0
        assert by_name["合计"]["抽样人数"] == 2 and by_name["合计"]["回访完成率"] == 0.5
        listed = [[c.value for c in row] for row in book["回访名单"].iter_rows()]
        line = next(r for r in listed if r[2] == person.name)
        assert "接通" in line and "基本满意" in line and "孙家坪站李站长" not in line and "县局张科长" in line


async def test_results_outside_the_scope_or_the_sample_are_refused(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as station, site.client() as liaison:
        east = await sampled(site, "sunjiaping")
        south = await sampled(site, "qiansuo")
        await site.login(station, "zhan")
        await site.login(liaison, "nan")  # 前所乡南村
        html = await (await station.get("/admin/callbacks", params={"seed": SEED})).text()
        token = csrf_of(html)
        for path in ("/admin/callbacks", "/admin/callbacks/export.xlsx"):
            assert (await station.get(path, params={"township": "qiansuo"})).status == 403, path
        other = f"/admin/callbacks/person/{south.person_id}"
        assert (await station.get(other, params={"seed": SEED})).status == 403
        refused = await station.post(other, data={"csrf": token, "seed": SEED, **ANSWERS})
        assert refused.status == 403
        own = f"/admin/callbacks/person/{east.person_id}"
        assert (await station.post(own, data={"seed": SEED, **ANSWERS})).status == 403  # no CSRF token
        assert (await station.post(own, data={"csrf": "forged", "seed": SEED, **ANSWERS})).status == 403
        outside = next(
            p for p in await site.services.roster.people(Scope("sunjiaping")) if p.person_id != east.person_id
        )
        stray_url = f"/admin/callbacks/person/{outside.person_id}"
        stray = await station.post(stray_url, data={"csrf": token, "seed": SEED, **ANSWERS})
        assert stray.status == 404  # not in this batch's sample
        mine = await (await liaison.get("/admin/callbacks", params={"seed": SEED})).text()
        assert south.name in mine and east.name not in mine
        assert (await liaison.get(f"/admin/callbacks/person/{east.person_id}", params={"seed": SEED})).status == 403
        assert (await liaison.get("/admin/callbacks", params={"township": "sunjiaping"})).status == 403
        row = await site.db.fetchone("SELECT count(*) FROM callback_results")
        assert row is not None and row[0] == 0
