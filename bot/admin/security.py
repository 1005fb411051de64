"""The pages' guards, in one place: security headers, the session cookie, sign-in required, CSRF on every
POST, role checks, and the audit of every action (who, what, when, scope).

Pages call `signed_in(request)` for who is there and `require(request, roles)` for what they may do;
scope comes from the staff record through bot.roster.access.scope_of, as in chat.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from bot.admin.accounts import Accounts, Signed
from bot.admin.overview import FlightCache
from bot.roster.access import narrow, scope_of
from bot.services import Services
from storage.people import Scope
from storage.reports import ReportStore

SESSION_COOKIE = "wz_session"
PRE_COOKIE = "wz_pre"  # double-submit CSRF token for the forms shown before sign-in
PUBLIC = ("/admin/login", "/admin/signup/", "/admin/link/", "/admin/static/")
SERVICES = web.AppKey("admin_services", Services)
ACCOUNTS = web.AppKey("admin_accounts", Accounts)
CACHE = web.AppKey("admin_cache", FlightCache)
SIGNED = web.RequestKey("signed", Signed)
FIGURES = web.AppKey("admin_figures", ReportStore)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Forbidden(web.HTTPForbidden):
    def __init__(self, why: str = "您没有权限看这个页面。") -> None:
        super().__init__(text=why, content_type="text/plain")


def figures(request: web.Request) -> ReportStore:
    """The report queries on the pages' own read connection (the bot's store until the server has started)."""
    return request.app[FIGURES] if FIGURES in request.app else request.app[SERVICES].reports


def address(request: web.Request) -> str:
    return request.remote or "-"


def signed_in(request: web.Request) -> Signed:
    if SIGNED not in request:
        raise AssertionError("route is not behind the session guard")
    return request[SIGNED]


def require(request: web.Request, roles: Iterable[str]) -> Signed:
    signed = signed_in(request)
    if signed.staff.role not in roles:
        raise Forbidden()
    return signed


def set_session_cookie(response: web.StreamResponse, request: web.Request, token: str) -> None:
    config = request.app[SERVICES].config.web
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=config.secure_cookies, path="/admin"
    )


def pre_token(request: web.Request, response: web.StreamResponse | None = None) -> str:
    """The pre-sign-in CSRF token (from the cookie, or a new one set on `response`)."""
    token = request.cookies.get(PRE_COOKIE, "")
    if len(token) < 20 and response is not None:
        token = secrets.token_urlsafe(24)
        secure = request.app[SERVICES].config.web.secure_cookies
        response.set_cookie(PRE_COOKIE, token, httponly=True, samesite="Strict", secure=secure, path="/admin")
    return token


async def audit(request: web.Request, action: str, detail: str = "") -> None:
    """Every page action in the staff audit log, with the user's scope."""
    signed = signed_in(request)
    scope = scope_of(signed.staff, request.app[SERVICES].content)
    where = f"[{scope.township_id or scope.county_id or '全县'}{'/' + scope.village if scope.village else ''}]"
    await request.app[SERVICES].roster.audit(signed.actor, signed.staff.role, action, f"{where} {detail}")


def page_scope(request: web.Request) -> Scope:
    """The user's scope, or the county, township or village asked for in the URL when it lies inside it
    (a tampered URL naming another county, township or village is refused, never widened)."""
    content = request.app[SERVICES].content
    own = scope_of(signed_in(request).staff, content)
    county_id = request.query.get("county", "")[:40]
    county = content.counties.get(county_id) if content.multi else None
    if county_id and content.multi and county is None:
        raise Forbidden("这个县不在您负责的范围里。")
    wanted = narrow(own, request.query.get("township", "")[:40], request.query.get("village", "")[:40], county)
    if wanted is None:
        raise Forbidden("这个乡镇或村不在您负责的范围里。")
    return wanted


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
        _harden(response)
        raise
    _harden(response)
    return response


def _harden(response: web.StreamResponse) -> None:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"  # the one-time links must not leak
    response.headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def session_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Load the session; unsigned visitors go to the login page; every POST must carry the CSRF token."""
    token = request.cookies.get(SESSION_COOKIE, "")
    signed = await request.app[ACCOUNTS].signed(token) if token else None
    public = request.path.startswith(PUBLIC)
    if signed is None and not public:
        if request.method == "GET":
            raise web.HTTPSeeOther("/admin/login")
        raise Forbidden("请先登录。")
    if signed is not None:
        request[SIGNED] = signed
    if request.method == "POST":
        expected = signed.csrf if signed is not None and not public else request.cookies.get(PRE_COOKIE, "")
        sent = request.headers.get("X-CSRF-Token", "")
        if not sent and request.content_type == "application/x-www-form-urlencoded":
            sent = str((await request.post()).get("csrf", ""))
        if request.content_type.startswith("multipart/"):
            sent = sent or request.query.get("csrf", "")
        if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            raise Forbidden("表单已过期，请刷新页面再试。")
    return await handler(request)
