"""总览 (the user's scope at a glance) and 待答问题 (the open questions; answering relays to every asker)."""

from __future__ import annotations

from aiohttp import web

from bot.admin.app import page
from bot.admin.overview import FlightCache, area_rows, overview
from bot.admin.security import CACHE, SERVICES, audit, figures, require, signed_in
from bot.faq.relay import relay_answer
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


@routes.get("/questions")
async def questions_page(request: web.Request) -> web.Response:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    answered = request.query.get("answered") == "1"
    rows = await svc.questions.list_open(limit=SHOWN, include_answered=answered)
    contexts = {q.id: await svc.questions.context(q.id) for q in rows}
    return page(
        request,
        "questions.html",
        rows=rows,
        contexts=contexts,
        outcomes=OUTCOMES,
        answered_by=await svc.questions.answered_by([q.id for q in rows if q.answer]),
        answered=answered,
        can_answer=signed.staff.role in ANSWERING,
        done=request.query.get("done", ""),
    )


@routes.post("/questions/{id:\\d+}/answer")
async def answer(request: web.Request) -> web.StreamResponse:
    require(request, ANSWERING)
    svc = request.app[SERVICES]
    form = await request.post()
    text = str(form.get("answer", "")).strip()
    question_id = int(request.match_info["id"])
    if not text or len(text) > MAX_ANSWER:
        raise web.HTTPBadRequest(text=f"答复不能为空，也不能超过 {MAX_ANSWER} 字。")
    signed = signed_in(request)
    answered = await svc.questions.answer(question_id, text, signed.actor)
    if answered is None:
        raise web.HTTPNotFound(text="没有这个问题。")
    queued = await relay_answer(svc.questions, svc.outbox, answered.id)
    await audit(request, "question.answer", f"#{answered.id} relayed to {queued}")
    raise web.HTTPSeeOther(f"/admin/questions?done={answered.id}:{queued}")
