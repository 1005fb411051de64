"""Which PushTransport the outbox sender uses for each running channel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, PushTransport, RecipientKind


class ChannelPushTransport:
    """Push through a channel's plain `send` (the console, or a channel without its own transport):
    success is SENT, any error is RETRY."""

    def __init__(self, channel: Any) -> None:
        self.channel: str = channel.name
        self._target = channel

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        try:
            await self._target.send(recipient, reply)
        except Exception as exc:
            return DeliveryResult(DeliveryStatus.RETRY, detail=type(exc).__name__)
        return DeliveryResult(DeliveryStatus.SENT)


def transports_of(channels: Sequence[Any]) -> dict[str, PushTransport]:
    """The push transport of each running channel, by channel name: a channel's `transports` (several,
    e.g. WeChat and its WeCom robots) or `push_transport`, else its plain `send`."""
    found: dict[str, PushTransport] = {}
    for channel in channels:
        many = getattr(channel, "transports", None)
        one = getattr(channel, "push_transport", None)
        if many:
            found.update(many)
        elif one is not None:
            found[channel.name] = one
        else:
            found[channel.name] = ChannelPushTransport(channel)
    return found
