"""The WeChat Official Account channel: what a message gets, within the time WeChat waits for it.

The callback endpoint on the bot's aiohttp server checks and decodes each request (GET verification,
signatures, safe mode: bot/channels/wechat/callback.py) and asks `handle` for the passive answer.
WeChat waits 5 s for an answer and then retries (3 times): the answer is sent as a passive reply when
the dispatcher is done within `reply_budget_ms`, otherwise the request gets "success" at once and the
answer follows as a customer-service message. Deliveries are deduplicated in the database, so a retry never gives a
second answer or a second question-log row; a retry of a passively answered message gets the same
reply again (WeChat retries only when it did not receive the first response).

The claim and the "seen" mark are one unit of work, sent in one statement's trip; what the dispatcher
writes for the message commits together with the passive answer's record (storage/database.py:
`deferring`). When the database fails (locked too long, disk
full), the user gets an apology at once (never HTTP 500) and the message is answered in the background
once the database works again (the background answers: bot/channels/wechat/pushed.py).
"""

from __future__ import annotations

import asyncio
import logging

import httpx
from aiohttp import web

from bot.channels.wechat.api import WechatApi
from bot.channels.wechat.callback import CallbackEndpoint, Nonce
from bot.channels.wechat.inbound import CHANNEL, Incoming
from bot.channels.wechat.outbound import WechatPush
from bot.channels.wechat.pushed import Pushed
from bot.channels.wechat.render import CAPABILITIES, reply_texts
from bot.channels.wechat.wecom import WecomRobots
from bot.channels.wechat.xml import Refused
from bot.config import ConfigError
from bot.dispatcher import SORRY, Dispatcher
from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, PushTarget, PushTransport
from bot.pacing import SharedPacer
from bot.services import Services
from storage import StorageError
from storage.wechat import SeenInbound

log = logging.getLogger(__name__)

BUSY = "抱歉，系统有点忙，您的消息已收到，稍后给您回复。"


class WechatChannel:
    """The Official Account channel: its callback endpoint, its push transports (customer-service and
    template messages, WeCom group robots) and its background answers."""

    name = CHANNEL
    capabilities = CAPABILITIES

    def __init__(
        self, services: Services, dispatcher: Dispatcher[Services], client: httpx.AsyncClient | None = None
    ) -> None:
        self.config = services.config.wechat
        self.services = services
        self.dispatcher = dispatcher
        self.store = services.wechat
        self.api = WechatApi(self.config, self.store, client)
        self.transport = WechatPush(self.api, self.store, services.directory, self.config)
        self.endpoint = CallbackEndpoint(self.config, self.handle)  # fails loudly on a malformed key
        if not 0 < self.config.reply_budget_ms <= 4500:
            raise ConfigError("wechat.reply_budget_ms: must be between 1 and 4500 (WeChat waits 5 s)")
        self.budget = self.config.reply_budget_ms / 1000
        self.pushed = Pushed(services, self.store, self.transport)
        shared = SharedPacer(services.db) if services.db.engine != "sqlite" else None  # several processes
        self.robots = WecomRobots(self.config, shared=shared) if self.config.wecom_robots else None
        self.townships = {t.id: t.name for t in services.content.townships.values()}
        if self.robots is not None:
            self.robots.check(self.townships)

    @property
    def transports(self) -> dict[str, PushTransport]:
        """The push transports this channel brings, by channel name, for the outbox sender."""
        found: dict[str, PushTransport] = {CHANNEL: self.transport}
        if self.robots is not None:
            found[self.robots.channel] = self.robots
        return found

    def mount(self, app: web.Application) -> None:
        self.endpoint.mount(app)

    async def run(self) -> None:
        """Nothing to poll: the callback does the work. Prune old deliveries; on stop, finish pushes."""
        if self.robots is not None:
            await self.robots.bind(self.services.directory, self.townships)
        try:
            while True:
                await self.store.prune(replay_window=self.config.replay_window)
                await asyncio.sleep(3600)
        finally:
            if self.pushed.tasks:
                await asyncio.wait(self.pushed.tasks, timeout=5)
            await self.api.close()
            if self.robots is not None:
                await self.robots.close()

    async def send(self, chat_id: str, reply: Reply) -> None:
        """A relayed staff answer: within the rules, or an error so the relay tries again later."""
        result = await self.transport.push(chat_id, "user", reply)
        if result.status is not DeliveryStatus.SENT:
            raise RuntimeError(f"WeChat delivery {result.status.value}: {result.detail}")

    async def handle(self, incoming: Incoming, nonce: Nonce | None = None) -> str | None:
        """What to answer passively (None: "success"); claims the delivery so retries answer nothing new.
        `nonce`: plain mode's (timestamp, nonce, body hash), refused (Refused) when replayed with another body."""
        if incoming.action == "ignore":
            return None
        if incoming.action == "template_finished":
            if incoming.msg_id:
                try:
                    await self._check_nonce(nonce)
                    await self.store.template_finished(incoming.msg_id, incoming.status or "")
                except StorageError as exc:
                    log.warning("WeChat template status not recorded: %s", exc)
            return None
        deadline = asyncio.get_running_loop().time() + self.budget
        try:  # recorded before anything is answered (however long it takes), so a replay cannot overtake it
            await self._check_nonce(nonce)
        except StorageError as exc:
            log.warning("WeChat %s: the database failed (%s); apologising, answering later", incoming.key, exc)
            self.pushed.spawn(self._answer_later(incoming, nonce))
            return BUSY
        claiming = asyncio.create_task(self._claim(incoming))
        try:
            await asyncio.wait({claiming}, timeout=self.budget)
        finally:
            if not claiming.done():  # the database is slow (a lock held elsewhere): WeChat will not wait
                log.warning("WeChat %s: the database is slow; apologising, answering later", incoming.key)
                self.pushed.spawn(self._answer_after(incoming, claiming, nonce))
        if not claiming.done():
            return BUSY
        try:
            earlier = claiming.result()
        except StorageError as exc:
            log.warning("WeChat %s: the database failed (%s); apologising, answering later", incoming.key, exc)
            self.pushed.spawn(self._answer_later(incoming, nonce))
            return BUSY
        if earlier is not None:
            log.info("WeChat retry of %s (%s)", incoming.key, earlier.state)
            return earlier.reply if earlier.state == "passive" else None
        if incoming.action == "unsubscribe":
            await self._unsubscribe(incoming)
            return None
        if incoming.action == "fixed" or incoming.inbound is None:
            return await self._answer(incoming, [Reply(incoming.fixed_reply or "")])
        # One unit of work: what the dispatcher writes commits together with the passive answer's record.
        async with self.services.db.deferring():
            task = asyncio.create_task(self.dispatcher.dispatch(incoming.inbound))
            try:
                left = max(deadline - asyncio.get_running_loop().time(), 0.05)
                done, _ = await asyncio.wait({task}, timeout=left)
            except asyncio.CancelledError:
                self.pushed.when_done(incoming, task)
                raise
            if not done:
                log.info("answer for %s not ready within %.1f s: will push it", incoming.key, self.budget)
                self.pushed.when_done(incoming, task)
                return None
            return await self._answer(incoming, task.result())

    async def _check_nonce(self, nonce: Nonce | None) -> None:
        if nonce is not None and not await self.store.first_use(*nonce):
            raise Refused(403, "replayed timestamp and nonce with another body")

    async def _claim(self, incoming: Incoming, nonce: Nonce | None = None) -> SeenInbound | None:
        """One unit of work, one statement's trip: note that the user wrote (the window opens; collected)
        and claim the delivery. A replayed plain-mode nonce is refused first (Refused)."""
        await self._check_nonce(nonce)
        async with self.services.db.deferring():
            if incoming.opens_window and incoming.action != "unsubscribe":
                await self.services.directory.seen(CHANNEL, incoming.user_id, incoming.user_id)
            return await self.store.claim(incoming.key, incoming.user_id)

    async def _answer_after(
        self, incoming: Incoming, claiming: asyncio.Task[SeenInbound | None], nonce: Nonce | None
    ) -> None:
        """The claim outlasted the reply budget (the user got the apology): answer by push once it is
        through, or go on as after a failed claim."""
        try:
            earlier = await claiming
        except Refused as exc:
            log.warning("WeChat callback refused (%s): %s", exc.status, exc.reason)
            return
        except StorageError:
            await self._answer_later(incoming, nonce)
            return
        if earlier is not None:
            return  # a retry's record: someone else answers it
        if incoming.action == "unsubscribe":
            await self._unsubscribe(incoming)
        elif incoming.inbound is None:
            await self.pushed.push(incoming, [Reply(incoming.fixed_reply or "")])
        else:
            await self.pushed.push(incoming, await self.dispatcher.dispatch(incoming.inbound))

    async def _answer_later(
        self, incoming: Incoming, nonce: Nonce | None = None, first_wait: float = 1.0, attempts: int = 10
    ) -> None:
        """The database failed while a message came in: answer it by push once the database works."""
        delay = first_wait
        for _ in range(attempts):
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)
            try:
                if await self._claim(incoming, nonce) is not None or incoming.inbound is None:
                    return  # answered meanwhile (a WeChat retry), or nothing to answer
                replies = await self.dispatcher.dispatch(incoming.inbound)
            except Refused as exc:
                log.warning("WeChat callback refused (%s): %s", exc.status, exc.reason)
                return
            except StorageError as exc:
                log.warning("WeChat %s: the database still fails (%s)", incoming.key, exc)
                continue
            await self.pushed.push(incoming, replies)
            return
        log.error("WeChat %s: not answered, the database kept failing", incoming.key)

    async def _answer(self, incoming: Incoming, replies: list[Reply]) -> str | None:
        """The first text goes passively; further texts and images follow as customer-service messages."""
        texts = reply_texts(replies)
        images = [Reply("", image=r.image, image_name=r.image_name) for r in replies if r.image]
        if not texts:
            if images:
                self.pushed.later(incoming, images)
            else:
                await self.pushed.mark(incoming, "silent")
            return None
        try:  # sent with the message's collected writes (question log, conversation state): all or none
            recorded = await self.store.answered_passively(incoming.key, texts[0])
        except StorageError as exc:  # nothing of the message was stored: the apology, as for a failing handler
            log.warning("WeChat %s: the answer's writes failed (%s)", incoming.key, exc)
            return SORRY
        if not recorded:
            self.pushed.later(incoming, replies)  # a retry came meanwhile: the first request is lost
            return None
        if len(texts) > 1 or images:
            self.pushed.later(incoming, [*(Reply(t) for t in texts[1:]), *images], mark=False)
        return texts[0]

    async def _unsubscribe(self, incoming: Incoming) -> None:
        gone = DeliveryResult(DeliveryStatus.UNREACHABLE, "unsubscribed")
        await self.services.recipients.apply(PushTarget(CHANNEL, incoming.user_id, "user", incoming.user_id), gone)
        if incoming.inbound is not None:
            await self.dispatcher.dispatch(incoming.inbound)  # features may react; nothing can be sent
        await self.pushed.mark(incoming, "silent")

    async def drain(self) -> None:
        """Wait for background answers (tests, shutdown)."""
        await self.pushed.drain()
