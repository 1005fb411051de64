"""`python -m bot chat --json`: conversations from standard input through the real dispatcher, one
JSON object per message, for content authors to test dialogues (and for bench/dialogue_bench.py).

Input: one message per line; an empty line ends a conversation and the next line starts a new one
with a new user. Each message gives: message (personal numbers masked, as everywhere the bot writes
what it was told), outcome (answer, suggest, decline, smalltalk, command,
choice), entry, facet, suggestions, queued (an open question was created or counted) and replies.
Everything is stored in a throw-away SQLite file: nothing reaches the bot's real database.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from bot.config import Config
from bot.content import ContentPack
from bot.faq.conversation import Reader
from bot.faq.matcher import FaqMatcher
from bot.faq.trace import recording
from bot.messages import Capabilities, Inbound
from bot.privacy import mask
from bot.render import plain_texts
from bot.routing import typed_choice
from bot.services import open_services
from handlers import build_dispatcher, faq

MakeReader = Callable[[FaqMatcher, ContentPack], Reader]

CHANNEL = "console"
TEXT_ONLY = Capabilities(buttons=False, max_text=4000)


def conversations(lines: Iterable[str]) -> Iterable[list[str]]:
    """Group lines into conversations at empty lines."""
    current: list[str] = []
    for line in lines:
        text = line.rstrip("\r\n")
        if text.strip():
            current.append(text)
        elif current:
            yield current
            current = []
    if current:
        yield current


async def converse(
    config: Config, talks: Iterable[list[str]], reader: MakeReader | None = None
) -> AsyncIterator[dict[str, Any]]:
    """Each message of each conversation through a fresh bot, as the record `chat --json` prints; with
    `reader`, the bot reads messages with the Reader it makes (a training script's models)."""
    with tempfile.TemporaryDirectory(prefix="wuzhai-chat-") as tmp:
        services = await open_services(replace(config, data_dir=Path(tmp), database=None))
        try:
            if reader is not None:
                faq.install(services, reader(services.matcher, services.content))
            dispatcher = build_dispatcher(services)
            for n, messages in enumerate(talks, start=1):
                user = f"chat-{n}"
                for text in messages:
                    with recording() as turn:
                        replies = await dispatcher.dispatch(Inbound(CHANNEL, user, user, text=text))
                    stripped = text.strip()
                    choice_like = typed_choice(stripped) is not None
                    outcome = turn.outcome or ("choice" if choice_like else "command")
                    yield {
                        "message": mask(text),
                        "outcome": outcome,
                        "entry": turn.entry,
                        "facet": turn.facet,
                        "suggestions": list(turn.suggestions),
                        "queued": turn.queued,
                        "replies": plain_texts(replies, TEXT_ONLY),
                    }
        finally:
            await services.db.close()


async def run(config: Config, stdin: TextIO, stdout: TextIO) -> int:
    async for record in converse(config, conversations(stdin)):
        stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    stdout.flush()
    return 0
