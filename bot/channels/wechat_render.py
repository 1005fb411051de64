"""Replies as WeChat text: numbered choices instead of buttons, within a byte limit (UTF-8).

WeChat counts text limits in bytes (passive text replies and WeCom robot texts: 2048 bytes); a
Chinese character takes 3 of them, so limits are checked on the encoded text and cuts never split
a character.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Capabilities, Reply

TEXT_BYTES = 2048
ELLIPSIS = "…"
CAPABILITIES = Capabilities(buttons=False, images=True, max_text=TEXT_BYTES // 3, push_window_hours=48)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def truncate_utf8(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` cut to at most `limit` UTF-8 bytes on a character boundary, marked with `ellipsis`."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = max(0, limit - utf8_len(ellipsis))
    return data[:room].decode("utf-8", errors="ignore") + ellipsis


def split_utf8(text: str, limit: int = TEXT_BYTES) -> list[str]:
    """Chunks of at most `limit` bytes, cut at paragraph, then line, then character boundaries."""
    chunks: list[str] = []
    current = ""
    for line in _lines(text, limit):
        candidate = f"{current}\n{line}" if current else line
        if utf8_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = line
    if current or not chunks:
        chunks.append(current)
    return chunks


def _lines(text: str, limit: int) -> list[str]:
    """The text's lines, each longer line cut into pieces of at most `limit` bytes."""
    pieces: list[str] = []
    for line in text.split("\n"):
        while utf8_len(line) > limit:
            head = line.encode("utf-8")[:limit].decode("utf-8", errors="ignore") or line[0]
            pieces.append(head)
            line = line[len(head) :]
        pieces.append(line)
    return pieces


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
