"""Rendering a Reply for Telegram: HTML-escaped text split at 4096 characters, buttons as an inline keyboard."""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.constants import MessageLimit, ParseMode

from bot.messages import Reply
from bot.render import split_text

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096, counted after entity parsing
MAX_CAPTION = int(MessageLimit.CAPTION_LENGTH)  # 1024
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Bot API call a reply turns into: a text message, or a photo with an optional caption."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None
    photo: bytes | None = None
    photo_name: str = "image.png"


def to_html(text: str) -> str:
    """Escape plain text for parse_mode HTML; a leading 【title】 line is shown in bold."""
    first, sep, rest = text.partition("\n")
    if first.startswith("【") and first.endswith("】"):
        return f"<b>{html.escape(first, quote=False)}</b>{sep}{html.escape(rest, quote=False)}"
    return html.escape(text, quote=False)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One button per row: labels are Chinese titles and would be cut off side by side."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)] for b in reply.buttons])


def render(reply: Reply) -> list[Outgoing]:
    """The messages for one reply, in order; buttons go on the last one so they sit under the answer."""
    markup = keyboard(reply)
    text = reply.text.strip()
    if reply.image is not None and len(text) <= MAX_CAPTION:
        return [Outgoing(to_html(text), markup, reply.image, reply.image_name)]
    out: list[Outgoing] = []
    if reply.image is not None:
        out.append(Outgoing("", None, reply.image, reply.image_name))
    chunks = [c for c in split_text(text, MAX_TEXT) if c.strip()]
    for i, chunk in enumerate(chunks):
        out.append(Outgoing(to_html(chunk), markup if i == len(chunks) - 1 else None))
    if not out and markup is not None:
        out.append(Outgoing("请选择：", markup))
    return out


async def send_outgoing(bot: Bot, chat_id: str | int, item: Outgoing) -> None:
    """One Bot API call; errors (RetryAfter, Forbidden, BadRequest, ChatMigrated…) propagate."""
    if item.photo is not None:
        await bot.send_photo(
            chat_id,
            InputFile(item.photo, filename=item.photo_name),
            caption=item.html or None,
            parse_mode=ParseMode.HTML,
            reply_markup=item.keyboard,
        )
        return
    await bot.send_message(
        chat_id, item.html, parse_mode=ParseMode.HTML, reply_markup=item.keyboard, link_preview_options=NO_PREVIEW
    )
