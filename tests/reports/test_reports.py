"""Reports on small generated data: the 1131 record, the callback sample, exports and the CJK chart font."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.content import ContentPack
from bot.reports.callbacks import callbacks_text, tally_callbacks
from bot.reports.chart import FONT_FILE, cjk_font, reach_chart
from bot.reports.exports import export_roster, export_sample
from bot.reports.service import callback_sample, completion_text
from bot.roster.read import LedgerError
from bot.roster.visibility import Viewer
from storage import Database, ServiceLedger
from storage.people import Scope
from storage.reports import ReachRow, ReportStore
from tests.fakes.roster_data import person_row, seed, write_xlsx


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


async def test_1131_status_from_the_ledger(db: Database, content: ContentPack, tmp_path: Path) -> None:
    rows = [person_row(1), person_row(2), person_row(3, township="前所乡")]
    store = await seed(db, content, tmp_path, rows)
    people = {p.name: p for p in await store.people(Scope())}
    one, two = people["张1"].person_id, people["张2"].person_id
    ledger = ServiceLedger(db)
    await ledger.record("policy_briefing", "briefing:a", person_id=one)
    await ledger.record("career_guidance", "offline:x", person_id=one, source="staff", recorded_by="t")
    for n in range(3):
        await ledger.record("job_recommendation", f"posting:{n}", person_id=one)
    await ledger.record("job_recommendation", "posting:0", person_id=one)  # the same posting twice counts once
    await ledger.record("training", "offline:course", person_id=one, source="staff", recorded_by="t")
    # 张2 got two recommendations in chat before binding, one more after
    await ledger.record("job_recommendation", "posting:0", channel="test", user_id="u2")
    await ledger.record("job_recommendation", "posting:1", channel="test", user_id="u2")
    await store.bind("test", "u2", two, "code")
    await ledger.record("job_recommendation", "posting:2", person_id=two)

    reports = ReportStore(db)
    assert (await reports.status_of(one)).complete
    status = await reports.status_of(two)
    assert (status.recommendations, status.complete) == (3, False)
    rows_ = await reports.completion(Scope())
    assert [(r.township_id, r.people, r.briefing, r.recommendations, r.complete) for r in rows_] == [
        ("qiansuo", 1, 0, 0, 0),
        ("sunjiaping", 2, 1, 2, 1),
    ]
    assert await reports.completion(Scope("qiansuo")) == [rows_[0]]
    assert "孙家坪乡：2 2 1 1 2 1 1（50.0%）" in completion_text(rows_, content)
    [village] = await reports.completion(Scope("sunjiaping"), by_village=True)
    assert (village.village, village.people, village.complete) == ("东村", 2, 1)
    assert "孙家坪乡东村：2 2 1 1 2 1 1（50.0%）" in completion_text([village], content)


async def test_callback_sample_is_ten_percent_per_township_and_reproducible(
    db: Database, content: ContentPack, tmp_path: Path
) -> None:
    rows = [person_row(i) for i in range(1, 31)] + [person_row(i, township="胡会乡") for i in range(31, 36)]
    rows.append(person_row(36, category="监测户"))
    await seed(db, content, tmp_path, rows)
    first = await callback_sample(db, "2024-03", Scope())
    assert len(first) == 4  # ceil(30 × 10%) + ceil(5 × 10%); the 监测户 is not in the 脱贫户 sample
    assert [p.township_id for p in first].count("huhui") == 1
    assert [p.person_id for p in await callback_sample(db, "2024-03", Scope())] == [p.person_id for p in first]
    others = {tuple(p.person_id for p in await callback_sample(db, f"2024-{m:02d}", Scope())) for m in range(1, 7)}
    assert len(others) > 1  # another seed, another sample


async def test_roster_export_masks_phones_unless_full(db: Database, content: ContentPack, tmp_path: Path) -> None:
    rows = [person_row(i) for i in range(1, 4)]
    await seed(db, content, tmp_path, rows)
    await export_roster(db, content, Viewer.bureau(), tmp_path / "m.xlsx")
    await export_roster(db, content, Viewer.bureau(full_phones=True), tmp_path / "f.xlsx")

    def cells(path: Path) -> list[list[object]]:
        sheet = load_workbook(path).active
        assert sheet is not None
        return [list(r) for r in sheet.iter_rows(values_only=True)]

    masked, full = cells(tmp_path / "m.xlsx"), cells(tmp_path / "f.xlsx")
    phone = str(rows[0][3])
    assert masked[2][6] == f"{phone[:3]}****{phone[-4:]}"  # row 1: title, row 2: header
    assert full[2][6] == phone
    assert full[1][-1] == "1131完成" and full[2][-1] == "否"
    assert full[-1][0] == "合计"


def test_chart_font_has_chinese_glyphs(content: ContentPack) -> None:
    """Fails clearly when the bundled CJK font is missing, instead of drawing empty boxes."""
    from matplotlib.ft2font import FT2Font

    try:
        path = cjk_font()
    except Exception as exc:  # pragma: no cover - only when the project is not installed
        pytest.fail(f"no CJK font for charts ({FONT_FILE} from mplfonts): {exc}")
    font = FT2Font(str(path))
    labels = "".join(t.name for t in content.townships.values()) + "目标已送达确认联系不上未绑定人数触达情况"
    missing = [ch for ch in set(labels) if font.get_char_index(ord(ch)) == 0]
    assert not missing, f"the chart font lacks glyphs for {missing}"
    png = reach_chart([ReachRow("sunjiaping", "东村", 10, 2, 7, 5, 1, 0)], content, "触达情况")
    assert png.startswith(b"\x89PNG") and len(png) > 5000  # warnings (e.g. missing glyphs) are errors here


async def test_filled_callback_sheet_is_tallied(db: Database, content: ContentPack, tmp_path: Path) -> None:
    rows = [person_row(i) for i in range(1, 21)] + [person_row(i, township="胡会乡") for i in range(21, 31)]
    await seed(db, content, tmp_path, rows)
    path = tmp_path / "cb.xlsx"
    await export_sample(await callback_sample(db, "2024-03", Scope()), content, Viewer.bureau(full_phones=True), path)
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[2]]
    col = {name: header.index(name) + 1 for name in header if isinstance(name, str)}
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["孙家坪乡", "孙家坪乡", "胡会乡"]
    answers = [("是", "已领", "满意", None), ("否", "没领到", "不满意", "北京市"), (None, None, None, None)]
    for row, (aware, received, satisfied, place) in enumerate(answers, start=3):
        sheet.cell(row, col["知晓交通补贴/稳岗补贴"], aware)
        sheet.cell(row, col["领取情况"], received)
        sheet.cell(row, col["满意度"], satisfied)
        sheet.cell(row, col["务工地点(核实)"], place)
    book.save(path)
    [tally] = tally_callbacks(path)
    assert (tally.township, tally.called, tally.accurate) == ("孙家坪乡", 2, 1)
    assert (tally.aware["yes"], tally.aware["no"], tally.received["no"]) == (1, 1, 1)
    assert "孙家坪乡：2 / 50% / 1,1 / 1,1 / 满意1、不满意1" in callbacks_text([tally])
    with pytest.raises(LedgerError, match="不是回访抽样表"):
        tally_callbacks(write_xlsx(tmp_path / "other.xlsx", [person_row(1)]))
