"""Reports per county and the prefecture's roll-up: the prefecture's totals are the sum of the counties' own
reports (reach and 1131), counties in the deployment's order, townships in each county's official order;
roster rows name their county where two counties share a township name. SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from bot.briefings.catalog import load_briefings
from bot.briefings.send import start_campaign
from bot.reports.exports import export_completion, export_reach
from bot.reports.rollup import by_county, county_scope
from bot.roster.importer import import_ledger
from bot.roster.visibility import Viewer
from bot.services import Services
from storage.ledger import EventKind
from storage.people import Scope
from storage.reports import CompletionRow, ReachRow
from tests.counties.conftest import person_in
from tests.fakes.roster_data import HEADER, KEY, person_row, write_xlsx


def _totals(rows: list[CompletionRow] | list[ReachRow]) -> list[int]:
    numbers = [[v for v in vars_of(r) if isinstance(v, int)] for r in rows]
    return [sum(column) for column in zip(*numbers, strict=True)]


def vars_of(row: CompletionRow | ReachRow) -> list[object]:
    return [getattr(row, name) for name in row.__slots__]


async def test_the_prefectures_1131_is_the_sum_of_the_counties(seeded: Services) -> None:
    svc = seeded
    services: tuple[tuple[str, EventKind], ...] = (
        ("sunjiaping", "career_guidance"),
        ("dongchuan", "training"),
        ("dongchuan", "policy_briefing"),
    )
    for township, kind in services:
        await svc.ledger.record(kind, f"t:{township}", person_id=await person_in(svc, township), source="staff")
    # events of a chat account still keyed by the account (bound past the binding flow): they count for the person
    for n in range(3):
        await svc.ledger.record("job_recommendation", f"posting:{n}", channel="test", user_id="acct")
    await svc.db.execute(
        "INSERT INTO bindings (channel, user_id, person_id, method, bound_at) VALUES ('test', 'acct', ?, 'code', '')",
        (await person_in(svc, "yl-qiansuo"),),
    )
    whole = await svc.reports.completion(Scope())
    parts = [await svc.reports.completion(county_scope(svc.content, c)) for c in svc.content.counties]
    assert [r.people for r in parts[0]] and {r.township_id for r in parts[1]} == {"dongchuan", "yl-qiansuo"}
    assert _totals(whole) == [a + b for a, b in zip(_totals(parts[0]), _totals(parts[1]), strict=True)]
    rolled = by_county(whole, svc.content)
    assert [r.township_id for r in rolled] == ["wuzhai", "yangli"]
    assert [_totals([r]) for r in rolled] == [_totals(p) for p in parts]
    assert rolled[1].people == 4 and rolled[1].training == 1 and rolled[0].guidance == 1
    assert rolled[1].recommendations == 1 and rolled[0].recommendations == 0
    [own] = await svc.reports.completion(Scope("yl-qiansuo", county_id="yangli", county_townships=("yl-qiansuo",)))
    assert own.recommendations == 1


async def test_the_prefectures_reach_is_the_sum_of_the_counties_and_exports_per_county(seeded: Services) -> None:
    svc = seeded
    briefing = load_briefings(svc.content)["transport-retention"]
    result = await start_campaign(svc.db, svc.outbox, svc.content, briefing, actor="test")
    assert result.targeted == 9
    whole = await svc.reports.reach(result.campaign_id, Scope())
    parts = [await svc.reports.reach(result.campaign_id, county_scope(svc.content, c)) for c in svc.content.counties]
    assert _totals(whole) == [a + b for a, b in zip(_totals(parts[0]), _totals(parts[1]), strict=True)]
    out = io.BytesIO()
    campaign = await svc.briefings.campaign(result.campaign_id)
    assert campaign is not None
    await export_reach(svc.db, svc.content, campaign, "#1", Viewer.bureau(), out, fmt="xlsx")
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert book.sheetnames[0] == "按县"
    counties = [row[0] for row in book["按县"].iter_rows(values_only=True) if row[0] in ("五寨县", "样例县")]
    assert counties == ["五寨县", "样例县"]
    townships = [str(row[0]) for row in book["按乡镇"].iter_rows(values_only=True) if row[0]]
    assert townships.index("五寨县前所乡") < townships.index("五寨县孙家坪乡") < townships.index("样例县东川镇")
    own = io.BytesIO()
    await export_completion(svc.db, svc.content, Viewer.bureau(county_scope(svc.content, "yangli")), own, fmt="xlsx")
    assert "按县" not in load_workbook(io.BytesIO(own.getvalue()), read_only=True).sheetnames  # one county


async def test_roster_rows_name_their_county_where_two_share_a_township_name(msvc: Services, tmp_path: Path) -> None:
    header = [*HEADER, "县"]
    rows = [
        [*person_row(31, "前所乡", "南村"), "五寨县"],
        [*person_row(32, "前所乡", "北村"), "样例县"],
        [*person_row(33, "前所乡", "北村"), ""],  # which 前所乡? refused, with why
        [*person_row(34, "东川镇", "河村"), "五寨县"],  # not a township of that county
    ]
    path = write_xlsx(tmp_path / "two.xlsx", rows, header)
    report = await import_ledger(path, msvc.roster, msvc.content, KEY, skip_bad=True)
    assert report.added == 2, report.summary()
    problems = " ".join(" ".join(b.problems) for b in report.bad)
    assert "几个县都有" in problems and "乡镇不认识：东川镇" in problems
    placed = {p.name: p.township_id for p in await msvc.roster.people(Scope())}
    assert placed == {"张31": "qiansuo", "张32": "yl-qiansuo"}


async def test_a_county_bureaus_import_takes_only_its_county(msvc: Services, tmp_path: Path) -> None:
    header = [*HEADER, "县"]
    rows = [[*person_row(41, "东川镇", "河村"), ""], [*person_row(42, "孙家坪乡", "东村"), "五寨县"]]
    path = write_xlsx(tmp_path / "own.xlsx", rows, header)
    report = await import_ledger(path, msvc.roster, msvc.content, KEY, skip_bad=True, county="yangli")
    assert report.added == 1 and "五寨县不在您负责的范围" in " ".join(" ".join(b.problems) for b in report.bad)


def test_the_prefectures_chart_has_one_group_per_county() -> None:
    from datetime import UTC, datetime

    from bot.reports.chart import reach_figure
    from tests.fakes.counties import two_counties

    rows = [
        ReachRow("sunjiaping", "东村", 10, 2, 7, 5, 1, 0),
        ReachRow("qiansuo", "南村", 10, 0, 3, 0, 0, 0),
        ReachRow("dongchuan", "河村", 4, 4, 0, 0, 0, 0),
    ]
    fig = reach_figure(rows, two_counties(), "政策宣讲#1触达情况", datetime(2026, 12, 1, tzinfo=UTC))
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["五寨县\n触达率 50.0%", "样例县\n触达率 0.0%"]
