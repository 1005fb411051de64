"""Files the bureau prints or files: binding-code sheets per village and table exports, as XLSX or CSV.

The file's suffix decides the format: `.xlsx`, or `.csv` (UTF-8 with BOM so Excel shows Chinese; one
table only; cells that Excel would run as a formula are quoted). Any other suffix is refused.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.roster.binding import PAYLOAD_PREFIX, IssuedCode, deep_link, local_time
from bot.roster.xlsx_write import write_xlsx

CODE_HEADER = ("姓名", "身份证后四位", "绑定码", "有效期至(北京时间)", "Telegram 链接", "微信二维码场景值", "本人签收")


class OutFileError(ValueError):
    """The output file's name does not fit what is to be written (message for the operator)."""


def out_problem(path: Path, tables: int = 1) -> str | None:
    """Why `path` cannot take `tables` tables (in Chinese, for the operator), or None when it can."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        return f"--out {path.name}：只能存成 .xlsx 或 .csv 文件"
    if suffix == ".csv" and tables > 1:
        return f"--out {path.name}：这份报表有 {tables} 张表，CSV 只能存一张，请用 .xlsx"
    return None


def write_table(path: Path, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> Path:
    """Write (title, header, rows) sheets to one XLSX (streamed; fast for 100,000 rows) or CSV file."""
    problem = out_problem(path, len(sheets))
    if problem:
        raise OutFileError(problem)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(path, sheets)
    [(_, header, rows)] = sheets
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return path


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def code_sheet(issued: Sequence[IssuedCode], place: str, bot_username: str, path: Path) -> Path:
    """A printable sheet of one-time codes: the liaison hands each line to its person."""
    rows = [
        (
            c.person.name,
            c.person.id_last4,
            c.code,
            local_time(c.expires_at),
            deep_link(bot_username, c.code),
            f"{PAYLOAD_PREFIX}{c.code}",
            "",
        )
        for c in issued
    ]
    return write_table(path, [(f"{place}绑定码", CODE_HEADER, rows)])
