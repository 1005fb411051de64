"""Tallying the filled-in phone-callback sheet (电话回访): accuracy of the ledger, awareness, receipt, satisfaction.

The sheet is the one `report sample --out` writes (a title row, then the header); callers fill in the 核实
columns (only where the ledger is wrong) and the three answer columns. The notice asks the bureau to report
accuracy and satisfaction per township; this reads the sheet back and counts them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.roster.read import LedgerError

CHECKED = (("务工地点(台账)", "务工地点(核实)"), ("企业(台账)", "企业(核实)"), ("工资(台账)", "工资(核实)"))
AWARE, RECEIVED, SATISFIED = "知晓交通补贴/稳岗补贴", "领取情况", "满意度"
YES = {"是", "知道", "知晓", "已知晓", "领了", "已领", "已领取", "领到了", "有", "yes", "y", "1"}
NO = {"否", "不知道", "不知晓", "未知晓", "没领", "未领", "未领取", "没领到", "没有", "no", "n", "0"}


@dataclass
class CallbackTally:
    township: str
    called: int = 0  # rows with any answer or correction
    accurate: int = 0  # the ledger's work information was right
    aware: Counter[str] = field(default_factory=Counter)  # yes / no / other
    received: Counter[str] = field(default_factory=Counter)
    satisfaction: Counter[str] = field(default_factory=Counter)


def _text(value: Any) -> str:
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()


def _answer(value: str) -> str:
    low = value.lower()
    return "yes" if low in YES else "no" if low in NO else "other"


def tally_callbacks(path: Path) -> list[CallbackTally]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise LedgerError(f"{path.name}：打不开这个表格（{type(exc).__name__}）") from None
    try:
        rows = iter(book.worksheets[0].iter_rows(values_only=True))
        needed = ["乡镇", AWARE, RECEIVED, SATISFIED, *(c for pair in CHECKED for c in pair)]
        header: list[str] = []
        for _ in range(5):  # the header is under the sheet's title row
            header = [_text(h) for h in next(rows, ())]
            if "乡镇" in header:
                break
        missing = [h for h in needed if h not in header]
        if missing:
            raise LedgerError(f"{path.name}：不是回访抽样表（缺少列：{'、'.join(missing)}）")
        col = {h: header.index(h) for h in needed}
        tallies: dict[str, CallbackTally] = {}
        for row in rows:
            cell = {h: _text(row[i]) if i < len(row) else "" for h, i in col.items()}
            if cell["乡镇"] == "合计":
                continue
            answers = [cell[AWARE], cell[RECEIVED], cell[SATISFIED], *(cell[c] for _, c in CHECKED)]
            if not cell["乡镇"] or not any(answers):
                continue  # not called (yet)
            tally = tallies.setdefault(cell["乡镇"], CallbackTally(cell["乡镇"]))
            tally.called += 1
            tally.accurate += all(not cell[checked] or cell[checked] == cell[ledger] for ledger, checked in CHECKED)
            if cell[AWARE]:
                tally.aware[_answer(cell[AWARE])] += 1
            if cell[RECEIVED]:
                tally.received[_answer(cell[RECEIVED])] += 1
            if cell[SATISFIED]:
                tally.satisfaction[cell[SATISFIED]] += 1
    finally:
        book.close()
    return sorted(tallies.values(), key=lambda t: t.township)


def callbacks_text(tallies: list[CallbackTally]) -> str:
    if not tallies:
        return "回访表里还没有填写结果。"
    lines = ["电话回访结果：已回访 / 台账准确率 / 知晓(是,否) / 领取(是,否) / 满意度"]
    for t in tallies:
        pct = f"{100 * t.accurate / t.called:.0f}%"
        satisfied = "、".join(f"{k}{v}" for k, v in t.satisfaction.most_common()) or "-"
        lines.append(
            f"{t.township}：{t.called} / {pct} / {t.aware['yes']},{t.aware['no']} / "
            f"{t.received['yes']},{t.received['no']} / {satisfied}"
        )
    return "\n".join(lines)
