"""Replies as WeChat text: numbered choices instead of buttons, within a byte limit (UTF-8).

WeChat counts text limits in bytes (passive text replies and WeCom robot texts: 2048 bytes); a
Chinese character takes 3 of them, so limits are checked on the encoded text and cuts never split
a character.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Capabilities, Reply
from bot.render import split_text, utf8_len

TEXT_BYTES = 2048
ELLIPSIS = "…"
CAPABILITIES = Capabilities(buttons=False, images=True, max_text=TEXT_BYTES // 3, push_window_hours=48)


def truncate_utf8(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` cut to at most `limit` UTF-8 bytes on a character boundary, marked with `ellipsis`."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = max(0, limit - utf8_len(ellipsis))
    return data[:room].decode("utf-8", errors="ignore") + ellipsis


def split_utf8(text: str, limit: int = TEXT_BYTES) -> list[str]:
    """Chunks of at most `limit` UTF-8 bytes, cut at line, then character boundaries."""
    return split_text(text, limit, measure=utf8_len)


def reply_texts(replies: Sequence[Reply], limit: int = TEXT_BYTES) -> list[str]:
    """The messages to send for a handler's replies: all joined when they fit one message, else one
    or more messages per reply. Buttons become choices numbered across all replies, in the order the
    dispatcher maps a typed number back to them (as bot.render.numbered_choices does for one reply)."""
    texts: list[str] = []
    number = 1
    for reply in replies:
        lines = [reply.text.strip()] if reply.text.strip() else []
        if reply.buttons:
            lines += ["", "回复数字选择：", *(f"{number + i}. {b.label}" for i, b in enumerate(reply.buttons))]
            number += len(reply.buttons)
        if lines:
            texts.append("\n".join(lines).strip())
    joined = "\n\n".join(texts)
    if utf8_len(joined) <= limit:
        return [joined] if joined else []
    return [chunk for t in texts for chunk in split_utf8(t, limit)]
