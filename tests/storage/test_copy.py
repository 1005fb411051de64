"""`db copy`: an SQLite database with history moves into PostgreSQL, verified by counts and checksums."""

from __future__ import annotations

import concurrent.futures
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import ContentPack
from bot.messages import Reply
from bot.outbox.sender import Outbox, Push
from storage import Database, QuestionStore, ServiceLedger, StorageError
from storage.copy import copy_database
from storage.people import Scope
from tests.fakes.postgres import empty_database
from tests.fakes.roster_data import person_row, seed


@pytest.fixture
def engine() -> str:
    return "sqlite"  # the source: a county's SQLite file


@pytest.fixture
async def target() -> AsyncIterator[str]:
    async for dsn in empty_database():
        yield dsn


async def history(db: Database, content: ContentPack, tmp: Path) -> None:
    roster = await seed(db, content, tmp, [person_row(n) for n in range(1, 30)])
    people = [p.person_id for p in await roster.people(Scope())]
    await roster.bind("wechat", "user-1", people[0], "code")
    ledger = ServiceLedger(db)
    await ledger.record("career_guidance", "visit:1", person_id=people[1], source="staff", recorded_by="liaison")
    await ledger.record("job_recommendation", "posting:1", channel="wechat", user_id="user-9")
    questions = QuestionStore(db)
    await questions.log("wechat", "user-1", "交通补贴咋领？'\";--", "answer", "transport", 0.8125)
    await questions.open("低保", "低保怎么申请", "wechat", "user-1", "user-1")
    await Outbox(db).enqueue("posting", "1", [Push("wechat", "user-1", "user", Reply("招工 ✓", image=b"\x89PNG\0"))])


async def test_a_county_database_moves_to_postgresql_verified(
    db: Database, content: ContentPack, tmp_path: Path, target: str
) -> None:
    await history(db, content, tmp_path)
    async with await Database.open(target) as pg:
        results = await copy_database(db, pg)
        assert results and all(r.verified for r in results)
        counts = {r.table: r.rows for r in results}
        assert counts["people"] == 29 and counts["question_log"] == 1 and counts["outbox"] == 1
        row = await pg.fetchone("SELECT question, score FROM question_log")
        assert row is not None and tuple(row) == ("交通补贴咋领？'\";--", 0.8125)
        new_id = await QuestionStore(pg).log("wechat", "user-2", "新问题", "decline", None, 0.0)
        assert new_id == 2  # ids continue after the copied ones
        with pytest.raises(StorageError, match="not empty"):
            await copy_database(db, pg)


async def test_the_command_copies_and_reports(
    db: Database,
    content: ContentPack,
    tmp_path: Path,
    target: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await history(db, content, tmp_path)
    assert db.path is not None
    monkeypatch.setenv("BOT_DATABASE", str(db.path))
    monkeypatch.setenv("BOT_CONTENT_DIR", str(tmp_path))
    assert await_in_thread(lambda: main(["db", "copy", "--to", target])) == 0
    out = capsys.readouterr().out
    assert "people" in out and "计数和校验和一致" in out and "MISMATCH" not in out


def await_in_thread(fn: Callable[[], int]) -> int:
    """The CLI runs its own event loop: call it from a thread, away from the test's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()
