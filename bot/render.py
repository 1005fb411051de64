"""Render a Reply as plain text for channels without buttons, and split long texts."""

from __future__ import annotations

from bot.messages import Capabilities, Reply


def numbered_choices(reply: Reply) -> str:
    """The reply's text with its buttons as numbered lines the user answers by typing the number."""
    if not reply.buttons:
        return reply.text
    lines = [reply.text, "", "回复数字选择："]
    lines += [f"{i}. {b.label}" for i, b in enumerate(reply.buttons, start=1)]
    return "\n".join(lines)


def split_text(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most `limit` characters, on paragraph then line boundaries."""
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        candidate = f"{current}\n{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _pieces(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for line in text.split("\n"):
        while len(line) > limit:
            pieces.append(line[:limit])
            line = line[limit:]
        pieces.append(line)
    return pieces


def as_plain_text(reply: Reply, caps: Capabilities) -> list[str]:
    """Everything a text-only channel sends for a reply, in order."""
    text = reply.text if caps.buttons else numbered_choices(reply)
    return split_text(text, caps.max_text)
