"""Personal numbers written every way never reach the database file (WAL included), the logs or the CLI."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.limits import PushLimits
from bot.channels.wechat.channel import WechatChannel
from bot.config import Config, TelegramConfig, WechatConfig
from bot.dispatcher import Dispatcher
from bot.logs import QUIET, setup_logging
from bot.privacy import mask
from bot.services import Services
from bot.web import build_app
from tests.conftest import CONTENT, Chat
from tests.fakes import telegram_updates as tg
from tests.fakes.cli import run
from tests.fakes.telegram import FakeTelegram, running
from tests.fakes.wechat import AES_KEY, APP_ID, TOKEN, encrypted, message_xml

# (as written, its digits): mobiles and ID numbers in every form people type them
NUMBERS = [
    ("13812345678", "13812345678"),
    ("+86 139 2345 6789", "13923456789"),
    ("+8613723456789", "13723456789"),
    ("0086-186-7890-1234", "18678901234"),
    ("150-3456-7890", "15034567890"),
    ("151.4567.8901", "15145678901"),
    ("１５２５６７８９０１２", "15256789012"),
    ("幺五三六七八九零一二三", "15367890123"),
    ("158 6789 0123", "15867890123"),
    ("1596789\n0124", "15967890124"),
    ("14222319800101123X", "14222319800101123X"),
    ("142223199002022345x", "142223199002022345X"),
    ("142223 1985 0303 3456", "142223198503033456"),
    ("142223800101123", "142223800101123"),
]
MARKER = "拖欠工资咋整"  # message text that no library may log


def forms(written: str, digits: str) -> list[bytes]:
    variants = {written, digits, digits.lower(), written.replace("\n", " ")}
    return [v.encode("utf-8") for v in variants]


def leaks(blob: bytes) -> list[str]:
    return [w for w, d in NUMBERS if any(f in blob for f in forms(w, d))]


def messages() -> Iterator[str]:
    for written, _ in NUMBERS:
        yield f"我电话{written}，交通补贴咋领"
        yield f"身份证{written}，{MARKER}"
        yield f"我电话{written}，劳务派遣公司靠谱不"  # not in the FAQ: queued for staff, masked
        yield "人工"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """The bot's own logging set-up at DEBUG, writing into a buffer; restored afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in QUIET})
    setup_logging("DEBUG")
    buffer = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(buffer)
    yield buffer
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    wechat = WechatConfig(token=TOKEN, encoding_aes_key=AES_KEY, app_id=APP_ID, app_secret="s", reply_budget_ms=3000)
    return Config(data_dir=tmp_path / "data", content_dir=CONTENT, wechat=wechat)


def test_library_debug_records_never_reach_the_log(debug_log: io.StringIO) -> None:
    library = logging.getLogger("telegram.ext.Application")
    library.setLevel(logging.DEBUG)  # as if something lowered it again
    library.debug("Processing update %s", {"text": MARKER})
    library.setLevel(logging.NOTSET)
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot123:secret/sendMessage")
    logging.getLogger("bot.something").debug("our own debug line")
    logged = debug_log.getvalue()
    assert MARKER not in logged and "secret" not in logged and "our own debug line" in logged


def test_mask_catches_every_way_a_number_is_written() -> None:
    for written, digits in NUMBERS:
        masked = mask(f"号码{written}好")
        assert leaks(masked.encode()) == [], (written, masked)
        assert masked.endswith(f"{digits[-4:]}好") or digits[-4:] in masked
    for kept in ("1131服务", "工资3500元", "2024-03-01", "0350-1234567", "五人社函〔2023〕24号"):
        assert mask(kept) == kept


async def test_a_chat_full_of_numbers_leaves_no_full_number_anywhere(
    tmp_path: Path, debug_log: io.StringIO, services: Services, dispatcher: Dispatcher[Services]
) -> None:
    chat = Chat(dispatcher, "laborer")
    for text in messages():
        await chat.say(text)
    await chat.say("2")  # a number choosing from the offered choices
    await chat.say("/bangding 张三 123X")

    wechat = WechatChannel(services, dispatcher)  # safe mode through the real aiohttp app and wechatpy
    app = build_app(services)
    wechat.mount(app)
    client = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    try:
        for i, text in enumerate(messages()):
            body, query = encrypted(message_xml("wx-user", "text", msg_id=500 + i, Content=text))
            response = await client.post("/wechat", params=query, data=body)
            assert response.status == 200
        await wechat.drain()
    finally:
        await client.close()
        await wechat.api.close()

    fake = await FakeTelegram().start()  # the real python-telegram-bot client against the fake Bot API
    try:
        config = TelegramConfig(token=tg.TOKEN, base_url=fake.base_url)
        limits = PushLimits(push_per_second=200, group_per_window=5, group_window=0.5, chat_interval=0.02)
        async with running(TelegramChannel(config, services, dispatcher, limits, poll_timeout=1)):
            for sent, text in enumerate(messages(), start=1):
                await fake.push_update(tg.private_text(4242, text))
                await fake.wait_sent(4242, sent)
    finally:
        await fake.stop()

    await services.db.execute("PRAGMA wal_checkpoint(PASSIVE)")  # leave pages in both the file and the WAL
    database = services.db.path
    assert database is not None  # an SQLite file
    files = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        assert leaks(path.read_bytes()) == [], path.name
    rows = await services.db.fetchone("SELECT count(*) FROM question_log")
    assert rows is not None and rows[0] >= len(NUMBERS) * 3  # the questions were logged, masked (not "人工")

    logged = debug_log.getvalue()
    assert logged, "the DEBUG log captured nothing"
    assert leaks(logged.encode()) == []
    assert MARKER not in logged  # no library logged a message text

    listed = run(["questions", "--all"], tmp_path, BOT_CONTENT_DIR=str(CONTENT))
    assert listed.returncode == 0, listed.stderr
    assert "****" in listed.stdout
    assert leaks(listed.stdout.encode()) == [] and leaks(listed.stderr.encode()) == []


def test_posting_fields_keep_only_the_contact_phone() -> None:
    from bot.postings.extract import extract, with_field

    found = extract("招聘电工，要求：身份证142223198001011234本人到场，联系电话13812345678")
    assert found.get("contact_phone") == "13812345678"  # the employer's number, to be published
    assert leaks(repr(found.fields).replace("13812345678", "").encode()) == []
    assert "142223198001011234" not in repr(found.fields)
    corrected, _ = with_field(found, "requirements", "持证，身份证14222319800101123X")
    assert "14222319800101123X" not in corrected.get("requirements")
