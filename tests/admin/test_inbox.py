"""待答问题 through the real server: who is handling each question (waiting for a person, a named staff member,
the bot), taking and releasing one across two sessions, answering with the facts check, and the refusals."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.admin_site import csrf_of, running_site


async def test_a_question_taken_in_one_session_shows_as_taken_in_another(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as boss, site.client() as station:
        questions = site.services.questions
        qid = await questions.open("k1", "公益岗怎么报名", "test", "a", "a")
        await site.login(boss, "boss")
        await site.login(station, "zhan")
        html = await (await station.get("/admin/questions")).text()
        assert "等人工答复" in html and "我来处理" in html
        taken = await station.post(f"/admin/questions/{qid}/take", data={"csrf": csrf_of(html)}, allow_redirects=False)
        assert taken.status == 303
        seen = await (await boss.get("/admin/questions")).text()
        assert "孙家坪站李站长 处理中" in seen and "要答复请先和他商量" in seen and "收回（孙家坪站李站长）" in seen
        refused = await boss.post(f"/admin/questions/{qid}/answer", data={"csrf": csrf_of(seen), "answer": "找村里"})
        assert refused.status == 400 and "孙家坪站李站长 在处理" in await refused.text()
        again = await boss.post(f"/admin/questions/{qid}/take", data={"csrf": csrf_of(seen)})
        assert again.status == 400 and "在处理" in await again.text()
        unsourced = await station.post(
            f"/admin/questions/{qid}/answer", data={"csrf": csrf_of(html), "answer": "补贴每人500元，电话0350-1234567"}
        )
        text = await unsourced.text()
        assert unsourced.status == 400 and "500" in text and "补贴每人500元" in text  # refused, the draft kept
        answered = await station.post(
            f"/admin/questions/{qid}/answer",
            data={"csrf": csrf_of(html), "answer": "请找本村就业服务联络员报名。"},
            allow_redirects=False,
        )
        assert answered.status == 303
        row = await questions.get(qid)
        assert row is not None and row.answered_by == "孙家坪乡就业服务站" and row.answerer == "孙家坪站李站长"
        assert row.handler is None
        listed = await (await boss.get("/admin/questions?answered=1")).text()
        assert "机器人转告（孙家坪站李站长 已答复）" in listed
        actions = [r[0] for r in await site.db.fetchall("SELECT action FROM audit_log ORDER BY id")]
        assert "question.take" in actions and "question.answer" in actions


async def test_release_by_the_holder_or_the_bureau_and_refusals(tmp_path: Path) -> None:
    async with (
        running_site(tmp_path) as site,
        site.client() as boss,
        site.client() as station,
        site.client() as liaison,
    ):
        qid = await site.services.questions.open("k2", "稳岗补贴谁能领", "test", "a", "a")
        await site.login(boss, "boss")
        await site.login(station, "zhan")
        await site.login(liaison, "cun")
        html = await (await station.get("/admin/questions")).text()
        assert (await station.post(f"/admin/questions/{qid}/take", data={})).status == 403  # no CSRF token
        assert (await station.post(f"/admin/questions/{qid}/take", data={"csrf": "forged"})).status == 403
        assert (await site.services.questions.get(qid)).handler is None  # type: ignore[union-attr]
        mine = await (await liaison.get("/admin/questions")).text()
        assert "我来处理" not in mine  # a liaison reads, the station and the bureau answer
        assert (await liaison.post(f"/admin/questions/{qid}/take", data={"csrf": csrf_of(mine)})).status == 403
        await station.post(f"/admin/questions/{qid}/take", data={"csrf": csrf_of(html)})
        await station.post(f"/admin/questions/{qid}/release", data={"csrf": csrf_of(html)})
        assert "等人工答复" in await (await boss.get("/admin/questions")).text()
        await station.post(f"/admin/questions/{qid}/take", data={"csrf": csrf_of(html)})
        seen = await (await boss.get("/admin/questions")).text()
        assert "收回（孙家坪站李站长）" in seen
        await boss.post(f"/admin/questions/{qid}/release", data={"csrf": csrf_of(seen)})
        row = await site.services.questions.get(qid)
        assert row is not None and row.handler is None
        missing = await boss.post("/admin/questions/999/take", data={"csrf": csrf_of(seen)})
        assert missing.status == 400 and "没有编号 999" in await missing.text()
