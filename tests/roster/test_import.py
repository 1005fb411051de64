"""Roster import: flexible headers, validation with row numbers, dry runs, re-imports, bad spreadsheets."""

from __future__ import annotations

import asyncio
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.content import ContentPack
from bot.reports.xlsx_stream import XlsxBook
from bot.roster import fields as f
from bot.roster import importer, read
from bot.roster.importer import RosterKeyMissing, import_ledger
from bot.roster.read import LedgerError
from bot.roster.xlsx_read import XlsxReader
from storage import Database, QuestionStore
from storage.people import Scope
from storage.roster import RosterStore
from tests.fakes.roster_data import HEADER, KEY, id_with_x, make_id, person_row, write_xlsx


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


def test_id_checksum_and_folding() -> None:
    good = make_id(7)
    assert f.id_number(good) == good
    x = id_with_x()
    assert f.id_number(x.lower()) == x  # lower-case x accepted
    full_width = good.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert f.id_number(f" {full_width} ") == good
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10) if good[-1].isdigit() else good[:-1] + "0"
    with pytest.raises(f.FieldError, match="校验位"):
        f.id_number(wrong)
    with pytest.raises(f.FieldError, match="18位"):
        f.id_number("12345")
    with pytest.raises(f.FieldError, match="数字"):
        f.id_number(float(good[:17] + "0"))


def test_headers_match_flexibly() -> None:
    assert f.match_header("身份证号码（必填）") == "id_number"
    assert f.match_header(" 手机号 ") == "phone"
    assert f.match_header("所属乡镇") == "township"
    assert f.match_header("务工企业名称") == "employer"
    assert f.match_header("户主身份证号") is None
    assert f.match_header("与户主关系") is None
    assert f.match_header("备注") is None
    assert f.match_header("身份证后四位") is None


def test_values() -> None:
    assert f.phone("１３９ 1234 5678") == "13912345678"
    assert f.phone(13912345678) == "13912345678"
    assert f.phone("0350-1234567") == "03501234567"
    with pytest.raises(f.FieldError):
        f.phone("12345")
    assert f.day(45000) == "2023-03-15"  # Excel serial number
    assert f.day(datetime(2023, 5, 1)) == "2023-05-01"
    assert f.day("2023.5") == "2023-05-01"
    assert f.day(202305) == "2023-05-01"
    assert f.wage("3500元") == "3500"
    assert f.categories("脱贫户、雨露计划毕业生", ("公岗",)) == ("脱贫户", "雨露计划", "公岗")


async def test_import_then_reimport_updates_without_duplicates(
    db: Database, content: ContentPack, tmp_path: Path
) -> None:
    store = RosterStore(db)
    rows = [person_row(i) for i in range(1, 6)]
    path = write_xlsx(tmp_path / "a.xlsx", rows, title="五寨县2023年脱贫户、监测户劳动力务工台账")
    report = await import_ledger(path, store, content, KEY)
    assert (report.added, report.updated, report.applied) == (5, 0, True)
    rows[0][9] = "北京市"
    rows.append(person_row(6))
    report = await import_ledger(write_xlsx(tmp_path / "a.xlsx", rows), store, content, KEY)
    assert (report.added, report.updated) == (1, 5)
    assert await store.count() == 6
    people = await store.people(Scope("sunjiaping", "东村"))
    assert {p.work_place for p in people} == {"太原市", "北京市"}
    first = next(p for p in people if p.name == "张1")
    assert first.id_last4 == make_id(1)[-4:]
    assert make_id(1) not in first.id_hash  # only the keyed hash is stored
    assert (await store.audit_entries())[0][3] == "roster.import"


async def test_bad_rows_change_nothing_unless_skipped(db: Database, content: ContentPack, tmp_path: Path) -> None:
    store = RosterStore(db)
    rows = [person_row(1), person_row(2), person_row(3)]
    rows[1][2] = make_id(2)[:-1] + ("0" if make_id(2)[-1] != "0" else "1")  # checksum wrong
    rows[2][4] = "火星乡"
    rows[2][3] = "12345"
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    report = await import_ledger(path, store, content, KEY)
    assert not report.applied and await store.count() == 0
    assert [b.where for b in report.bad] == ["第3行", "第4行"]
    assert "校验位" in str(report.bad[0])
    assert "火星乡" in str(report.bad[1]) and "电话" in str(report.bad[1])
    assert "什么都没有导入" in report.summary()
    assert make_id(2)[:14] not in report.summary()  # the report never repeats ID numbers

    dry = await import_ledger(path, store, content, KEY, dry_run=True)
    assert (dry.added, dry.applied) == (1, False) and await store.count() == 0

    skipped = await import_ledger(path, store, content, KEY, skip_bad=True)
    assert (skipped.added, skipped.applied) == (1, True) and await store.count() == 1


async def test_messy_workbook(db: Database, content: ContentPack, tmp_path: Path) -> None:
    """Merged two-row header, blank rows, full-width digits, lower-case x, dates as numbers, a second sheet."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["请按第二个工作表填写"])
    sheet = book.create_sheet("东秀庄乡")
    sheet.append(["五寨县2023年易地搬迁脱贫户劳动力务工台账"])
    sheet.merge_cells("A1:I1")
    sheet.append(["姓名", "身份证号", "电话", "乡镇", "村", "务工信息", None, None, "外出时间"])
    sheet.append([None, None, None, None, None, "务工地点", "务工企业", "月工资", None])
    for col in "ABCDEI":
        sheet.merge_cells(f"{col}2:{col}3")
    sheet.merge_cells("F2:H2")
    x_id = id_with_x()
    full = make_id(11).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    sheet.append(["李四", x_id.lower(), "13912345678", "东秀庄", "西村", "太原", "某厂", "3000元", 45000])
    sheet.append([None] * 9)
    sheet.append(["王五", full, "１３９１２３４５６７９", "东秀庄乡", "西村", "", "", "", "2023.5"])
    sheet.append([])
    book.save(tmp_path / "messy.xlsx")

    store = RosterStore(db)
    report = await import_ledger(tmp_path / "messy.xlsx", store, content, KEY, category=("易地搬迁",))
    assert report.applied and not report.bad, report.summary()
    assert report.added == 2
    assert any("填表说明" in n for n in report.notes)
    people = {p.name: p for p in await store.people(Scope("dongxiuzhuang"))}
    assert people["李四"].id_last4 == x_id[-4:] and people["李四"].id_last4.endswith("X")
    assert people["李四"].work_since == "2023-03-15" and people["李四"].wage == "3000"
    assert people["李四"].employer == "某厂" and people["李四"].categories == "易地搬迁"
    assert people["王五"].phone == "13912345679" and people["王五"].work_since == "2023-05-01"


async def test_wrong_columns_and_files(db: Database, content: ContentPack, tmp_path: Path) -> None:
    store = RosterStore(db)
    wrong = write_xlsx(tmp_path / "w.xlsx", [["张三", "13912345678"]], header=["名单", "电话"])
    with pytest.raises(LedgerError, match=r"找不到表头.*身份证号"):
        await import_ledger(wrong, store, content, KEY)
    (tmp_path / "x.xls").write_bytes(b"old")
    with pytest.raises(LedgerError, match="xlsx"):
        await import_ledger(tmp_path / "x.xls", store, content, KEY)
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(LedgerError, match="打不开"):
        await import_ledger(tmp_path / "broken.xlsx", store, content, KEY)
    with pytest.raises(RosterKeyMissing, match="BOT_ROSTER_ID_KEY"):
        await import_ledger(wrong, store, content, "")


async def test_csv_in_gb18030_with_duplicate_ids(db: Database, content: ContentPack, tmp_path: Path) -> None:
    lines = [",".join(HEADER)]
    lines += [",".join(str(v) for v in person_row(i)) for i in (1, 2)]
    lines.append(",".join(str(v) for v in person_row(1)))  # the same person twice
    (tmp_path / "t.csv").write_bytes("\n".join(lines).encode("gb18030"))
    store = RosterStore(db)
    report = await import_ledger(tmp_path / "t.csv", store, content, KEY)
    assert [str(b) for b in report.bad] == ["第4行：身份证号与第2行重复"]
    assert await store.count() == 0


@pytest.mark.parametrize("reader", ["calamine", "streamed"])
async def test_inline_strings_both_readers_and_a_zip_without_a_workbook(
    db: Database, content: ContentPack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    """Files written by other tools (inline strings, no shared-string table) read the same way by calamine and by
    the streaming reader used for sheets above CALAMINE_LIMIT."""
    if reader == "streamed":
        monkeypatch.setattr(read, "CALAMINE_LIMIT", 0)
    rows = [[str(v) if i in (2, 3) else v for i, v in enumerate(person_row(n))] for n in (1, 2)]
    path = tmp_path / "inline.xlsx"
    book = XlsxBook(path)  # the exports' writer: inline strings, no shared-string table
    sheet = book.sheet("台账", ["text"] * len(HEADER), [10] * len(HEADER))
    sheet.title("台账")
    sheet.header(HEADER)
    sheet.rows(rows)
    book.close()
    with XlsxReader(str(path)) as streamed:
        assert streamed.sheets == ["台账"]
        assert list(streamed.rows(0))[2][2] == make_id(1)
    store = RosterStore(db)
    report = await import_ledger(path, store, content, KEY)
    assert report.applied and report.added == 2
    assert {p.wage for p in await store.people(Scope())} == {"4000"}
    with zipfile.ZipFile(tmp_path / "odd.xlsx", "w") as odd:  # a zip, but no workbook in it
        odd.writestr("hello.txt", "hi")
    with pytest.raises(LedgerError, match="打不开"):
        await import_ledger(tmp_path / "odd.xlsx", store, content, KEY)


async def test_township_ledger_without_a_township_column(db: Database, content: ContentPack, tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "乡镇"]
    rows = [[v for i, v in enumerate(person_row(n)) if i != 4] for n in (1, 2)]
    path = write_xlsx(tmp_path / "qiansuo.xlsx", rows, header=header)
    store = RosterStore(db)
    with pytest.raises(LedgerError, match="乡镇"):
        await import_ledger(path, store, content, KEY)
    with pytest.raises(ValueError, match="乡镇不认识"):
        await import_ledger(path, store, content, KEY, township="火星乡")
    report = await import_ledger(path, store, content, KEY, township="前所")
    assert report.applied and report.added == 2
    assert {p.township_id for p in await store.people(Scope())} == {"qiansuo"}


async def test_streamed_batches_roll_back_together(
    db: Database, content: ContentPack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows go in batches; a duplicate or bad row found in a later batch still leaves nothing imported."""
    monkeypatch.setattr(importer, "BATCH", 2)
    store = RosterStore(db)
    rows = [person_row(i) for i in range(1, 8)]
    rows.append(person_row(2))  # the same ID as row 3, three batches later
    path = write_xlsx(tmp_path / "many.xlsx", rows)
    seen: list[tuple[int, int | None]] = []
    report = await import_ledger(path, store, content, KEY, progress=lambda d, t: seen.append((d, t)))
    assert not report.applied and await store.count() == 0
    assert [str(b) for b in report.bad] == ["第9行：身份证号与第3行重复"]
    assert [d for d, _ in seen] == [2, 4, 6, 8, 8] and seen[0][1] == 9  # the file's rows, header included
    report = await import_ledger(path, store, content, KEY, skip_bad=True)
    assert (report.applied, report.added, report.updated, report.bad_count) == (True, 7, 0, 1)
    again = await import_ledger(write_xlsx(tmp_path / "again.xlsx", rows[:3]), store, content, KEY)
    assert (again.added, again.updated) == (0, 3) and await store.count() == 7


async def test_a_large_import_lets_other_writes_through_between_its_batches(
    db: Database, content: ContentPack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reply's write (a chat log) does not wait for the whole import: it goes between two batches."""
    monkeypatch.setattr(importer, "BATCH", 100)
    monkeypatch.setattr(importer, "WRITE_BATCH", 20)
    store = RosterStore(db)
    path = write_xlsx(tmp_path / "big.xlsx", [person_row(i) for i in range(1, 401)])
    imported_at_reply: list[int] = []
    writing = asyncio.Event()
    reported: list[int] = []

    def progress(done: int, total: int | None) -> None:
        if reported and done <= reported[-1]:  # the second pass (writing) reports its first batch
            writing.set()
        reported.append(done)

    async def reply() -> None:
        await writing.wait()
        await QuestionStore(db).log("test", "u1", "交通补贴咋领", "answer", "transport", 1.0)
        imported_at_reply.append(await store.count())

    report, _ = await asyncio.gather(import_ledger(path, store, content, KEY, progress=progress), reply())
    assert report.applied and (report.added, report.updated) == (400, 0)
    assert imported_at_reply[0] < 400  # written while the import was still going


async def test_wish_to_work_from_its_column_or_the_work_status(
    db: Database, content: ContentPack, tmp_path: Path
) -> None:
    assert f.wants_work(None, "务工") == 1 and f.wants_work("", "无就业意愿") == 0
    assert f.wants_work("有") == 1 and f.wants_work("无", "务工") == 0 and f.wants_work("丧失劳动能力") == 0
    with pytest.raises(f.FieldError, match="就业意愿"):
        f.wants_work("也许")
    rows = [[*person_row(1), "有"], [*person_row(2), "否"], [*person_row(3), ""]]
    rows[2][8] = "丧失劳动能力"
    path = write_xlsx(tmp_path / "wish.xlsx", rows, header=[*HEADER, "是否有就业意愿"])
    assert (await import_ledger(path, RosterStore(db), content, KEY)).applied
    wish = {p.name: p.wants_work for p in await RosterStore(db).people(Scope())}
    assert wish == {"张1": 1, "张2": 0, "张3": 0}
