"""The Telegram channel: python-telegram-bot's Application, polling or webhook, replies, relays and pushes.

Updates become Inbound (telegram_updates), the dispatcher answers, replies are rendered as HTML with
inline keyboards (telegram_render) and go out at once on the Application's bot (telegram_send);
pushes use the separate, rate-limited TelegramPushTransport (telegram_push), so a broadcast never
delays a reply. Webhook mode receives on the bot's aiohttp server (telegram_webhook).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, ChatMember, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram.limits import PushLimits, SendLimiter
from bot.channels.telegram.polling_bot import build_bot
from bot.channels.telegram.processor import ChatOrderedProcessor
from bot.channels.telegram.push import TelegramPushTransport
from bot.channels.telegram.send import ReplySender
from bot.channels.telegram.updates import CHANNEL, BotIdentity, callback_inbound, chat_kind, message_inbound
from bot.channels.telegram.webhook import check_config, webhook_handler, webhook_path
from bot.config import ConfigError, TelegramConfig
from bot.dispatcher import Dispatcher
from bot.leases import Leadership
from bot.messages import Capabilities, Inbound, Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, PushTarget
from bot.pacing import SharedPacer
from bot.services import Services

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
PRIVATE_COMMANDS = [
    BotCommand("start", "开始使用"),
    BotCommand("help", "怎么问、能问什么"),
    BotCommand("jobs", "看最近的招聘和零工"),
    BotCommand("dingyue", "订阅招聘信息"),
    BotCommand("xinxi", "我的务工信息和就业服务"),
    BotCommand("bangding", "绑定身份（用联络员给的码）"),
    BotCommand("human", "找工作人员"),
]
GROUP_COMMANDS = [BotCommand("bind", "把本群绑定到乡镇（工作人员用）"), BotCommand("help", "怎么用小助手")]
TEXT_ONLY = "小助手只看得懂文字，请直接打字问我，比如：交通补贴咋领？"
VOICE_UNSUPPORTED = "这里的语音小助手还听不了，麻烦打字问我，比如：交通补贴咋领？"
EDITED = "修改过的消息小助手收不到，请把问题重新发一条。"
Context = ContextTypes.DEFAULT_TYPE


class TelegramChannel:
    name = CHANNEL
    capabilities = Capabilities(buttons=True, images=True, max_text=4096)

    def __init__(
        self,
        config: TelegramConfig,
        services: Services,
        dispatcher: Dispatcher[Services],
        limits: PushLimits | None = None,
        poll_timeout: float = 10.0,
    ) -> None:
        check_config(config)
        self.config = config
        self.services = services
        self.dispatcher = dispatcher
        self.poll_timeout = poll_timeout
        self.webhook = config.mode == "webhook"
        shared = SharedPacer(services.db) if services.db.engine != "sqlite" else None  # several processes
        self.limiter = SendLimiter(limits or PushLimits.from_config(config), shared=shared)
        self.polling = Leadership(services.db, "telegram.polling", float(max(config.polling_lease_seconds, 3)))
        self.push_transport = TelegramPushTransport(config.token, config.base_url, self.limiter)
        builder = (
            ApplicationBuilder()
            .bot(build_bot(config.token, config.base_url))
            .concurrent_updates(ChatOrderedProcessor(max(config.concurrent_updates, 1)))
            .job_queue(None)
        )
        if self.webhook:
            builder = builder.updater(None)
        self.app: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.sender = ReplySender(self.app.bot, self.limiter, services.recipients.apply)
        self.app.add_handler(ChatMemberHandler(self._on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
        self.app.add_handler(CallbackQueryHandler(self._on_callback))
        self.app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, self._on_migrate))
        self.app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, self._on_text))
        private = filters.ChatType.PRIVATE
        self.app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & private, self._on_other))
        self.app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, self._on_edited))
        self.app.add_error_handler(self._on_error)
        self.me = BotIdentity(0, "")
        self.ready = asyncio.Event()
        self.startup_backoff = 1.0  # seconds before the first retry when the Bot API is unreachable

    # -- running -------------------------------------------------------------------------------

    async def run(self) -> None:
        """Start the Application, then poll or register the webhook; run until cancelled."""
        await self._initialize()
        try:
            me = self.app.bot.bot
            self.me = BotIdentity(me.id, me.username or "")
            await self._set_commands()
            await self.app.start()
            if self.webhook:
                await self.app.bot.set_webhook(
                    self.config.webhook_url, secret_token=self.config.webhook_secret, allowed_updates=ALLOWED_UPDATES
                )
            log.info("telegram: @%s is %s", self.me.username, "on the webhook" if self.webhook else "polling")
            self.ready.set()
            if self.webhook or self.app.updater is None:
                await asyncio.Event().wait()
            else:  # one process of several polls (Telegram allows one getUpdates consumer); the others stand by
                await self.polling.run(self._start_polling, self._stop_polling)
        finally:
            self.ready.clear()
            if self.app.updater is not None and self.app.updater.running:
                await self.app.updater.stop()
            if self.app.running:
                await self.app.stop()
            await self.app.shutdown()
            await self.push_transport.close()

    async def _start_polling(self) -> None:
        assert self.app.updater is not None
        await self.app.updater.start_polling(
            timeout=timedelta(seconds=self.poll_timeout), allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1
        )

    async def _stop_polling(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()

    async def _initialize(self) -> None:
        """getMe until Telegram answers: a network outage at start-up must not stop the other channels.
        A rejected token is final: a ConfigError that, unlike PTB's InvalidToken, does not quote it."""
        delay = self.startup_backoff
        while True:
            try:
                await self.app.initialize()
                return
            except InvalidToken:
                await self.app.bot.shutdown()
                await self.push_transport.close()
                raise ConfigError("BOT_TELEGRAM_TOKEN / telegram.token: Telegram rejected the token") from None
            except NetworkError as exc:
                log.warning("telegram: cannot reach the Bot API (%s); trying again in %.0f s", exc.message, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)

    async def _set_commands(self) -> None:
        """The command menu, in Chinese, for private chats and for groups; a failure is only logged."""
        try:
            await self.app.bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats())
            await self.app.bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
        except TelegramError as exc:
            log.warning("telegram: could not set the command menu: %s", exc.message)

    def mount(self, app: web.Application) -> None:
        """Webhook mode: receive updates on the bot's aiohttp server."""
        if self.webhook:
            handler = webhook_handler(self.config.webhook_secret, self.app.bot, self.app.update_queue)
            app.router.add_post(webhook_path(self.config), handler)

    # -- updates -------------------------------------------------------------------------------

    async def _on_text(self, update: Update, context: Context) -> None:
        """A new text message or command: private, or in a group when it is for the bot."""
        message = update.message
        if message is None:
            return
        msg = message_inbound(message, self.me)
        if msg is not None:
            await self._handle(msg)

    async def _on_other(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice and the like in a private chat: say what the bot can read."""
        message = update.message
        if message is None or message.from_user is None or message.from_user.is_bot:
            return
        chat_id = str(message.chat.id)
        await self.services.directory.seen(CHANNEL, str(message.from_user.id), chat_id)
        text = VOICE_UNSUPPORTED if message.voice or message.audio else TEXT_ONLY
        await self.sender.deliver(chat_id, [Reply(text)], interactive=True)

    async def _on_edited(self, update: Update, context: Context) -> None:
        message = update.edited_message
        if message is not None and message.text:
            await self.sender.deliver(str(message.chat.id), [Reply(EDITED)], interactive=True)

    async def _on_callback(self, update: Update, context: Context) -> None:
        """A pressed button: answer the query at once (the spinner stops), then handle its data."""
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as exc:  # too old, or answered already: the data can still be handled
            log.info("telegram: could not answer a callback query: %s", exc.message)
        msg = callback_inbound(query)
        if msg is not None:
            await self._handle(msg)

    async def _on_my_chat_member(self, update: Update, context: Context) -> None:
        """The bot's own membership changed: blocked/unblocked in private, added/removed in groups."""
        change = update.my_chat_member
        if change is None:
            return
        kind = chat_kind(change.chat)
        chat_id, user_id = str(change.chat.id), str(change.from_user.id)
        gone, was_gone = _gone(change.new_chat_member), _gone(change.old_chat_member)
        if kind == "private":
            if gone:
                blocked = DeliveryResult(DeliveryStatus.UNREACHABLE, "blocked the bot")
                await self.services.recipients.apply(PushTarget(CHANNEL, chat_id, "user", chat_id), blocked)
            else:
                await self.services.directory.seen(CHANNEL, chat_id, chat_id, inbound=False)
        elif kind == "group" and gone != was_gone:
            event = "group_left" if gone else "group_joined"
            msg = Inbound(CHANNEL, user_id, chat_id, "group", event=event, chat_title=change.chat.title or "")
            replies = await self.dispatcher.dispatch(msg)
            if not gone:
                await self.sender.deliver(chat_id, replies, interactive=True)

    async def _on_migrate(self, update: Update, context: Context) -> None:
        """A group became a supergroup: keep its binding under the new id."""
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            old, new = str(message.chat.id), str(message.migrate_to_chat_id)
        elif message.migrate_from_chat_id:
            old, new = str(message.migrate_from_chat_id), str(message.chat.id)
        else:
            return
        moved = DeliveryResult(DeliveryStatus.RETRY, "group migrated", new_recipient=new)
        await self.services.recipients.apply(PushTarget(CHANNEL, old, "group"), moved)

    async def _on_error(self, update: object, context: Context) -> None:
        log.error("telegram: handling an update failed: %r", context.error, exc_info=context.error)

    async def _handle(self, msg: Inbound) -> None:
        if msg.chat_kind == "private":
            await self.services.directory.seen(CHANNEL, msg.user_id, msg.chat_id)
        replies: list[Reply] = []
        if msg.payload:  # a deep link: the "start_payload" route first, the plain /start when it declines
            replies = await self.dispatcher.dispatch(replace(msg, event="start_payload"))
        if not replies:
            replies = await self.dispatcher.dispatch(msg)
        await self.sender.deliver(msg.chat_id, replies, interactive=True)

    # -- sending -------------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply) -> None:
        """An unsolicited message (a relayed staff answer): raises when it should be tried again later."""
        await self.sender.deliver(chat_id, [reply], interactive=False)


def _gone(member: ChatMember) -> bool:
    if member.status in (ChatMember.LEFT, ChatMember.BANNED):
        return True
    return member.status == ChatMember.RESTRICTED and not getattr(member, "is_member", True)


async def stop_quietly(task: asyncio.Task[None]) -> None:
    """Cancel a channel's run() task and wait for its clean-up."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
