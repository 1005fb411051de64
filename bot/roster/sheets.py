"""XLSX files the bureau prints or files: binding-code sheets per village and table exports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.roster.binding import PAYLOAD_PREFIX, IssuedCode, deep_link, local_time
from bot.roster.xlsx_write import write_xlsx

CODE_HEADER = ("姓名", "身份证后四位", "绑定码", "有效期至(北京时间)", "Telegram 链接", "微信二维码场景值", "本人签收")


def write_table(path: Path, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> Path:
    """Write (title, header, rows) sheets to one XLSX file (streamed; fast for 100,000 rows)."""
    return write_xlsx(path, sheets)


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
