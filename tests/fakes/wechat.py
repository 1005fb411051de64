"""A fake WeChat API server on 127.0.0.1 (Official Account API and WeCom group-robot webhooks).

It checks access tokens like WeChat does (40001 for an unknown or invalidated token), records every
message it accepts, and can be told to answer the next calls of a path with given error codes
(45015 out of window, 43004 not following, 40001 invalid token, 45009 quota, ...).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import secrets
import time
import xml.etree.ElementTree as ET
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from wechatpy.crypto import WeChatCrypto

from bot.channels.wechat.channel import WechatChannel
from bot.dispatcher import Dispatcher
from bot.messages import Inbound, Reply
from bot.routing import Handler
from bot.services import Services
from bot.web import build_app


@dataclass
class FakeWechat:
    app_id: str = "wx-test-app"
    app_secret: str = "test-secret"
    robot_keys: set[str] = field(default_factory=set)
    tokens_issued: int = 0
    token_delay: float = 0.0  # seconds the token endpoint takes (to overlap concurrent refreshes)
    valid_tokens: set[str] = field(default_factory=set)
    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (path, payload) accepted
    calls: list[str] = field(default_factory=list)  # every API path called, in order
    errors: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))
    _msgids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}/cgi-bin/"

    def fail_next(self, path: str, *errcodes: int) -> None:
        """Answer the next calls of `path` (e.g. "message/custom/send") with these error codes."""
        self.errors[path].extend(errcodes)

    def revoke_tokens(self) -> None:
        """As if another party had fetched a new token: every token issued so far stops working."""
        self.valid_tokens.clear()

    def payloads(self, path: str) -> list[dict[str, Any]]:
        return [payload for p, payload in self.sent if p == path]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_post("/cgi-bin/webhook/send", self._robot)
        app.router.add_post("/cgi-bin/{path:.+}", self._api)
        self.server = TestServer(app, host="127.0.0.1", port=0)
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _token(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("appid") != self.app_id or q.get("secret") != self.app_secret:
            return web.json_response({"errcode": 40013, "errmsg": "invalid appid"})
        await asyncio.sleep(self.token_delay)
        self.tokens_issued += 1
        token = f"TOKEN-{self.tokens_issued}"
        self.valid_tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": 7200})

    async def _api(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        self.calls.append(path)
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        queued = self.errors.get(path)
        if queued:
            code = queued.popleft()
            if code in (40001, 42001):
                self.valid_tokens.discard(request.query["access_token"])
            return web.json_response({"errcode": code, "errmsg": f"fake error {code}"})
        if path == "media/upload":
            return await self._upload(request)
        payload = json.loads((await request.read()).decode("utf-8"))
        self.sent.append((path, payload))
        answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        if path == "message/template/send":
            answer["msgid"] = next(self._msgids)
        return web.json_response(answer)

    async def _upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        media = form.get("media")
        if request.query.get("type") != "image" or not isinstance(media, web.FileField):
            return web.json_response({"errcode": 40004, "errmsg": "invalid media type"})
        data = media.file.read()
        media_id = f"MEDIA-{next(self._msgids)}"
        self.sent.append(("media/upload", {"filename": media.filename, "size": len(data), "media_id": media_id}))
        return web.json_response({"type": "image", "media_id": media_id, "created_at": int(time.time())})

    async def _robot(self, request: web.Request) -> web.Response:
        self.calls.append("webhook/send")
        if request.query.get("key") not in self.robot_keys:
            return web.json_response({"errcode": 93000, "errmsg": "invalid webhook url"})
        queued = self.errors.get("webhook/send")
        if queued:
            code = queued.popleft()
            return web.json_response({"errcode": code, "errmsg": f"fake error {code}"})
        payload = json.loads((await request.read()).decode("utf-8"))
        payload["_key"] = request.query["key"]
        self.sent.append(("webhook/send", payload))
        return web.json_response({"errcode": 0, "errmsg": "ok"})


# --- the other direction: WeChat's servers calling the bot's callback --------------------------------

TOKEN = "test-callback-token"
AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")  # an EncodingAESKey: 43 characters
APP_ID = "wx-test-app"
ACCOUNT = "gh_wuzhai_test"


def signed_query(
    timestamp: int | None = None, nonce: str | None = None, token: str = TOKEN, **extra: str
) -> dict[str, str]:
    """Query parameters WeChat adds to every callback: timestamp, a fresh random nonce and their signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = secrets.token_hex(6) if nonce is None else nonce
    signature = hashlib.sha1("".join(sorted([token, ts, nonce])).encode()).hexdigest()
    return {"timestamp": ts, "nonce": nonce, "signature": signature, **extra}


def message_xml(
    user: str, msg_type: str, create_time: int | None = None, msg_id: int | None = None, **fields: str
) -> str:
    """A message or event as WeChat sends it (fields: Content, Recognition, Event, EventKey, ...)."""
    parts = [
        f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>",
        f"<FromUserName><![CDATA[{user}]]></FromUserName>",
        f"<CreateTime>{int(time.time()) if create_time is None else create_time}</CreateTime>",
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
    ]
    parts += [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items()]
    if msg_id is not None:
        parts.append(f"<MsgId>{msg_id}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


def encrypted(xml: str, nonce: str | None = None, timestamp: int | None = None) -> tuple[str, dict[str, str]]:
    """Safe mode: the encrypted body and its query (signature and msg_signature), the way WeChat does it."""
    nonce = secrets.token_hex(6) if nonce is None else nonce
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    ts = str(int(time.time()) if timestamp is None else timestamp)
    body = crypto.encrypt_message(xml, nonce, ts)
    query = signed_query(int(ts), nonce, encrypt_type="aes", msg_signature=xml_field(body, "MsgSignature"))
    return str(body), query


def decrypt_reply(body: str, query: dict[str, str]) -> str:
    """The bot's encrypted passive reply, checked and decrypted as WeChat would."""
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    fields = (xml_field(body, name) for name in ("MsgSignature", "TimeStamp", "Nonce"))
    return str(crypto.decrypt_message(body, *fields))


def xml_field(xml: str, name: str) -> str:
    """The text of one child of a WeChat XML document's root."""
    return ET.fromstring(xml).findtext(name) or ""


@asynccontextmanager
async def served_channel(
    services: Services, dispatcher: Dispatcher[Services]
) -> AsyncIterator[tuple[TestClient[web.Request, web.Application], WechatChannel]]:
    """The real WeChat channel mounted on the bot's real aiohttp app, served on a loopback port."""
    channel = WechatChannel(services, dispatcher)
    app = build_app(services)
    channel.mount(app)
    client: TestClient[web.Request, web.Application] = TestClient(TestServer(app, host="127.0.0.1", port=0))
    await client.start_server()
    try:
        yield client, channel
    finally:
        await channel.drain()
        await client.close()
        await channel.api.close()


def answer_when_opened(gate: asyncio.Event, text: str, entered: asyncio.Event | None = None) -> Handler[Services]:
    """A text handler that answers `text` only once `gate` is set (an answer that takes as long as the test
    wants); it sets `entered` when it starts waiting."""

    async def slow(msg: Inbound, svc: Services) -> list[Reply]:
        if entered is not None:
            entered.set()
        await gate.wait()
        return [Reply(text)]

    return slow
