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

import itertools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.content import ContentPack
from bot.offload import offload
from bot.roster import fields as f
from bot.roster.corrections import Conflict, apply_corrections, saved_at
from bot.roster.fields import IdHasher
from bot.roster.read import RawRow, read_ledger
from bot.roster.validation import YIELD_EVERY, BadRow, validate
from storage.people import Person
from storage.roster import RosterStore

log = logging.getLogger(__name__)
BATCH = 5000  # rows read and validated at a time
WRITE_BATCH = 250  # rows written per unit of work: other writers (replies) wait at most one such write
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
    ledger = await offload(read_ledger, path, required)  # calamine reads a whole sheet here: off the loop
    saved = await offload(saved_at, path)
    corrections = await store.confirmed_corrections()
    report = ImportReport(path.name, notes=ledger.notes)
    seen: dict[str, str] = {}

    def check(rows: list[RawRow], wheres: dict[str, str], seen: dict[str, str]) -> tuple[list[Person], list[BadRow]]:
        """The same validation in both passes (the second pass writes exactly what the first approved)."""
        return validate(rows, content, hasher, path.name, category, township, wheres, seen, county)

    def next_batch() -> tuple[int, list[Person], list[BadRow]] | None:
        """Read and validate the next rows (on the heavy-work pool, bot/offload.py: the event loop keeps serving)."""
        rows = _take(ledger.rows, BATCH)
        if not rows:
            return None
        wheres: dict[str, str] = {}
        people, bad = check(rows, wheres, seen)
        people, conflicts = apply_corrections(people, corrections, wheres, saved)
        report.conflicts += conflicts
        return len(rows), people, bad

    async def validate_all() -> None:
        while (batch := await offload(next_batch)) is not None:
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
    again = await offload(read_ledger, path, required)  # the second pass reads the file again: memory flat
    seen_again: dict[str, str] = {}

    def next_people() -> tuple[int, list[Person]] | None:
        rows = _take(again.rows, BATCH)
        if not rows:
            return None
        wheres: dict[str, str] = {}
        people, _ = check(rows, wheres, seen_again)
        return len(rows), apply_corrections(people, corrections, wheres, saved)[0]

    done = 0
    while (batch := await offload(next_people)) is not None:
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
