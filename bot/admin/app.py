"""The bureau's workbench: the /admin sub-application (Jinja2 templates, the bot's own static files,
the guards of bot.admin.security) mounted on the bot's one aiohttp server by `mount(app, services)`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.admin.overview import FlightCache
from bot.admin.security import ACCOUNTS, CACHE, FIGURES, SERVICES, headers, session_guard, signed_in
from bot.clock import local_time
from bot.roster.access import scope_text
from bot.services import Services
from storage import Database
from storage.reports import ReportStore

HERE = Path(__file__).resolve().parent
NAV = (
    ("overview", "总览", ("bureau", "station", "liaison")),
    ("questions", "待答问题", ("bureau", "station", "liaison")),
    ("briefings", "政策宣讲", ("bureau", "station", "liaison")),
    ("roster", "台账导入", ("bureau",)),
    ("postings", "招聘信息", ("bureau", "station", "liaison")),
    ("p1131", "1131", ("bureau", "station", "liaison")),
    ("callbacks", "电话回访", ("bureau", "station")),
    ("accounts", "账号", ("bureau",)),
)
ROLE_NAMES = {"bureau": "县人社局", "station": "乡镇就业服务站", "liaison": "村就业服务联络员"}


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def shown_time(value: str | None) -> str:
    return local_time(value) if value else ""


def page(request: web.Request, template: str, **context: Any) -> web.Response:
    """Render a signed-in page with the navigation for the user's role."""
    signed = signed_in(request)
    services = request.app[SERVICES]
    place = scope_text(signed.staff, services.content)  # 全县, the county, 全市, a township or a village
    context |= {
        "me": signed,
        "csrf": signed.csrf,
        "nav": [(key, label) for key, label, roles in NAV if signed.staff.role in roles],
        "role_name": ROLE_NAMES.get(signed.staff.role, signed.staff.role),
        "place": place,
        "path": request.path,
    }
    return aiohttp_jinja2.render_template(template, request, context)


async def figures_db(admin: web.Application) -> AsyncIterator[None]:
    """A read connection of the pages' own for the roster-wide aggregates (seconds for the county at 100,000
    laborers): they never queue in front of the bot's reads and writes. Closed when the server stops."""
    services = admin[SERVICES]
    db = await Database.open(services.config.database_path)
    admin[FIGURES] = ReportStore(db)
    yield
    await admin[CACHE].close()
    await db.close()


def build_admin(services: Services) -> web.Application:
    from bot.admin import routes

    admin = web.Application(middlewares=[headers, session_guard], client_max_size=1024 * 1024)
    admin[SERVICES] = services
    admin[ACCOUNTS] = services.accounts
    admin[CACHE] = FlightCache()
    env = aiohttp_jinja2.setup(
        admin,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["local"] = shown_time
    env.globals["pct"] = pct
    admin.cleanup_ctx.append(figures_db)
    admin.router.add_static("/static/", HERE / "static")
    routes.add_routes(admin)
    return admin


def mount(app: web.Application, services: Services) -> None:
    """Serve the pages under /admin/ on the bot's server."""
    app.add_subapp("/admin/", build_admin(services))
