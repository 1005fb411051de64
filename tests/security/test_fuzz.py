"""Property-based fuzzing (hypothesis, bounded budget): the dispatcher and the WeChat and Telegram parsers.

The dispatcher never answers with the apology (no handler raises) whatever a laborer or a staff member
sends; the WeChat checks and parser either accept a body or refuse it with a status; the Telegram
translation turns any update Telegram's library accepts into an Inbound or nothing. Examples are
derandomized so the suite stays reproducible; each property gets a few seconds.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Bot, Update

from bot.channels.telegram.updates import BotIdentity, callback_inbound, message_inbound
from bot.channels.wechat.inbound import parse
from bot.channels.wechat.xml import Refused, check_xml
from bot.config import Config
from bot.dispatcher import SORRY
from bot.messages import Inbound
from bot.services import Services, build_services
from handlers import build_dispatcher
from storage import Database, Staff
from tests.conftest import CONTENT, real_matcher
from tests.fakes import telegram_updates as tg
from tests.fakes.roster_data import person_row, roster_config, seed

FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

WORDS = st.sampled_from(
    [
        "张1",
        "东村",
        "孙家坪乡",
        "前所乡",
        "推介",
        "指导",
        "1",
        "0",
        "-1",
        "#2",
        "²",
        "١٢",
        "x" * 70,
        "全部",
        "",
        "：",
        "\n",
    ]
)
ARG = st.one_of(WORDS, st.text(max_size=12))
USERS = st.sampled_from(["laborer", "boss", "east", "qiansuo"])


def inbounds(commands: list[str], buttons: list[str], events: list[str]) -> st.SearchStrategy[Inbound]:
    command = st.builds(
        lambda name, args: " ".join([f"/{name}", *args]), st.sampled_from(commands), st.lists(ARG, max_size=4)
    )
    text = st.one_of(st.text(max_size=200), command, WORDS)
    button = st.builds(
        lambda prefix, rest: f"{prefix}:{':'.join(rest)}"[:64],
        st.sampled_from(buttons),
        st.lists(st.one_of(WORDS, st.text(st.characters(max_codepoint=127), max_size=8)), max_size=3),
    )
    return st.one_of(
        st.builds(
            lambda user, text, kind, mentioned: Inbound("test", user, user, kind, text=text, mentioned=mentioned),
            USERS,
            text,
            st.sampled_from(["private", "group"]),
            st.booleans(),
        ),
        st.builds(lambda user, data: Inbound("test", user, user, button=data), USERS, button),
        st.builds(
            lambda user, event, payload: Inbound("test", user, user, event=event, payload=payload),
            USERS,
            st.one_of(st.sampled_from(events), st.text(max_size=10)),
            st.one_of(st.none(), st.text(max_size=20), st.builds(lambda s: f"b_{s}", st.text(max_size=10))),
        ),
    )


async def _services(tmp_path: Path) -> Services:
    config = roster_config(Config(data_dir=tmp_path / "data", content_dir=CONTENT))
    db = await Database.open(config.database_path)
    content, matcher = real_matcher()
    services = build_services(config, content, db, matcher)
    await seed(db, content, tmp_path, [person_row(1), person_row(2, village="西村"), person_row(3, township="前所乡")])
    for staff in (
        Staff("test", "boss", "bureau", "县局", None, None),
        Staff("test", "east", "liaison", "东村联络员", "sunjiaping", "东村"),
        Staff("test", "qiansuo", "station", "前所站", "qiansuo", None),
    ):
        await services.directory.add_staff(staff)
    return services


def test_the_dispatcher_never_fails_whatever_it_is_sent(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    services = loop.run_until_complete(_services(tmp_path))
    dispatcher = build_dispatcher(dataclasses.replace(services))
    strategy = inbounds(sorted(dispatcher.commands), sorted(dispatcher.buttons), sorted(dispatcher.events))
    seen: list[Inbound] = []

    @FUZZ
    @given(strategy)
    def check(msg: Inbound) -> None:
        replies = loop.run_until_complete(asyncio.wait_for(dispatcher.dispatch(msg), 30))
        texts = [r.text for r in replies]
        seen.append(msg)
        assert SORRY not in texts, msg

    try:
        check()  # every example is guarded against hanging (wait_for above); its speed is no test's business
        assert sum(1 for m in seen if m.text.startswith("/")) > 20 and sum(1 for m in seen if m.button) > 20
    finally:
        loop.run_until_complete(services.db.close())
        loop.close()


def _xml(fields: dict[str, str]) -> str:
    return "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()) + "</xml>"


WECHAT_FIELDS = st.dictionaries(
    st.sampled_from(
        [
            "ToUserName",
            "FromUserName",
            "CreateTime",
            "MsgType",
            "Content",
            "MsgId",
            "MsgID",
            "Event",
            "EventKey",
            "Recognition",
            "Status",
            "Ticket",
            "Latitude",
            "Encrypt",
            "Foo",
        ]
    ),
    st.one_of(
        st.sampled_from(
            [
                "text",
                "voice",
                "event",
                "image",
                "subscribe",
                "SCAN",
                "CLICK",
                "TEMPLATESENDJOBFINISH",
                "unsubscribe",
                "qrscene_x",
                "1",
                "-5",
                "99999999999999999999999",
                "abc",
                "",
            ]
        ),
        st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30).map(lambda s: s.replace("]]>", "")),
    ),
    max_size=10,
)


@FUZZ
@given(st.one_of(WECHAT_FIELDS.map(_xml).map(lambda s: s.encode("utf-8")), st.binary(max_size=300)))
def test_the_wechat_checks_and_parser_accept_or_refuse(body: bytes) -> None:
    try:
        incoming = parse(check_xml(body))
    except Refused as exc:
        assert exc.status in (400, 403, 413)
        return
    assert incoming.user_id and incoming.account and incoming.key


TG_TEXT = st.text(max_size=60)
BOT = Bot(tg.TOKEN)
ME = BotIdentity(tg.BOT["id"], tg.BOT["username"])
ENTITY = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["mention", "bot_command", "text_mention", "bold", "url"]),
        "offset": st.integers(-5, 80),
        "length": st.integers(-5, 80),
    }
)


def _update(chat_type: str, text: str | None, entities: list[dict[str, Any]], from_bot: bool) -> dict[str, Any]:
    body = tg.message(-100 if chat_type != "private" else 5, 5, text)["message"]
    body["chat"]["type"] = chat_type
    body["from"]["is_bot"] = from_bot
    body["entities"] = entities
    return {"update_id": 1, "message": body}


@FUZZ
@given(
    st.sampled_from(["private", "group", "supergroup", "channel", "weird"]),
    st.one_of(st.none(), TG_TEXT, st.builds(lambda t: f"/start {t}", TG_TEXT), st.just("@wuzhai_test_bot 你好")),
    st.lists(ENTITY, max_size=3),
    st.booleans(),
    st.text(st.characters(max_codepoint=127), max_size=80),
)
def test_telegram_updates_translate_or_are_ignored(
    chat_type: str, text: str | None, entities: list[dict[str, Any]], from_bot: bool, data: str
) -> None:
    try:
        update = Update.de_json(_update(chat_type, text, entities, from_bot), BOT)
    except Exception:  # the webhook acknowledges what the library cannot parse (tested elsewhere)
        return
    assert update is not None and update.message is not None
    found = message_inbound(update.message, ME)
    assert found is None or (found.channel == "telegram" and found.chat_kind in ("private", "group"))
    query = Update.de_json(
        {"update_id": 2, "callback_query": {"id": "1", "from": tg.user(5), "chat_instance": "c", "data": data}}, BOT
    )
    assert query is not None and query.callback_query is not None
    pressed = callback_inbound(query.callback_query)
    assert pressed is None or pressed.button == data
