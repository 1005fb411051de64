"""The console channel: talk to the bot in a terminal as a laborer, through the real dispatcher."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from collections.abc import AsyncIterator
from typing import Any, TextIO

from bot.dispatcher import Dispatcher
from bot.messages import Capabilities, Inbound, Reply
from bot.render import plain_texts

QUIT = {"/quit", "/exit", "退出", "再见"}
PROMPT = "您> "


class ConsoleChannel:
    name = "console"
    capabilities = Capabilities(buttons=False, images=False, max_text=2000)

    def __init__(
        self,
        dispatcher: Dispatcher[Any],
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        user_id: str = "console",
    ) -> None:
        self.dispatcher = dispatcher
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.user_id = user_id
        self.interactive = self.stdin.isatty()

    async def run(self) -> None:
        """Read a line, dispatch it, print the replies; stop at end of input or on 退出."""
        self._write("输入问题和小助手聊天，输入「退出」结束。\n")
        self._print(await self.dispatcher.dispatch(self._inbound("/start")))
        self._prompt()
        async for line in _lines(self.stdin):
            text = line.rstrip("\r\n")
            if text.strip() in QUIT:
                break
            self._print(await self.dispatcher.dispatch(self._inbound(text)))
            self._prompt()
        self._write("\n再见！\n")

    async def send(self, chat_id: str, reply: Reply) -> None:
        self._write("\n")
        self._print([reply])
        self._prompt()

    def _inbound(self, text: str) -> Inbound:
        return Inbound(channel=self.name, user_id=self.user_id, chat_id=self.user_id, text=text)

    def _print(self, replies: list[Reply]) -> None:
        for chunk in plain_texts(replies, self.capabilities):
            self._write(f"小助手> {chunk}\n\n")

    def _prompt(self) -> None:
        if self.interactive:
            self._write(PROMPT)

    def _write(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()


async def _lines(stream: TextIO) -> AsyncIterator[str]:
    """Lines of a terminal or pipe without blocking the event loop (regular files are read directly)."""
    try:
        fileno = stream.fileno()
        pollable = not stat.S_ISREG(os.fstat(fileno).st_mode)
    except (OSError, ValueError, AttributeError):
        pollable = False  # an in-memory stream: reading it never blocks
    if not pollable:
        for line in stream:
            yield line
            await asyncio.sleep(0)
        return
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 20)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(os.dup(fileno), "rb", buffering=0)
    )
    try:
        while True:
            try:
                raw = await reader.readline()
            except ValueError:  # a line over the limit: drop it and go on
                continue
            if not raw:
                return
            yield raw.decode("utf-8", errors="replace")
    finally:
        transport.close()
