"""The printable sheet of one-time binding codes a liaison hands out in their village (XLSX or CSV)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.reports.workbook import Column, Heading, Table, pages, write_report
from bot.roster.binding import PAYLOAD_PREFIX, IssuedCode, deep_link

CODE_COLUMNS = (
    Column("姓名"),
    Column("身份证后四位"),
    Column("绑定码"),
    Column("有效期至(北京时间)", "datetime"),
    Column("Telegram 链接"),
    Column("微信二维码场景值"),
    Column("本人签收"),
)


async def code_sheet(issued: Sequence[IssuedCode], place: str, bot_username: str, path: Path) -> Path:
    """A printable sheet of one-time codes: the liaison hands each line to its person."""
    rows = (
        (
            c.person.name,
            c.person.id_last4,
            c.code,
            c.expires_at,
            deep_link(bot_username, c.code),
            f"{PAYLOAD_PREFIX}{c.code}",
            "",
        )
        for c in issued
    )
    table = Table(f"{place}绑定码", CODE_COLUMNS, pages(rows), totals=False)
    await write_report(path, Heading("聊天账号绑定码", place, datetime.now(UTC)), [table])
    return path
