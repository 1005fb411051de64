"""Render a Reply as plain text for channels without buttons, and split long texts."""

from __future__ import annotations

from collections.abc import Callable

from bot.messages import Capabilities, Reply


def numbered_choices(reply: Reply, first: int = 1) -> str:
    """The reply's text with its buttons as numbered lines the user answers by typing the number;
    numbering starts at `first` so that the choices of several replies never share a number."""
    if not reply.buttons:
        return reply.text
    lines = [reply.text, "", "回复数字选择："]
    lines += [f"{i}. {b.label}" for i, b in enumerate(reply.buttons, start=first)]
    return "\n".join(lines)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Split text into chunks of at most `limit` (characters, or whatever `measure` counts, e.g. UTF-8
    bytes for WeChat), on line boundaries; a line longer than the limit is cut between characters."""
    if measure(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit, measure):
        candidate = f"{current}\n{piece}" if current else piece
        if measure(candidate) <= limit:
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _pieces(text: str, limit: int, measure: Callable[[str], int]) -> list[str]:
    pieces: list[str] = []
    for line in text.split("\n"):
        while measure(line) > limit:
            cut = min(len(line), limit)
            while cut > 1 and measure(line[:cut]) > limit:
                cut -= max(1, (measure(line[:cut]) - limit) // 4)
            pieces.append(line[:cut])
            line = line[cut:]
        pieces.append(line)
    return pieces


def as_plain_text(reply: Reply, caps: Capabilities, first: int = 1) -> list[str]:
    """Everything a text-only channel sends for a reply, in order (choices numbered from `first`)."""
    text = reply.text if caps.buttons else numbered_choices(reply, first)
    return split_text(text, caps.max_text)


def plain_texts(replies: list[Reply], caps: Capabilities) -> list[str]:
    """Everything a text-only channel sends for one handler's replies: choices are numbered across all
    of them (1, 2 in the first, 3, 4 in the next…), in the order the dispatcher maps typed numbers back."""
    texts: list[str] = []
    first = 1
    for reply in replies:
        texts += as_plain_text(reply, caps, first)
        first += len(reply.buttons)
    return texts
