"""Pushing to WeChat users within the platform's rules (the PushTransport for channel "wechat").

- Customer-service messages only within 48 hours of the user's last message (DirectoryStore keeps
  last_inbound_at) and at most `cs_per_window` of them per window.
- Outside the window (or with the window's messages used up): the configured template message, or
  OUT_OF_WINDOW when no template is configured.
- 45015 (window passed) / 45047 (too many messages) fall back like an expired window; 43004 (not
  following) is classified unreachable, 40003 (bad OpenID) invalid, a malformed message (empty,
  too long, wrong type or template) a bad request; 45009 (API quota) is retried after the quota resets
  at midnight Beijing time. Every attempt is recorded in wechat_sends. The transport only reads the
  directory (window, known reachability); what an outcome does to the user is decided by the outcome
  hook (bot/recipients.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.channels.wechat.api import WechatApi, WechatApiError
from bot.channels.wechat.inbound import CHANNEL
from bot.channels.wechat.render import reply_texts, truncate_utf8
from bot.config import WechatConfig
from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind
from storage import DirectoryStore
from storage.wechat import SendKind, WechatStore

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=48) - timedelta(minutes=5)  # a safety margin against clock skew
OUT_OF_WINDOW_CODES = {45015, 45047}
NOT_FOLLOWING = 43004
BAD_OPENID = 40003
QUOTA = 45009
BAD_MESSAGE = {40008, 40037, 44002, 44004, 45002}  # message type, template id, empty, too long
SHANGHAI = ZoneInfo("Asia/Shanghai")
TEMPLATE_BODY_CHARS = 180


class WechatPush:
    """The PushTransport for WeChat Official Account users (recipient: OpenID, kind: "user")."""

    channel = CHANNEL

    def __init__(self, api: WechatApi, store: WechatStore, directory: DirectoryStore, config: WechatConfig) -> None:
        self.api = api
        self.store = store
        self.directory = directory
        self.config = config

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        if kind != "user":
            return DeliveryResult(DeliveryStatus.INVALID, "an Official Account cannot post into groups")
        return await self.deliver(recipient, [reply])

    async def deliver(self, recipient: str, replies: list[Reply]) -> DeliveryResult:
        """Send replies to one user: customer-service messages in the window, else a template message."""
        known = await self.directory.reachability(CHANNEL, recipient)
        if known is not None and known[0] != "active":
            return DeliveryResult(
                DeliveryStatus.UNREACHABLE if known[0] == "unreachable" else DeliveryStatus.INVALID, known[0]
            )
        texts = reply_texts(replies)
        images = [(r.image_name, r.image) for r in replies if r.image]
        if not texts and not images:
            return DeliveryResult(DeliveryStatus.INVALID, "empty message")
        last_inbound = known[1] if known else None
        if last_inbound and await self._window_allows(recipient, last_inbound, len(texts) + len(images)):
            result = await self._customer_service(recipient, texts, images)
            if result.status is not DeliveryStatus.OUT_OF_WINDOW:
                return result
        if not texts:
            return DeliveryResult(DeliveryStatus.OUT_OF_WINDOW, "an image cannot go in a template message")
        return await self._template(recipient, texts)

    async def _window_allows(self, user: str, last_inbound: str, needed: int) -> bool:
        opened = datetime.fromisoformat(last_inbound)
        if datetime.now(UTC) - opened > WINDOW:
            return False
        return await self.store.cs_sent_since(user, last_inbound) + needed <= self.config.cs_per_window

    async def _customer_service(self, user: str, texts: list[str], images: list[tuple[str, bytes]]) -> DeliveryResult:
        payloads: list[dict[str, Any]] = [{"touser": user, "msgtype": "text", "text": {"content": t}} for t in texts]
        for name, data in images:
            try:
                media_id = await self.api.upload_image(name, data)
            except WechatApiError as exc:
                return await self._failed("cs", user, exc)
            payloads.append({"touser": user, "msgtype": "image", "image": {"media_id": media_id}})
        for payload in payloads:
            result = await self._send("cs", user, "message/custom/send", payload)
            if result.status is not DeliveryStatus.SENT:
                return result
        return DeliveryResult(DeliveryStatus.SENT)

    async def _template(self, user: str, texts: list[str]) -> DeliveryResult:
        if not self.config.template_id:
            return DeliveryResult(DeliveryStatus.OUT_OF_WINDOW, "outside the 48-hour window; no template configured")
        title, _, body = "\n".join(texts).partition("\n")
        body = " ".join(body.split())
        if len(body) > TEMPLATE_BODY_CHARS:
            body = body[: TEMPLATE_BODY_CHARS - 1] + "…"
        payload: dict[str, Any] = {
            "touser": user,
            "template_id": self.config.template_id,
            "data": {
                self.config.template_title_field: {"value": truncate_utf8(title, 200)},
                self.config.template_body_field: {"value": body or title},
            },
        }
        return await self._send("template", user, "message/template/send", payload)

    async def _send(self, kind: SendKind, user: str, path: str, payload: dict[str, Any]) -> DeliveryResult:
        try:
            data = await self.api.call(path, payload)
        except WechatApiError as exc:
            return await self._failed(kind, user, exc)
        msg_id = str(data["msgid"]) if "msgid" in data else None
        await self.store.record_send(user, kind, DeliveryStatus.SENT.value, 0, msg_id)
        return DeliveryResult(DeliveryStatus.SENT, f"msgid {msg_id}" if msg_id else "")

    async def _failed(self, kind: SendKind, user: str, exc: WechatApiError) -> DeliveryResult:
        result = classify(exc)
        await self.store.record_send(user, kind, result.status.value, exc.errcode)
        log.info("WeChat %s message not delivered: %s (%s)", kind, result.status.value, exc.errcode)
        return result


def classify(exc: WechatApiError) -> DeliveryResult:
    """What a WeChat API error says about a message to one user."""
    detail = f"{exc.errcode} {exc.errmsg}".strip()
    if exc.errcode in OUT_OF_WINDOW_CODES:
        return DeliveryResult(DeliveryStatus.OUT_OF_WINDOW, detail)
    if exc.errcode == NOT_FOLLOWING:
        return DeliveryResult(DeliveryStatus.UNREACHABLE, detail)
    if exc.errcode == BAD_OPENID:
        return DeliveryResult(DeliveryStatus.INVALID, detail)
    if exc.errcode in BAD_MESSAGE:
        return DeliveryResult(DeliveryStatus.BAD_REQUEST, detail)
    if exc.errcode == QUOTA:
        return DeliveryResult(DeliveryStatus.RETRY, detail, retry_after=seconds_to_quota_reset())
    return DeliveryResult(DeliveryStatus.RETRY, detail)


def seconds_to_quota_reset(now: datetime | None = None) -> float:
    """WeChat's daily API quotas reset at midnight Beijing time."""
    local = (now or datetime.now(UTC)).astimezone(SHANGHAI)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=5, microsecond=0)
    return max(60.0, (midnight - local).total_seconds())
