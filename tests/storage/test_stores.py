import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import Awaiting, ConversationStore, Database, QuestionStore, StorageError
from storage.conversations import TOPIC_TTL
from storage.schema import migrations


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


async def test_migrations_apply_once_and_wal_is_on(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "bot.sqlite3"
    async with await Database.open(path) as db:
        version = await db.fetchone("PRAGMA user_version")
        mode = await db.fetchone("PRAGMA journal_mode")
        assert version is not None and version[0] == migrations()[-1].number
        assert mode is not None and mode[0] == "wal"
    async with await Database.open(path) as db:  # re-opening applies nothing twice
        assert await db.migrate() == migrations()[-1].number


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(StorageError, match="newer"):
        await Database.open(path)


async def test_unwritable_data_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError, match="data directory"):
        await Database.open(blocker / "data" / "bot.sqlite3")


async def test_open_questions_count_askers_and_relay_once(db: Database) -> None:
    store = QuestionStore(db)
    first = await store.open("低保怎么申请", "低保怎么申请？", "test", "u1", "c1")
    again = await store.open("低保怎么申请", "低保怎么申请", "test", "u2", "c2")
    assert first == again
    [open_q] = await store.list_open()
    assert open_q.ask_count == 2 and open_q.answer is None
    assert await store.unrelayed(first) == []
    answered = await store.answer(first, "请找村委会。", "clerk")
    assert answered is not None and answered.answer == "请找村委会。"
    assert await store.list_open() == []
    relays = await store.unrelayed(first)
    assert {r.user_id for r in relays} == {"u1", "u2"}
    for relay in relays:
        await store.mark_relayed(relay)
    assert await store.unrelayed(first) == []
    staff = await store.staff_answer("低保怎么申请")
    assert staff is not None and (staff.answer, staff.answered_by) == ("请找村委会。", "clerk")
    assert await store.answer(12345, "x", "clerk") is None


async def test_question_log_keeps_sql_looking_text_as_data(db: Database) -> None:
    store = QuestionStore(db)
    text = "'); DROP TABLE question_log; --"
    await store.log("test", "u1", text, "decline", None, 0.0)
    row = await db.fetchone("SELECT question FROM question_log")
    assert row is not None and row[0] == text


async def test_conversation_state_round_trip(db: Database) -> None:
    store = ConversationStore(db)
    assert (await store.get("t", "c", "u")).choices == ()
    await store.save("t", "c", "u", ["faq:a", "faq:b"], "交通补贴")
    await store.save("t", "c", "u", ["human"], None)
    state = await store.get("t", "c", "u")
    assert state.choices == ("human",) and state.last_question == "交通补贴"


async def test_ledger_records_each_event_once(db: Database) -> None:
    from storage import ServiceLedger

    ledger = ServiceLedger(db)
    assert await ledger.record("job_recommendation", "posting:1", channel="telegram", user_id="42")
    assert not await ledger.record("job_recommendation", "posting:1", channel="telegram", user_id="42")
    assert await ledger.record("policy_briefing", "briefing:a", person_id="p1")
    assert not await ledger.record("policy_briefing", "briefing:a", person_id="p1")
    with pytest.raises(ValueError):
        await ledger.record("training", "x")


async def test_topic_and_awaiting_expire_when_read(db: Database) -> None:
    store = ConversationStore(db)
    await store.set_topic("t", "c", "u", "transport-subsidy")
    await store.set_awaiting("t", "c", "u", Awaiting("postings.reason", "reason", {"posting": 7}))
    state = await store.get("t", "c", "u")
    assert state.topic == "transport-subsidy"
    assert state.awaiting == Awaiting("postings.reason", "reason", {"posting": 7})
    old = (datetime.now(UTC) - TOPIC_TTL - timedelta(seconds=1)).isoformat()
    await db.execute("UPDATE conversations SET topic_at = ?, awaiting_until = ?", (old, old))
    state = await store.get("t", "c", "u")
    assert state.topic is None and state.awaiting is None
    await store.save("t", "c", "u", ["faq:x"], "问题")
    assert (await store.get("t", "c", "u")).choices == ("faq:x",)


def test_placeholders_become_numbered_outside_literals_and_comments() -> None:
    from storage.postgres import dialect, placeholders

    sql = "SELECT '?', \"a?\", ? -- what?\nFROM t WHERE x = ? AND y LIKE 'it''s ?'"
    assert placeholders(sql) == "SELECT '?', \"a?\", $1 -- what?\nFROM t WHERE x = $2 AND y LIKE 'it''s ?'"
    assert dialect("id INTEGER PRIMARY KEY, n INTEGER, f REAL, b BLOB") == (
        "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT, f DOUBLE PRECISION, b BYTEA"
    )


def test_two_migrations_with_one_number_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("001_init.sql", "002_a.sql", "002_b.sql"):
        (tmp_path / name).write_text("SELECT 1;", encoding="utf-8")
    monkeypatch.setattr("storage.schema.resources.files", lambda _package: tmp_path)
    with pytest.raises(StorageError, match="two migrations numbered 002"):
        migrations()
