"""The WeChat callback's HTTP side: what is checked and decoded before a message is answered.

GET verifies the URL when the county saves the server settings (echo `echostr` if signed). POST receives
messages in plain or safe (AES) mode: the query's signature and replay window, the encryption mode the
settings require, the body's size and XML (bot/channels/wechat/xml.py) are checked before anything is
stored; the message is decrypted and parsed, handed to the channel's `handle`, and its answer rendered
as the passive reply's XML (encrypted in safe mode), or "success" when the answer follows by push. A
refused request gets its HTTP status, never an answer. What to answer is the channel's business
(bot/channels/wechat/channel.py).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import TextReply

from bot.channels.wechat.inbound import Incoming, parse
from bot.channels.wechat.xml import Refused, check_query, check_xml, decrypt, encrypt
from bot.config import ConfigError, WechatConfig

log = logging.getLogger(__name__)

SUCCESS = "success"  # WeChat's "received, no passive reply"
Nonce = tuple[str, str, str]  # plain mode: (timestamp, nonce, sha256 of the body)
Handle = Callable[[Incoming, Nonce | None], Awaitable[str | None]]  # the passive answer, or None: "success"


class CallbackEndpoint:
    """The GET and POST handlers of the callback path; `handle` decides what a checked message gets."""

    def __init__(self, config: WechatConfig, handle: Handle) -> None:
        self.config = config
        self.crypto = crypto_of(config)
        self.handle = handle

    def mount(self, app: web.Application) -> None:
        app.router.add_get(self.config.path, self.verify)
        app.router.add_post(self.config.path, self.callback)

    async def verify(self, request: web.Request) -> web.Response:
        """URL verification when the county saves the server settings: echo `echostr` if signed."""
        try:
            check_query(request.query, self.config.token, self.config.replay_window)
        except Refused as exc:
            log.warning("WeChat verification refused: %s", exc.reason)
            return web.Response(status=exc.status, text="forbidden")
        echostr = request.query.get("echostr", "")
        if not echostr:
            return web.Response(status=400, text="no echostr")
        return web.Response(text=echostr)

    async def callback(self, request: web.Request) -> web.Response:
        encrypted = request.query.get("encrypt_type", "raw").lower() == "aes"
        try:
            check_query(request.query, self.config.token, self.config.replay_window)
            if not encrypted and self.config.require_encryption:
                raise Refused(403, "plain-mode message refused (require_encryption)")
            if not encrypted and self.crypto is not None and not self.config.compat_mode:
                raise Refused(403, "plain-mode message refused: a key is set (wechat.compat_mode: 兼容模式)")
            raw = await self._body(request)
            root = check_xml(raw)  # parsed once: decryption and wechatpy read this tree
            if encrypted:
                if self.crypto is None:
                    raise Refused(400, "safe mode message but no EncodingAESKey configured")
                root = decrypt(self.crypto, root, request.query)
            incoming = parse(root)
            # Plain mode's signature does not cover the body: a seen (timestamp, nonce) with another body is a
            # replay. Safe mode's msg_signature covers the encrypted body, so it needs no record. The pair is
            # checked with the claim (within the reply budget, answered later when the database fails).
            query = request.query
            nonce = None if encrypted else (query["timestamp"], query["nonce"], hashlib.sha256(raw).hexdigest())
            text = await self.handle(incoming, nonce)
        except Refused as exc:
            log.warning("WeChat callback refused (%s): %s", exc.status, exc.reason)
            return web.Response(status=exc.status, text="refused")
        if text is None:
            return web.Response(text=SUCCESS)
        reply = TextReply(source=incoming.account, target=incoming.user_id, content=text, time=int(time.time()))
        body = str(reply.render())
        if encrypted and self.crypto is not None:
            body = encrypt(self.crypto, body, request.query["nonce"], str(int(time.time())))
        return web.Response(text=body, content_type="application/xml")

    async def _body(self, request: web.Request) -> bytes:
        limit = self.config.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            raise Refused(413, "body too large")
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := await request.content.read(8192):
                size += len(chunk)
                if size > limit:
                    raise Refused(413, "body too large")
                chunks.append(chunk)
        except (OSError, ValueError) as exc:  # the client went away mid-body
            raise Refused(400, f"incomplete body ({type(exc).__name__})") from None
        return b"".join(chunks)


def crypto_of(config: WechatConfig) -> WeChatCrypto | None:
    """Safe mode's cipher, or None in plain mode; a malformed key fails loudly at start-up."""
    if not config.encoding_aes_key:
        return None
    if len(config.encoding_aes_key) != 43 or not config.app_id:
        raise ConfigError(
            "wechat.encoding_aes_key must be the 43-character EncodingAESKey, and wechat.app_id must be set"
        )
    try:
        return WeChatCrypto(config.token, config.encoding_aes_key, config.app_id)
    except (ValueError, AssertionError):
        raise ConfigError("wechat.encoding_aes_key: not a valid EncodingAESKey") from None
