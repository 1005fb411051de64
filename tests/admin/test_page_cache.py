"""The reach page's unreached list is rendered once and cached per campaign, scope, page and viewer: a cached
list never shows one viewer's full phone numbers to another, and its forms carry each session's own token."""

from __future__ import annotations

import re
from pathlib import Path

from storage.people import Scope
from storage.roster import RosterStore
from tests.admin.test_security import _bound, liaison_pages
from tests.fakes.admin_site import running_site


async def test_the_cached_unreached_list_is_per_viewer_and_per_session(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as boss, site.client() as liaison:
        campaign, _ = await liaison_pages(site, boss)
        east = await RosterStore(site.db).people(Scope("sunjiaping", "东村"))
        unbound = [p for p in east if p.phone and p.person_id not in await _bound(site)]
        await site.login(liaison, "cun")
        mine = await (await liaison.get(f"/admin/briefings/{campaign}")).text()  # cached for the liaison
        assert unbound and all(p.phone in mine for p in unbound)
        same_scope = {"township": "sunjiaping", "village": "东村"}
        theirs = await (await boss.get(f"/admin/briefings/{campaign}", params=same_scope)).text()
        plain = next(p for p in unbound if "<" not in p.name)
        assert plain.name in theirs and not any(p.phone in theirs for p in unbound)

        tokens = {html: set(re.findall(r'name="csrf" value="([^"]+)"', html)) for html in (mine, theirs)}
        assert len(tokens[mine]) == 1 and len(tokens[theirs]) == 1 and tokens[mine] != tokens[theirs]
        again = await (await boss.get(f"/admin/briefings/{campaign}", params=same_scope)).text()
        assert set(re.findall(r'name="csrf" value="([^"]+)"', again)) == tokens[theirs]
        visited = await boss.post(
            f"/admin/briefings/{campaign}/visit",
            data={"csrf": next(iter(tokens[theirs])), "person": plain.person_id, "how": "call"},
            allow_redirects=False,
        )
        assert visited.status == 303
        after = await (await boss.get(f"/admin/briefings/{campaign}", params=same_scope)).text()
        assert "已告知" in after  # the visitor's own list is recomputed at once
