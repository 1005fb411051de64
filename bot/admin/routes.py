"""Every page's routes, gathered from the view modules."""

from __future__ import annotations

from aiohttp import web

from bot.admin import (
    views_auth,
    views_briefings,
    views_callbacks,
    views_overview,
    views_people,
    views_postings,
    views_questions,
    views_roster,
)


async def home(request: web.Request) -> web.StreamResponse:
    raise web.HTTPSeeOther("/admin/overview")


def add_routes(admin: web.Application) -> None:
    admin.router.add_get("", home)
    admin.router.add_get("/", home)
    modules = (views_auth, views_overview, views_questions, views_briefings, views_roster, views_postings, views_people)
    for module in (*modules, views_callbacks):
        admin.router.add_routes(module.routes)
