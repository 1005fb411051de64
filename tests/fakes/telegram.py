"""A fake Telegram Bot API server on 127.0.0.1 for driving the real python-telegram-bot client.

It answers getMe, getUpdates (long polling), setWebhook/deleteWebhook/getWebhookInfo, sendMessage,
sendPhoto (multipart), answerCallbackQuery and setMyCommands with Bot API JSON, records what the bot
sent, validates HTML and lengths like Telegram, enforces (optionally) flood limits with 429s, and can
inject 429 / 403 / 400 "chat not found" / migrate_to_chat_id per chat. Those refusals and the flood
limits are in telegram_refusals.py, the Bot API's wire format in telegram_wire.py, and the updates a test
feeds in are built by telegram_updates.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from aiohttp import ClientSession, web

from bot.channels.telegram.channel import TelegramChannel, stop_quietly
from tests.fakes.telegram_refusals import Failure, FloodLimits, FloodWindows, too_many
from tests.fakes.telegram_updates import BOT, TOKEN, Json, chat, photo_size, user
from tests.fakes.telegram_wire import error, ok, parse_html, read_params, refusal


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
    _windows: FloodWindows = field(default_factory=FloodWindows)
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
            return error(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls[method] += 1
        await self._notify()
        if self.down[method] > 0:  # an outage: the gateway answers 502
            self.down[method] -= 1
            return error(502, "Bad Gateway")
        params = await read_params(request)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return error(404, "Not Found: method not found")
        result: web.Response = await handler(params)
        return result

    # -- API methods ---------------------------------------------------------------------------

    async def _api_getMe(self, params: Json) -> web.Response:
        return ok({**BOT, "can_join_groups": True, "can_read_all_group_messages": False})

    async def _api_getUpdates(self, params: Json) -> web.Response:
        if self.webhook.get("url"):
            return error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            wait = min(float(params.get("timeout") or 0), self.max_poll)
            await self._wait_changed(lambda: bool(self.updates), wait)
        return ok(self.updates[:100])

    async def _api_setWebhook(self, params: Json) -> web.Response:
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return ok(True)

    async def _api_deleteWebhook(self, params: Json) -> web.Response:
        self.webhook = {}
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.updates.clear()
        return ok(True)

    async def _api_getWebhookInfo(self, params: Json) -> web.Response:
        return ok({"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0})

    async def _api_setMyCommands(self, params: Json) -> web.Response:
        commands = params.get("commands") or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command["command"]) or not 1 <= len(command["description"]) <= 256:
                return error(400, "Bad Request: BOT_COMMAND_INVALID")
        scope = (params.get("scope") or {"type": "default"})["type"]
        self.commands[scope] = commands
        return ok(True)

    async def _api_answerCallbackQuery(self, params: Json) -> web.Response:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_queries:
            return error(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        self.answered.append(params)
        await self._notify()
        return ok(True)

    async def _api_sendMessage(self, params: Json) -> web.Response:
        text = str(params.get("text", ""))
        plain = parse_html(text) if params.get("parse_mode") == "HTML" else text
        if plain is None:
            return error(400, "Bad Request: can't parse entities: unsupported start tag")
        if not plain.strip():
            return error(400, "Bad Request: message text is empty")
        if len(plain) > 4096:
            return error(400, "Bad Request: message is too long")
        return await self._send("sendMessage", params, plain, text, 0)

    async def _api_sendPhoto(self, params: Json) -> web.Response:
        photo = params.get("photo")
        if not isinstance(photo, bytes) or not photo:
            return error(400, "Bad Request: there is no photo in the request")
        caption = str(params.get("caption") or "")
        plain = parse_html(caption) if params.get("parse_mode") == "HTML" else caption
        if plain is None or len(plain) > 1024:
            return error(400, "Bad Request: can't parse caption")
        return await self._send("sendPhoto", params, plain, caption, len(photo))

    async def _send(self, method: str, params: Json, plain: str, raw: str, photo: int) -> web.Response:
        chat_id = str(params.get("chat_id", ""))
        if self.latency:
            await asyncio.sleep(self.latency)
        failure = self._failure(chat_id) or self._flooded(chat_id, time.monotonic())
        if failure is not None:
            self.rejected[failure.code] += 1
            await self._notify()
            return refusal(failure)
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
        return ok(message)

    def _failure(self, chat_id: str) -> Failure | None:
        queued = self.once.get(chat_id)
        if queued:
            return queued.popleft()
        return self.always.get(chat_id)

    def _flooded(self, chat_id: str, now: float) -> Failure | None:
        over = self._windows.over(self.flood, chat_id, now)
        if over is None:
            return None
        limit, retry_after = over
        self.floods[limit] += 1
        return too_many(retry_after)

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
