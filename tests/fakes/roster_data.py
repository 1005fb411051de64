"""Test data for the roster, binding, briefing and report tests: valid ID numbers and ledgers built with openpyxl."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bot.config import Config, RosterConfig
from bot.content import ContentPack
from bot.roster.importer import import_ledger
from storage import Database
from storage.roster import RosterStore

KEY = "test-roster-key-0123456789"
HEADER = [
    "序号",
    "姓名",
    "身份证号码",
    "联系电话",
    "乡镇",
    "村",
    "户主",
    "人员类别",
    "务工状态",
    "务工地点",
    "务工单位",
    "月工资",
]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(n: int, born: str = "19850612", area: str = "140928") -> str:
    """A checksum-valid 18-digit ID number (fictional: area code of 五寨县, sequence n)."""
    body = f"{area}{born}{n % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def id_with_x(start: int = 0) -> str:
    """A valid ID whose check character is X."""
    n = start
    while not make_id(n).endswith("X"):
        n += 1
    return make_id(n)


def person_row(n: int, township: str = "孙家坪乡", village: str = "东村", category: str = "脱贫户") -> list[Any]:
    rng = random.Random(n)
    return [
        n,
        f"张{n}",
        make_id(n),
        f"139{rng.randrange(10**8):08d}",
        township,
        village,
        f"张户{n}",
        category,
        "务工",
        "太原市",
        "某建筑公司",
        4000,
    ]


def write_xlsx(path: Path, rows: list[list[Any]], header: list[str] | None = None, title: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "台账"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header or HEADER))
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def roster_config(config: Config) -> Config:
    return dataclasses.replace(config, roster=RosterConfig(id_key=KEY, code_hours=1, bind_attempts=3))


async def seed(db: Database, content: ContentPack, tmp: Path, people: list[list[Any]]) -> RosterStore:
    """Import the given rows (made with person_row) into the roster."""
    store = RosterStore(db)
    report = await import_ledger(write_xlsx(tmp / "seed.xlsx", people), store, content, KEY)
    assert report.applied and not report.bad, report.summary()
    return store
