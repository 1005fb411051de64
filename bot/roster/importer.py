"""Importing a ledger into the roster: every row validated, bad rows reported by row number.

An import with any bad row changes nothing unless `skip_bad` is set; `dry_run` only reports. Rows are
streamed from the file in batches, so a large ledger never sits in memory: a first pass reads and validates
every row (nothing is written when a bad row stops the import), a second pass reads the file again and
writes it in short units of work, one after another, so replies to users never wait behind the import for
more than one of them. A process killed during the second pass leaves the rows written so far; importing the
same file again completes it (rows are matched by ID number). Re-importing updates people by
ID number (its keyed hash), never duplicates them. A correction of work information that a liaison
confirmed is kept when the ledger has not caught up with it: the ledger still shows the value the
correction replaced, or the ledger was saved before the correction (the workbook's own "modified" time; a
CSV's file time). Each such difference is reported for the bureau to resolve; a ledger saved after the
correction with yet another value is the bureau's newer word and wins.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.content import ContentPack
from bot.privacy import mask_phone
from bot.roster import fields as f
from bot.roster.fields import FieldError, IdHasher
from bot.roster.read import RawRow, read_ledger
from storage.roster import WORK_FIELDS, Correction, Person, RosterStore

log = logging.getLogger(__name__)
BATCH = 5000  # rows read and validated at a time
WRITE_BATCH = 250  # rows written per unit of work: other writers (replies) wait at most one such write
# Validation is pure Python in a worker thread: without a pause it keeps the GIL for the interpreter's whole
# switch interval (5 ms) each time the event loop wakes up, and a reply needs many wake-ups (measured: reply
# p99 520 ms during a 20,000-row import; 239 ms with a shorter switch interval).
YIELD_EVERY = 20
KEPT_BAD = 1000  # bad rows kept for the report (all are counted)
Progress = Callable[[int, int | None], None]

NO_KEY = (
    "没有配置身份证号加密密钥，不能导入花名册。请设置环境变量 BOT_ROSTER_ID_KEY"
    "（或配置文件 [roster] id_key），用一串足够长的随机字符，并妥善保管：换了密钥，已导入的人就对不上了。"
)


class RosterKeyMissing(Exception):
    """BOT_ROSTER_ID_KEY is not set."""

    def __init__(self) -> None:
        super().__init__(NO_KEY)


@dataclass(frozen=True, slots=True)
class BadRow:
    where: str
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.where}：{'；'.join(self.problems)}"


@dataclass(frozen=True, slots=True)
class Conflict:
    """A ledger value that differs from a correction a liaison confirmed after the ledger was saved."""

    where: str
    name: str
    field: str
    ledger: str
    confirmed: str

    def shown(self) -> tuple[str, str, str]:
        """(field label, ledger value, confirmed value) for people to read: phone numbers masked."""
        shown = (mask_phone(self.ledger), mask_phone(self.confirmed)) if self.field == "phone" else None
        ledger, confirmed = shown or (self.ledger, self.confirmed)
        return f.LABELS.get(self.field, self.field), ledger or "空", confirmed or "空"

    def __str__(self) -> str:
        label, ledger, confirmed = self.shown()
        return f"{self.where} {self.name} {label}：台账「{ledger}」，联络员已确认「{confirmed}」"


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    bad: list[BadRow] = field(default_factory=list)  # the first KEPT_BAD of them
    notes: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    applied: bool = False
    bad_count: int = 0  # every bad row, also those beyond KEPT_BAD

    def summary(self) -> str:
        bad = max(self.bad_count, len(self.bad))
        lines = [f"{self.file}：共 {self.rows} 行，有问题 {bad} 行。"]
        lines += [f"  · {n}" for n in self.notes]
        lines += [f"  ✗ {b}" for b in self.bad[:200]]
        if bad > 200:
            lines.append(f"  ……还有 {bad - 200} 行有问题")
        if self.conflicts:
            lines.append(
                f"台账与联络员确认过的更正不一致 {len(self.conflicts)} 处，"
                "保留了确认过的更正（比台账新），请核对后改台账："
            )
            lines += [f"  ! {c}" for c in self.conflicts[:200]]
        if self.applied:
            lines.append(f"已导入：新增 {self.added} 人，更新 {self.updated} 人。")
        elif self.bad:
            lines.append("有问题的行没改好之前，什么都没有导入（改好后重新导入；或加 --skip-bad 只导入没问题的行）。")
        else:
            lines.append(f"试导入（--dry-run）：将新增 {self.added} 人，更新 {self.updated} 人，数据库没有改动。")
        return "\n".join(lines)


def hasher_for(key: str) -> IdHasher:
    if not key:
        raise RosterKeyMissing()
    return IdHasher(key)


def _county(problems: list[str], content: ContentPack, text: str, only: str | None) -> str | None:
    """The row's county id (its 县 column, or `only`: the importing bureau's county), when there are several."""
    if not content.multi or not text:
        return only
    found = content.county_by_name(text)
    if found is None:
        problems.append(f"县不认识：{text}")
    elif only is not None and found.id != only:
        problems.append(f"{found.name}不在您负责的范围")
    return found.id if found else only


def validate(
    rows: Iterable[RawRow],
    content: ContentPack,
    hasher: IdHasher,
    ledger: str,
    extra: tuple[str, ...] = (),
    default_township: str = "",
    wheres: dict[str, str] | None = None,
    first_seen: dict[str, str] | None = None,
    county: str | None = None,
) -> tuple[list[Person], list[BadRow]]:
    """Turn raw rows into people; every problem of every row is reported, none is fatal here.
    `wheres`, when given, is filled with each good row's place (by ID hash); `first_seen` (ID number ->
    place) carries duplicate detection across the batches of one file; `county`: only that county's
    townships (a county's bureau importing)."""
    people: list[Person] = []
    bad: list[BadRow] = []
    first_seen = {} if first_seen is None else first_seen
    for n, raw in enumerate(rows):
        if n % YIELD_EVERY == 0:
            time.sleep(0)  # in a worker thread: hand the GIL to the event loop (replies) now and then
        problems: list[str] = []
        cells = raw.cells

        name = f.text(cells.get("name"), 20).replace(" ", "")
        if not name:
            problems.append("姓名是空的")
        id_number = _check(problems, f.id_number, "id_number", cells.get("id_number"))
        phone = _check(problems, f.phone, "phone", cells.get("phone"))
        township_text = f.text(cells.get("township"), 20).replace(" ", "") or default_township
        in_county = _county(problems, content, f.text(cells.get("county"), 20).replace(" ", ""), county)
        township = content.township_by_name(township_text, in_county)
        if township is None and in_county is None and content.townships_named(township_text) > 1:
            problems.append(f"乡镇「{township_text}」几个县都有，请加一列「县」写明是哪个县")
        elif township is None:
            problems.append(f"乡镇不认识：{township_text or '空'}" if township_text else "乡镇是空的")
        cats = _check(problems, lambda v: ",".join(f.categories(v, extra)), "categories", cells.get("categories"))
        wage = _check(problems, f.wage, "wage", cells.get("wage"))
        since = _check(problems, f.day, "work_since", cells.get("work_since"))
        status = f.text(cells.get("work_status"), 20)
        wish = _wish(problems, cells.get("wants_work"), status)
        if id_number:
            earlier = first_seen.setdefault(id_number, raw.where)
            if earlier != raw.where:
                problems.append(f"身份证号与{earlier}重复")
        if problems or township is None:
            bad.append(BadRow(raw.where, tuple(problems)))
            continue
        digest = hasher.digest(id_number)
        if wheres is not None:
            wheres[digest] = raw.where
        people.append(
            Person(
                person_id=IdHasher.person_id(digest),
                id_hash=digest,
                id_last4=id_number[-4:],
                name=name,
                phone=phone,
                township_id=township.id,
                village=f.text(cells.get("village"), 30).replace(" ", ""),
                household=f.text(cells.get("household"), 20),
                categories=cats,
                work_status=status,
                work_place=f.text(cells.get("work_place")),
                employer=f.text(cells.get("employer")),
                wage=wage,
                work_since=since,
                ledger=ledger,
                wants_work=wish,
            )
        )
    return people, bad


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


def saved_at(path: Path) -> str:
    """When the ledger was last saved (ISO UTC): the workbook's own "modified" property, else the file's time."""
    if path.suffix.lower() == ".xlsx":
        try:
            with zipfile.ZipFile(path) as book:
                found = _MODIFIED.search(book.read("docProps/core.xml"))
            if found:
                moment = datetime.fromisoformat(found.group(1).decode().strip().replace("Z", "+00:00"))
                moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                return moment.astimezone(UTC).isoformat(timespec="seconds")
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            pass
    return datetime.fromtimestamp(os.path.getmtime(path), UTC).isoformat(timespec="seconds")


def _stale(ledger: str, correction: Correction, ledger_saved: str) -> bool:
    """The ledger has not caught up with the correction: it shows the replaced value, or predates it."""
    if ledger == correction.value:
        return False
    return ledger == correction.previous or ledger_saved <= correction.decided_at


def apply_corrections(
    people: list[Person], corrections: dict[tuple[str, str], Correction], wheres: dict[str, str], ledger_saved: str
) -> tuple[list[Person], list[Conflict]]:
    """Keep the confirmed corrections the ledger has not caught up with (loaded once per import, applied per
    batch): the people with those values kept, and each conflict."""
    if not corrections:
        return people, []
    kept: list[Person] = []
    conflicts: list[Conflict] = []
    for person in people:
        changes: dict[str, Any] = {}
        for name in WORK_FIELDS:
            correction = corrections.get((person.person_id, name))
            ledger = getattr(person, name)
            if correction is not None and _stale(ledger, correction, ledger_saved):
                conflicts.append(Conflict(wheres.get(person.id_hash, ""), person.name, name, ledger, correction.value))
                changes[name] = correction.value
        kept.append(dataclasses.replace(person, **changes) if changes else person)
    return kept, conflicts


def _wish(problems: list[str], value: object, status: str) -> int:
    try:
        return f.wants_work(value, status)
    except FieldError as exc:
        problems.append(f"{f.LABELS['wants_work']}：{exc}")
        return 1


def _check(problems: list[str], fn: Callable[[object], str], key: str, value: object) -> str:
    try:
        return fn(value)
    except FieldError as exc:
        problems.append(f"{f.LABELS[key]}：{exc}")
        return ""


async def import_ledger(
    path: Path,
    store: RosterStore,
    content: ContentPack,
    key: str,
    *,
    dry_run: bool = False,
    skip_bad: bool = False,
    category: tuple[str, ...] = (),
    township: str = "",
    actor: str = "cli",
    progress: Progress | None = None,
    county: str | None = None,
) -> ImportReport:
    """Read, validate and (unless dry-run or bad rows without skip_bad) store one ledger file.

    Rows stream from the file in batches of BATCH, read and validated in a worker thread (the event loop
    keeps serving); written in a second pass over the file, WRITE_BATCH rows per unit of work, only when
    the whole file may be applied. Confirmed corrections newer than the file are kept (conflicts).
    """
    hasher = hasher_for(key)
    for name in category:
        if name not in f.CATEGORIES:
            raise ValueError(f"人员类别不认识：{name}")
    if township and content.township_by_name(township, county) is None:
        raise ValueError(f"乡镇不认识：{township}")
    required = tuple(r for r in f.REQUIRED if r != "township") if township else f.REQUIRED
    ledger = read_ledger(path, required)
    saved = await asyncio.to_thread(saved_at, path)
    corrections = await store.confirmed_corrections()
    report = ImportReport(path.name, notes=ledger.notes)
    seen: dict[str, str] = {}

    def next_batch() -> tuple[int, list[Person], list[BadRow]] | None:
        """Read and validate the next rows (in a worker thread: the event loop keeps serving)."""
        rows = _take(ledger.rows, BATCH)
        if not rows:
            return None
        wheres: dict[str, str] = {}
        people, bad = validate(rows, content, hasher, path.name, category, township, wheres, seen, county)
        people, conflicts = apply_corrections(people, corrections, wheres, saved)
        report.conflicts += conflicts
        return len(rows), people, bad

    async def validate_all() -> None:
        while (batch := await asyncio.to_thread(next_batch)) is not None:
            count, people, bad = batch
            report.rows += count
            report.bad_count += len(bad)
            report.bad += bad[: max(0, KEPT_BAD - len(report.bad))]
            if dry_run:
                known = len(await store.known_hashes([p.id_hash for p in people]))
                report.updated += known
                report.added += len(people) - known
            if progress is not None:
                progress(report.rows, ledger.expected)

    await validate_all()  # every row read and validated first, nothing written
    if dry_run:
        _done(progress, report.rows)
        return report
    if report.bad_count and not skip_bad:
        report.added = report.updated = 0
        _done(progress, report.rows)
        return report
    before = await store.count()
    again = read_ledger(path, required)  # the second pass reads the file again: memory stays flat
    seen_again: dict[str, str] = {}

    def next_people() -> tuple[int, list[Person]] | None:
        rows = _take(again.rows, BATCH)
        if not rows:
            return None
        wheres: dict[str, str] = {}
        people, _ = validate(rows, content, hasher, path.name, category, township, wheres, seen_again, county)
        return len(rows), apply_corrections(people, corrections, wheres, saved)[0]

    done = 0
    while (batch := await asyncio.to_thread(next_people)) is not None:
        count, people = batch
        for start in range(0, len(people), WRITE_BATCH):
            await store.write(people[start : start + WRITE_BATCH])  # its own short unit of work
        done += count
        if progress is not None:
            progress(done, again.expected)
    report.added = await store.count() - before
    report.updated = report.rows - report.bad_count - report.added
    _done(progress, report.rows)
    report.applied = True
    await store.audit(
        actor, "bureau", "roster.import", f"{path.name}: +{report.added} ~{report.updated} bad {report.bad_count}"
    )
    log.info(
        "roster import %s: %d added, %d updated, %d bad rows", path.name, report.added, report.updated, report.bad_count
    )
    return report


def _take(rows: Iterator[RawRow], count: int) -> list[RawRow]:
    """Up to `count` rows from the file, handing the GIL to the event loop now and then (YIELD_EVERY)."""
    taken: list[RawRow] = []
    for row in itertools.islice(rows, count):
        taken.append(row)
        if len(taken) % YIELD_EVERY == 0:
            time.sleep(0)
    return taken


def _done(progress: Progress | None, rows: int) -> None:
    if progress is not None:
        progress(rows, rows)
