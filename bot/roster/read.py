"""Reading the bureau's ledgers (XLSX or CSV) into raw rows keyed by roster field.

Headers are found, not assumed: title rows above them, two-row headers whose upper cells are merged,
columns in any order, extra columns, and several sheets (each with a recognisable header is read).
Rows are streamed: the importer validates and stores them in batches, never holding the whole file's rows.
"""

from __future__ import annotations

import codecs
import csv
import logging
from collections.abc import Callable, Generator, Iterator
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
    """A ledger being read: `rows` streams (iterate once); `notes` fills in as sheets are read."""

    rows: Iterator[RawRow] = field(default_factory=lambda: iter(()))
    notes: list[str] = field(default_factory=list)  # sheets skipped, columns ignored
    required: tuple[str, ...] = REQUIRED  # columns a header must have
    expected: int | None = None  # rows in the file (header and blank rows included), when known


Sheets = Callable[[], Iterator[tuple[str, Iterator[tuple[Any, ...]]]]]
CALAMINE_LIMIT = 128 << 20  # uncompressed sheet XML above which the streaming reader is used (see _read_xlsx)


def read_ledger(path: Path, required: tuple[str, ...] = REQUIRED) -> Ledger:
    """Open a ledger; its rows are read as they are iterated (memory stays flat for any number of rows)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, required)
    if suffix in (".csv", ".txt"):
        return _read_csv(path, required)
    raise LedgerError(f"{path.name}：只能导入 .xlsx 或 .csv 文件（.xls 请先用 Excel 另存为 .xlsx）")


def _read_xlsx(path: Path, required: tuple[str, ...]) -> Ledger:
    """python-calamine (Rust) reads 100,000 rows in ~1 s but holds a sheet's cells in memory (~0.9 KB a row);
    sheets larger than CALAMINE_LIMIT are streamed by the expat reader (~6× slower, flat memory) instead.
    Files neither understands are read with openpyxl."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            size = sum(i.file_size for i in book.infolist() if i.filename.startswith("xl/worksheets/"))
    except (OSError, zipfile.BadZipFile) as exc:
        raise LedgerError(f"{path.name}：打不开这个表格（{type(exc).__name__}），请确认是 .xlsx 文件") from None
    if size <= CALAMINE_LIMIT:
        ledger = _read_calamine(path, required)
        if ledger is not None:
            return ledger
    else:
        ledger = _read_streamed(path, required)
        if ledger is not None:
            return ledger
    return _read_openpyxl(path, required)


def _read_calamine(path: Path, required: tuple[str, ...]) -> Ledger | None:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheets = [(name, book.get_sheet_by_name(name)) for name in book.sheet_names]
    except (CalamineError, OSError, ValueError) as exc:
        log.info("%s: calamine cannot read it (%s); trying openpyxl", path.name, type(exc).__name__)
        return None
    expected = sum(sheet.end[0] + 1 for _, sheet in sheets if sheet.end)  # rows up to the last used one
    ledger = Ledger(required=required, expected=expected)

    def rows() -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
        for name, sheet in sheets:
            yield name, _padded(sheet)

    ledger.rows = _collect_sheets(rows, len(sheets), ledger)
    return ledger


def _padded(sheet: Any) -> Iterator[tuple[Any, ...]]:
    """calamine's rows as openpyxl gives them: None for empty cells, whole numbers as int (below 2**53, where
    a float is exact: an 18-digit ID number stored as a number stays a float, so it is reported as such)."""
    pad = (None,) * (sheet.start or (0, 0))[1]
    for row in sheet.iter_rows():
        yield pad + tuple(
            None if v == "" else int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 2**53 else v
            for v in row
        )


def _read_streamed(path: Path, required: tuple[str, ...]) -> Ledger | None:
    from xml.parsers.expat import ExpatError

    from bot.roster.xlsx_read import XlsxFormatError, XlsxReader

    try:
        book = XlsxReader(str(path))
    except (XlsxFormatError, ExpatError, KeyError, ValueError) as exc:
        log.info("%s: streaming reader gave up (%s); reading with openpyxl", path.name, type(exc).__name__)
        return None
    ledger = Ledger(required=required)

    def rows() -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
        with book:
            for i, title in enumerate(book.sheets):
                yield title, book.rows(i)

    ledger.rows = _collect_sheets(rows, len(book.sheets), ledger)
    return ledger


def _read_openpyxl(path: Path, required: tuple[str, ...]) -> Ledger:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LedgerError(f"{path.name}：打不开这个表格（{type(exc).__name__}），请确认是 .xlsx 文件") from None
    ledger = Ledger(required=required)

    def rows() -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
        try:
            for sheet in workbook.worksheets:
                yield sheet.title, sheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    ledger.rows = _collect_sheets(rows, len(workbook.worksheets), ledger)
    return ledger


def _collect_sheets(sheets: Sheets, count: int, ledger: Ledger) -> Iterator[RawRow]:
    """Every sheet's data rows in turn; sheets without a header become notes (an error when none has one)."""
    problems: list[str] = []
    found = False
    for title, rows in sheets():
        name = title if count > 1 else ""
        collector = _collect(rows, title, name, ledger)
        try:
            while True:
                yield next(collector)
                found = True
        except StopIteration as done:
            if done.value:
                problems.append(done.value)
    if not found and problems:
        raise LedgerError("\n".join(problems))
    ledger.notes.extend(problems)


def _read_csv(path: Path, required: tuple[str, ...]) -> Ledger:
    encoding = _csv_encoding(path)
    with path.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    ledger = Ledger(required=required, expected=lines)

    def rows() -> Iterator[RawRow]:
        with path.open(encoding=encoding, newline="") as handle:
            problem = yield from _collect((tuple(r) for r in csv.reader(handle)), path.name, "", ledger)
        if problem:
            raise LedgerError(problem)

    ledger.rows = rows()
    return ledger


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030, checked over the whole file without holding it."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise LedgerError(f"{path.name}：文字编码看不懂，请另存为 UTF-8 的 CSV")


def _collect(
    rows: Iterator[tuple[Any, ...]], label: str, sheet: str, ledger: Ledger
) -> Generator[RawRow, None, str | None]:
    """Find the header in the first rows, then yield every non-blank data row; returns a problem text if no header."""
    yielded = False
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
        yielded = True
        yield RawRow(sheet, number, cells)
    if columns is None:
        best = _best_guess(head)
        missing = "、".join(LABELS[f] for f in ledger.required if f not in best)
        return f"{label}：找不到表头（缺少列：{missing}），这个工作表没有导入" if head else f"{label}：是空的"
    if header_at and not yielded:
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
