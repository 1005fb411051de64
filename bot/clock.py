"""Time as people in the county read it: stored in UTC, shown in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_time(iso_utc: str) -> str:
    """'2026-11-25T04:03:00+00:00' -> '2026-11-25 12:03' (Beijing time)."""
    return datetime.fromisoformat(iso_utc).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
