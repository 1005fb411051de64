"""The workbench's guards against a hostile visitor: sign-in, CSRF, session fixation, idle timeout, log out
everywhere, cross-scope URL tampering, stored XSS, SQL-looking input and brute-force login."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.admin.accounts import token_hash
from bot.admin.security import SESSION_COOKIE
from storage.people import Scope
from storage.roster import RosterStore
from tests.fakes.admin_site import PASSWORD, XSS, Site, csrf_of, running_site


def session_of(http: aiohttp.ClientSession) -> str:
    """The session cookie the server set (path /admin), not one planted by someone else."""
    return next((c.value for c in http.cookie_jar if c.key == SESSION_COOKIE and c["path"] == "/admin"), "")


async def test_pages_need_a_session_and_posts_a_csrf_token(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        page = await http.get("/admin/overview", allow_redirects=False)
        assert page.status == 303 and page.headers["Location"] == "/admin/login"
        assert (await http.post("/admin/questions/1/answer", data={"answer": "x"})).status == 403
        assert (await site.login(http, "boss")).status == 303
        question = await site.services.questions.open("k", "补贴啥时候发", "test", "u1", "u1")
        for data in ({"answer": "下个月"}, {"answer": "下个月", "csrf": "forged-token"}):
            refused = await http.post(f"/admin/questions/{question}/answer", data=data, allow_redirects=False)
            assert refused.status == 403
        assert (await site.services.questions.list_open())[0].answer is None
        page_html = await (await http.get("/admin/questions")).text()
        ok = await http.post(
            f"/admin/questions/{question}/answer",
            data={"answer": "下个月", "csrf": csrf_of(page_html)},
            allow_redirects=False,
        )
        assert ok.status == 303
        assert ok.headers["Content-Security-Policy"].startswith("default-src 'self'")


async def test_login_form_itself_needs_its_csrf_cookie(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        refused = await http.post("/admin/login", data={"login": "boss", "password": PASSWORD}, allow_redirects=False)
        assert refused.status == 403 and not session_of(http)


async def test_session_fixation_a_planted_cookie_is_never_the_session(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        planted = "attacker-chosen-session-value-0123456789"
        http.cookie_jar.update_cookies({SESSION_COOKIE: planted})
        assert (await site.login(http, "boss")).status == 303
        assert session_of(http) not in ("", planted)
        assert (
            await site.services.db.fetchone("SELECT 1 FROM web_sessions WHERE token_hash = ?", (token_hash(planted),))
            is None
        )
        cookie = next(c for c in http.cookie_jar if c.key == SESSION_COOKIE and c["path"] == "/admin")
        assert cookie["httponly"] and cookie["samesite"] == "Strict"


async def test_idle_sessions_end_and_logout_everywhere_ends_all(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as first, site.client() as second:
        await site.login(first, "boss")
        await site.login(second, "boss")
        html = await (await first.get("/admin/overview")).text()
        out = await first.post("/admin/logout", data={"csrf": csrf_of(html), "everywhere": "1"}, allow_redirects=False)
        assert out.status == 303
        assert (await second.get("/admin/overview", allow_redirects=False)).status == 303
        await site.login(second, "boss")
        await site.db.execute("UPDATE web_sessions SET last_seen_at = '2000-01-01T00:00:00+00:00'")
        assert (await second.get("/admin/overview", allow_redirects=False)).status == 303


async def test_brute_force_is_refused_per_account_and_per_address(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        for _ in range(5):
            assert (await site.login(http, "boss", "wrong-password")).status == 401
        locked = await site.login(http, "boss")
        assert locked.status == 401 and "次数太多" in await locked.text()
        assert (await site.login(http, "zhan")).status == 303  # another account from the same address is fine
        for n in range(15):
            await site.login(http, f"nobody{n}", "guess")
        assert (await site.login(http, "cun")).status == 401  # 20 failures from one address: refused


async def test_sql_looking_input_is_just_text(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        assert (await site.login(http, "boss' OR '1'='1", "' OR 1=1 --")).status == 401
        await site.login(http, "boss")
        odd = await http.get("/admin/p1131", params={"township": "x' OR '1'='1", "village": "'; DROP TABLE people; --"})
        assert odd.status == 200 and "花名册是空的" in await odd.text()
        assert await RosterStore(site.db).count() == 12


async def liaison_pages(site: Site, http: aiohttp.ClientSession) -> tuple[int, str]:
    await site.login(http, "boss")
    html = await (await http.get("/admin/briefings")).text()
    sent = await http.post(
        "/admin/briefings",
        data={"csrf": csrf_of(html), "briefing": "transport-retention", "action": "send"},
        allow_redirects=False,
    )
    campaign = int(sent.headers["Location"].rsplit("/", 1)[1])
    return campaign, csrf_of(html)


async def test_a_liaison_cannot_open_another_village_by_editing_the_url(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as boss, site.client() as http:
        campaign, _ = await liaison_pages(site, boss)
        await site.login(http, "cun")
        own = await http.get(f"/admin/briefings/{campaign}")
        assert own.status == 200
        text = await own.text()
        assert "东村" in text and "南村" not in text and "西村" not in text
        other = {"township": "qiansuo", "village": "南村"}
        paths = (f"/admin/briefings/{campaign}", f"/admin/briefings/{campaign}/export.xlsx", "/admin/p1131")
        for path in (*paths, "/admin/p1131/export.xlsx", "/admin/callbacks", "/admin/callbacks/export.xlsx"):
            assert (await http.get(path, params=other)).status == 403, path
        assert (await http.get("/admin/p1131", params={"village": "西村"})).status == 403
        for path in ("/admin/roster", "/admin/accounts"):
            assert (await http.get(path)).status == 403, path
        stranger = next(p for p in await RosterStore(site.db).people(Scope("qiansuo", "南村")))
        html = await (await http.get(f"/admin/briefings/{campaign}")).text()
        refused = await http.post(
            f"/admin/briefings/{campaign}/visit",
            data={"csrf": csrf_of(html), "person": stranger.person_id, "how": "visit"},
            allow_redirects=False,
        )
        assert refused.status == 403
        row = await site.db.fetchone("SELECT count(*) FROM service_events WHERE source = 'staff'")
        assert row is not None and row[0] == 0


async def test_full_phone_numbers_only_for_the_liaisons_own_village(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as boss, site.client() as http:
        campaign, _ = await liaison_pages(site, boss)
        east = await RosterStore(site.db).people(Scope("sunjiaping", "东村"))
        unbound = [p for p in east if p.phone and p.person_id not in await _bound(site)]
        await site.login(http, "cun")
        mine = await (await http.get(f"/admin/briefings/{campaign}")).text()
        assert unbound and all(p.phone in mine for p in unbound)
        station = await (await boss.get(f"/admin/briefings/{campaign}")).text()
        assert not any(p.phone in station for p in unbound) and "****" in station


async def _bound(site: Site) -> set[str]:
    return {str(r[0]) for r in await site.db.fetchall("SELECT person_id FROM bindings")}


async def test_stored_xss_in_names_questions_and_postings_is_escaped(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        await site.services.questions.open("xss", f"补贴{XSS}", "test", "u1", "u1")
        await site.db.execute(
            "INSERT INTO postings (kind, title, employer, location, salary, headcount, requirements, contact_name, "
            "contact_phone, valid_until, townships, text_hash, status, author_channel, author_user_id, author_role, "
            "author_township, created_at) VALUES ('job', ?, ?, '', '', '', '', '', '', '2999-01-01', "
            "'[\"sunjiaping\"]', 'h1', 'pending', 'web', 'cun', 'liaison', 'sunjiaping', '2026-01-01T00:00:00+00:00')",
            (XSS, XSS),
        )
        await site.login(http, "boss")
        pages = [
            await (await http.get(p)).text()
            for p in (
                "/admin/questions",
                "/admin/postings",
                "/admin/overview",
                "/admin/p1131?township=sunjiaping&village=东村",
            )
        ]
        for html in pages:
            assert XSS not in html
        assert all("&lt;script&gt;" in html for html in (pages[0], pages[1], pages[3]))
