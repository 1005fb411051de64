"""`python -m bot web invite`: the sign-up link it prints works once on the real pages, then the login does."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.fakes.admin_site import csrf_of, running_site
from tests.fakes.cli import run


async def test_invite_from_the_terminal_then_sign_up_and_log_in(tmp_path: Path) -> None:
    async with running_site(tmp_path, seeded=False) as site, site.client() as http:
        args = ["web", "invite", "--login", "li.zhan", "--role", "station", "--name", "李站长", "--township", "前所乡"]
        done = await asyncio.to_thread(run, args, tmp_path)
        assert done.returncode == 0, done.stderr
        link = done.stdout.strip().splitlines()[-1]
        path = link.split("/admin/", 1)[1]
        form = await (await http.get(f"/admin/{path}")).text()
        assert "li.zhan" in form
        password = "a-long-enough-password"
        saved = await http.post(f"/admin/{path}", data={"csrf": csrf_of(form), "password": password, "again": password})
        assert "密码设好了" in await saved.text()
        again = await http.get(f"/admin/{path}")
        assert again.status == 404  # the link works once
        assert (await site.login(http, "li.zhan", password)).status == 303
        assert "前所乡" in await (await http.get("/admin/overview")).text()
        refused = await asyncio.to_thread(run, ["web", "invite", "--login", "x1", "--role", "liaison"], tmp_path)
        assert refused.returncode == 2 and "--township" in refused.stderr
        listing = await asyncio.to_thread(run, ["web", "accounts"], tmp_path)
        assert "li.zhan\tweb:li.zhan\t已设密码" in listing.stdout
