"""WeCom (企业微信) group robots: pushes into township groups (the PushTransport for channel "wecom").

An Official Account cannot post into WeChat groups; a township whose group is a WeCom group adds a
group robot and the county configures its webhook key (wechat.wecom_robots, township id -> key).
Each configured robot is bound in the directory as group chat "wecom"/<township id>, so pushes to a
township find it like any other group. Limits: text (or markdown) of at most 2048 bytes, at most 20
messages a minute per robot; the key is a secret and is never stored or logged. Outcomes are only
classified here (a removed robot: invalid; a malformed message: a bad request); bot/recipients.py decides.
With several bot processes on PostgreSQL each robot is also paced in total through the database (bot/pacing.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

import httpx

from bot.channels.wechat.render import TEXT_BYTES, truncate_utf8
from bot.config import ConfigError, WechatConfig
from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind
from bot.pacing import SharedPacer
from storage import DirectoryStore

log = logging.getLogger(__name__)

CHANNEL = "wecom"
PER_MINUTE = 20
INVALID_KEY = {93000, 93004}  # invalid webhook url / robot removed from the group
RATE_LIMITED = 45009
BAD_MESSAGE = {40008, 40058, 44004, 45002}  # message type, parameter, empty content, too long


class RateLimiter:
    """At most `limit` events per `period` seconds (a sliding window), waiting as needed."""

    def __init__(self, limit: int = PER_MINUTE, period: float = 60.0) -> None:
        self.limit = limit
        self.period = period
        self._times: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._times and now - self._times[0] >= self.period:
                    self._times.popleft()
                if len(self._times) < self.limit:
                    self._times.append(now)
                    return
                await asyncio.sleep(self.period - (now - self._times[0]))


class WecomRobots:
    """The PushTransport for township group robots (recipient: township id, kind "group" or "robot")."""

    channel = CHANNEL

    def __init__(
        self,
        config: WechatConfig,
        client: httpx.AsyncClient | None = None,
        per_minute: int = PER_MINUTE,
        period: float = 60.0,
        shared: SharedPacer | None = None,
    ) -> None:
        self.keys: Mapping[str, str] = config.wecom_robots
        self.format = config.wecom_format
        self.url = config.wecom_api_base_url.rstrip("/") + "/webhook/send"
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        self._limiters = {township: RateLimiter(per_minute, period) for township in self.keys}
        self.shared = shared  # several processes: each robot paced in total, one message every period / per_minute
        self.step = period / per_minute

    async def close(self) -> None:
        await self.client.aclose()

    def check(self, townships: Mapping[str, str]) -> None:
        """Every configured robot names a township of content/townships.toml (id -> name)."""
        unknown = sorted(set(self.keys) - set(townships))
        if unknown:
            raise ConfigError(f"wechat.wecom_robots: unknown township id(s) {', '.join(unknown)}")

    async def bind(self, directory: DirectoryStore, townships: Mapping[str, str]) -> None:
        """Bind every configured robot to its township's group; unbind robots no longer configured."""
        self.check(townships)
        async with directory.db.transaction():  # one unit of work: readers see the old set or the new one
            for township in self.keys:
                title = f"{townships[township]}企业微信群"
                await directory.bind_group(CHANNEL, township, title, township, bound_by="config")
            for group in await directory.groups_in(list(townships)):
                if group.channel == CHANNEL and group.chat_id not in self.keys:
                    await directory.set_group_active(CHANNEL, group.chat_id, False)

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        if kind == "user":
            return DeliveryResult(DeliveryStatus.INVALID, "a group robot cannot message a person")
        key = self.keys.get(recipient)
        if key is None:
            return DeliveryResult(DeliveryStatus.INVALID, f"no robot configured for {recipient}")
        payload = self.payload(reply.text.strip())  # buttons mean nothing in a group robot's message
        await self._limiters[recipient].acquire()
        if self.shared is not None:
            await self.shared.wait(f"wecom:{recipient}", self.step)
        try:
            response = await self.client.post(
                self.url,
                params={"key": key},
                content=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
            data = response.json() if response.status_code < 400 else {"errcode": -2, "errmsg": "HTTP error"}
        except (httpx.HTTPError, ValueError) as exc:  # the URL holds the key: log the type only
            return DeliveryResult(DeliveryStatus.RETRY, f"network error ({type(exc).__name__})")
        return self._classify(recipient, data if isinstance(data, dict) else {"errcode": -2})

    def payload(self, text: str) -> dict[str, Any]:
        if self.format == "markdown":
            title, _, body = text.partition("\n")
            content = truncate_utf8(f"**{title}**\n{body}".strip(), TEXT_BYTES)
            return {"msgtype": "markdown", "markdown": {"content": content}}
        return {"msgtype": "text", "text": {"content": truncate_utf8(text, TEXT_BYTES)}}

    def _classify(self, recipient: str, data: dict[str, Any]) -> DeliveryResult:
        errcode = int(data.get("errcode", -2))
        detail = f"{errcode} {data.get('errmsg', '')}".strip()
        if errcode == 0:
            return DeliveryResult(DeliveryStatus.SENT)
        log.info("WeCom robot for %s: %s", recipient, detail)
        if errcode in INVALID_KEY:
            return DeliveryResult(DeliveryStatus.INVALID, detail)
        if errcode in BAD_MESSAGE:
            return DeliveryResult(DeliveryStatus.BAD_REQUEST, detail)
        if errcode == RATE_LIMITED:
            return DeliveryResult(DeliveryStatus.RETRY, detail, retry_after=60.0)
        return DeliveryResult(DeliveryStatus.RETRY, detail)
