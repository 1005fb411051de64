"""The bureau's exports (XLSX or CSV): briefing reach with the unreached list, 1131 completion, the roster with
each person's 1131 status, and the phone-callback sheet — one implementation for the pages, the CLI and chat.

Each export takes the viewer (role and scope: what they may see, whose phone numbers in full) and a target
(a file path whose name says .xlsx or .csv, or a binary stream with `fmt`). Townships come in the county's
official order; large lists are paged from the database one township at a time, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from bot.content import ContentPack
from bot.offload import offload
from bot.reports.rollup import by_county, rolls_up
from bot.reports.service import REASONS, by_township, place, scope_name
from bot.reports.workbook import Column, Heading, Progress, Rows, Table, pages, write_report
from bot.roster.visibility import Viewer
from storage.briefings import Campaign
from storage.database import Database
from storage.people import Person
from storage.reports import CompletionRow, PageKey, ReachRow, ReportStore, page_key

PAGE = 2000
T = TypeVar("T", bound=tuple[Person, Any])
Target = Path | BinaryIO

REACH_COLUMNS = (
    Column("乡镇"),
    Column("村"),
    Column("目标人数", "int", total=True),
    Column("已送达", "int", total=True),
    Column("已确认", "int", total=True),
    Column("联系不上", "int", total=True),
    Column("未绑定", "int", total=True),
    Column("发送中", "int", total=True),
    Column("触达率", "rate", rate=(3, 2)),
    Column("确认率", "rate", rate=(4, 2)),
)
PERSON_COLUMNS = (Column("乡镇"), Column("村"), Column("姓名"), Column("身份证后四位"), Column("户主"))
UNREACHED_COLUMNS = (*PERSON_COLUMNS, Column("联系电话"), Column("原因"))
COMPLETION_COLUMNS = (
    Column("乡镇"),
    Column("村"),
    Column("花名册人数", "int", total=True),
    Column("有就业意愿", "int", total=True),
    Column("政策宣讲≥1", "int", total=True),
    Column("职业指导≥1", "int", total=True),
    Column("岗位推介≥3", "int", total=True),
    Column("培训或见习≥1", "int", total=True),
    Column("1131全部完成", "int", total=True),
    Column("完成率(有就业意愿)", "rate", rate=(8, 3)),
)
ROSTER_COLUMNS = (
    *PERSON_COLUMNS,
    Column("人员类别"),
    Column("联系电话"),
    Column("务工状态"),
    Column("有就业意愿"),
    Column("务工地点"),
    Column("务工单位"),
    Column("月工资(元)", "money"),
    Column("务工时间", "date"),
    Column("政策宣讲", "int", total=True),
    Column("职业指导", "int", total=True),
    Column("岗位推介", "int", total=True),
    Column("培训或见习", "int", total=True),
    Column("1131完成"),
)
LEDGER_COLUMNS = (  # a sampled person as the ledger has them (phone callback sheets)
    Column("乡镇"),
    Column("村"),
    Column("姓名"),
    Column("身份证后四位"),
    Column("联系电话"),
    Column("务工地点(台账)"),
    Column("企业(台账)"),
    Column("工资(台账)", "money"),
)
SAMPLE_COLUMNS = (
    *LEDGER_COLUMNS,
    Column("务工地点(核实)"),
    Column("企业(核实)"),
    Column("电话(核实)"),
    Column("工资(核实)"),
    Column("知晓交通补贴/稳岗补贴"),
    Column("领取情况"),
    Column("满意度"),
)


def heading(report: str, viewer: Viewer, content: ContentPack, now: datetime | None = None) -> Heading:
    return Heading(report, scope_name(viewer.scope, content), now or datetime.now(UTC))


def _ranked(content: ContentPack, township_ids: Sequence[str]) -> list[str]:
    return sorted(township_ids, key=lambda t: (content.township_rank(t), t))


async def _paged(
    content: ContentPack,
    townships: Sequence[str],
    fetch: Callable[[str, PageKey | None], Awaitable[list[T]]],
) -> AsyncIterator[list[T]]:
    """Pages of (person, …) rows, township by township in the official order."""
    for township in _ranked(content, townships):
        after: PageKey | None = None
        while True:
            page = await fetch(township, after)
            if page:
                yield page
            if len(page) < PAGE:
                break
            after = page_key(page[-1][0])


def _person(p: Person, content: ContentPack) -> list[Any]:
    return [place(content, p.township_id), p.village, p.name, p.id_last4, p.household]


def _rows(page: list[T], row: Callable[[T], Sequence[Any]]) -> list[Sequence[Any]]:
    return [row(item) for item in page]


async def _map(source: AsyncIterator[list[T]], row: Callable[[T], Sequence[Any]]) -> Rows:
    """Pages of cells; each page is built on the heavy-work pool (the event loop keeps serving)."""
    async for page in source:
        yield await offload(_rows, page, row)


def reach_rows(rows: Sequence[ReachRow], content: ContentPack, per_village: bool) -> list[list[Any]]:
    """Reach rows in the official order (rates are computed by the workbook)."""
    chosen = sorted(
        rows if per_village else by_township(rows), key=lambda r: (content.township_rank(r.township_id), r.village)
    )
    return [
        [
            place(content, r.township_id),
            r.village,
            r.targeted,
            r.delivered,
            r.confirmed,
            r.unreachable,
            r.not_bound,
            r.pending,
        ]
        for r in chosen
    ]


async def export_reach(
    db: Database,
    content: ContentPack,
    campaign: Campaign,
    title: str,
    viewer: Viewer,
    target: Target,
    *,
    fmt: str | None = None,
    progress: Progress | None = None,
) -> int:
    """A briefing's reach per township and per village, and the unreached list for home visits."""
    store = ReportStore(db)
    reach = await store.reach(campaign.id, viewer.scope)
    missing = sum(r.unreachable + r.not_bound for r in reach)

    async def fetch(township: str, after: PageKey | None) -> list[tuple[Person, str]]:
        return await store.unreached_page(campaign.id, viewer.scope, township, after, PAGE)

    def row(item: tuple[Person, str]) -> list[Any]:
        person, why = item
        return [*_person(person, content), viewer.phone(person), REASONS.get(why, why)]

    townships = [t for t in dict.fromkeys(r.township_id for r in reach)]
    tables = [
        *_per_county(REACH_COLUMNS, reach_rows(by_county(reach, content), content, True), content, viewer),
        Table("按乡镇", REACH_COLUMNS, pages(reach_rows(reach, content, per_village=False))),
        Table("按村", REACH_COLUMNS, pages(reach_rows(reach, content, per_village=True))),
        Table("未触达名单", UNREACHED_COLUMNS, _map(_paged(content, townships, fetch), row), missing, totals=False),
    ]
    return await write_report(target, heading(f"政策宣讲{title}触达情况", viewer, content), tables, fmt, progress)


def _per_county(columns: Sequence[Column], rows: list[list[Any]], content: ContentPack, viewer: Viewer) -> list[Table]:
    """The prefecture's "按县" sheet (its first column is the county) when the export covers several counties."""
    if not rolls_up(content, viewer.scope):
        return []
    return [Table("按县", (Column("县"), *columns[1:]), pages(rows))]


def completion_rows(rows: Sequence[CompletionRow], content: ContentPack) -> list[list[Any]]:
    chosen = sorted(rows, key=lambda r: (content.township_rank(r.township_id), r.village))
    return [
        [
            place(content, r.township_id),
            r.village,
            r.people,
            r.wanting,
            r.briefing,
            r.guidance,
            r.recommendations,
            r.training,
            r.complete,
        ]
        for r in chosen
    ]


async def export_completion(
    db: Database,
    content: ContentPack,
    viewer: Viewer,
    target: Target,
    *,
    fmt: str | None = None,
    progress: Progress | None = None,
) -> int:
    """1131 completion per township and per village; the rate is among those who want work."""
    store = ReportStore(db)
    per_township = await store.completion(viewer.scope)
    tables = [
        *_per_county(COMPLETION_COLUMNS, completion_rows(by_county(per_township, content), content), content, viewer),
        Table("按乡镇", COMPLETION_COLUMNS, pages(completion_rows(per_township, content))),
        Table(
            "按村",
            COMPLETION_COLUMNS,
            pages(completion_rows(await store.completion(viewer.scope, by_village=True), content)),
        ),
    ]
    return await write_report(target, heading("“1131”就业服务完成情况", viewer, content), tables, fmt, progress)


async def export_roster(
    db: Database,
    content: ContentPack,
    viewer: Viewer,
    target: Target,
    *,
    fmt: str | None = None,
    progress: Progress | None = None,
) -> int:
    """The roster with each person's 1131 status, in the shape of the bureau's ledgers (streamed)."""
    store = ReportStore(db)
    expected = sum(r.people for r in await store.completion(viewer.scope))

    async def fetch(township: str, after: PageKey | None) -> list[tuple[Person, Any]]:
        return await store.status_page(viewer.scope, township, after, PAGE)

    def row(item: tuple[Person, Any]) -> list[Any]:
        p, s = item
        return [
            *_person(p, content),
            p.categories.replace(",", "、"),
            viewer.phone(p),
            p.work_status,
            "是" if p.wants_work else "否",
            p.work_place,
            p.employer,
            p.wage,
            p.work_since,
            s.briefing,
            s.guidance,
            s.recommendations,
            s.training,
            "是" if s.complete else "否",
        ]

    source = _map(_paged(content, await store.townships(viewer.scope), fetch), row)
    table = Table("务工台账与1131", ROSTER_COLUMNS, source, expected)
    return await write_report(target, heading("务工台账与“1131”服务情况", viewer, content), [table], fmt, progress)


async def export_sample(
    chosen: Sequence[Person], content: ContentPack, viewer: Viewer, target: Target, *, fmt: str | None = None
) -> int:
    """The callback sheet: the ledger's work information next to blank columns the caller fills in."""
    rows = (
        [
            place(content, p.township_id),
            p.village,
            p.name,
            p.id_last4,
            viewer.phone(p),
            p.work_place,
            p.employer,
            p.wage,
        ]
        for p in sorted(chosen, key=lambda p: (content.township_rank(p.township_id), p.village, p.name))
    )
    table = Table("电话回访", SAMPLE_COLUMNS, pages(rows), totals=False)
    return await write_report(target, heading("脱贫劳动力电话回访抽样", viewer, content), [table], fmt)
