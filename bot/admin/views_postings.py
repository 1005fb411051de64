"""招聘信息: the review queue (approve, edit then approve, reject with a reason), current postings and their
push progress. The rules (who may review what, what approval sends) are PostingService's, as in chat."""

from __future__ import annotations

from aiohttp import web

from bot.admin.app import page
from bot.admin.security import SERVICES, Forbidden, audit, require
from bot.postings.dates import today
from bot.postings.extract import KINDS
from bot.services import Services
from storage.directory import Staff
from storage.postings import Posting

routes = web.RouteTableDef()
REVIEWERS = ("bureau", "station")
EDITABLE = ("title", "employer", "location", "salary", "headcount", "requirements", "contact_name", "contact_phone")
LABELS = {"title": "岗位", "employer": "单位", "location": "地点", "salary": "工资", "headcount": "人数"}
LABELS |= {"requirements": "要求", "contact_name": "联系人", "contact_phone": "联系电话", "valid_until": "有效期至"}


async def _pending(svc: Services, staff: Staff, posting_id: int) -> Posting:
    posting = await svc.postings.store.get(posting_id)
    if posting is None:
        raise web.HTTPNotFound(text="没有这条信息。")
    if not svc.postings.can_review(staff, posting):
        raise Forbidden("您没有审核这条信息的权限。")
    if posting.status != "pending":
        raise web.HTTPConflict(text="这条信息已经不在待审核状态了（可能别人已经处理）。")
    return posting


@routes.get("/postings")
async def postings_page(request: web.Request) -> web.Response:
    signed = require(request, REVIEWERS)
    svc = request.app[SERVICES]
    townships = [signed.staff.township_id] if signed.staff.role == "station" and signed.staff.township_id else None
    current = await svc.postings.store.current(today().isoformat(), townships, limit=30)
    progress = {p.id: await svc.postings.outbox.progress("posting", str(p.id)) for p in current}
    return page(
        request,
        "postings.html",
        pending=await svc.postings.reviewable(signed.staff),
        current=current,
        progress=progress,
        label=svc.postings.label,
        kinds=KINDS,
        labels=LABELS,
        editable=EDITABLE,
        done=request.query.get("done", ""),
    )


@routes.post("/postings/{id:\\d+}/approve")
async def approve(request: web.Request) -> web.StreamResponse:
    signed = require(request, REVIEWERS)
    svc = request.app[SERVICES]
    posting = await _pending(svc, signed.staff, int(request.match_info["id"]))
    form = await request.post()
    edited = {name: str(form.get(name, posting.field(name)))[:500].strip() for name in EDITABLE}
    valid_until = str(form.get("valid_until", posting.valid_until))[:10]
    if not edited["title"]:
        raise web.HTTPBadRequest(text="岗位不能为空。")
    if any(edited[n] != posting.field(n) for n in EDITABLE) or valid_until != posting.valid_until:
        await svc.postings.store.update(
            posting.id, edited | {"valid_until": valid_until}, posting.kind, posting.townships
        )
        await audit(request, "posting.edit", f"#{posting.id}")
    done = await svc.postings.approve(signed.staff, posting)
    if done is None:
        raise web.HTTPConflict(text="这条信息已经不在待审核状态了。")
    await audit(request, "posting.approve", f"#{posting.id} {done[1].text()}")
    raise web.HTTPSeeOther(f"/admin/postings?done=ok{posting.id}")


@routes.post("/postings/{id:\\d+}/reject")
async def reject(request: web.Request) -> web.StreamResponse:
    signed = require(request, REVIEWERS)
    svc = request.app[SERVICES]
    posting = await _pending(svc, signed.staff, int(request.match_info["id"]))
    form = await request.post()
    reason = str(form.get("reason", "")).strip()[:200]
    if not reason:
        raise web.HTTPBadRequest(text="退回要写原因。")
    if not await svc.postings.reject(signed.staff, posting, reason):
        raise web.HTTPConflict(text="这条信息已经不在待审核状态了。")
    await audit(request, "posting.reject", f"#{posting.id}")
    raise web.HTTPSeeOther(f"/admin/postings?done=no{posting.id}")
