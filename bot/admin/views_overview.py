"""总览 (the user's scope at a glance) and 待答问题 (the open questions; answering relays to every asker)."""

from __future__ import annotations

from aiohttp import web

from bot.admin.app import page
from bot.admin.overview import FlightCache, area_rows, overview
from bot.admin.security import CACHE, SERVICES, figures, signed_in
from bot.roster.access import scope_of

routes = web.RouteTableDef()
ANSWERING = ("bureau", "station")
MAX_ANSWER = 1000
SHOWN = 50
OUTCOMES = {"answer": "机器人答了", "suggest": "机器人给了几个选项", "decline": "机器人答不了", "choice": "选了选项"}


def cache_of(request: web.Request) -> FlightCache:
    return request.app[CACHE]


@routes.get("/overview")
async def overview_page(request: web.Request) -> web.Response:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    scope = scope_of(signed.staff, svc.content)
    data = await overview(svc, figures(request), scope, cache_of(request))
    _, names, key = area_rows(svc.content, scope, data.completion[:0])
    return page(request, "overview.html", o=data, names=names, key=key)
