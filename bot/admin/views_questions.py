"""待答问题 (the bureau's inbox): the open questions with who is handling each, taking and releasing one, and
answering (the facts check, then the answer relayed to every asker) — through bot.faq.inbox, as the CLI.
With several counties, a county's staff see and act on only their county's questions (another county's id in
the URL is answered 404); the prefecture sees every county's, each marked with its county."""

from __future__ import annotations

from typing import Literal

from aiohttp import web

from bot.admin.app import page
from bot.admin.security import SERVICES, audit, require, signed_in
from bot.content import ContentPack
from bot.faq.inbox import Handler, InboxError, NoSuchQuestion, county_of_staff, state_of, unit_of
from storage.questions import OpenQuestion

routes = web.RouteTableDef()
ANSWERING = ("bureau", "station")
SHOWN = 50
OUTCOMES = {"answer": "机器人答了", "suggest": "机器人给了几个选项", "decline": "机器人答不了", "choice": "选了选项"}


def handler_of(request: web.Request) -> Handler:
    signed = require(request, ANSWERING)
    staff, content = signed.staff, request.app[SERVICES].content
    return Handler(signed.actor, staff.name, staff.role, unit_of(staff, content), county_of_staff(staff, content))


async def render(request: web.Request, error: str = "", draft: tuple[int, str] = (0, "")) -> web.Response:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    answered = request.query.get("answered") == "1"
    county = county_of_staff(signed.staff, svc.content)
    rows = await svc.inbox.list(limit=SHOWN, include_answered=answered, county=county)
    contexts = {q.id: await svc.questions.context(q.id) for q in rows}
    response = page(
        request,
        "questions.html",
        rows=rows,
        states={q.id: _state(svc.content, q, county is None) for q in rows},
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


def _state(content: ContentPack, question: OpenQuestion, every_county: bool) -> str:
    """Who is handling it; for the prefecture (several counties) also whose county's question it is."""
    if not (content.multi and every_county):
        return state_of(question)
    return f"{content.county_name(question.county_id or content.default_county)} · {state_of(question)}"


@routes.get("/questions")
async def questions_page(request: web.Request) -> web.Response:
    return await render(request)


def _id(request: web.Request) -> int:
    return int(request.match_info["id"])


@routes.post("/questions/{id:\\d{1,12}}/take")
async def take(request: web.Request) -> web.StreamResponse:
    return await _handling(request, "take")


@routes.post("/questions/{id:\\d{1,12}}/release")
async def release(request: web.Request) -> web.StreamResponse:
    return await _handling(request, "release")


async def _handling(request: web.Request, action: Literal["take", "release"]) -> web.StreamResponse:
    """Take a question (the staff member handles it) or release it; refused ones show why on the page."""
    inbox = request.app[SERVICES].inbox
    change = inbox.take if action == "take" else inbox.release
    try:
        question = await change(_id(request), handler_of(request))
    except NoSuchQuestion as exc:
        raise web.HTTPNotFound(text=str(exc)) from exc
    except InboxError as exc:
        return await render(request, str(exc))
    await audit(request, f"question.{action}", f"#{question.id}")
    raise web.HTTPSeeOther(f"/admin/questions#q{question.id}")


@routes.post("/questions/{id:\\d{1,12}}/answer")
async def answer(request: web.Request) -> web.StreamResponse:
    who = handler_of(request)
    text = str((await request.post()).get("answer", ""))
    try:
        done = await request.app[SERVICES].inbox.answer(_id(request), text, who)
    except NoSuchQuestion as exc:
        raise web.HTTPNotFound(text=str(exc)) from exc
    except InboxError as exc:
        return await render(request, str(exc), (_id(request), text[:1000]))
    await audit(request, "question.answer", f"#{done.question.id} relayed to {done.relayed}")
    raise web.HTTPSeeOther(f"/admin/questions?done={done.question.id}:{done.relayed}")
