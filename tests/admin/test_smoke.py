"""Every page renders for the roles that may see it (the real server, real SQLite)."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.admin_site import running_site


async def test_every_page_renders_for_the_bureau(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        response = await site.login(http, "boss")
        assert response.status == 303, await response.text()
        for path in ("overview", "questions", "briefings", "roster", "postings", "p1131", "callbacks", "accounts"):
            page = await http.get(f"/admin/{path}")
            assert page.status == 200, (path, await page.text())
