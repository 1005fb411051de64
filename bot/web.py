"""The bot's one aiohttp server: health now; the WeChat callback and Telegram webhook mount here."""

from __future__ import annotations

from aiohttp import web

from bot.admin.app import mount as mount_admin
from bot.services import Services

SERVICES = web.AppKey("services", Services)


async def health(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    await services.db.fetchone("SELECT 1")
    return web.json_response({"status": "ok", "faq_entries": len(services.content.entries)})


def build_app(services: Services) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[SERVICES] = services
    app.router.add_get("/healthz", health)
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
