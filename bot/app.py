"""Wiring: build services, start the configured channels and the web server, stop cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.channels.base import Channel
from bot.channels.console import ConsoleChannel
from bot.config import Config
from bot.dispatcher import Dispatcher
from bot.outbox.sender import transports_of
from bot.services import Services, open_services
from bot.web import build_app, start_server
from handlers import build_dispatcher

log = logging.getLogger(__name__)


def platform_channels(config: Config, services: Services, dispatcher: Dispatcher[Services]) -> list[Channel]:
    """The platform channels whose credentials are configured."""
    channels: list[Channel] = []
    if config.telegram.token:
        from bot.channels.telegram.channel import TelegramChannel  # python-telegram-bot loads only when used

        channels.append(TelegramChannel(config.telegram, services, dispatcher))
    if config.wechat.token:
        from bot.channels.wechat.channel import WechatChannel  # wechatpy loads only when used

        channels.append(WechatChannel(services, dispatcher))
    return channels


async def serve(config: Config) -> None:
    """Run until SIGTERM/SIGINT (or, console only, until the console's input ends)."""
    services = await open_services(config)
    try:
        dispatcher = build_dispatcher(services)
        channels = platform_channels(config, services, dispatcher)
        if not channels and config.console:
            channels.append(ConsoleChannel(dispatcher))
        app = build_app(services, dispatcher)
        for channel in channels:
            mount = getattr(channel, "mount", None)
            if mount is not None:
                mount(app)
        runner = await start_server(app, config.http.host, config.http.port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        log.info(  # after the handlers: from this line on, SIGTERM stops the bot cleanly
            "serving on %s:%s with channels: %s",
            config.http.host,
            config.http.port,
            ", ".join(c.name for c in channels) or "none",
        )
        tasks = [asyncio.create_task(c.run(), name=c.name) for c in channels]
        sender = asyncio.create_task(services.outbox.run(transports_of(channels)), name="outbox")
        waiter = asyncio.create_task(stop.wait())
        watched = {waiter, *tasks} if tasks else {waiter}
        done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not waiter and task.exception() is not None:
                log.error("channel %s stopped: %s", task.get_name(), task.exception())
        log.info("shutting down")
        for task in (*tasks, sender, waiter):
            task.cancel()
        for task in (*tasks, sender, waiter):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await runner.cleanup()
    finally:
        await services.db.close()


async def chat(config: Config) -> None:
    """The console channel alone, for trying the bot in a terminal."""
    services = await open_services(config)
    try:
        console = ConsoleChannel(build_dispatcher(services))
        sender = asyncio.create_task(services.outbox.run(transports_of([console])), name="outbox")
        try:
            await console.run()
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
    finally:
        await services.db.close()
