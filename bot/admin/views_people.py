"""1131: completion among those who want work, per township and village, each person's 1/1/3/1 and offline
services recorded from the list, and its export. (电话回访 is bot/admin/views_callbacks.py.)"""

from __future__ import annotations

import io
import re
import uuid

from aiohttp import web

from bot.admin.app import page
from bot.admin.overview import area_rows, completion_rows, total_completion
from bot.admin.security import CACHE, SERVICES, Forbidden, audit, figures, page_scope, signed_in
from bot.reports.exports import export_roster
from bot.reports.service import scope_name
from bot.roster.access import KIND_NAMES, phone_for, record_offline, scope_of
from bot.roster.visibility import Viewer
from storage.ledger import EventKind
from storage.people import Scope

routes = web.RouteTableDef()
KINDS: dict[str, EventKind] = {
    "policy_briefing": "policy_briefing",
    "career_guidance": "career_guidance",
    "job_recommendation": "job_recommendation",
    "training": "training",
}
SHOWN_PEOPLE = 300


def _scope(request: web.Request) -> Scope:
    return page_scope(request)


@routes.get("/p1131")
async def p1131(request: web.Request) -> web.Response:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    scope = _scope(request)
    rows = await completion_rows(figures(request), scope, request.app[CACHE], list(svc.content.townships))
    rows, names, key = area_rows(svc.content, scope, rows)
    people = []
    if scope.village is not None:  # one village: every person with their counts
        statuses = await svc.reports.statuses(scope)
        people = [(p, s, phone_for(signed.staff, p)) for p, s in statuses[:SHOWN_PEOPLE]]
    return page(
        request,
        "p1131.html",
        rows=rows,
        total=total_completion(rows),
        scope=scope,
        names=names,
        key=key,
        area=scope_name(scope, svc.content),
        people=people,
        kinds=KIND_NAMES,
        form_id=uuid.uuid4().hex,  # with the row: each record form's idempotency key
        done=request.query.get("done", ""),
    )


_REQUEST_KEY = re.compile(r"[0-9a-f]{32}-\d{1,4}")


@routes.post("/p1131/record")
async def record(request: web.Request) -> web.StreamResponse:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    form = await request.post()
    kind = KINDS.get(str(form.get("kind", "")))
    person = await svc.roster.person(str(form.get("person", ""))[:64])
    note = str(form.get("note", "")).strip()[:40]
    if kind is None or person is None:
        raise web.HTTPBadRequest(text="请选要记录的人和服务类型。")
    # the form's key: a resubmitted form counts once, each service recorded counts (not one per minute)
    key = str(form.get("request", ""))
    key = key if _REQUEST_KEY.fullmatch(key) else uuid.uuid4().hex
    ref = f"offline:web:{key}:{note}" if note else f"offline:web:{key}"
    added = await record_offline(svc.ledger, scope_of(signed.staff, svc.content), signed.actor, person, kind, ref)
    if added is None:
        raise Forbidden("这个人不在您负责的范围里。")
    request.app[CACHE].expire(lambda key: key[0] == "1131")  # the counts catch up in the background
    await audit(request, "p1131.record", f"{person.person_id} {kind}")
    raise web.HTTPSeeOther(f"/admin/p1131?township={person.township_id}&village={person.village}&done=1")


def xlsx(body: bytes, name: str) -> web.Response:
    return web.Response(
        body=body,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@routes.get("/p1131/export.xlsx")
async def export_1131(request: web.Request) -> web.Response:
    """The roster with each person's 1131 counts, for the scope shown (phones masked)."""
    svc = request.app[SERVICES]
    scope = _scope(request)
    out = io.BytesIO()
    await export_roster(svc.db, svc.content, Viewer.of(signed_in(request).staff, scope=scope), out, fmt="xlsx")
    body = out.getvalue()
    await audit(request, "p1131.export", f"{scope.township_id or ''} {scope.village or ''}")
    return xlsx(body, "1131.xlsx")
