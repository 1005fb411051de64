"""登录, sign-up links, login links from chat, log out (here or everywhere) and the bureau's 账号 page."""

from __future__ import annotations

import dataclasses

import aiohttp_jinja2
from aiohttp import web

from bot.admin.accounts import WEB_CHANNEL, AccountError, Accounts
from bot.admin.app import page
from bot.admin.security import (
    ACCOUNTS,
    SERVICES,
    SESSION_COOKIE,
    SIGNED,
    address,
    audit,
    pre_token,
    require,
    set_session_cookie,
    signed_in,
)
from bot.content import ContentPack, County, Township
from bot.roster.access import scope_of
from storage.directory import Role, Staff

routes = web.RouteTableDef()
ROLES: dict[str, Role] = {"bureau": "bureau", "station": "station", "liaison": "liaison"}


def _render_public(request: web.Request, template: str, status: int = 200, **context: object) -> web.Response:
    token = request.cookies.get("wz_pre", "")
    response = web.Response(status=status, content_type="text/html")
    if len(token) < 20:
        token = pre_token(request, response)
    body = aiohttp_jinja2.render_string(template, request, {**context, "csrf": token})
    response.text = body
    return response


async def _signed_now(request: web.Request, accounts: Accounts, token: str) -> None:
    """The session just opened counts for this request (for the audit entry of the sign-in)."""
    signed = await accounts.signed(token)
    if signed is not None:
        request[SIGNED] = signed


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    return _render_public(request, "login.html", error="", login="")


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name, password = str(form.get("login", ""))[:64].strip(), str(form.get("password", ""))[:256]
    accounts = request.app[ACCOUNTS]
    try:
        account = await accounts.check_password(name, password, address(request))
    except AccountError as exc:
        return _render_public(request, "login.html", status=401, error=str(exc), login=name)
    old = request.cookies.get(SESSION_COOKIE, "")
    if old:  # whatever cookie came in is never reused: a new session every sign-in
        from bot.admin.accounts import token_hash

        await accounts.store.end_session(token_hash(old))
    response = web.HTTPSeeOther("/admin/overview")
    set_session_cookie(response, request, await accounts.open_session(account, address(request)))
    await _signed_now(request, accounts, response.cookies[SESSION_COOKIE].value)
    await audit(request, "web.login")
    raise response


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    everywhere = form.get("everywhere") == "1"
    await audit(request, "web.logout_all" if everywhere else "web.logout")
    await request.app[ACCOUNTS].log_out(signed_in(request), everywhere)
    response = web.HTTPSeeOther("/admin/login")
    response.del_cookie(SESSION_COOKIE, path="/admin")
    raise response


@routes.get("/signup/{token}")
async def signup_form(request: web.Request) -> web.Response:
    account = await request.app[ACCOUNTS].signup_account(request.match_info["token"])
    if account is None:
        return _render_public(request, "message.html", status=404, message="这个注册链接已经用过或过期了。")
    return _render_public(request, "signup.html", login=account.login, error="")


@routes.post("/signup/{token}")
async def signup(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    accounts: Accounts = request.app[ACCOUNTS]
    try:
        account = await accounts.sign_up(
            request.match_info["token"], str(form.get("password", ""))[:256], str(form.get("again", ""))[:256]
        )
    except AccountError as exc:
        found = await accounts.signup_account(request.match_info["token"])
        return _render_public(request, "signup.html", status=400, login=found.login if found else "", error=str(exc))
    await request.app[SERVICES].roster.audit(f"{WEB_CHANNEL}:{account.login}", "staff", "web.signup")
    return _render_public(request, "message.html", message="密码设好了，请登录。", link="/admin/login")


@routes.get("/link/{token}")
async def link_form(request: web.Request) -> web.Response:
    # A GET never spends the link (chat apps open links to preview them); the button below does.
    return _render_public(request, "link.html", token=request.match_info["token"])


@routes.post("/link/{token}")
async def link(request: web.Request) -> web.StreamResponse:
    accounts = request.app[ACCOUNTS]
    token = await accounts.use_login_link(request.match_info["token"], address(request))
    if token is None:
        return _render_public(
            request, "message.html", status=404, message="这个登录链接已经用过或过期了，请在聊天里再要一个。"
        )
    response = web.HTTPSeeOther("/admin/overview")
    set_session_cookie(response, request, token)
    await _signed_now(request, accounts, token)
    await audit(request, "web.login_link")
    raise response


def _townships(request: web.Request) -> list[Township]:
    """The townships the signed-in bureau may invite staff into (its county's, or all); with several counties
    each is named with its county (two counties may both have a 前所乡)."""
    content = request.app[SERVICES].content
    scope = scope_of(signed_in(request).staff, content)
    shown = [t for t in content.townships.values() if scope.covers(t.id, "")]
    if not content.multi:
        return shown
    return [dataclasses.replace(t, name=f"{content.county_name(content.county_of(t.id))} · {t.name}") for t in shown]


def _counties(request: web.Request) -> list[County]:
    """Counties a prefecture may choose for a new bureau account (none for a county's own bureau)."""
    content = request.app[SERVICES].content
    return list(content.counties.values()) if content.multi and signed_in(request).staff.county_id is None else []


def _county_named(content: ContentPack, name: str) -> str | None:
    county = content.county_by_name(name) if name else None
    return county.id if county else None


@routes.get("/accounts")
async def accounts_page(request: web.Request) -> web.Response:
    require(request, ("bureau",))
    return page(
        request,
        "accounts.html",
        accounts=await request.app[ACCOUNTS].store.all(),
        link="",
        error="",
        townships=_townships(request),
        counties=_counties(request),
    )


@routes.post("/accounts")
async def invite(request: web.Request) -> web.Response:
    signed = require(request, ("bureau",))
    svc = request.app[SERVICES]
    form = await request.post()
    role = ROLES.get(str(form.get("role", "")))
    name = str(form.get("name", "")).strip()[:40]
    login = str(form.get("login", "")).strip()
    # a county's bureau invites only into its own county; a prefecture (or a one-county bureau) may name one
    county = signed.staff.county_id or _county_named(svc.content, str(form.get("county", "")))
    township = svc.content.township_by_name(str(form.get("township", "")).strip(), county)
    village = str(form.get("village", "")).strip()[:30]
    error, link = "", ""
    if role is None or not name:
        error = "请选角色并填姓名。"
    elif role != "bureau" and (township is None or not scope_of(signed.staff, svc.content).covers(township.id, "")):
        error = "乡镇站和村联络员要选乡镇。"
    elif role == "liaison" and not village:
        error = "村联络员要填村名。"
    else:
        staff = Staff(
            WEB_CHANNEL,
            login,
            role,
            name,
            township.id if township and role != "bureau" else None,
            village if role == "liaison" else None,
            county if role == "bureau" else None,
        )
        try:
            link = await request.app[ACCOUNTS].invite(staff, login, signed.actor)
            await audit(request, "web.invite", f"{login} {role} {staff.township_id or ''} {staff.village or ''}")
        except AccountError as exc:
            error = str(exc)
    return page(
        request,
        "accounts.html",
        accounts=await request.app[ACCOUNTS].store.all(),
        link=link,
        error=error,
        townships=_townships(request),
        counties=_counties(request),
    )
