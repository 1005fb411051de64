"""待答问题 (the bureau's inbox): the open questions with who is handling each, taking and releasing one, and
answering (the facts check, then the answer relayed to every asker) — through bot.faq.inbox, as the CLI."""

from __future__ import annotations

from aiohttp import web

from bot.admin.app import page
from bot.admin.security import SERVICES, audit, require, signed_in
from bot.faq.inbox import Handler, InboxError, state_of, unit_of

routes = web.RouteTableDef()
ANSWERING = ("bureau", "station")
SHOWN = 50
OUTCOMES = {"answer": "机器人答了", "suggest": "机器人给了几个选项", "decline": "机器人答不了", "choice": "选了选项"}


def handler_of(request: web.Request) -> Handler:
    signed = require(request, ANSWERING)
    staff = signed.staff
    return Handler(signed.actor, staff.name, staff.role, unit_of(staff, request.app[SERVICES].content))


async def render(request: web.Request, error: str = "", draft: tuple[int, str] = (0, "")) -> web.Response:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    answered = request.query.get("answered") == "1"
    rows = await svc.inbox.list(limit=SHOWN, include_answered=answered)
    contexts = {q.id: await svc.questions.context(q.id) for q in rows}
    response = page(
        request,
        "questions.html",
        rows=rows,
        states={q.id: state_of(q) for q in rows},
        contexts=contexts,
        outcomes=OUTCOMES,
        answered=answered,
        can_answer=signed.staff.role in ANSWERING,
        done=request.query.get("done", ""),
        error=error,
        draft=draft,
    )
    if error:
        response.set_status(400)
    return response


@routes.get("/questions")
async def questions_page(request: web.Request) -> web.Response:
    return await render(request)


def _id(request: web.Request) -> int:
    return int(request.match_info["id"])


@routes.post("/questions/{id:\\d{1,12}}/take")
async def take(request: web.Request) -> web.StreamResponse:
    who = handler_of(request)
    try:
        taken = await request.app[SERVICES].inbox.take(_id(request), who)
    except InboxError as exc:
        return await render(request, str(exc))
    await audit(request, "question.take", f"#{taken.id}")
    raise web.HTTPSeeOther(f"/admin/questions#q{taken.id}")


@routes.post("/questions/{id:\\d{1,12}}/release")
async def release(request: web.Request) -> web.StreamResponse:
    who = handler_of(request)
    try:
        released = await request.app[SERVICES].inbox.release(_id(request), who)
    except InboxError as exc:
        return await render(request, str(exc))
    await audit(request, "question.release", f"#{released.id}")
    raise web.HTTPSeeOther(f"/admin/questions#q{released.id}")


@routes.post("/questions/{id:\\d{1,12}}/answer")
async def answer(request: web.Request) -> web.StreamResponse:
    who = handler_of(request)
    text = str((await request.post()).get("answer", ""))
    try:
        done = await request.app[SERVICES].inbox.answer(_id(request), text, who)
    except InboxError as exc:
        return await render(request, str(exc), (_id(request), text[:1000]))
    await audit(request, "question.answer", f"#{done.question.id} relayed to {done.relayed}")
    raise web.HTTPSeeOther(f"/admin/questions?done={done.question.id}:{done.relayed}")
