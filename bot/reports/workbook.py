"""Report-ready tables written as XLSX (bot/reports/xlsx_stream.py) or CSV, streamed page by page.

Every sheet gets a title row (report, scope, time made in Beijing time), a bold header frozen under it with
an autofilter, column widths from the header and the first rows, numbers and dates as real numbers and dates,
rates as percentages, and a 合计 row with sums and the rates of the sums. Rows arrive as an async iterator of
pages, so 100,000 rows never sit in memory; each page is typed and written on the heavy-work pool
(bot/offload.py) so a web server's event loop keeps serving while a large export is written.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from bot.clock import SHANGHAI, local_time
from bot.offload import offload
from bot.reports.xlsx_stream import XlsxBook

Kind = Literal["text", "int", "money", "date", "datetime", "rate"]
Rows = AsyncIterator[Sequence[Sequence[Any]]]  # pages of rows
Progress = Callable[[int, int | None], None]  # (rows written, rows expected or None)
FORMATS = ("xlsx", "csv")
WIDTH_SAMPLE = 200  # rows looked at to size the columns
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportFormatError(ValueError):
    """The output file is neither .xlsx nor .csv (the message is Chinese)."""


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: Kind = "text"
    total: bool = False  # summed in the 合计 row
    rate: tuple[int, int] | None = None  # (numerator, denominator) columns: the rate, per row and of the sums


@dataclass(frozen=True, slots=True)
class Heading:
    report: str  # e.g. 政策宣讲触达情况
    scope: str  # 全县, a township, or a township and village
    made_at: datetime  # timezone-aware

    def text(self) -> str:
        return f"{self.report}（{self.scope}）  制表时间：{local_time(self.made_at.isoformat())}（北京时间）"


@dataclass
class Table:
    name: str  # the sheet's name
    columns: Sequence[Column]
    rows: Rows
    expected: int | None = None  # rows to come, for progress
    totals: bool = True
    written: int = field(default=0, init=False)


async def pages(rows: Iterable[Sequence[Any]], size: int = 2000) -> Rows:
    """A plain iterable of rows as pages (small tables built in memory)."""
    page: list[Sequence[Any]] = []
    for row in rows:
        page.append(row)
        if len(page) >= size:
            yield page
            page = []
    if page:
        yield page


def rate(part: float, whole: float) -> float | None:
    """part / whole, or None (shown empty) when whole is 0."""
    return part / whole if whole else None


def rate_text(part: float, whole: float) -> str:
    value = rate(part, whole)
    return "-" if value is None else f"{100 * value:.1f}%"


def format_of(target: Path | str) -> str:
    """'xlsx' or 'csv' from a file name; anything else is refused with a message that says what to use."""
    suffix = Path(target).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ExportFormatError(f"只能导出 .xlsx 或 .csv 文件（收到：{Path(target).name}）")
    return suffix


async def write_report(
    target: Path | BinaryIO,
    heading: Heading,
    tables: Sequence[Table],
    fmt: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the tables to a file (format from its name) or a binary stream (fmt given); rows written."""
    fmt = fmt or format_of(target if isinstance(target, Path) else "")
    if fmt not in FORMATS:
        raise ExportFormatError(f"只能导出 .xlsx 或 .csv（收到：{fmt}）")
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    expected = sum(t.expected or 0 for t in tables) or None
    counter = _Counter(progress, expected)
    if fmt == "csv":
        return await _write_csv(target, heading, tables, counter)
    return await _write_xlsx(target, heading, tables, counter)


class _Counter:
    def __init__(self, progress: Progress | None, expected: int | None) -> None:
        self.progress, self.expected, self.done = progress, expected, 0

    def add(self, n: int) -> None:
        self.done += n
        if self.progress is not None:
            self.progress(self.done, self.expected)


def _cell(column: Column, value: Any) -> Any:
    """A value as the column's type: numbers from numeric text, dates from ISO text, '' for nothing."""
    if value is None or value == "":
        return None
    try:
        if column.kind in ("int", "money", "rate"):
            number = float(value)
            return int(number) if column.kind == "int" or number.is_integer() else number
        if column.kind == "date":
            return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        if column.kind == "datetime":
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            return moment.astimezone(SHANGHAI).replace(tzinfo=None) if moment.tzinfo else moment
    except (TypeError, ValueError):
        return str(value)  # kept as written rather than lost
    return str(value)


def _typed_page(columns: Sequence[Column], page: Iterable[Sequence[Any]]) -> list[list[Any]]:
    return [_typed(columns, r) for r in page]


def _typed(columns: Sequence[Column], row: Sequence[Any]) -> list[Any]:
    out = [_cell(c, row[i] if i < len(row) else None) for i, c in enumerate(columns)]
    for i, c in enumerate(columns):
        if c.rate:
            num, den = out[c.rate[0]], out[c.rate[1]]
            out[i] = rate(num or 0, den or 0) if isinstance(den, int | float) else None
    return out


class _Sums:
    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = columns
        self.sums = [0.0] * len(columns)

    def add(self, row: Sequence[Any]) -> None:
        for i, c in enumerate(self.columns):
            if c.total and isinstance(row[i], int | float):
                self.sums[i] += row[i]

    def row(self) -> list[Any]:
        out: list[Any] = [
            (int(s) if s.is_integer() else s) if c.total else None for c, s in zip(self.columns, self.sums, strict=True)
        ]
        out[0] = "合计"
        for i, c in enumerate(self.columns):
            if c.rate:
                out[i] = rate(self.sums[c.rate[0]], self.sums[c.rate[1]])
        return out


def _width(value: Any) -> int:
    text = value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


async def _write_xlsx(target: Path | BinaryIO, heading: Heading, tables: Sequence[Table], counter: _Counter) -> int:
    book = XlsxBook(target)
    used: set[str] = set()
    try:
        for table in tables:
            await _write_sheet(book, _sheet_name(table.name, used), table, heading, counter)
    finally:
        await offload(book.close)
    return counter.done


async def _write_sheet(book: XlsxBook, name: str, table: Table, heading: Heading, counter: _Counter) -> None:
    columns = table.columns
    sums = _Sums(columns)
    sample: list[list[Any]] = []
    source = table.rows.__aiter__()
    async for page in source:
        sample.extend(await offload(_typed_page, columns, page))
        if len(sample) >= WIDTH_SAMPLE:
            break
    widths = []
    for i, c in enumerate(columns):
        seen = [_width(r[i]) for r in sample[:WIDTH_SAMPLE] if r[i] is not None]
        widths.append(min(max([_width(c.title) + 2, 8, *seen]) + 1.5, 60))
    sheet = book.sheet(name, [c.kind for c in columns], widths)
    sheet.title(heading.text())
    sheet.header([c.title for c in columns])

    def write(rows: list[list[Any]]) -> None:
        for row in rows:
            sums.add(row)
        sheet.rows(rows)

    def typed_and_written(page: Sequence[Sequence[Any]]) -> int:
        rows = _typed_page(columns, page)
        write(rows)
        return len(rows)

    await offload(write, sample)
    counter.add(len(sample))
    async for page in source:
        counter.add(await offload(typed_and_written, page))
    table.written = sheet.next_row - 3
    if table.totals and table.written:
        sheet.totals(sums.row())


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
    n = 1
    while clean in used:
        n += 1
        clean = f"{clean[:28]}_{n}"
    used.add(clean)
    return clean


def _csv_text(value: Any) -> str:
    """A cell for CSV: dates ISO, rates as percentages, and text that a spreadsheet would run as a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


async def _write_csv(target: Path | BinaryIO, heading: Heading, tables: Sequence[Table], counter: _Counter) -> int:
    """UTF-8 with a byte-order mark (Excel opens Chinese CSV correctly); tables one after another."""
    handle = target.open("wb") if isinstance(target, Path) else target
    try:
        buffer = io.StringIO()
        out = csv.writer(buffer)
        handle.write("\ufeff".encode())
        out.writerow([heading.text()])

        def text_of(page: Sequence[Sequence[Any]], columns: Sequence[Column], sums: _Sums) -> bytes:
            """A page as CSV bytes (with anything written before it), typed and summed: on the heavy-work pool."""
            for raw in page:
                row = _typed(columns, raw)
                sums.add(row)
                out.writerow([_csv_value(c, v) for c, v in zip(columns, row, strict=True)])
            text = buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            return text

        for n, table in enumerate(tables):
            if len(tables) > 1:
                if n:
                    out.writerow([])
                out.writerow([f"【{table.name}】"])
            out.writerow([c.title for c in table.columns])
            sums = _Sums(table.columns)

            async for page in table.rows:
                handle.write(await offload(text_of, page, table.columns, sums))
                table.written += len(page)
                counter.add(len(page))
            if table.totals and table.written:
                out.writerow(
                    [
                        _csv_value(c, v) if i else "合计"
                        for i, (c, v) in enumerate(zip(table.columns, sums.row(), strict=True))
                    ]
                )
        handle.write(buffer.getvalue().encode())
    finally:
        if isinstance(target, Path):
            handle.close()
    return counter.done


def _csv_value(column: Column, value: Any) -> str:
    if column.kind == "rate" and isinstance(value, int | float):
        return f"{100 * value:.1f}%"
    return _csv_text(value)
