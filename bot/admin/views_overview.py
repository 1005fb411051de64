"""总览: the user's scope at a glance (the figures are bot/admin/overview.py)."""

from __future__ import annotations

from aiohttp import web

from bot.admin.app import page
from bot.admin.overview import FlightCache, overview
from bot.admin.security import CACHE, SERVICES, figures, signed_in
from bot.roster.access import scope_of

routes = web.RouteTableDef()


def cache_of(request: web.Request) -> FlightCache:
    return request.app[CACHE]


@routes.get("/overview")
async def overview_page(request: web.Request) -> web.Response:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    data = await overview(svc, figures(request), scope_of(signed.staff), cache_of(request))
    names = {t.id: t.name for t in svc.content.townships.values()}
    return page(request, "overview.html", o=data, names=names)
