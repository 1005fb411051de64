"""The workbench in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright): the bureau,
a township station and a village liaison (on a phone-sized screen) doing their work against the real server.

Screenshots go to docs/screenshots/ when BOT_SCREENSHOTS=1 (to refresh the operator guide), else to tmp.
The browser is installed by scripts/browser.sh (sourced by test.sh); without it these tests skip.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, ViewportSize, async_playwright

from storage.roster import RosterStore
from tests.conftest import ROOT
from tests.fakes.admin_site import PASSWORD, Site, running_site
from tests.fakes.roster_data import person_row, write_xlsx
from tests.fakes.transport import FakeTransport

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    if os.environ.get("CI"):  # CI must run them: scripts/browser.sh installs the browser as root
        raise RuntimeError("browser tests: /usr/bin/chromium is missing although CI is set (scripts/browser.sh)")
    pytest.skip("browser tests: /usr/bin/chromium is missing (scripts/browser.sh installs it)", allow_module_level=True)

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = ROOT / "docs" / "screenshots" if os.environ.get("BOT_SCREENSHOTS") else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        await chromium.close()


async def signed_in(browser: Browser, site: Site, login: str, size: ViewportSize) -> Page:
    context = await browser.new_context(viewport=size, base_url=site.base, accept_downloads=True, locale="zh-CN")
    page = await context.new_page()
    await page.goto("/admin/login")
    await page.fill("input[name=login]", login)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/admin/overview")
    return page


async def add_pending_posting(site: Site) -> None:
    await site.db.execute(
        "INSERT INTO postings (kind, title, employer, location, salary, headcount, requirements, contact_name, "
        "contact_phone, valid_until, townships, text_hash, status, author_channel, author_user_id, author_role, "
        "author_township, created_at) VALUES ('job', '物业保洁员', '五寨县某物业公司', '砚城镇', '2800元/月', '5人', "
        "'女性，50岁以下', '刘经理', '', '2999-01-01', '[\"sunjiaping\"]', 'hb', 'pending', 'web', 'cun', 'liaison', "
        "'sunjiaping', '2026-11-30T02:00:00+00:00')"
    )


async def test_bureau_station_and_liaison_do_their_work(browser: Browser, shots: Path, tmp_path: Path) -> None:
    async with running_site(tmp_path) as site:
        for user in ("a", "b", "c"):
            await site.services.questions.open("gg", "公益岗位一个月多少钱", "test", user, user)
        await site.services.questions.open("jt", "去外省打工的路费能报吗", "test", "d", "d")
        await add_pending_posting(site)

        # --- the bureau: log in, import a ledger with a bad row, send a briefing, watch it, export, answer ---
        login = await (await browser.new_context(viewport=DESKTOP, base_url=site.base)).new_page()
        await login.goto("/admin/login")
        await login.screenshot(path=str(shots / "01-login.png"))
        boss = await signed_in(browser, site, "boss", DESKTOP)

        rows = [person_row(n, "东秀庄乡", "北村") for n in range(60, 66)]
        rows[3][2] = "1409281985061200"  # a bad ID number
        rows[4][4] = "火星乡"  # an unknown township
        ledger = write_xlsx(tmp_path / "东秀庄乡台账.xlsx", rows, title="东秀庄乡脱贫劳动力务工台账")
        await boss.goto("/admin/roster")
        await boss.set_input_files("input[type=file]", str(ledger))
        await boss.click("text=上传并预览")
        await boss.wait_for_selector("text=有问题")
        assert "第6行" in await boss.inner_text("table.bad") and "火星乡" in await boss.inner_text("table.bad")
        await boss.screenshot(path=str(shots / "03-import-preview.png"), full_page=True)
        assert await RosterStore(site.db).count() == 12
        await boss.check("input[name=skip_bad]")
        await boss.click("text=确认导入")
        await boss.wait_for_selector("text=已导入：新增 4 人")
        assert await RosterStore(site.db).count() == 16

        await boss.goto("/admin/briefings")
        await boss.select_option("select[name=briefing]", "transport-retention")
        await boss.check("input[value=孙家坪乡]")
        await boss.click("text=先看目标人数")
        await boss.wait_for_selector("#target-count")
        assert "目标 9 人" in await boss.inner_text("#target-count")
        await boss.screenshot(path=str(shots / "04-briefing-count.png"), full_page=True)
        await boss.click("text=确认发送给 9 人")
        await boss.wait_for_selector("text=发送进度")
        total = await boss.inner_text("[data-k=total]")
        sender = asyncio.create_task(
            site.services.outbox.run({"test": FakeTransport("test", delay=0.2)}, until_idle=True)
        )
        try:  # the page's own script refreshes the figures while the outbox sends
            async with asyncio.timeout(60):  # only a guard against hanging
                while not (await boss.inner_text("[data-k=pending]") == "0" and sender.done()):  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
        finally:
            sender.cancel()
        assert await boss.inner_text("[data-k=sent]") == total != "0"
        async with asyncio.timeout(60):  # the reach table is refreshed in the background: reload until it shows it
            while await boss.inner_text("tfoot td:nth-child(3)") != total:
                await asyncio.sleep(0.25)
                await boss.reload()
        await boss.screenshot(path=str(shots / "05-briefing-reach.png"), full_page=True)
        campaign_url = boss.url

        async with boss.expect_download() as download_info:
            await boss.click("text=导出 Excel")
        download = await download_info.value
        saved = tmp_path / "reach.xlsx"
        await download.save_as(str(saved))
        book = load_workbook(saved)
        assert book.sheetnames == ["按乡镇", "按村", "未触达名单"]
        rows = [[c.value for c in row] for row in book["按乡镇"].iter_rows()]
        assert "触达情况" in str(rows[0][0]) and "制表时间" in str(rows[0][0])  # the title row
        assert any(r[0] == "孙家坪乡" for r in rows[2:]) and rows[-1][0] == "合计"

        await boss.goto("/admin/questions")
        await boss.fill("#q1 textarea", "公益岗位补贴标准以县人社局公布的为准，请找本村就业服务联络员报名。")
        await boss.click("#q1 >> text=答复并转告提问的人")
        await boss.wait_for_selector("text=机器人会转告 3 位")
        await boss.goto("/admin/accounts")
        await boss.screenshot(path=str(shots / "07-accounts.png"), full_page=True)
        await boss.goto("/admin/overview")
        assert "孙家坪乡" in await boss.inner_text("table")
        await boss.screenshot(path=str(shots / "02-overview.png"), full_page=True)

        # --- the township station: approve a liaison's posting, look at 1131 ---
        station = await signed_in(browser, site, "zhan", DESKTOP)
        await station.goto("/admin/postings")
        await station.screenshot(path=str(shots / "08-postings-review.png"), full_page=True)
        await station.fill("#p1 input[name=salary]", "3000元/月")
        await station.click("#p1 >> text=通过并推送")
        await station.wait_for_selector("text=已通过并开始推送 #1")
        row = await site.db.fetchone("SELECT status, salary FROM postings WHERE id = 1")
        assert row is not None and tuple(row) == ("published", "3000元/月")
        await station.goto("/admin/p1131")
        await station.screenshot(path=str(shots / "09-1131.png"), full_page=True)

        # --- the village liaison on a phone: the unreached list with full numbers, a home visit recorded ---
        liaison = await signed_in(browser, site, "cun", PHONE)
        await liaison.screenshot(path=str(shots / "10-liaison-overview-phone.png"), full_page=True)
        await liaison.goto(campaign_url)
        people = await liaison.inner_text("table.people")
        assert "东村" in people and "西村" not in people and "****" not in people
        await liaison.click("table.people >> text=入户告知 >> nth=0")
        await liaison.wait_for_selector("text=已记录线下告知")
        await liaison.screenshot(path=str(shots / "11-liaison-visit-phone.png"), full_page=True)
        recorded = await site.db.fetchone("SELECT count(*) FROM service_events WHERE source = 'staff'")
        assert recorded is not None and recorded[0] == 1
        await liaison.goto(f"{campaign_url}?township=qiansuo&village=南村")
        assert "不在您负责的范围" in await liaison.content()


async def test_station_enters_a_callback_and_takes_a_question_seen_by_the_bureau(
    browser: Browser, shots: Path, tmp_path: Path
) -> None:
    async with running_site(tmp_path) as site:
        qid = await site.services.questions.open("gg", "公益岗位一个月多少钱", "test", "a", "a")
        await site.services.questions.open("jt", "去外省打工的路费能报吗", "test", "b", "b")

        # --- 电话回访: the station enters one call's result and sees the tally change ---
        station = await signed_in(browser, site, "zhan", DESKTOP)
        await station.goto("/admin/callbacks")
        assert await station.inner_text("table.tally tfoot td:nth-child(3)") == "0"  # 已回访
        await station.click("table.people >> text=填写结果 >> nth=0")
        await station.wait_for_selector("form.callback")
        await station.check("input[name=reached][value='1']")
        await station.click("text=保存回访结果")  # something is missing: refused, with what
        await station.wait_for_selector("p.error")
        assert "知晓交通补贴" in await station.inner_text("p.error")
        for field, value in (("ledger_right", "1"), ("knows_transport", "1"), ("got_transport", "0")):
            await station.check(f"input[name={field}][value='{value}']")
        for field in ("knows_retention", "got_retention"):
            await station.check(f"input[name={field}][value='1']")
        await station.check("input[name=satisfaction][value='满意']")
        await station.fill("input[name=note]", "在县城物业上班")
        await station.click("text=保存回访结果")
        await station.wait_for_selector("text=已保存")
        assert await station.inner_text("table.tally tfoot td:nth-child(3)") == "1"
        assert "100.0%" in await station.inner_text("table.tally tfoot")
        assert "满意" in await station.inner_text("table.people td.result")
        await station.screenshot(path=str(shots / "12-callbacks.png"), full_page=True)
        await station.click("table.people >> text=修改")  # the saved result, to edit
        await station.wait_for_selector("text=上次由 孙家坪站李站长")
        assert await station.is_checked("input[name=satisfaction][value='满意']")
        await station.screenshot(path=str(shots / "13-callback-form.png"), full_page=True)
        row = await site.db.fetchone("SELECT recorded_by, satisfaction FROM callback_results")
        assert row is not None and tuple(row) == ("web:zhan", "满意")

        # --- 待答问题: the station takes a question; the bureau's session shows who has it; the station answers ---
        boss = await signed_in(browser, site, "boss", DESKTOP)
        await station.goto("/admin/questions")
        await station.click(f"#q{qid} >> text=我来处理")
        await station.wait_for_selector(f"#q{qid} >> text=放回，不处理了")
        await boss.goto("/admin/questions")
        assert "孙家坪站李站长 处理中" in await boss.inner_text(f"#q{qid}")
        assert await boss.locator(f"#q{qid} textarea").count() == 0  # the bureau cannot answer over it
        await boss.screenshot(path=str(shots / "06-questions.png"), full_page=True)
        await station.fill(f"#q{qid} textarea", "公益岗位补贴标准以县人社局公布的为准，请找本村就业服务联络员报名。")
        await station.click(f"#q{qid} >> text=答复并转告提问的人")
        await station.wait_for_selector("text=机器人会转告 1 位")
        await boss.goto("/admin/questions?answered=1")
        assert "机器人转告（孙家坪站李站长 已答复）" in await boss.inner_text(f"#q{qid}")
