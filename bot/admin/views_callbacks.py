"""电话回访: the 10% sample per township with each call's result, the result form (is the ledger right,
knows/received the transport and job-retention subsidies, satisfaction, a note, or not reached), the tally
per township and its XLSX export — through bot.reports.phone_callbacks, within the user's scope."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.admin.app import page
from bot.admin.security import SERVICES, Forbidden, audit, page_scope, signed_in
from bot.admin.views_people import SHOWN_PEOPLE, xlsx
from bot.reports.phone_callbacks import QUESTIONS, CallbackError, read_answers, this_month, typed_answers
from bot.roster.access import phone_for, scope_of
from bot.roster.visibility import Viewer
from storage.callbacks import SATISFACTION, CallbackAnswers
from storage.people import Person

routes = web.RouteTableDef()


def seed_of(values: Mapping[str, Any]) -> str:
    """The sample batch asked for (this month in Beijing time by default)."""
    return str(values.get("seed", "")).strip()[:20] or this_month()


def names(request: web.Request) -> dict[str, str]:
    return {t.id: t.name for t in request.app[SERVICES].content.townships.values()}


@routes.get("/callbacks")
async def callbacks(request: web.Request) -> web.Response:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    seed = seed_of(request.query)
    scope = page_scope(request)
    chosen = await svc.callbacks.sample(seed, scope)
    results = await svc.callbacks.results(seed, scope)
    rows = [(p, phone_for(signed.staff, p), results.get(p.person_id)) for p in chosen[:SHOWN_PEOPLE]]
    query = {"seed": seed, "township": scope.township_id or "", "village": scope.village or ""}
    await audit(request, "callbacks.sample", f"seed {seed} {len(chosen)}")  # names and phones were shown
    return page(
        request,
        "callbacks.html",
        rows=rows,
        count=len(chosen),
        seed=seed,
        names=names(request),
        tally=svc.callbacks.tally(chosen, results),
        query=urlencode({k: v for k, v in query.items() if v}),
        seed_query=urlencode({"seed": seed}),
        done=request.query.get("done", "")[:40],
    )


@routes.get("/callbacks/export.xlsx")
async def export_callbacks(request: web.Request) -> web.Response:
    """The tally per township (title, totals, rates) and every sampled person with the result."""
    signed = signed_in(request)
    svc = request.app[SERVICES]
    seed = seed_of(request.query)
    scope = page_scope(request)
    out = io.BytesIO()
    written = await svc.callbacks.export(seed, Viewer.of(signed.staff, scope=scope), out)
    await audit(request, "callbacks.export", f"seed {seed} {written}")
    return xlsx(out.getvalue(), "callbacks.xlsx")


async def sampled_person(request: web.Request, seed: str) -> Person:
    """The person in the URL: refused outside the user's scope (403) or outside this batch's sample (404)."""
    svc = request.app[SERVICES]
    person = await svc.roster.person(request.match_info["person"])
    if person is None:
        raise web.HTTPNotFound(text="没有这个人。")
    if not scope_of(signed_in(request).staff, svc.content).covers(person.township_id, person.village):
        raise Forbidden("这个人不在您负责的范围里。")
    if not await svc.callbacks.in_sample(seed, person):
        raise web.HTTPNotFound(text="这个人不在本批回访名单里。")
    return person


async def form_page(
    request: web.Request, person: Person, seed: str, answers: CallbackAnswers | None, error: str = ""
) -> web.Response:
    svc = request.app[SERVICES]
    saved = await svc.callbacks.result(seed, person)
    response = page(
        request,
        "callback_form.html",
        p=person,
        phone=phone_for(signed_in(request).staff, person),
        seed=seed,
        seed_query=urlencode({"seed": seed}),
        names=names(request),
        saved=saved,
        a=answers or (saved.answers if saved else None),
        questions=QUESTIONS,
        satisfaction=SATISFACTION,
        error=error,
    )
    if error:
        response.set_status(400)
    return response


@routes.get("/callbacks/person/{person:[0-9A-Za-z_-]{1,64}}")
async def callback_form(request: web.Request) -> web.Response:
    seed = seed_of(request.query)
    return await form_page(request, await sampled_person(request, seed), seed, None)


@routes.post("/callbacks/person/{person:[0-9A-Za-z_-]{1,64}}")
async def record_callback(request: web.Request) -> web.StreamResponse:
    signed = signed_in(request)
    svc = request.app[SERVICES]
    form = await request.post()
    seed = seed_of(form)
    person = await sampled_person(request, seed)
    try:
        answers = read_answers(form)
    except CallbackError as exc:
        return await form_page(request, person, seed, typed_answers(form), str(exc))
    staff = signed.staff
    saved = await svc.callbacks.record(seed, scope_of(staff, svc.content), person, answers, signed.actor, staff.name)
    if saved is None:  # checked above; the service checks again (one rule for every caller)
        raise Forbidden("这个人不在您负责的范围里。")
    summary = "reached" if answers.reached else "not reached"
    await audit(request, "callbacks.record", f"seed {seed} {person.person_id} {summary}")
    back = urlencode({"seed": seed, "done": person.name})
    raise web.HTTPSeeOther(f"/admin/callbacks?{back}#c-{person.person_id}")
