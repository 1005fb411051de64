"""政策宣讲: choose a briefing and its targets, see the count, send, watch progress, reach per township and
village, the unreached list (full phone numbers only for a liaison's own village), home visits and calls."""

from __future__ import annotations

import io

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup

from bot.admin.app import page
from bot.admin.overview import REACH_TTL, area_rows, reach_rows, total_reach
from bot.admin.security import CACHE, SERVICES, Forbidden, audit, figures, page_scope, signed_in
from bot.briefings.catalog import cached_briefings
from bot.briefings.send import TargetError, select_targets, start_campaign
from bot.reports.exports import export_reach
from bot.reports.service import REASONS, campaign_title, place, scope_name
from bot.roster.access import record_offline, scope_of
from bot.roster.fields import CATEGORIES
from bot.roster.visibility import Viewer
from storage.briefings import Campaign
from storage.people import Scope

routes = web.RouteTableDef()
PAGE_SIZE = 100
VISITS = {"visit": "入户告知", "call": "电话告知"}


def _words(value: str) -> list[str]:
    return [w for w in value.replace("，", " ").replace(",", " ").replace("、", " ").split() if w][:50]


async def _campaign(request: web.Request) -> Campaign:
    campaign = await request.app[SERVICES].briefings.campaign(int(request.match_info["id"]))
    if campaign is None:
        raise web.HTTPNotFound(text="没有这次宣讲。")
    return campaign


def _scope(request: web.Request) -> Scope:
    return page_scope(request)


async def _list(request: web.Request, **extra: object) -> web.Response:
    svc = request.app[SERVICES]
    campaigns = await svc.briefings.campaigns(limit=30)
    context: dict[str, object] = {"preview": None, "error": "", "form": {}}
    context |= extra
    return page(
        request,
        "briefings.html",
        campaigns=campaigns,
        briefings=cached_briefings(svc.content),
        townships=list(svc.content.townships.values()),
        categories=sorted(set(CATEGORIES.values())),
        **context,
    )


@routes.get("/briefings")
async def briefings_page(request: web.Request) -> web.Response:
    return await _list(request)


@routes.post("/briefings")
async def preview_or_send(request: web.Request) -> web.StreamResponse:
    """First the count (action=preview), then the sending (action=send) of the same choice."""
    signed = signed_in(request)
    svc = request.app[SERVICES]
    form = await request.post()
    briefing = cached_briefings(svc.content).get(str(form.get("briefing", "")))
    townships = [str(v) for v in form.getall("township", [])][:50]
    categories = [str(v) for v in form.getall("category", [])][:10]
    villages = _words(str(form.get("villages", ""))[:500])
    chosen: dict[str, object] = {"briefing": briefing.id if briefing else "", "townships": townships}
    chosen["categories"] = categories
    chosen["villages"] = "、".join(villages)
    if briefing is None:
        return await _list(request, error="请选择要发的宣讲。", form=chosen)
    scope = scope_of(signed.staff, svc.content)
    try:
        targeting = await select_targets(
            svc.db, svc.content, townships=townships, villages=villages, categories=categories, scope=scope
        )
    except TargetError as exc:
        return await _list(request, error=str(exc), form=chosen)
    if form.get("action") != "send":
        preview = {"targeted": len(targeting.targets), "bound": targeting.bound}
        return await _list(request, preview=preview, form=chosen)
    if not targeting.targets:
        return await _list(request, error="目标人数是 0，没有发送。", form=chosen)
    result = await start_campaign(
        svc.db,
        svc.outbox,
        svc.content,
        briefing,
        townships=townships,
        villages=villages,
        categories=categories,
        scope=scope,
        actor=signed.actor,
    )
    await audit(request, "briefing.send", f"#{result.campaign_id} {briefing.id} targets {result.targeted}")
    raise web.HTTPSeeOther(f"/admin/briefings/{result.campaign_id}")


@routes.get("/briefings/{id:\\d+}")
async def campaign_page(request: web.Request) -> web.Response:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    campaign = await _campaign(request)
    scope = _scope(request)
    rows = await reach_rows(figures(request), campaign.id, scope, request.app[CACHE], list(svc.content.townships))
    rows, names, key = area_rows(svc.content, scope, rows)
    number = max(1, int(request.query.get("page", "1")) if request.query.get("page", "1").isdigit() else 1)
    cache = request.app[CACHE]
    viewer = Viewer.of(signed.staff)  # whose phone numbers are shown in full
    places = {t: place(svc.content, t) for t in svc.content.townships}
    cached = ("unreached", campaign.id, scope, number, viewer)
    html = await cache.get(cached, lambda: _unreached_html(request, campaign, scope, viewer, number, places), REACH_TTL)
    unreached = Markup(html.replace(_CSRF_SLOT, signed.csrf))
    briefing = cached_briefings(svc.content).get(campaign.briefing_id)
    progress = await cache.get(
        ("progress", campaign.id), lambda: svc.outbox.progress("briefing", str(campaign.id)), ttl=1.0
    )
    return page(
        request,
        "campaign.html",
        c=campaign,
        title=briefing.title if briefing else campaign.briefing_id,
        rows=rows,
        total=total_reach(rows),
        unreached=unreached,
        progress=progress,
        names=names,
        key=key,
        area=scope_name(scope, svc.content),
        scope=scope,
        done=request.query.get("done", ""),
    )


_CSRF_SLOT = "__csrf_slot__"  # the cached list's form field, filled with the session's token per request


async def _unreached_html(
    request: web.Request, campaign: Campaign, scope: Scope, viewer: Viewer, number: int, places: dict[str, str]
) -> str:
    """One page of the unreached list as HTML: a hundred rows of forms cost more to render than everything else
    on the page, so the rendering is cached with the figures (REACH_TTL) instead of repeated per request."""
    svc = request.app[SERVICES]
    found = await figures(request).unreached(campaign.id, scope, limit=PAGE_SIZE * number)
    found = found[PAGE_SIZE * (number - 1) :]
    ref = f"briefing:{campaign.briefing_id}"
    visited = await svc.ledger.recorded_by_staff([p.person_id for p, _ in found], "policy_briefing", ref)
    people = [(p, viewer.phone(p), REASONS.get(why, why), visited.get(p.person_id)) for p, why in found]
    return (
        aiohttp_jinja2.get_env(request.app)
        .get_template("campaign_unreached.html")
        .render(
            people=people,
            c=campaign,
            csrf=_CSRF_SLOT,
            visits=VISITS,
            places=places,
            scope=scope,
            page_number=number,
            more=len(found) == PAGE_SIZE,
        )
    )


@routes.get("/briefings/{id:\\d+}/progress.json")
async def progress_json(request: web.Request) -> web.Response:
    campaign = await _campaign(request)
    svc = request.app[SERVICES]
    p = await request.app[CACHE].get(
        ("progress", campaign.id), lambda: svc.outbox.progress("briefing", str(campaign.id)), ttl=1.0
    )
    return web.json_response({"total": p.total, "sent": p.sent, "failed": p.failed, "pending": p.pending})


@routes.post("/briefings/{id:\\d+}/visit")
async def visit(request: web.Request) -> web.StreamResponse:
    """A liaison (or station, bureau) told someone in person or by phone: a 政策宣讲 in the 1131 ledger."""
    signed = signed_in(request)
    svc = request.app[SERVICES]
    campaign = await _campaign(request)
    form = await request.post()
    how = str(form.get("how", ""))
    person = await svc.roster.person(str(form.get("person", ""))[:64])
    if how not in VISITS or person is None:
        raise web.HTTPBadRequest(text="请选要记录的人和方式。")
    added = await record_offline(
        svc.ledger,
        scope_of(signed.staff, svc.content),
        signed.actor,
        person,
        "policy_briefing",
        f"briefing:{campaign.briefing_id}",
    )
    if added is None:
        raise Forbidden("这个人不在您负责的范围里。")
    await audit(request, "briefing.visit", f"#{campaign.id} {person.person_id} {VISITS[how]}")
    own = Scope(person.township_id, person.village)
    cache = request.app[CACHE]
    cache.forget(lambda key: key[:3] == ("unreached", campaign.id, own))  # the visitor sees it at once
    cache.expire(lambda key: key[:2] == ("unreached", campaign.id))  # wider lists catch up in the background
    raise web.HTTPSeeOther(f"/admin/briefings/{campaign.id}?done={person.person_id}")


@routes.get("/briefings/{id:\\d+}/export.xlsx")
async def export(request: web.Request) -> web.StreamResponse:
    svc = request.app[SERVICES]
    campaign = await _campaign(request)
    scope = _scope(request)
    out = io.BytesIO()
    viewer = Viewer.of(signed_in(request).staff, scope=scope)
    await export_reach(svc.db, svc.content, campaign, campaign_title(campaign, svc.content), viewer, out, fmt="xlsx")
    body = out.getvalue()
    await audit(request, "briefing.export", f"#{campaign.id}")
    return web.Response(
        body=body,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="reach-{campaign.id}.xlsx"'},
    )
