"""A fake PushTransport: records every push and answers from a script."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind

Script = Callable[[str, int], DeliveryResult]


class FakeTransport:
    """A platform edge: records every push and answers from a script (recipient, attempt) -> result."""

    def __init__(self, channel: str = "tg", script: Script | None = None, delay: float = 0.0) -> None:
        self.channel = channel
        self.script = script
        self.delay = delay
        self.calls: list[tuple[str, RecipientKind, Reply]] = []
        self.active: Counter[str] = Counter()
        self.max_active = 0
        self.max_active_per_recipient = 0

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        self.active[recipient] += 1
        self.max_active = max(self.max_active, sum(self.active.values()))
        self.max_active_per_recipient = max(self.max_active_per_recipient, self.active[recipient])
        try:
            await asyncio.sleep(self.delay)
            self.calls.append((recipient, kind, reply))
            attempt = sum(1 for r, _, _ in self.calls if r == recipient)
            return self.script(recipient, attempt) if self.script else DeliveryResult(DeliveryStatus.SENT)
        finally:
            self.active[recipient] -= 1
