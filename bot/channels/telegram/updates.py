"""Translating Telegram messages and callback queries into the core's Inbound.

Groups run in privacy mode: only commands (without a target or aimed at this bot) and messages that
mention the bot or reply to it are for the bot; everything else in a group is ignored here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import CallbackQuery, Chat, Message, MessageEntity

from bot.messages import ChatKind, Inbound

CHANNEL = "telegram"
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # Telegram's deep-link alphabet and length


@dataclass(frozen=True, slots=True)
class BotIdentity:
    id: int
    username: str  # without the @


def chat_kind(chat: Chat) -> ChatKind | None:
    """private or group; channels (and anything new) are not conversations with the bot."""
    if chat.type == Chat.PRIVATE:
        return "private"
    if chat.type in (Chat.GROUP, Chat.SUPERGROUP):
        return "group"
    return None


def start_payload(text: str) -> str | None:
    """The deep-link payload of `/start <payload>` when it is well formed, else None."""
    parts = text.split(maxsplit=1)
    if len(parts) != 2 or parts[0].split("@", 1)[0].lower() != "/start":
        return None
    payload = parts[1].strip()
    return payload if PAYLOAD.match(payload) else None


def _command_for_us(text: str, me: BotIdentity) -> bool | None:
    """None when the text is no command; else whether the command is addressed to this bot."""
    if not text.startswith("/") or len(text) < 2:
        return None
    _, at, target = text.split(maxsplit=1)[0].partition("@")
    return not at or target.lower() == me.username.lower()


def _strip_mentions(message: Message, me: BotIdentity) -> tuple[str, bool]:
    """The text without @mentions of this bot, and whether there was one (or a reply to the bot)."""
    text = message.text or ""
    mentioned = bool(
        message.reply_to_message
        and message.reply_to_message.from_user
        and message.reply_to_message.from_user.id == me.id
    )
    handle = f"@{me.username}".lower()
    spans = []
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        ours = (
            value.lower() == handle
            if entity.type == MessageEntity.MENTION
            else bool(entity.user and entity.user.id == me.id)
        )
        if ours:
            mentioned = True
            spans.append(value)
    for value in spans:
        text = text.replace(value, " ")
    return " ".join(text.split()), mentioned


def message_inbound(message: Message, me: BotIdentity) -> Inbound | None:
    """A new text message as Inbound, or None when it is not for the bot."""
    kind = chat_kind(message.chat)
    user = message.from_user
    if kind is None or user is None or user.is_bot or message.text is None:
        return None
    text = message.text
    command = _command_for_us(text, me)
    if command is False:
        return None  # /cmd@another_bot
    mentioned = False
    if kind == "group" and command is None:
        text, mentioned = _strip_mentions(message, me)
        if not mentioned:
            return None
    return Inbound(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(message.chat.id),
        chat_kind=kind,
        text=text,
        payload=start_payload(text) if kind == "private" else None,
        mentioned=mentioned,
        chat_title=message.chat.title or "",
        received_at=message.date,
        message_id=str(message.message_id),
    )


def callback_inbound(query: CallbackQuery) -> Inbound | None:
    """A pressed inline button as Inbound (the query itself is answered by the caller)."""
    if not query.data:
        return None
    message = query.message
    if message is None:  # the button sat on a message the bot cannot see any more: answer in private
        return Inbound(
            channel=CHANNEL, user_id=str(query.from_user.id), chat_id=str(query.from_user.id), button=query.data
        )
    kind = chat_kind(message.chat)
    if kind is None:
        return None
    return Inbound(
        channel=CHANNEL,
        user_id=str(query.from_user.id),
        chat_id=str(message.chat.id),
        chat_kind=kind,
        button=query.data[:64],
        mentioned=kind == "group",
        chat_title=message.chat.title or "",
    )
