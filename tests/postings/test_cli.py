"""`python -m bot postings …` as an operator runs it, against a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.postings.extract import text_key
from storage import Database, Staff
from storage.postings import PostingStore, SubscriptionStore
from tests.fakes.cli import run

FIELDS = {"title": "电焊工", "salary": "6000元/月", "contact_phone": "13812345678", "valid_until": "2099-12-31"}


async def seed(path: Path) -> None:
    async with await Database.open(path) as db:
        boss = Staff("test", "boss", "bureau", "局", None, None)
        await PostingStore(db).create(FIELDS, "job", ["yancheng"], text_key("x"), boss, "published")
        await SubscriptionStore(db).add("test", "lab", "lab", "township", "yancheng")


async def outbox_rows(path: Path) -> list[tuple[str, str]]:
    async with await Database.open(path) as db:
        rows = await db.fetchall("SELECT recipient, status FROM outbox ORDER BY recipient")
        return [(r[0], r[1]) for r in rows]


def test_list_send_progress_withdraw(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    asyncio.run(seed(path))
    listed = run(["postings", "list"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "#1【招聘】电焊工" in listed.stdout and "砚城镇" in listed.stdout and "13812345678" not in listed.stdout

    sent = run(["postings", "send", "1"], tmp_path)
    assert sent.returncode == 0, sent.stderr
    assert "1 位订阅的群众" in sent.stdout and "新加入发送队列 1 条" in sent.stdout
    again = run(["postings", "send", "1"], tmp_path)
    assert "新加入发送队列 0 条" in again.stdout  # never enqueued twice
    assert asyncio.run(outbox_rows(path)) == [("lab", "pending")]

    progress = run(["postings", "progress", "1"], tmp_path)
    assert "已送达 0/1，失败 0，发送中" in progress.stdout and "待发送 1" in progress.stdout

    withdrawn = run(["postings", "withdraw", "1"], tmp_path)
    assert withdrawn.returncode == 0 and "已撤回" in withdrawn.stdout
    assert asyncio.run(outbox_rows(path)) == [("lab", "cancelled")]
    assert run(["postings", "send", "1"], tmp_path).returncode == 1  # withdrawn: never pushed again
    missing = run(["postings", "progress", "9"], tmp_path)
    assert missing.returncode == 1 and "没有编号 9" in missing.stderr
