"""A fake Telegram Bot API server on 127.0.0.1 for driving the real python-telegram-bot client.

It answers getMe, getUpdates (long polling), setWebhook/deleteWebhook/getWebhookInfo, sendMessage,
sendPhoto (multipart), answerCallbackQuery and setMyCommands with Bot API JSON, records what the bot
sent, validates HTML and lengths like Telegram, enforces (optionally) flood limits with 429s, and can
inject 429 / 403 / 400 "chat not found" / migrate_to_chat_id per chat. Updates are built by helpers.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import math
import re
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from aiohttp import ClientSession, web

from bot.channels.telegram.channel import TelegramChannel, stop_quietly
from tests.fakes.telegram_updates import (
    BOT,
    TOKEN,
    Json,
    channel_post,
    chat,
    edited,
    group_text,
    message,
    migrate,
    my_chat_member,
    photo,
    photo_size,
    poll,
    private_text,
    sticker,
    user,
    voice,
)

# The update builders are re-exported: tests and benches build updates through this module too.
__all__ = [
    "BLOCKED",
    "BOT",
    "KICKED",
    "NOT_FOUND",
    "TOKEN",
    "Failure",
    "FakeTelegram",
    "FloodLimits",
    "Json",
    "Sent",
    "channel_post",
    "chat",
    "edited",
    "group_text",
    "message",
    "migrate",
    "migrated",
    "my_chat_member",
    "photo",
    "photo_size",
    "poll",
    "private_text",
    "running",
    "sticker",
    "too_many",
    "user",
    "voice",
]

JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options", "entities"}
HTML_TAGS = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|blockquote)(\s[^<>]*)?>")
HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


@dataclass(frozen=True)
class Failure:
    """An error to answer instead of sending: code 429 (retry_after), 403, 400, or a migration."""

    code: int
    description: str
    retry_after: int | None = None
    migrate_to: int | None = None


def too_many(retry_after: int) -> Failure:
    return Failure(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


BLOCKED = Failure(403, "Forbidden: bot was blocked by the user")
KICKED = Failure(403, "Forbidden: bot was kicked from the group chat")
NOT_FOUND = Failure(400, "Bad Request: chat not found")


def migrated(new_chat_id: int) -> Failure:
    return Failure(400, "Bad Request: group chat was upgraded to a supergroup chat", migrate_to=new_chat_id)


@dataclass(frozen=True)
class FloodLimits:
    """Telegram-like limits the fake enforces with 429s (None: not enforced)."""

    overall_per_second: float | None = None
    group_per_window: int | None = None
    group_window: float = 60.0
    chat_interval: float | None = None  # minimum seconds between messages into one chat


@dataclass
class Sent:
    method: str
    chat_id: str
    text: str  # plain text (HTML parsed), caption for photos
    html: str
    params: Json
    at: float
    photo_bytes: int = 0

    @property
    def buttons(self) -> list[tuple[str, str]]:
        markup = self.params.get("reply_markup") or {}
        return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


@dataclass
class FakeTelegram:
    flood: FloodLimits = field(default_factory=FloodLimits)
    latency: float = 0.0  # seconds added to every send, like a real network
    max_poll: float = 0.2  # long-poll wait cap, so clients stop quickly in tests
    sent: list[Sent] = field(default_factory=list)
    updates: list[Json] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    answered: list[Json] = field(default_factory=list)
    commands: dict[str, list[Json]] = field(default_factory=dict)
    webhook: Json = field(default_factory=dict)
    rejected: Counter[int] = field(default_factory=Counter)  # error code -> count answered
    floods: Counter[str] = field(default_factory=Counter)  # which limit each flood 429 was for
    always: dict[str, Failure] = field(default_factory=dict)  # chat id -> failure on every send
    down: Counter[str] = field(default_factory=Counter)  # method -> calls still to fail with 502
    once: dict[str, deque[Failure]] = field(default_factory=dict)  # chat id -> next failures
    _next_update: int = 1
    _next_query: int = 1
    _open_queries: set[str] = field(default_factory=set)
    _message_ids: Counter[str] = field(default_factory=Counter)
    _overall: deque[float] = field(default_factory=deque)
    _groups: dict[str, deque[float]] = field(default_factory=dict)
    _last_chat: dict[str, float] = field(default_factory=dict)
    _changed: asyncio.Condition | None = None
    _runner: web.AppRunner | None = None
    port: int = 0

    # -- server --------------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/{prefix}/{method}", self._route)
        app.router.add_get("/{prefix}/{method}", self._route)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._changed = asyncio.Condition()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def _route(self, request: web.Request) -> web.Response:
        if request.match_info["prefix"] != f"bot{TOKEN}":
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls[method] += 1
        await self._notify()
        if self.down[method] > 0:  # an outage: the gateway answers 502
            self.down[method] -= 1
            return _error(502, "Bad Gateway")
        params = await _params(request)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        result: web.Response = await handler(params)
        return result

    # -- API methods ---------------------------------------------------------------------------

    async def _api_getMe(self, params: Json) -> web.Response:
        return _ok({**BOT, "can_join_groups": True, "can_read_all_group_messages": False})

    async def _api_getUpdates(self, params: Json) -> web.Response:
        if self.webhook.get("url"):
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            wait = min(float(params.get("timeout") or 0), self.max_poll)
            await self._wait_changed(lambda: bool(self.updates), wait)
        return _ok(self.updates[:100])

    async def _api_setWebhook(self, params: Json) -> web.Response:
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return _ok(True)

    async def _api_deleteWebhook(self, params: Json) -> web.Response:
        self.webhook = {}
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.updates.clear()
        return _ok(True)

    async def _api_getWebhookInfo(self, params: Json) -> web.Response:
        return _ok({"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0})

    async def _api_setMyCommands(self, params: Json) -> web.Response:
        commands = params.get("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]) or not 1 <= len(command["description"]) <= 256:
                return _error(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = (params.get("scope") or {"type": "default"})["type"]
        self.commands[scope] = commands
        return _ok(True)

    async def _api_answerCallbackQuery(self, params: Json) -> web.Response:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_queries:
            return _error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        self.answered.append(params)
        await self._notify()
        return _ok(True)

    async def _api_sendMessage(self, params: Json) -> web.Response:
        text = str(params.get("text", ""))
        plain = _parse_html(text) if params.get("parse_mode") == "HTML" else text
        if plain is None:
            return _error(400, "Bad Request: can't parse entities: unsupported start tag")
        if not plain.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(plain) > 4096:
            return _error(400, "Bad Request: message is too long")
        return await self._send("sendMessage", params, plain, text, 0)

    async def _api_sendPhoto(self, params: Json) -> web.Response:
        photo = params.get("photo")
        if not isinstance(photo, bytes) or not photo:
            return _error(400, "Bad Request: there is no photo in the request")
        caption = str(params.get("caption") or "")
        plain = _parse_html(caption) if params.get("parse_mode") == "HTML" else caption
        if plain is None or len(plain) > 1024:
            return _error(400, "Bad Request: can't parse caption")
        return await self._send("sendPhoto", params, plain, caption, len(photo))

    async def _send(self, method: str, params: Json, plain: str, raw: str, photo: int) -> web.Response:
        chat_id = str(params.get("chat_id", ""))
        if self.latency:
            await asyncio.sleep(self.latency)
        failure = self._failure(chat_id) or self._flooded(chat_id, time.monotonic())
        if failure is not None:
            self.rejected[failure.code] += 1
            await self._notify()
            return _failure(failure)
        params = {k: v for k, v in params.items() if k != "photo"}
        self.sent.append(Sent(method, chat_id, plain, raw, params, time.monotonic(), photo))
        self._message_ids[chat_id] += 1
        await self._notify()
        message: Json = {
            "message_id": self._message_ids[chat_id],
            "date": int(time.time()),
            "chat": chat(int(chat_id)),
            "from": BOT,
        }
        message.update({"text": plain} if method == "sendMessage" else {"caption": plain, "photo": [photo_size()]})
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return _ok(message)

    def _failure(self, chat_id: str) -> Failure | None:
        queued = self.once.get(chat_id)
        if queued:
            return queued.popleft()
        return self.always.get(chat_id)

    def _flooded(self, chat_id: str, now: float) -> Failure | None:
        flood = self.flood
        if flood.overall_per_second is not None:
            while self._overall and self._overall[0] <= now - 1.0:
                self._overall.popleft()
            if len(self._overall) >= flood.overall_per_second:
                self.floods["overall"] += 1
                return too_many(1)
        if flood.chat_interval is not None and now - self._last_chat.get(chat_id, -math.inf) < flood.chat_interval:
            self.floods["chat"] += 1
            return too_many(max(1, math.ceil(flood.chat_interval)))
        group = self._groups.setdefault(chat_id, deque()) if chat_id.startswith("-") else None
        if group is not None and flood.group_per_window is not None:
            while group and group[0] <= now - flood.group_window:
                group.popleft()
            if len(group) >= flood.group_per_window:
                self.floods["group"] += 1
                return too_many(max(1, math.ceil(group[0] + flood.group_window - now)))
        self._overall.append(now)
        self._last_chat[chat_id] = now
        if group is not None:
            group.append(now)
        return None

    # -- test helpers: updates -----------------------------------------------------------------

    async def push_update(self, body: Json) -> Json:
        """Queue an update (update_id assigned) for getUpdates; returns the full update."""
        update = {"update_id": self._next_update, **body}
        self._next_update += 1
        self.updates.append(update)
        await self._notify()
        return update

    async def post_webhook(self, body: Json, secret: str | None) -> int:
        """Deliver an update the way Telegram does in webhook mode; returns the HTTP status."""
        update = {"update_id": self._next_update, **body}
        self._next_update += 1
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with ClientSession() as session, session.post(self.webhook["url"], json=update, headers=headers) as resp:
            return resp.status

    def callback_query(self, user_id: int, data: str, chat_id: int | None = None) -> Json:
        query_id = str(self._next_query)
        self._next_query += 1
        self._open_queries.add(query_id)
        where = chat(chat_id if chat_id is not None else user_id)
        message = {"message_id": 1, "date": int(time.time()), "chat": where, "from": BOT, "text": "…"}
        return {
            "callback_query": {
                "id": query_id,
                "from": user(user_id),
                "chat_instance": f"ci{where['id']}",
                "message": message,
                "data": data,
            }
        }

    # -- test helpers: waiting -----------------------------------------------------------------

    async def _notify(self) -> None:
        if self._changed is not None:
            async with self._changed:
                self._changed.notify_all()

    async def _wait_changed(self, predicate: Callable[[], bool], within: float) -> bool:
        assert self._changed is not None
        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(predicate), within)
        except TimeoutError:
            return False
        return True

    async def wait_until(self, predicate: Callable[[], bool], within: float = 30.0) -> None:
        if not await self._wait_changed(predicate, within):
            raise AssertionError(f"the fake Telegram server did not see the expected calls within {within} s")

    async def wait_sent(self, chat_id: str | int, count: int = 1, within: float = 30.0) -> list[Sent]:
        await self.wait_until(lambda: len(self.sent_to(chat_id)) >= count, within)
        return self.sent_to(chat_id)

    def sent_to(self, chat_id: str | int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == str(chat_id)]


# -- HTTP helpers ------------------------------------------------------------------------------


async def _params(request: web.Request) -> Json:
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    form = await request.post()
    params: Json = {}
    files: dict[str, bytes] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = value.file.read()
        elif isinstance(value, str):
            params[key] = json.loads(value) if key in JSON_FIELDS else value
    for key, value in list(params.items()):  # a file may be referenced as attach://<part name>
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = files.pop(value.removeprefix("attach://"), b"")
    params.update(files)
    return params


def _parse_html(text: str) -> str | None:
    """The plain text Telegram shows for an HTML-mode message, or None when it would reject it."""
    stripped = HTML_TAGS.sub("", text)
    if "<" in stripped or ">" in stripped or re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", stripped):
        return None
    return html.unescape(stripped)


def _ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, parameters: Json | None = None) -> web.Response:
    body: Json = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def _failure(failure: Failure) -> web.Response:
    parameters: Json = {}
    if failure.retry_after is not None:
        parameters["retry_after"] = failure.retry_after
    if failure.migrate_to is not None:
        parameters["migrate_to_chat_id"] = failure.migrate_to
    return _error(failure.code, failure.description, parameters or None)


@contextlib.asynccontextmanager
async def running(channel: TelegramChannel) -> AsyncIterator[TelegramChannel]:
    """Run a TelegramChannel against the fake until the block ends."""
    task = asyncio.create_task(channel.run())
    ready = asyncio.create_task(channel.ready.wait())
    done, _ = await asyncio.wait({task, ready}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        await stop_quietly(task)
        raise AssertionError("the Telegram channel did not start")
    try:
        yield channel
    finally:
        await stop_quietly(task)
