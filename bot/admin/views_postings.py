"""招聘信息: a new posting from pasted text (the extractor's fields to correct), the review queue (approve, edit
then approve, reject with a reason), current postings and their push progress. The rules (who may review
what, what needs review, what approval sends) are PostingService's, as in chat."""

from __future__ import annotations

from aiohttp import web

from bot.admin.app import page
from bot.admin.security import SERVICES, Forbidden, audit, require, signed_in
from bot.offload import offload
from bot.postings.dates import today
from bot.postings.draft import Draft
from bot.postings.extract import FIELDS, KINDS
from bot.postings.rules import OutsideAreaError
from bot.services import Services
from storage.directory import Staff
from storage.postings import DuplicatePostingError, Posting

routes = web.RouteTableDef()
REVIEWERS = ("bureau", "station")
MAX_TEXT = 2000
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
    signed = signed_in(request)
    svc = request.app[SERVICES]
    staff = signed.staff
    townships = [staff.township_id] if staff.role != "bureau" and staff.township_id else None
    if townships is None and staff.county_id and svc.content.multi:  # a county's bureau: its county's postings
        townships = list(svc.postings.area(staff))
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


def _draft_page(request: web.Request, draft: Draft, error: str = "", status: int = 200) -> web.Response:
    svc = request.app[SERVICES]
    response = page(
        request,
        "posting_new.html",
        draft=draft,
        fields=FIELDS,
        kinds=KINDS,
        townships=[svc.content.townships[t] for t in svc.postings.area(signed_in(request).staff)],
        error=error,
    )
    response.set_status(status)
    return response


@routes.post("/postings/extract")
async def extract_page(request: web.Request) -> web.Response:
    """Pasted text -> the fields the extractor found, to check and correct before sending."""
    signed = signed_in(request)
    svc = request.app[SERVICES]
    text = str((await request.post()).get("text", "")).strip()[:MAX_TEXT]
    if len(text) < 10:
        raise web.HTTPBadRequest(text="请粘贴完整的招聘信息。")
    own = (signed.staff.township_id,) if signed.staff.township_id else ()
    draft = await offload(Draft.from_text, text, svc.postings.names(), own)  # CPU work: off the event loop
    return _draft_page(request, draft)


@routes.post("/postings/new")
async def submit(request: web.Request) -> web.StreamResponse:
    """The checked fields: saved as a posting, published (or waiting for review, as in chat)."""
    signed = signed_in(request)
    svc = request.app[SERVICES]
    form = await request.post()
    kind = str(form.get("kind", "job"))
    known = set(svc.content.townships)
    picked = tuple(t for t in (str(v) for v in form.getall("township", [])) if t in known)
    draft = Draft(kind if kind in KINDS else "job", {}, picked, str(form.get("text_hash", ""))[:64])
    problems = []
    for name in FIELDS:
        value = str(form.get(name, "")).strip()[:500]
        if value:
            draft, problem = draft.set(name, value)
            if problem:
                problems.append(f"{FIELDS[name]}：{problem}")
    missing = draft.missing()
    if problems or missing:
        wanted = "发往的乡镇" if missing == "townships" else FIELDS.get(missing or "", "")
        error = "；".join(problems) or f"还缺：{wanted}"
        return _draft_page(request, draft, error, status=400)
    now = today()
    draft = draft.with_default_expiry(svc.postings.default_days, now)
    if draft.fields["valid_until"] < now.isoformat():
        return _draft_page(request, draft, "有效期已经过了。", status=400)
    try:
        done = await svc.postings.submit(signed.staff, draft)
    except DuplicatePostingError as exc:
        return _draft_page(request, draft, f"这条信息已经发过了（#{exc.existing_id}）。", status=409)
    except OutsideAreaError as exc:
        return _draft_page(request, draft, f"{'、'.join(exc.names)}不在您的县里。", status=403)
    await audit(request, "posting.submit", f"#{done.posting.id} {'published' if done.reach else 'pending'}")
    raise web.HTTPSeeOther(f"/admin/postings?done={'pub' if done.reach else 'sub'}{done.posting.id}")
