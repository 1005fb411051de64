"""What the pages do, through the real server: import with a preview of bad rows, upload bombs refused,
a briefing's target count then sending, answering a question, reviewing a posting, a login link from chat."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import aiohttp
from openpyxl import load_workbook

from bot.messages import Inbound
from handlers import build_dispatcher
from storage.roster import RosterStore
from tests.fakes.admin_site import Site, csrf_of, running_site
from tests.fakes.roster_data import person_row, write_xlsx


async def upload(site: Site, http: aiohttp.ClientSession, name: str, body: bytes) -> aiohttp.ClientResponse:
    html = await (await http.get("/admin/roster")).text()
    form = aiohttp.FormData()
    form.add_field("file", io.BytesIO(body), filename=name, content_type="application/octet-stream")
    return await http.post(f"/admin/roster/upload?csrf={csrf_of(html)}", data=form)


def uploads_left(site: Site) -> list[Path]:
    folder = site.services.config.data_dir / "uploads"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


async def test_import_previews_bad_rows_and_imports_nothing_until_confirmed(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        await site.login(http, "boss")
        rows = [person_row(n, "东秀庄乡", "北村") for n in range(40, 44)]
        rows[2][2] = "14092819850612000"  # 17 digits: a bad ID number
        body = write_xlsx(tmp_path / "ledger.xlsx", rows).read_bytes()
        preview = await upload(site, http, "东秀庄台账.xlsx", body)
        html = await preview.text()
        assert preview.status == 200 and "第4行" in html and "身份证" in html
        assert await RosterStore(site.db).count() == 12
        strict = await http.post("/admin/roster/import", data={"csrf": csrf_of(html), "token": _token(html)})
        assert "什么都没有导入" in await strict.text() and await RosterStore(site.db).count() == 12
        html = await (await upload(site, http, "东秀庄台账.xlsx", body)).text()
        done = await http.post(
            "/admin/roster/import", data={"csrf": csrf_of(html), "token": _token(html), "skip_bad": "1"}
        )
        text = await done.text()
        assert "新增 3 人" in text and await RosterStore(site.db).count() == 15
        assert "东秀庄台账.xlsx" in text, text[-1500:]  # the history
        assert not uploads_left(site)


def _token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def zip_bomb() -> bytes:
    """An 'XLSX' whose one entry unpacks to 64 MB of zeros (about 64 KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/worksheets/sheet1.xml", "w") as f:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(64):
            f.write(chunk)
    return out.getvalue()


async def test_upload_bombs_and_huge_files_are_refused_cleanly(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        await site.login(http, "boss")
        bomb = await upload(site, http, "台账.xlsx", zip_bomb())
        assert bomb.status == 400 and "压缩" in await bomb.text()
        fake = await upload(site, http, "台账.xlsx", b"PK\x03\x04 not really a zip")
        assert fake.status == 400
        wrong = await upload(site, http, "evil.exe", b"MZ")
        assert wrong.status == 400
        try:
            huge = await upload(site, http, "台账.csv", b"a" * (100 * 1024 * 1024))
            assert huge.status == 413
        except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError):
            pass  # the server may close the connection while the client is still sending: refused either way
        assert await RosterStore(site.db).count() == 12
        assert not uploads_left(site)
        assert (await http.get("/admin/overview")).status == 200  # the server is fine


async def test_briefing_count_before_sending_then_sent_and_audited(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        await site.login(http, "zhan")
        html = await (await http.get("/admin/briefings")).text()
        form = {"csrf": csrf_of(html), "briefing": "transport-retention", "villages": "东村"}
        preview = await (await http.post("/admin/briefings", data=form | {"action": "preview"})).text()
        assert "目标 <b>6</b> 人" in preview
        assert await site.db.fetchone("SELECT 1 FROM briefing_campaigns") is None
        sent = await http.post("/admin/briefings", data=form | {"action": "send"})
        assert sent.status == 200 and "发送进度" in await sent.text()
        row = await site.db.fetchone("SELECT count(*) FROM outbox WHERE item_kind = 'briefing'")
        assert row is not None and row[0] == 3  # the bound half of 东村
        actions = [a[3] for a in await RosterStore(site.db).audit_entries()]
        assert "briefing.send" in actions and "web.login" in actions
        entry = next(a for a in await RosterStore(site.db).audit_entries() if a[1] == "web:zhan")
        assert "[sunjiaping]" in entry[4]


async def test_answering_a_question_relays_it_to_everyone_who_asked(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        questions = site.services.questions
        await questions.log("test", "b", "俺是东村的，电话139****5678", "decline", None, 0.0)
        qid = await questions.open("k1", "公益岗怎么报名", "test", "a", "a")
        await questions.open("k1", "公益岗怎么报名", "test", "b", "b")
        await questions.log("test", "b", "公益岗怎么报名", "decline", None, 0.1, qid)
        await site.login(http, "boss")
        html = await (await http.get("/admin/questions")).text()
        assert "2 人次" in html
        assert "等人工答复" in html
        assert "对话经过" in html
        assert "电话139****5678" in html
        done = await http.post(f"/admin/questions/{qid}/answer", data={"csrf": csrf_of(html), "answer": "找村联络员"})
        text = await done.text()
        assert "转告 2 位" in text
        assert "机器人转告（县局张科长 已答复）" in await (await http.get("/admin/questions?answered=1")).text()
        answered = await site.services.questions.get(qid)
        assert answered is not None and answered.answered_by == "县人社局"  # the askers see the unit
        row = await site.db.fetchone("SELECT count(*) FROM outbox WHERE item_kind = 'answer'")
        assert row is not None and row[0] == 2


async def test_station_approves_and_rejects_its_liaisons_postings(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        for n, title in ((1, "保洁员"), (2, "搬运工")):
            await site.db.execute(
                "INSERT INTO postings (kind, title, employer, location, salary, headcount, requirements, "
                "contact_name, contact_phone, valid_until, townships, text_hash, status, author_channel, "
                "author_user_id, author_role, author_township, created_at) VALUES ('job', ?, '某公司', '', '', '', "
                "'', '', '', '2999-01-01', '[\"sunjiaping\"]', ?, 'pending', 'web', 'cun', 'liaison', 'sunjiaping', "
                "'2026-01-01T00:00:00+00:00')",
                (title, f"h{n}"),
            )
        await site.login(http, "zhan")
        html = await (await http.get("/admin/postings")).text()
        assert "保洁员" in html and "搬运工" in html
        ok = await http.post("/admin/postings/1/approve", data={"csrf": csrf_of(html), "title": "保洁员（女）"})
        assert ok.status == 200
        no = await http.post("/admin/postings/2/reject", data={"csrf": csrf_of(html), "reason": "缺工资"})
        assert no.status == 200
        rows = await site.db.fetchall("SELECT title, status, review_note FROM postings ORDER BY id")
        assert [tuple(r) for r in rows] == [("保洁员（女）", "published", ""), ("搬运工", "rejected", "缺工资")]
        again = await http.post("/admin/postings/2/approve", data={"csrf": csrf_of(html)})
        assert again.status == 409


async def test_a_chat_liaison_gets_a_one_time_login_link(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        from storage import Staff

        await site.services.directory.add_staff(Staff("test", "lia", "liaison", "老王", "sunjiaping", "西村"))
        dispatcher = build_dispatcher(site.services)
        replies = await dispatcher.dispatch(Inbound(channel="test", user_id="lia", chat_id="lia", text="/denglu"))
        link = replies[0].text.rsplit("\n", 1)[1]
        path = link.split("127.0.0.1", 1)[1]
        form = await (await http.get(path)).text()
        assert (await http.get("/admin/overview", allow_redirects=False)).status == 303  # GET did not sign in
        signed = await http.post(path, data={"csrf": csrf_of(form)})
        assert signed.status == 200 and "西村" in await signed.text()
        async with site.client() as other:
            form = await (await other.get(path)).text()
            assert (await other.post(path, data={"csrf": csrf_of(form)})).status == 404
        stranger = await dispatcher.dispatch(Inbound(channel="test", user_id="x", chat_id="x", text="/denglu"))
        assert "工作人员" in stranger[0].text


async def test_exports_open_in_openpyxl_and_hold_only_the_scope(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        await site.login(http, "zhan")
        sheets = {}
        for name in ("p1131/export.xlsx", "callbacks/export.xlsx"):
            response = await http.get(f"/admin/{name}")
            assert response.status == 200 and response.content_type.endswith("spreadsheetml.sheet")
            sheets[name] = load_workbook(io.BytesIO(await response.read())).worksheets[0]
        text = " ".join(str(c.value) for row in sheets["p1131/export.xlsx"].iter_rows() for c in row)
        assert "孙家坪乡" in text and "前所乡" not in text and "东村" in text
        assert all(
            "****" in str(c.value)
            for c in next(sheets["p1131/export.xlsx"].iter_cols(min_col=7, max_col=7))[2:]  # under title and header
            if c.value
        )


NOTICE = "五寨县某物业公司招聘保洁员5名，女性50岁以下，工资2800元/月，工作地点砚城镇，联系电话13912345678 刘经理"


async def test_a_liaison_posts_from_pasted_text_and_the_station_approves(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as liaison, site.client() as station:
        await site.login(liaison, "cun")
        html = await (await liaison.get("/admin/postings")).text()
        assert "待审核" not in html  # a liaison submits, never reviews
        checked = await (
            await liaison.post("/admin/postings/extract", data={"csrf": csrf_of(html), "text": NOTICE})
        ).text()
        assert 'value="保洁员' in checked and "13912345678" in checked
        form = {"csrf": csrf_of(checked), "kind": "job", "title": "保洁员", "salary": "2800元/月"}
        form |= {"contact_phone": "13912345678", "location": "砚城镇", "township": "sunjiaping"}
        incomplete = await liaison.post("/admin/postings/new", data={**form, "contact_phone": ""})
        assert incomplete.status == 400 and "还缺" in await incomplete.text()
        sent = await liaison.post("/admin/postings/new", data=form)
        assert sent.status == 200 and "等审核后发出" in await sent.text()
        row = await site.db.fetchone("SELECT status, author_role FROM postings")
        assert row is not None and tuple(row) == ("pending", "liaison")
        assert (await liaison.post("/admin/postings/1/approve", data={"csrf": csrf_of(checked)})).status == 403
        await site.login(station, "zhan")
        page = await (await station.get("/admin/postings")).text()
        assert "保洁员" in page
        ok = await station.post("/admin/postings/1/approve", data={"csrf": csrf_of(page)})
        assert "已通过并开始推送" in await ok.text()
