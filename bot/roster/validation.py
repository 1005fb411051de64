"""Validating a ledger's rows: each raw row becomes a person, or a bad row with every problem it has.

Pure and CPU-bound (run in a worker thread by bot/roster/importer.py): it hands the GIL back to the event
loop every `YIELD_EVERY` rows, so replies to users keep flowing while a large ledger is checked.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.content import ContentPack
from bot.roster import fields as f
from bot.roster.fields import FieldError, IdHasher
from bot.roster.read import RawRow
from storage.people import Person

# Without a pause validation keeps the GIL for the interpreter's whole switch interval (5 ms) each time the
# event loop wakes up, and a reply needs many wake-ups (measured: reply p99 520 ms during a 20,000-row
# import; 239 ms with a shorter switch interval).
YIELD_EVERY = 20


@dataclass(frozen=True, slots=True)
class BadRow:
    where: str
    problems: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.where}：{'；'.join(self.problems)}"


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
