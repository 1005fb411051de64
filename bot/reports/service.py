"""The bureau's reports: briefing reach, the unreached list, 1131 completion, answers, the callback sample, exports.

Texts are for chat (phones masked); XLSX exports carry full phone numbers only when the bureau asks.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from bot.content import ContentPack
from bot.privacy import mask_phone
from bot.roster.sheets import write_table
from storage.database import Database
from storage.reports import CompletionRow, ReachRow, ReportStore
from storage.roster import Person, RosterStore, Scope

REASONS = {
    "not_bound": "未绑定",
    "unreachable": "联系不上(拉黑/取关)",
    "invalid": "账号无效",
    "out_of_window": "超出微信48小时",
    "failed": "多次发送失败",
    "cancelled": "已取消",
}
SHOWN = 80  # unreached people listed in chat
REACH_HEADER = ("乡镇", "村", "目标人数", "已送达", "已确认", "联系不上", "未绑定", "发送中")


def place(content: ContentPack, township_id: str) -> str:
    township = content.townships.get(township_id)
    return township.name if township else township_id


def by_township(rows: Sequence[ReachRow]) -> list[ReachRow]:
    """Village rows summed per township (village '')."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    for r in rows:
        for i, v in enumerate((r.targeted, r.not_bound, r.delivered, r.confirmed, r.unreachable, r.pending)):
            sums[r.township_id][i] += v
    return [ReachRow(t, "", *v) for t, v in sums.items()]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def reach_text(rows: Sequence[ReachRow], content: ContentPack, title: str) -> str:
    if not rows:
        return f"{title}：您负责的范围里没有目标人员。"
    lines = [title, "乡镇/村：目标 送达 确认 联系不上 未绑定"]
    total = ReachRow("", "", *(sum(getattr(r, f) for r in rows) for f in ReachRow.__slots__[2:]))
    shown = by_township(rows) if len({r.township_id for r in rows}) > 1 else rows  # county: per township
    for r in shown:
        name = place(content, r.township_id) + r.village
        lines.append(f"{name}：{r.targeted} {r.delivered} {r.confirmed} {r.unreachable} {r.not_bound}")
        if len(lines) > 60:
            lines.append("……（全部明细请用导出）")
            break
    lines.append(
        f"合计：目标 {total.targeted}，送达 {total.delivered}（{_pct(total.delivered, total.targeted)}），"
        f"确认 {total.confirmed}，联系不上 {total.unreachable}，未绑定 {total.not_bound}，发送中 {total.pending}"
    )
    return "\n".join(lines)


def unreached_text(found: Sequence[tuple[Person, str]], content: ContentPack, total: int | None = None) -> str:
    """The list for home visits; `found` may be the first rows of `total`."""
    total = len(found) if total is None else total
    if not total:
        return "没有未触达的人。"
    lines = [f"未触达 {total} 人（请入户或电话告知）："]
    for person, reason in found[:SHOWN]:
        phone = mask_phone(person.phone) if person.phone else "无电话"
        where = place(content, person.township_id) + person.village
        lines.append(f"{where} {person.name}（户主 {person.household or '-'}）{phone} {REASONS.get(reason, reason)}")
    if total > SHOWN:
        lines.append(f"……还有 {total - SHOWN} 人，请用导出（report export）。")
    return "\n".join(lines)


def completion_text(rows: Sequence[CompletionRow], content: ContentPack) -> str:
    if not rows:
        return "您负责的范围里花名册是空的。"
    lines = ["“1131”完成情况（宣讲≥1 指导≥1 推介≥3 培训/见习≥1）", "乡镇/村：人数 宣讲 指导 推介 培训 全部完成"]
    for r in rows:
        lines.append(
            f"{place(content, r.township_id)}{r.village}：{r.people} {r.briefing} {r.guidance} {r.recommendations} "
            f"{r.training} {r.complete}（{_pct(r.complete, r.people)}）"
        )
    return "\n".join(lines)


def answers_text(rows: Sequence[tuple[str, int, int, int, int, int, int]], content: ContentPack) -> str:
    if not rows:
        return "还没有回答。"
    lines = ["回访问答：确认 / 之前知道(是,否) / 补贴领到(是,否,不适用)"]
    for township_id, confirmed, knew, new, yes, no, na in rows:
        lines.append(f"{place(content, township_id)}：{confirmed} / {knew},{new} / {yes},{no},{na}")
    return "\n".join(lines)


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


def _phone(person: Person, full: bool) -> str:
    return person.phone if full else mask_phone(person.phone) if person.phone else ""


async def export_reach(
    db: Database, campaign_id: int, scope: Scope, content: ContentPack, path: Path, full: bool
) -> Path:
    store = ReportStore(db)
    rows = await store.reach(campaign_id, scope)
    reach = [
        (
            place(content, r.township_id),
            r.village,
            r.targeted,
            r.delivered,
            r.confirmed,
            r.unreachable,
            r.not_bound,
            r.pending,
        )
        for r in rows
    ]
    missed = [
        (
            place(content, p.township_id),
            p.village,
            p.name,
            p.id_last4,
            p.household,
            _phone(p, full),
            REASONS.get(why, why),
        )
        for p, why in await store.unreached(campaign_id, scope)
    ]
    header = ("乡镇", "村", "姓名", "身份证后四位", "户主", "联系电话", "原因")
    return write_table(path, [("触达情况", REACH_HEADER, reach), ("未触达名单", header, missed)])


async def export_roster(db: Database, scope: Scope, content: ContentPack, path: Path, full: bool) -> Path:
    """The roster with each person's 1131 status, in the shape of the bureau's ledgers."""
    header = ["乡镇", "村", "姓名", "身份证后四位", "户主", "人员类别", "联系电话", "务工状态", "务工地点"]
    header += ["务工单位", "月工资", "务工时间", "政策宣讲", "职业指导", "岗位推介", "培训或见习", "1131完成"]
    names = {t: place(content, t) for t in content.townships}
    rows = (
        (
            names.get(p.township_id, p.township_id),
            p.village,
            p.name,
            p.id_last4,
            p.household,
            p.categories.replace(",", "、"),
            _phone(p, full),
            p.work_status,
            p.work_place,
            p.employer,
            p.wage,
            p.work_since,
            s.briefing,
            s.guidance,
            s.recommendations,
            s.training,
            "是" if s.complete else "否",
        )
        for p, s in await ReportStore(db).statuses(scope)
    )
    return write_table(path, [("务工台账与1131", header, rows)])


SAMPLE_HEADER = ["乡镇", "村", "姓名", "身份证后四位", "联系电话", "务工地点(台账)", "企业(台账)", "工资(台账)"]
SAMPLE_HEADER += [
    "务工地点(核实)",
    "企业(核实)",
    "电话(核实)",
    "工资(核实)",
    "知晓交通补贴/稳岗补贴",
    "领取情况",
    "满意度",
]


def sample_sheet(chosen: Sequence[Person], content: ContentPack, path: Path, full: bool) -> Path:
    """The callback sheet: the ledger's work information next to blank columns the caller fills in."""
    rows = (
        (
            place(content, p.township_id),
            p.village,
            p.name,
            p.id_last4,
            _phone(p, full),
            p.work_place,
            p.employer,
            p.wage,
        )
        for p in chosen
    )
    return write_table(path, [("电话回访", SAMPLE_HEADER, rows)])
