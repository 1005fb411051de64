"""电话回访 (the notice's phone-callback check): the 10% sample per township, each call's result entered by
staff, and the tally per township (counts and rates) — one service for the pages and the CLI.

The sample is drawn per township (bot.reports.service.callback_sample); a village liaison sees the part of
their township's sample that lives in their village, never a sample of their own. A result may be recorded
only for a person in the sample and inside the staff member's scope (the scope rule is bot.roster.access).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, BinaryIO

from bot.clock import SHANGHAI
from bot.content import ContentPack
from bot.reports.exports import LEDGER_COLUMNS, heading
from bot.reports.service import callback_sample, place
from bot.reports.workbook import Column, Table, pages, rate_text, write_report
from bot.roster.visibility import Viewer
from storage.callbacks import SATISFACTION, CallbackAnswers, CallbackResult, CallbackStore
from storage.database import Database
from storage.people import Person, Scope

MAX_NOTE = 100
YES_NO = {"1": True, "0": False}
QUESTIONS = (  # form field, what the caller asks
    ("ledger_right", "台账准确"),
    ("knows_transport", "知晓交通补贴"),
    ("got_transport", "享受交通补贴"),
    ("knows_retention", "知晓稳岗补贴"),
    ("got_retention", "享受稳岗补贴"),
)


class CallbackError(ValueError):
    """Why a result cannot be stored (Chinese, for the page or the terminal)."""


def this_month() -> str:
    """The default sample batch: this month in Beijing time (e.g. 2026-12)."""
    return datetime.now(SHANGHAI).strftime("%Y-%m")


def typed_answers(form: Mapping[str, Any]) -> CallbackAnswers:
    """Whatever the form holds, unchecked (to show a refused form again as it was filled in)."""
    flags = {key: YES_NO.get(str(form.get(key, ""))) for key, _ in QUESTIONS}
    satisfaction = str(form.get("satisfaction", ""))
    note = str(form.get("note", ""))[:MAX_NOTE]
    chosen = satisfaction if satisfaction in SATISFACTION else None
    return CallbackAnswers(str(form.get("reached", "")) == "1", **flags, satisfaction=chosen, note=note)


def read_answers(form: Mapping[str, Any]) -> CallbackAnswers:
    """A call's answers from a form; a reached call needs every answer."""
    reached = str(form.get("reached", ""))
    if reached not in ("1", "0"):
        raise CallbackError("请选：接通了，还是没接通。")
    note = str(form.get("note", "")).strip()
    if len(note) > MAX_NOTE:
        raise CallbackError(f"备注不能超过 {MAX_NOTE} 字。")
    if reached == "0":
        return CallbackAnswers(False, note=note)
    flags = {key: YES_NO.get(str(form.get(key, ""))) for key, _ in QUESTIONS}
    satisfaction = str(form.get("satisfaction", ""))
    missing = [label for key, label in QUESTIONS if flags[key] is None]
    if satisfaction not in SATISFACTION:
        missing.append("满意度")
    if missing:
        raise CallbackError(f"接通了的，请把这几项选上：{'、'.join(missing)}。")
    return CallbackAnswers(True, **flags, satisfaction=satisfaction, note=note)


@dataclass
class CallbackTally:
    """One township's (or the 合计 row's) figures; the rates are over the calls reached."""

    township_id: str
    name: str
    sampled: int = 0
    called: int = 0  # results recorded (reached or not)
    not_reached: int = 0
    reached: int = 0
    ledger_right: int = 0
    knows_transport: int = 0
    got_transport: int = 0
    knows_retention: int = 0
    got_retention: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0

    def add(self, result: CallbackResult | None) -> None:
        self.sampled += 1
        if result is None:
            return
        a = result.answers
        self.called += 1
        if not a.reached:
            self.not_reached += 1
            return
        self.reached += 1
        self.ledger_right += bool(a.ledger_right)
        self.knows_transport += bool(a.knows_transport)
        self.got_transport += bool(a.got_transport)
        self.knows_retention += bool(a.knows_retention)
        self.got_retention += bool(a.got_retention)
        self.satisfied += a.satisfaction == "满意"
        self.basic += a.satisfaction == "基本满意"
        self.unsatisfied += a.satisfaction == "不满意"

    def row(self) -> list[int | str]:
        return [
            self.name,
            self.sampled,
            self.called,
            self.not_reached,
            self.reached,
            self.ledger_right,
            self.knows_transport,
            self.got_transport,
            self.knows_retention,
            self.got_retention,
            self.satisfied,
            self.basic,
            self.unsatisfied,
            self.satisfied + self.basic,
        ]


class PhoneCallbacks:
    def __init__(self, db: Database, content: ContentPack) -> None:
        self.db = db
        self.content = content
        self.store = CallbackStore(db)

    async def sample(self, seed: str, scope: Scope, category: str = "脱贫户") -> list[Person]:
        """The sampled people inside the scope: each township's sample (never a village's own)."""
        whole = replace(scope, village=None)  # a liaison's village: the part of its township's sample
        chosen = await callback_sample(self.db, seed, whole, category)
        return [p for p in chosen if scope.covers(p.township_id, p.village)]

    async def in_sample(self, seed: str, person: Person) -> bool:
        chosen = await callback_sample(self.db, seed, Scope(person.township_id))
        return any(p.person_id == person.person_id for p in chosen)

    async def results(self, seed: str, scope: Scope) -> dict[str, CallbackResult]:
        return await self.store.results(seed, scope)

    async def result(self, seed: str, person: Person) -> CallbackResult | None:
        return await self.store.result(seed, person.person_id)

    async def record(
        self, seed: str, scope: Scope, person: Person, answers: CallbackAnswers, actor: str, name: str
    ) -> CallbackResult | None:
        """Store one call's result; None when the person is outside the scope or not in this batch's sample."""
        if not scope.covers(person.township_id, person.village) or not await self.in_sample(seed, person):
            return None
        return await self.store.save(seed, person.person_id, person.township_id, person.village, answers, actor, name)

    def tally(self, chosen: Sequence[Person], results: Mapping[str, CallbackResult]) -> list[CallbackTally]:
        """Per township in the county's official order, then the 合计 row (last)."""
        rows: dict[str, CallbackTally] = {}
        total = CallbackTally("", "合计")
        for person in chosen:
            township = person.township_id
            row = rows.setdefault(township, CallbackTally(township, place(self.content, township)))
            row.add(results.get(person.person_id))
            total.add(results.get(person.person_id))
        ordered = sorted(rows.values(), key=lambda t: (self.content.township_rank(t.township_id), t.township_id))
        return [*ordered, total]

    async def export(self, seed: str, viewer: Viewer, target: BinaryIO) -> int:
        """The XLSX: the tally per township (totals and rates) and every sampled person with the result."""
        chosen = await self.sample(seed, viewer.scope)
        results = await self.results(seed, viewer.scope)
        tallies = self.tally(chosen, results)[:-1]  # the workbook writes its own 合计 row
        ordered = sorted(chosen, key=lambda p: (self.content.township_rank(p.township_id), p.village, p.name))
        tables = [
            Table("回访统计", TALLY_COLUMNS, pages(t.row() for t in tallies)),
            Table("回访名单", LIST_COLUMNS, pages(self._line(p, results.get(p.person_id), viewer) for p in ordered)),
        ]
        title = heading(f"脱贫劳动力电话回访（批次 {seed}）", viewer, self.content, datetime.now(UTC))
        return await write_report(target, title, tables, "xlsx")

    def _line(self, p: Person, result: CallbackResult | None, viewer: Viewer) -> list[Any]:
        line: list[Any] = [place(self.content, p.township_id), p.village, p.name, p.id_last4, viewer.phone(p)]
        line += [p.work_place, p.employer, p.wage]
        if result is None:
            return [*line, "未回访"]
        a = result.answers
        answers = [yes_no(getattr(a, key)) for key, _ in QUESTIONS]
        when = result.recorded_at
        return [*line, "接通" if a.reached else "未接通", *answers, a.satisfaction, a.note, result.recorded_name, when]


def tally_text(seed: str, tallies: Sequence[CallbackTally]) -> str:
    """The tally for the terminal: per township, then 合计 (rates over the calls reached)."""
    lines = [f"电话回访（批次 {seed}）：抽样 / 已回访 / 未接通 / 台账准确率 / 知晓交通补贴 / 知晓稳岗补贴 / 满意率"]
    for t in tallies:
        lines.append(
            f"{t.name}：{t.sampled} / {t.called} / {t.not_reached} / {rate_text(t.ledger_right, t.reached)} / "
            f"{rate_text(t.knows_transport, t.reached)} / {rate_text(t.knows_retention, t.reached)} / "
            f"{rate_text(t.satisfied + t.basic, t.reached)}"
        )
    return "\n".join(lines)


def yes_no(value: bool | None) -> str:
    return "" if value is None else "是" if value else "否"


TALLY_COLUMNS = (
    Column("乡镇"),
    Column("抽样人数", "int", total=True),
    Column("已回访", "int", total=True),
    Column("未接通", "int", total=True),
    Column("接通", "int", total=True),
    Column("台账准确", "int", total=True),
    Column("知晓交通补贴", "int", total=True),
    Column("享受交通补贴", "int", total=True),
    Column("知晓稳岗补贴", "int", total=True),
    Column("享受稳岗补贴", "int", total=True),
    Column("满意", "int", total=True),
    Column("基本满意", "int", total=True),
    Column("不满意", "int", total=True),
    Column("满意和基本满意", "int", total=True),
    Column("回访完成率", "rate", rate=(2, 1)),
    Column("台账准确率", "rate", rate=(5, 4)),
    Column("交通补贴知晓率", "rate", rate=(6, 4)),
    Column("稳岗补贴知晓率", "rate", rate=(8, 4)),
    Column("满意率", "rate", rate=(13, 4)),
)
LIST_COLUMNS = (
    *LEDGER_COLUMNS,
    Column("回访结果"),
    *(Column(label) for _, label in QUESTIONS),
    Column("满意度"),
    Column("备注"),
    Column("回访人"),
    Column("回访时间", "datetime"),
)
