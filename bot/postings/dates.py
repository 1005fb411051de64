"""Reading a posting's 有效期 / 截止日期 in the many ways people write it, relative to today (Asia/Shanghai)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_FULL = re.compile(r"(20\d{2}|\d{2})\s*[年\-/.．]\s*(\d{1,2})\s*[月\-/.．]\s*(\d{1,2})\s*[日号]?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?|(?<![\d.])(\d{1,2})[./](\d{1,2})(?![\d./])")
_CN_MONTH_DAY = re.compile(r"([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})[日号]")
_RELATIVE = re.compile(
    r"(?<![\d一二两三四五六七八九十])(\d+|[一二两三四五六七八九十]+)\s*(天|日|周|星期|个月|月)(?:内|之内|以内|有效)"
)
_COMPACT = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def today() -> date:
    return datetime.now(SHANGHAI).date()


def cn_number(text: str) -> int | None:
    """'12' -> 12, '十二' -> 12, '二十' -> 20, '三' -> 3; None when it is not a number."""
    if text.isdecimal():
        return int(text)
    if not text or any(c not in CN_DIGITS and c != "十" for c in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    value = 0
    for c in text:
        value = value * 10 + CN_DIGITS[c]
    return value


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _future(month: int, day: int, now: date) -> date | None:
    """A month and day without a year: this year, or next year when that day is long past."""
    found = _safe(now.year, month, day)
    if found is not None and found < now - timedelta(days=31):
        found = _safe(now.year + 1, month, day)
    return found


def parse_date(text: str, now: date | None = None) -> date | None:
    """The last day a posting is valid, from free text; None when no date is recognisable.

    Understands 2024年12月31日, 2024-12-31, 2024/12/31, 2024.12.31, 20241231, 24年12月31日, 12月31日,
    12.31, 十二月三十一日, 月底 / 本月底, 下月底, 年底, 30天内 / 一周内 / 两个月内, 今天 / 明天 / 后天.
    """
    now = now or today()
    text = text.strip()
    if m := _FULL.search(text):
        year = int(m.group(1))
        return _safe(year + 2000 if year < 100 else year, int(m.group(2)), int(m.group(3)))
    if m := _COMPACT.search(text):
        return _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _MONTH_DAY.search(text):
        month, day = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return _future(int(month), int(day), now)
    if m := _CN_MONTH_DAY.search(text):
        month_n, day_n = cn_number(m.group(1)), cn_number(m.group(2))
        return _future(month_n, day_n, now) if month_n and day_n else None
    if "下月底" in text or "下个月底" in text:
        year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
        return date(year, month, calendar.monthrange(year, month)[1])
    if "月底" in text or "月末" in text:
        return date(now.year, now.month, calendar.monthrange(now.year, now.month)[1])
    if "年底" in text or "年末" in text:
        return date(now.year, 12, 31)
    if m := _RELATIVE.search(text):
        n = cn_number(m.group(1))
        if n is None:
            return None
        unit = m.group(2)
        days = n * 7 if unit in ("周", "星期") else n * 30 if unit in ("个月", "月") else n
        return now + timedelta(days=days)
    for word, offset in (("后天", 2), ("明天", 1), ("今天", 0), ("当天", 0)):
        if word in text:
            return now + timedelta(days=offset)
    return None
