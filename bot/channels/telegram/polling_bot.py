"""The Bot the Telegram channel polls with: one update it cannot parse is skipped, not retried forever.

python-telegram-bot parses a whole getUpdates batch at once; when one update does not parse (a
field a newer Bot API made required, a self-hosted server of another version), the batch is never
confirmed and polling stalls on it for good. This Bot parses such a batch update by update and
replaces the ones that fail by an empty Update with the same id, so the offset moves on and no
handler sees it.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

# Opt in to PTB's timedelta time periods now (documented switch): otherwise every RetryAfter
# warns about the coming change as it is created.
os.environ.setdefault("PTB_TIMEDELTA", "true")


class _NoRawUpdates(logging.Filter):
    """PTB logs a whole unparsable batch (names, message texts) at CRITICAL; TolerantBot logs the
    update ids it skips instead, so that record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error while parsing updates!")


logging.getLogger("telegram.ext.ExtBot").addFilter(_NoRawUpdates())


class TolerantBot(ExtBot[None]):
    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:
            log.error("telegram: a batch of updates did not parse; handling it update by update")
        params = {"offset": kwargs.get("offset", args[0] if args else None), "timeout": 0}
        if kwargs.get("allowed_updates") is not None:
            params["allowed_updates"] = kwargs["allowed_updates"]
        raw = await self._post("getUpdates", params)
        updates: list[Update] = []
        for item in raw if isinstance(raw, list) else []:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if not isinstance(update_id, int):
                continue
            try:
                updates.append(Update.de_json(item, self))
            except Exception as exc:
                log.error("telegram: skipped update %s that did not parse: %s", update_id, type(exc).__name__)
                updates.append(Update(update_id))
        return tuple(updates)


def build_bot(token: str, base_url: str) -> TolerantBot:
    """The channel's bot: a wide pool for replies, one connection for long polling."""
    return TolerantBot(
        token,
        base_url=base_url,
        request=HTTPXRequest(connection_pool_size=256),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
    )
