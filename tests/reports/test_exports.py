"""Report-ready exports opened with openpyxl: title row, frozen header, autofilter, real numbers and dates, rates,
totals, the county's official township order; CSV output; who sees full phone numbers; the chart's labels."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.briefings.catalog import load_briefings
from bot.briefings.send import start_campaign
from bot.content import ContentError, ContentPack, load_content
from bot.outbox.sender import Outbox
from bot.reports.chart import reach_figure
from bot.reports.exports import export_completion, export_reach, export_roster
from bot.reports.service import campaign_title, unreached_text
from bot.reports.workbook import Column, ExportFormatError, Heading, Table, format_of, pages, write_report
from bot.roster.importer import import_ledger
from bot.roster.visibility import Viewer
from storage import Database
from storage.briefings import BriefingStore
from storage.people import Scope
from storage.reports import ReachRow, ReportStore
from storage.roster import RosterStore
from tests.conftest import CONTENT
from tests.fakes.roster_data import HEADER, KEY, person_row, seed, write_xlsx

LIAISON_EAST = Viewer("liaison", Scope("sunjiaping", "东村"))


def sheet_of(path: Path | io.BytesIO, index: int = 0) -> Worksheet:
    sheet = load_workbook(path).worksheets[index]
    assert isinstance(sheet, Worksheet)
    return sheet


def values(sheet: Worksheet) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


async def _people(db: Database, content: ContentPack, tmp_path: Path) -> None:
    rows = [person_row(1), person_row(2), person_row(3, village="西村"), person_row(4, township="胡会乡")]
    rows += [person_row(5, township="砚城镇"), person_row(6, township="前所乡")]
    rows[1][8] = "无就业意愿"  # 张2 does not want work: not in the 1131 denominator
    rows[2][11] = "3500.5"
    await seed(db, content, tmp_path, rows)


def test_official_township_order_comes_from_content(content: ContentPack, tmp_path: Path) -> None:
    assert list(content.townships)[:4] == ["yancheng", "xiaohetou", "sancha", "qiansuo"]
    assert content.township_rank("yancheng") < content.township_rank("sunjiaping") < content.township_rank("huhui")
    assert content.township_rank("no-such") == len(content.townships)
    broken = tmp_path / "content"
    shutil.copytree(CONTENT, broken)
    text = (broken / "townships.toml").read_text(encoding="utf-8")
    (broken / "townships.toml").write_text(text.replace('"yancheng", ', '"atlantis", '), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(broken)
    problems = "\n".join(err.value.problems)
    assert "unknown ids: atlantis" in problems and "ids missing: yancheng" in problems


async def test_roster_export_is_report_ready(db: Database, content: ContentPack, tmp_path: Path) -> None:
    await _people(db, content, tmp_path)
    path = tmp_path / "roster.xlsx"
    await export_roster(db, content, Viewer.bureau(), path)
    sheet = sheet_of(path)
    rows = values(sheet)
    title = str(rows[0][0])
    assert title.startswith("务工台账与“1131”服务情况（全县）") and "制表时间" in title and "北京时间" in title
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:R1"]
    assert sheet.freeze_panes == "A3"  # title and header stay on screen
    header = rows[1]
    assert header[:3] == ["乡镇", "村", "姓名"] and header[-1] == "1131完成"
    assert sheet.auto_filter.ref == f"A2:R{len(rows) - 1}"  # header and data; the totals row stays out
    assert sheet.column_dimensions["A"].width >= 8 and sheet.column_dimensions["C"].width >= 6
    data = rows[2:-1]
    assert [r[0] for r in data] == ["砚城镇", "前所乡", "孙家坪乡", "孙家坪乡", "孙家坪乡", "胡会乡"]  # official order
    wage, since = header.index("月工资(元)"), header.index("务工时间")
    assert all(isinstance(r[wage], int | float) for r in data)  # numbers, not text
    assert 3500.5 in [r[wage] for r in data]
    assert sheet.cell(3, wage + 1).number_format == "#,##0.##"
    assert rows[-1][0] == "合计" and rows[-1][header.index("政策宣讲")] == 0
    assert {r[header.index("有就业意愿")] for r in data} == {"是", "否"}
    assert since >= 0


async def test_work_since_is_a_real_date(db: Database, content: ContentPack, tmp_path: Path) -> None:
    row = [*person_row(1), "2023-05-01"]
    ledger = write_xlsx(tmp_path / "dated.xlsx", [row], header=[*HEADER, "务工时间"])
    assert (await import_ledger(ledger, RosterStore(db), content, KEY)).applied
    path = tmp_path / "r.xlsx"
    await export_roster(db, content, Viewer.bureau(), path)
    sheet = sheet_of(path)
    header = values(sheet)[1]
    cell = sheet.cell(3, header.index("务工时间") + 1)
    assert cell.is_date and cell.value.date() == date(2023, 5, 1)
    assert cell.number_format == "yyyy-mm-dd"


async def _campaign(db: Database, content: ContentPack) -> int:
    briefing = load_briefings(content)["transport-retention"]
    result = await start_campaign(db, Outbox(db), content, briefing)
    return result.campaign_id


async def test_reach_export_has_rates_totals_and_the_unreached(
    db: Database, content: ContentPack, tmp_path: Path
) -> None:
    await _people(db, content, tmp_path)
    store = await seed(db, content, tmp_path, [person_row(1)])  # re-import: nobody new
    people = {p.name: p for p in await store.people(Scope())}
    await store.bind("test", "u1", people["张1"].person_id, "code")
    campaign_id = await _campaign(db, content)
    await db.execute("UPDATE outbox SET status = 'sent' WHERE recipient = 'u1'")
    campaign = await BriefingStore(db).campaign(campaign_id)
    assert campaign is not None
    title = campaign_title(campaign, content)
    assert "交通补贴" in title and "transport-retention" not in title

    path = tmp_path / "reach.xlsx"
    await export_reach(db, content, campaign, title, Viewer.bureau(), path)
    book = load_workbook(path)
    assert book.sheetnames == ["按乡镇", "按村", "未触达名单"]
    towns = values(book["按乡镇"])
    assert towns[0][0] is not None and f"政策宣讲{title}触达情况（全县）" in str(towns[0][0])
    assert towns[1][-2:] == ["触达率", "确认率"]
    assert [r[0] for r in towns[2:-1]] == ["砚城镇", "前所乡", "孙家坪乡", "胡会乡"]
    sun = towns[4]
    assert sun[2:4] == [3, 1] and sun[8] == pytest.approx(1 / 3)  # targeted 3, delivered 1, 触达率 33%
    assert book["按乡镇"].cell(5, 9).number_format == "0.0%"
    total = towns[-1]
    assert total[0] == "合计" and total[2] == 6 and total[3] == 1 and total[8] == pytest.approx(1 / 6)
    missed = values(book["未触达名单"])
    assert len(missed) == 2 + 5 and missed[2][0] == "砚城镇"  # five not reached, official order, no totals row
    phones = [str(r[5]) for r in missed[2:]]
    assert all("****" in p for p in phones)  # the bureau without --full: masked


async def test_liaison_sees_full_phones_of_their_own_village_only(
    db: Database, content: ContentPack, tmp_path: Path
) -> None:
    await _people(db, content, tmp_path)
    people = {p.name: p for p in await RosterStore(db).people(Scope())}
    own, other = people["张1"], people["张3"]  # 东村 and 西村 of 孙家坪乡
    assert LIAISON_EAST.phone(own) == own.phone
    assert LIAISON_EAST.phone(other) != other.phone and "****" in LIAISON_EAST.phone(other)
    station = Viewer("station", Scope("sunjiaping"), full_phones=True)
    assert "****" in station.phone(own)  # only the bureau may ask for full numbers
    assert Viewer.bureau(full_phones=True).phone(own) == own.phone and "****" in Viewer.bureau().phone(own)
    listed = unreached_text([(own, "not_bound"), (other, "not_bound")], content, LIAISON_EAST)
    assert own.phone in listed and other.phone not in listed


async def test_1131_counts_only_those_who_want_work(db: Database, content: ContentPack, tmp_path: Path) -> None:
    await _people(db, content, tmp_path)
    [sun] = [r for r in await ReportStore(db).completion(Scope()) if r.township_id == "sunjiaping"]
    assert (sun.people, sun.wanting) == (3, 2)
    path = tmp_path / "c.csv"
    await export_completion(db, content, Viewer.bureau(), path)
    text = path.read_text(encoding="utf-8-sig")
    assert "有就业意愿" in text and "完成率(有就业意愿)" in text
    assert "孙家坪乡,,3,2,0,0,0,0,0," in text


async def test_csv_export_and_refused_formats(db: Database, content: ContentPack, tmp_path: Path) -> None:
    rows = [person_row(1), person_row(2)]
    rows[0][1] = "=HYPERLINK(1)"  # a name a spreadsheet would run as a formula
    await seed(db, content, tmp_path, rows[1:])
    path = tmp_path / "roster.csv"
    await export_roster(db, content, Viewer.bureau(), path)
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel opens UTF-8 Chinese CSV with the BOM
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("务工台账与“1131”服务情况（全县）") and lines[1].startswith("乡镇,村,姓名")
    assert lines[-1].startswith("合计")
    with pytest.raises(ExportFormatError, match=r"\.xlsx 或 \.csv"):
        format_of(tmp_path / "x.pdf")
    out = io.BytesIO()
    heading = Heading("测试", "全县", datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    table = Table("表", [Column("名字"), Column("数", "int", total=True)], pages([["=1+1", 2], ["-x", 3]]))
    await write_report(out, heading, [table], fmt="csv")
    text = out.getvalue().decode("utf-8-sig")
    assert "2026-12-02 00:00（北京时间）" in text  # times in Beijing time
    assert "'=1+1,2" in text and "'-x,3" in text and "合计,5" in text


async def test_streamed_table_over_many_pages(tmp_path: Path) -> None:
    async def rows() -> Any:
        for start in range(0, 5000, 1000):
            yield [[f"人{n}", n, f"2024-01-{1 + n % 28:02d}", "12.5"] for n in range(start, start + 1000)]

    columns = [
        Column("姓名"),
        Column("编号", "int", total=True),
        Column("日期", "date"),
        Column("钱", "money", total=True),
    ]
    seen: list[tuple[int, int | None]] = []
    path = tmp_path / "big.xlsx"
    table = Table("大表", columns, rows(), expected=5000)
    done = await write_report(
        path, Heading("大表", "全县", datetime.now(UTC)), [table], progress=lambda d, t: seen.append((d, t))
    )
    assert done == 5000 and seen[-1] == (5000, 5000)
    sheet = sheet_of(path)
    data = values(sheet)
    assert len(data) == 2 + 5000 + 1 and data[-1][1] == sum(range(5000)) and data[-1][3] == 12.5 * 5000
    assert isinstance(data[2][2], datetime)


def test_chart_has_chinese_title_date_values_and_rates(content: ContentPack) -> None:
    rows = [
        ReachRow("huhui", "南村", 10, 2, 7, 5, 1, 0),
        ReachRow("sunjiaping", "东村", 20, 0, 15, 3, 5, 0),
        ReachRow("yancheng", "北村", 4, 4, 0, 0, 0, 0),
    ]
    made = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    fig = reach_figure(rows, content, "政策宣讲#1「一次性交通补贴」触达情况", made)
    ax = fig.axes[0]
    assert fig.texts[0].get_text() == "政策宣讲#1「一次性交通补贴」触达情况"  # the suptitle
    assert "2026-12-02 00:30（北京时间）" in ax.get_title() and "触达率 64.7%" in ax.get_title()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["砚城镇\n触达率 0.0%", "孙家坪乡\n触达率 75.0%", "胡会乡\n触达率 70.0%"]  # official order
    labels = {t.get_text() for t in ax.texts}
    assert {"20", "15", "7"} <= labels  # values on the bars
