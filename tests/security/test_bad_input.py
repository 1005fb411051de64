"""Bad input is a bad request or is cleaned, never a 500 or an apology; output files are what they say."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from telegram import Bot

from bot import cli
from bot.channels.telegram.webhook import SECRET_HEADER, webhook_handler
from bot.dispatcher import SORRY
from bot.services import Services
from storage.schema import migrations
from tests.conftest import Chat
from tests.fakes import telegram_updates as tg
from tests.fakes.roster_data import KEY, person_row, write_xlsx

SECRET = "s3cret"


async def test_deeply_nested_json_on_the_telegram_webhook_is_a_bad_request() -> None:
    queue: asyncio.Queue[object] = asyncio.Queue()
    app = web.Application()
    app.router.add_post("/hook", webhook_handler(SECRET, Bot(tg.TOKEN), queue))
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
        headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "{not json"):
            response = await client.post("/hook", data=body, headers=headers)
            assert response.status == 400
        ok = await client.post("/hook", json={"update_id": 1, **tg.private_text(7, "\ud800你好")}, headers=headers)
        assert ok.status == 200
    assert queue.qsize() == 1


async def test_lone_surrogates_are_answered_and_the_state_is_saved(chat: Chat, services: Services) -> None:
    replies = await chat.say("交通补贴咋领\ud800")
    assert replies and SORRY not in replies[0].text and "交通" in replies[0].text
    state = await services.conversations.get("test", "u1", "u1")
    assert state.last_question is not None and "\ud800" not in state.last_question
    row = await services.db.fetchone("SELECT count(*) FROM question_log")
    assert row is not None and row[0] == 1


@pytest.fixture
def roster_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BOT_ROSTER_ID_KEY", KEY)
    monkeypatch.setenv("BOT_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    assert cli.main(["roster", "import", str(write_xlsx(tmp_path / "l.xlsx", [person_row(1), person_row(2)]))]) == 0
    return tmp_path


def test_out_csv_writes_csv_and_other_suffixes_are_refused(
    roster_cli: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = ["roster", "codes", "--township", "孙家坪乡", "--village", "东村"]
    assert cli.main([*codes, "--out", str(roster_cli / "x.txt")]) == 2
    assert ".xlsx 或 .csv" in capsys.readouterr().err
    out = roster_cli / "x.csv"
    assert cli.main([*codes, "--out", str(out)]) == 0  # the refused run issued no codes: both still unbound
    text = out.read_bytes().decode("utf-8-sig")
    lines = text.strip().splitlines()  # the title row, the header, one line per code
    assert lines[1].startswith("姓名,身份证后四位,绑定码") and len(lines) == 4
    assert not out.read_bytes().startswith(b"PK")  # not a zip (XLSX) under a .csv name
    export = ["report", "export", "--out"]
    assert cli.main([*export, str(roster_cli / "e.csv")]) == 0
    assert (roster_cli / "e.csv").read_text(encoding="utf-8-sig").count("\n") == 5  # title, header, 2, 合计
    assert cli.main([*export, str(roster_cli / "e.pdf")]) == 2


def test_the_shipped_migrations_have_distinct_numbers() -> None:
    names = [m.name for m in migrations("sqlite")]
    numbers = [int(n[:3]) for n in names]
    assert numbers == list(range(1, len(numbers) + 1)), names
    shipped = Path(__file__).resolve().parents[2] / "storage" / "migrations"
    plain = [p.name for p in shipped.glob("[0-9][0-9][0-9]_*.sql") if p.name.count(".") == 1]
    assert len(plain) == len({p[:3] for p in plain}), sorted(plain)  # none dropped silently
