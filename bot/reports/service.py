"""The bureau's reports as chat texts: briefing reach, the unreached list, 1131 completion, answers; the sample.

Townships are listed in the county's official order; phone numbers are shown as bot.roster.visibility decides
(full only to a village's own liaison). The XLSX/CSV exports are in bot/reports/exports.py.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from bot.content import ContentPack
from bot.reports.rollup import by_county
from bot.reports.workbook import rate_text
from bot.roster.visibility import Viewer
from storage.briefings import Campaign
from storage.database import Database
from storage.people import Person, Scope
from storage.reports import CompletionRow, ReachRow, ReportStore
from storage.roster import RosterStore

REASONS = {
    "not_bound": "未绑定",
    "unreachable": "联系不上(拉黑/取关)",
    "invalid": "账号无效",
    "out_of_window": "超出微信48小时",
    "failed": "多次发送失败",
    "cancelled": "已取消",
}
SHOWN = 80  # unreached people listed in chat


def place(content: ContentPack, township_id: str) -> str:
    """A township's name (with its county's in front when the deployment holds several counties)."""
    township = content.townships.get(township_id)
    if township is None:
        return content.county_name(township_id) if township_id in content.counties else township_id
    return content.county_name(content.county_of(township_id)) + township.name if content.multi else township.name


def scope_name(scope: Scope, content: ContentPack) -> str:
    """全县 (全市 over several counties, or a county's name), a township, or a township and village, as a
    report's title says it."""
    if scope.township_id is None:
        if scope.county_id is not None:
            return content.county_name(scope.county_id)
        return (content.prefecture or "全市") if content.multi else "全县"
    return place(content, scope.township_id) + (scope.village or "")


def campaign_title(campaign: Campaign, content: ContentPack) -> str:
    """#3「一次性交通补贴和稳岗补贴」: the briefing's Chinese title, never its file id when the file exists."""
    from bot.briefings.catalog import cached_briefings

    briefing = cached_briefings(content).get(campaign.briefing_id)
    return f"#{campaign.id}「{briefing.title if briefing else campaign.briefing_id}」"


def in_order(content: ContentPack, rows: Sequence[ReachRow]) -> list[ReachRow]:
    return sorted(rows, key=lambda r: (content.township_rank(r.township_id), r.village))


def by_township(rows: Sequence[ReachRow]) -> list[ReachRow]:
    """Village rows summed per township (village '')."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    for r in rows:
        for i, v in enumerate((r.targeted, r.not_bound, r.delivered, r.confirmed, r.unreachable, r.pending)):
            sums[r.township_id][i] += v
    return [ReachRow(t, "", *v) for t, v in sums.items()]


def reach_text(rows: Sequence[ReachRow], content: ContentPack, title: str) -> str:
    if not rows:
        return f"{title}：您负责的范围里没有目标人员。"
    lines = [title, "乡镇/村：目标 送达 确认 联系不上 未绑定 触达率"]
    total = ReachRow("", "", *(sum(getattr(r, f) for r in rows) for f in ReachRow.__slots__[2:]))
    shown = by_township(rows) if len({r.township_id for r in rows}) > 1 else rows  # county: per township
    if len({content.county_of(r.township_id) for r in rows}) > 1:
        shown = by_county(rows, content)  # the prefecture: per county
        lines[1] = lines[1].replace("乡镇/村", "县")
    for r in in_order(content, shown):
        name = place(content, r.township_id) + r.village
        lines.append(
            f"{name}：{r.targeted} {r.delivered} {r.confirmed} {r.unreachable} {r.not_bound} "
            f"{rate_text(r.delivered, r.targeted)}"
        )
        if len(lines) > 60:
            lines.append("……（全部明细请用导出）")
            break
    lines.append(
        f"合计：目标 {total.targeted}，送达 {total.delivered}（触达率 {rate_text(total.delivered, total.targeted)}），"
        f"确认 {total.confirmed}，联系不上 {total.unreachable}，未绑定 {total.not_bound}，发送中 {total.pending}"
    )
    return "\n".join(lines)


def unreached_text(
    found: Sequence[tuple[Person, str]], content: ContentPack, viewer: Viewer, total: int | None = None
) -> str:
    """The list for home visits; `found` may be the first rows of `total`; phones as the viewer may see them."""
    total = len(found) if total is None else total
    if not total:
        return "没有未触达的人。"
    lines = [f"未触达 {total} 人（请入户或电话告知）："]
    for person, reason in found[:SHOWN]:
        phone = viewer.phone(person) or "无电话"
        where = place(content, person.township_id) + person.village
        lines.append(f"{where} {person.name}（户主 {person.household or '-'}）{phone} {REASONS.get(reason, reason)}")
    if total > SHOWN:
        lines.append(f"……还有 {total - SHOWN} 人，请用导出（report export）。")
    return "\n".join(lines)


def completion_text(rows: Sequence[CompletionRow], content: ContentPack) -> str:
    if not rows:
        return "您负责的范围里花名册是空的。"
    lines = [
        "“1131”完成情况（有就业意愿的人中：宣讲≥1 指导≥1 推介≥3 培训/见习≥1）",
        "乡镇/村：人数 有就业意愿 宣讲 指导 推介 培训 全部完成（完成率）",
    ]
    shown = list(rows)
    if len({content.county_of(r.township_id) for r in rows}) > 1:
        shown = by_county(rows, content)  # the prefecture: per county, in the deployment's order
        lines[1] = lines[1].replace("乡镇/村", "县")
    else:
        shown.sort(key=lambda r: (content.township_rank(r.township_id), r.village))
    for r in shown:
        lines.append(
            f"{place(content, r.township_id)}{r.village}：{r.people} {r.wanting} {r.briefing} {r.guidance} "
            f"{r.recommendations} {r.training} {r.complete}（{rate_text(r.complete, r.wanting)}）"
        )
    if len(rows) > 1:
        wanting, complete = sum(r.wanting for r in rows), sum(r.complete for r in rows)
        lines.append(f"合计：有就业意愿 {wanting} 人，全部完成 {complete} 人（{rate_text(complete, wanting)}）")
    return "\n".join(lines)


def answers_text(rows: Sequence[tuple[str, int, int, int, int, int, int]], content: ContentPack) -> str:
    if not rows:
        return "还没有回答。"
    lines = ["回访问答：确认 / 之前知道(是,否) / 补贴领到(是,否,不适用)"]
    if len({content.county_of(r[0]) for r in rows}) > 1:  # the prefecture: per county, in the deployment's order
        rows = [_county_sum(c, [r for r in rows if content.county_of(r[0]) == c]) for c in content.counties]
        rows = [r for r in rows if sum(r[1:]) > 0]
    for township_id, confirmed, knew, new, yes, no, na in sorted(rows, key=lambda r: content.township_rank(r[0])):
        lines.append(f"{place(content, township_id)}：{confirmed} / {knew},{new} / {yes},{no},{na}")
    return "\n".join(lines)


AnswerRow = tuple[str, int, int, int, int, int, int]  # township (or county), confirmed, knew, new, yes, no, n/a


def _county_sum(county_id: str, rows: Sequence[AnswerRow]) -> AnswerRow:
    """One county's answer counts: its townships' rows summed."""
    return (
        county_id,
        sum(r[1] for r in rows),
        sum(r[2] for r in rows),
        sum(r[3] for r in rows),
        sum(r[4] for r in rows),
        sum(r[5] for r in rows),
        sum(r[6] for r in rows),
    )


async def callback_sample(db: Database, seed: str, scope: Scope, category: str = "脱贫户") -> list[Person]:
    """The notice's 电话回访: 10% per township (at least one), reproducible for the same seed and roster."""
    people = await RosterStore(db).people(scope, categories=[category] if category else [])
    groups: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        if person.phone:
            groups[person.township_id].append(person)
    chosen: list[Person] = []
    for township_id in sorted(groups):
        members = sorted(groups[township_id], key=lambda p: p.person_id)
        rng = random.Random(f"{seed}:{township_id}")
        chosen += sorted(rng.sample(members, (len(members) + 9) // 10), key=lambda p: (p.village, p.name))
    return chosen


async def first_unreached(
    db: Database, content: ContentPack, campaign_id: int, scope: Scope, limit: int = SHOWN
) -> list[tuple[Person, str]]:
    """The first `limit` unreached people in the county's official order (the chat list and the page's first screen)."""
    store = ReportStore(db)
    found: list[tuple[Person, str]] = []
    for township in sorted(await store.townships(scope), key=lambda t: (content.township_rank(t), t)):
        found += await store.unreached_page(campaign_id, scope, township, None, limit - len(found))
        if len(found) >= limit:
            break
    return found
