"""The bot's one aiohttp server: liveness (/healthz), readiness (/readyz) and /metrics (bot/metrics.py); the
WeChat callback and the Telegram webhook mount here.

/healthz answers while the process serves requests (a restart is the cure when it does not). /readyz
answers 200 only when the database is reachable, takes a write and has every migration applied, so a
load balancer sends traffic elsewhere while it does not (503 with the reason).
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.admin.app import mount as mount_admin
from bot.dispatcher import Dispatcher
from bot.metrics import mount as mount_metrics
from bot.services import Services

SERVICES = web.AppKey("services", Services)


READY_TIMEOUT = 3.0  # seconds; a database slower than this to take a write is not ready


async def health(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    return web.json_response({"status": "ok", "faq_entries": len(services.content.entries)})


async def ready(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    try:
        async with asyncio.timeout(READY_TIMEOUT):  # not wait_for: in 3.11 it can swallow a cancellation
            problem = await services.db.ready()
    except TimeoutError:
        problem = f"the database took more than {READY_TIMEOUT:.0f} s to take a write"
    if problem is not None:
        return web.json_response({"status": "unavailable", "reason": problem}, status=503)
    return web.json_response({"status": "ready", "database": services.db.engine})


def build_app(services: Services, dispatcher: Dispatcher[Services] | None = None) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[SERVICES] = services
    app.router.add_get("/healthz", health)
    app.router.add_get("/readyz", ready)
    mount_metrics(app, services, dispatcher, services.config.http.metrics_token)
    mount_admin(app, services)  # the bureau's pages under /admin/
    return app


async def start_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Start serving `app`; raise OSError with a clear message when the address is taken."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:
        await runner.cleanup()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror} (set BOT_HTTP_PORT)") from exc
    return runner
