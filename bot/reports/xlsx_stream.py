"""A streaming XLSX writer for report-ready sheets: title row, frozen header, autofilter, widths, number formats.

Measured here (2 shared cores): XlsxWriter's constant-memory mode writes ~30,000 cells/s, so a 100,000-row
roster export (18 columns) would take about a minute; writing the sheet XML directly runs ~10× faster with
the same flat memory. This writes only what the reports need: inline strings, numbers, dates as serial
numbers with a date format, a bold title row merged across the columns, a styled header frozen under it,
column widths, an autofilter over header and data, and a bold totals row.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

_EPOCH = datetime(1899, 12, 30)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

# cellXfs: 0 plain, 1 title, 2 header, then per kind a plain and a bold (totals) style
KINDS = ("text", "int", "money", "date", "datetime", "rate")
_FORMATS = {"text": 0, "int": 1, "money": 164, "date": 165, "datetime": 166, "rate": 167}
STYLE = {kind: 3 + 2 * i for i, kind in enumerate(KINDS)}
BOLD = {kind: 4 + 2 * i for i, kind in enumerate(KINDS)}
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="4"><numFmt numFmtId="164" formatCode="#,##0.##"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="166" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="167" formatCode="0.0%"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/>'
    '</font><font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"/>'
    '<right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="{count}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment wrapText="1" vertical="center"/></xf>{kinds}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def _styles() -> str:
    kinds = "".join(
        f'<xf numFmtId="{_FORMATS[k]}" fontId="{font}" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"'
        + (' applyFont="1"/>' if font else "/>")
        for k in KINDS
        for font in (0, 1)
    )
    return _STYLES.format(count=3 + 2 * len(KINDS), kinds=kinds)


_ESCAPES: dict[int, str | None] = {i: None for i in (*range(0, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF)}
_ESCAPES |= {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"}


def escape(value: str) -> str:
    """Text for XML: the markup characters escaped, characters XML cannot hold dropped."""
    return value.translate(_ESCAPES)


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_S = {n: f' s="{n}"' if n else "" for n in range(64)}


def cell(value: Any, style: int) -> str:
    """One <c> element; None is an empty cell (kept, so later cells keep their column)."""
    kind = type(value)
    if kind is str:
        return f'<c{_S[style]} t="inlineStr"><is><t xml:space="preserve">{value.translate(_ESCAPES)}</t></is></c>'
    if value is None:
        return "<c/>"
    if kind is int or kind is float:
        return f"<c{_S[style]}><v>{value}</v></c>"
    if kind is bool:
        return cell("是" if value else "否", style)
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f"<c{_S[style]}><v>{serial:.6f}</v></c>"
    if isinstance(value, date):
        return f"<c{_S[style]}><v>{(value - _EPOCH.date()).days}</v></c>"
    if isinstance(value, int | float):
        return f"<c{_S[style]}><v>{value}</v></c>"
    return cell(str(value), style)


class SheetWriter:
    """One worksheet being streamed; `rows` in order, then `close` (the book opens the next sheet after)."""

    def __init__(self, out: IO[bytes], name: str, kinds: Sequence[str], widths: Sequence[float]) -> None:
        self.out, self.name, self.kinds = out, name, list(kinds)
        self.styles = [STYLE[k] for k in kinds]
        self.next_row = 1
        self.last = column_letter(max(len(kinds), 1) - 1)
        self.filter: str | None = None
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>' for i, w in enumerate(widths, start=1)
        )
        out.write(
            f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL_NS}"><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A3" sqref="A3"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'.encode()
        )

    def title(self, text: str) -> None:
        self.out.write(f'<row r="1" ht="24" customHeight="1">{cell(text, 1)}</row>'.encode())
        self.next_row = 2

    def header(self, titles: Sequence[str]) -> None:
        self.out.write(f'<row r="2">{"".join(cell(t, 2) for t in titles)}</row>'.encode())
        self.next_row = 3

    def rows(self, rows: Sequence[Sequence[Any]]) -> None:
        styles, chunk, n = self.styles, [], self.next_row
        for row in rows:
            chunk.append(f'<row r="{n}">' + "".join([cell(v, styles[i]) for i, v in enumerate(row)]) + "</row>")
            n += 1
        self.next_row = n
        self.out.write("".join(chunk).encode())

    def totals(self, row: Sequence[Any]) -> None:
        self.filter = f"A2:{self.last}{max(self.next_row - 1, 2)}"  # the totals row stays out of the filter
        bold = [BOLD[k] for k in self.kinds]
        self.out.write(
            f'<row r="{self.next_row}">{"".join(cell(v, bold[i]) for i, v in enumerate(row))}</row>'.encode()
        )
        self.next_row += 1

    def close(self) -> str:
        """Finish the sheet XML; the autofilter's range (for the workbook's defined name)."""
        ref = self.filter or f"A2:{self.last}{max(self.next_row - 1, 2)}"
        self.out.write(
            f'</sheetData><autoFilter ref="{ref}"/><mergeCells count="1"><mergeCell ref="A1:{self.last}1"/>'
            '</mergeCells><pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '<pageSetup orientation="landscape" paperSize="9"/></worksheet>'.encode()
        )
        self.out.close()
        return ref


class XlsxBook:
    """`book = XlsxBook(path or binary stream)`; `book.sheet(…)` one at a time; `book.close()`."""

    def __init__(self, target: Path | BinaryIO) -> None:
        self.zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.sheets: list[tuple[str, str]] = []  # (name, autofilter ref)
        self.current: SheetWriter | None = None

    def sheet(self, name: str, kinds: Sequence[str], widths: Sequence[float]) -> SheetWriter:
        self._finish_sheet()
        out = self.zip.open(f"xl/worksheets/sheet{len(self.sheets) + 1}.xml", "w", force_zip64=True)
        self.current = SheetWriter(out, name, kinds, widths)
        return self.current

    def _finish_sheet(self) -> None:
        if self.current is not None:
            self.sheets.append((self.current.name, self.current.close()))
            self.current = None

    def close(self) -> None:
        self._finish_sheet()
        n = len(self.sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>' for i in range(1, n + 1)
        )
        self.zip.writestr(
            "[Content_Types].xml",
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>',
        )
        self.zip.writestr(
            "_rels/.rels",
            f'{_XML}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL_NS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        self.zip.writestr("xl/styles.xml", _styles())
        entries = "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in enumerate(self.sheets, 1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"'{escape(name).replace(chr(39), chr(39) * 2)}'!{_absolute(ref)}</definedName>"
            for i, (name, ref) in enumerate(self.sheets)
        )
        self.zip.writestr(
            "xl/workbook.xml",
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL_NS}"><sheets>{entries}</sheets>'
            f"<definedNames>{names}</definedNames></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
        self.zip.writestr("xl/_rels/workbook.xml.rels", f'{_XML}<Relationships xmlns="{_PKG}">{rels}</Relationships>')
        self.zip.close()


def _absolute(ref: str) -> str:
    start, end = ref.split(":")
    return ":".join("$" + re.sub(r"(\d+)", r"$\1", part) for part in (start, end))
