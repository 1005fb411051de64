"""Open questions (待答问题) with several counties: each carries the asker's county, a county's staff see and
answer only theirs (another county's id refused), the prefecture sees all, a staff answer is reused only in
its county, and the facts check accepts the county's own documents. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.dispatcher import Dispatcher
from bot.faq.inbox import Handler, InboxError, NoSuchQuestion
from bot.services import Services
from handlers import build_dispatcher
from tests.conftest import Chat
from tests.counties.conftest import person_in
from tests.counties.test_scope import _env, _signed_in, _site, _web
from tests.fakes.admin_site import csrf_of
from tests.fakes.cli import run

ASKED = "劳务派遣公司靠谱不"  # the bot cannot answer it: handed to staff


async def _ask(mdisp: Dispatcher[Services], user: str, township_id: str | None) -> int:
    svc = mdisp.services
    if township_id:
        assert await svc.roster.bind("test", user, await person_in(svc, township_id), "confirmed")
    [reply] = await Chat(mdisp, user).say(ASKED)
    assert "工作人员" in reply.text or "记下" in reply.text, reply.text
    logged = await svc.questions.last_asked("test", user, "2000-01-01")
    assert logged is not None and logged.open_question_id is not None
    return logged.open_question_id


def _bureau(county: str | None) -> Handler:
    return Handler(f"t:{county}", f"{county}局", "bureau", f"{county}人社局", county)


async def test_questions_carry_the_askers_county_and_each_county_sees_its_own(mdisp: Dispatcher[Services]) -> None:
    svc = mdisp.services
    yl = await _ask(mdisp, "u-yl", "dongchuan")
    wz = await _ask(mdisp, "u-wz", "sunjiaping")
    stranger = await _ask(mdisp, "stranger", None)  # unbound: the deployment's default county
    assert len({yl, wz}) == 2 and stranger == wz  # the same words in two counties are two questions
    assert (await svc.questions.get(yl)).county_id == "yangli"  # type: ignore[union-attr]
    assert [q.id for q in await svc.inbox.list(county="yangli")] == [yl]
    assert [q.id for q in await svc.inbox.list(county="wuzhai")] == [wz]
    assert {q.id for q in await svc.inbox.list()} == {yl, wz}  # the prefecture
    with pytest.raises(NoSuchQuestion):
        await svc.inbox.take(wz, _bureau("yangli"))
    with pytest.raises(NoSuchQuestion):
        await svc.inbox.answer(wz, "请找村委会。", _bureau("yangli"))
    assert (await svc.questions.get(wz)).answer is None  # type: ignore[union-attr]


async def test_a_staff_answer_is_reused_only_in_its_county(mdisp: Dispatcher[Services]) -> None:
    svc = mdisp.services
    yl = await _ask(mdisp, "u-yl", "dongchuan")
    done = await svc.inbox.answer(yl, "请到样例县人社局就业服务大厅问。", _bureau("yangli"))
    assert done.relayed == 1
    [again] = await Chat(mdisp, "u-yl").say(ASKED)
    assert "样例县人社局就业服务大厅" in again.text  # reused for the same county
    wz = await _ask(mdisp, "u-wz", "sunjiaping")  # another county's asker: handed over, not given that answer
    assert wz != yl and (await svc.questions.get(wz)).answer is None  # type: ignore[union-attr]


async def test_the_facts_check_accepts_the_askers_countys_own_documents(mdisp: Dispatcher[Services]) -> None:
    svc = mdisp.services
    yl = await _ask(mdisp, "u-yl", "dongchuan")
    wz = await _ask(mdisp, "u-wz", "sunjiaping")
    text = "培训生活补贴最多补贴37天。"  # in 样例县’s own notice only
    with pytest.raises(InboxError, match="37"):
        await svc.inbox.answer(wz, text, _bureau(None))
    assert (await svc.inbox.answer(yl, text, _bureau(None))).question.answer == text


async def test_pages_show_a_county_its_questions_and_refuse_another_countys(seeded: Services) -> None:
    svc = _web(seeded)
    mdisp = build_dispatcher(svc)
    yl = await _ask(mdisp, "u-yl", "dongchuan")
    wz = await _ask(mdisp, "u-wz", "sunjiaping")
    async with _site(svc) as base, await _signed_in(svc, base, "yl") as boss, await _signed_in(svc, base, "dc") as dc:
        for session in (boss, dc):
            page = await (await session.get("/admin/questions")).text()
            assert f'id="q{yl}"' in page and f'id="q{wz}"' not in page, page
            for action in ("take", "release", "answer"):
                form = {"csrf": csrf_of(page), "answer": "请找村委会。"}
                refused = await session.post(f"/admin/questions/{wz}/{action}", data=form)
                assert refused.status == 404, action
        assert (await svc.questions.get(wz)).answer is None  # type: ignore[union-attr]
        overview = await (await boss.get("/admin/overview")).text()
        assert f"#q{yl}" in overview and f"#q{wz}" not in overview
    async with _site(svc) as base, await _signed_in(svc, base, "pref") as pref:
        page = await (await pref.get("/admin/questions")).text()
        assert f'id="q{yl}"' in page and f'id="q{wz}"' in page and "样例县 · 等人工答复" in page


async def test_cli_questions_of_one_county(mdisp: Dispatcher[Services], tmp_path: Path) -> None:
    svc = mdisp.services
    yl = await _ask(mdisp, "u-yl", "dongchuan")
    wz = await _ask(mdisp, "u-wz", "sunjiaping")
    env = _env(svc)
    listed = run(["questions", "--county", "样例县"], tmp_path, **env)
    assert listed.returncode == 0 and f"#{yl}\t" in listed.stdout and f"#{wz}\t" not in listed.stdout, listed.stderr
    refused = run(["questions", "--county", "yangli", "answer", str(wz), "请找村委会。"], tmp_path, **env)
    assert refused.returncode == 1 and "没有编号" in refused.stderr
    assert run(["questions", "--county", "北京"], tmp_path, **env).returncode == 1
    every = run(["questions"], tmp_path, **env).stdout
    assert f"#{yl}\t" in every and f"#{wz}\t" in every


async def test_the_overview_counts_the_questions_of_its_county(seeded: Services) -> None:
    svc = _web(seeded)
    mdisp = build_dispatcher(svc)
    await _ask(mdisp, "u-yl", "dongchuan")
    await Chat(mdisp, "u-yl").say("交通补贴咋领")  # answered by the bot: a question all the same
    await _ask(mdisp, "u-wz", "sunjiaping")
    await _ask(mdisp, "stranger", None)  # bound to no one: the deployment's default county (五寨)
    shown = {}
    for user in ("yl", "wz", "pref"):
        async with _site(svc) as base, await _signed_in(svc, base, user) as session:
            page = await (await session.get("/admin/overview")).text()
            found = re.search(r"<b>(\d+)</b><span>本周群众提问</span>", page)
            assert found is not None, page
            shown[user] = int(found.group(1))
    assert shown == {"yl": 2, "wz": 2, "pref": 4}
