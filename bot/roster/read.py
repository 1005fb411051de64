"""Reading the bureau's ledgers (XLSX or CSV) into raw rows keyed by roster field.

Headers are found, not assumed: title rows above them, two-row headers whose upper cells are merged,
columns in any order, extra columns, and several sheets (each with a recognisable header is read).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.roster.fields import LABELS, REQUIRED, match_header

log = logging.getLogger(__name__)

HEADER_SCAN = 12  # rows searched for the header


class LedgerError(Exception):
    """The file cannot be read as a ledger at all; the message is Chinese and says what to fix."""


@dataclass(frozen=True, slots=True)
class RawRow:
    sheet: str
    row: int  # 1-based, as the spreadsheet shows it
    cells: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.sheet} 第{self.row}行" if self.sheet else f"第{self.row}行"


@dataclass
class Ledger:
    rows: list[RawRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # sheets skipped, columns ignored
    required: tuple[str, ...] = REQUIRED  # columns a header must have


def read_ledger(path: Path, required: tuple[str, ...] = REQUIRED) -> Ledger:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, required)
    if suffix in (".csv", ".txt"):
        return _read_csv(path, required)
    raise LedgerError(f"{path.name}：只能导入 .xlsx 或 .csv 文件（.xls 请先用 Excel 另存为 .xlsx）")


def _read_xlsx(path: Path, required: tuple[str, ...]) -> Ledger:
    from xml.parsers.expat import ExpatError

    from bot.roster.xlsx_read import XlsxFormatError

    try:
        return _read_fast(path, required)
    except (XlsxFormatError, ExpatError, KeyError, ValueError, IndexError) as exc:
        log.info("%s: fast XLSX reader gave up (%s); reading with openpyxl", path.name, type(exc).__name__)
    return _read_openpyxl(path, required)


def _read_fast(path: Path, required: tuple[str, ...]) -> Ledger:
    from bot.roster.xlsx_read import XlsxReader

    with XlsxReader(str(path)) as book:
        return _collect_sheets([(title, book.rows(i)) for i, title in enumerate(book.sheets)], required)


def _read_openpyxl(path: Path, required: tuple[str, ...]) -> Ledger:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LedgerError(f"{path.name}：打不开这个表格（{type(exc).__name__}），请确认是 .xlsx 文件") from None
    try:
        return _collect_sheets([(s.title, s.iter_rows(values_only=True)) for s in workbook.worksheets], required)
    finally:
        workbook.close()


def _collect_sheets(sheets: list[tuple[str, Iterator[tuple[Any, ...]]]], required: tuple[str, ...]) -> Ledger:
    ledger = Ledger(required=required)
    problems: list[str] = []
    for title, rows in sheets:
        name = title if len(sheets) > 1 else ""
        problem = _collect(rows, title, name, ledger)
        if problem:
            problems.append(problem)
    if not ledger.rows and problems:
        raise LedgerError("\n".join(problems))
    ledger.notes.extend(problems)
    return ledger


def _read_csv(path: Path, required: tuple[str, ...]) -> Ledger:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LedgerError(f"{path.name}：文字编码看不懂，请另存为 UTF-8 的 CSV")
    rows = (tuple(r) for r in csv.reader(io.StringIO(text)))
    ledger = Ledger(required=required)
    problem = _collect(rows, path.name, "", ledger)
    if problem:
        raise LedgerError(problem)
    return ledger


def _collect(rows: Iterator[tuple[Any, ...]], label: str, sheet: str, ledger: Ledger) -> str | None:
    """Find the header in the first rows, then append every non-blank data row; a problem text if no header."""
    head: list[tuple[Any, ...]] = []
    columns: dict[int, str] | None = None
    header_at = 0
    for number, values in enumerate(rows, start=1):
        if columns is None or number == header_at + 1:
            if columns is not None:  # the row under the header: sub-headers of a two-row header?
                more = _header([*head, values], ledger.required)
                if more is not None and len(more) > len(columns):
                    columns = more
                    _note_columns(values, columns, label, ledger)
                    continue
                _note_columns(head[-1], columns, label, ledger)
            else:
                head.append(values)
                found = _header(head, ledger.required)
                if found is not None:
                    columns, header_at = found, number
                elif number >= HEADER_SCAN:
                    break
                continue
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        cells = {f: values[i] for i, f in columns.items() if i < len(values)}
        if all(cells.get(f) in (None, "") for f in ledger.required):
            continue  # a total or remark line without a person
        ledger.rows.append(RawRow(sheet, number, cells))
    if columns is None:
        best = _best_guess(head)
        missing = "、".join(LABELS[f] for f in ledger.required if f not in best)
        return f"{label}：找不到表头（缺少列：{missing}），这个工作表没有导入" if head else f"{label}：是空的"
    if header_at and not any(r.sheet == sheet for r in ledger.rows):
        ledger.notes.append(f"{label}：表头下面没有数据")
    return None


def _header(head: list[tuple[Any, ...]], required: tuple[str, ...]) -> dict[int, str] | None:
    """Columns of the last row in `head` when it holds every required header (blank cells take the cell above)."""
    columns = _columns(head)
    return columns if all(f in columns.values() for f in required) else None


def _columns(head: list[tuple[Any, ...]]) -> dict[int, str]:
    last = head[-1]
    columns: dict[int, str] = {}
    for i in range(max(len(r) for r in head)):  # rows may be shorter than the header above them
        value = last[i] if i < len(last) else None
        for above in reversed(head[:-1]):  # vertically merged header cell: the text is in a row above
            if value not in (None, ""):
                break
            value = above[i] if i < len(above) else None
        found = match_header(value)
        if found is not None and found not in columns.values():
            columns[i] = found
    return columns


def _best_guess(head: list[tuple[Any, ...]]) -> set[str]:
    return max((set(_columns(head[: n + 1]).values()) for n in range(len(head))), key=len, default=set())


def _note_columns(values: tuple[Any, ...], columns: dict[int, str], label: str, ledger: Ledger) -> None:
    ignored = [str(v).strip() for i, v in enumerate(values) if i not in columns and v not in (None, "")]
    if ignored:
        ledger.notes.append(f"{label}：这些列不导入：{'、'.join(ignored[:10])}")
