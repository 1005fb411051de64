"""Opening an SQLite database shortens the interpreter's switch interval: threads (SQLite's, an import's
validation) hand the GIL back to the event loop within SWITCH_INTERVAL instead of the default 5 ms."""

from __future__ import annotations

import sys
from pathlib import Path

from storage import Database
from storage.sqlite import SWITCH_INTERVAL


async def test_opening_sqlite_shortens_the_switch_interval(tmp_path: Path) -> None:
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)  # the interpreter's default
    try:
        db = await Database.open(tmp_path / "bot.db")
        await db.close()
        assert sys.getswitchinterval() <= SWITCH_INTERVAL < 0.005
    finally:
        sys.setswitchinterval(before)
