"""Deep links for township groups' members: https://t.me/<bot>?start=t_<township id>, one per township.

`python -m bot telegram links` prints them (tab-separated: township, link) for posters and QR codes.
Opening a link starts a private chat with `/start t_<id>`, which the subscription handler receives
as Inbound.payload.
"""

from __future__ import annotations

from telegram.error import TelegramError

from bot.channels.telegram.polling_bot import TolerantBot
from bot.channels.telegram.updates import PAYLOAD
from bot.config import Config, ConfigError
from bot.content import load_content

TOWNSHIP_PREFIX = "t_"


def township_payload(township_id: str) -> str:
    """The deep-link payload for a township; ValueError when its id cannot be one."""
    payload = TOWNSHIP_PREFIX + township_id
    if not PAYLOAD.match(payload):
        raise ValueError(f"township id {township_id!r} does not fit a deep link (A-Za-z0-9_-, at most 62)")
    return payload


async def township_links(config: Config) -> list[tuple[str, str]]:
    """(township name, deep link) for every township; asks Telegram for the bot's username."""
    if not config.telegram.token:
        raise ConfigError("BOT_TELEGRAM_TOKEN / telegram.token: required to make Telegram links")
    townships = load_content(config.content_dir).townships
    bot = TolerantBot(config.telegram.token, base_url=config.telegram.base_url)
    try:
        async with bot:
            username = bot.username
    except TelegramError as exc:
        raise OSError(f"cannot reach the Telegram Bot API: {exc.message}") from None
    return [(t.name, f"https://t.me/{username}?start={township_payload(t.id)}") for t in townships.values()]
