"""/jilu counts each service given: three recommendations in a row are three; a redelivered request is one."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot.services import Services
from handlers import build_dispatcher
from storage import Staff
from storage.reports import ReportStore
from tests.conftest import Chat
from tests.fakes.admin_site import csrf_of, running_site
from tests.fakes.roster_data import make_id, person_row, roster_config, seed


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


async def test_three_recommendations_in_a_row_count_three(services: Services, tmp_path: Path) -> None:
    rsvc = dataclasses.replace(services, config=roster_config(services.config))
    store = await seed(rsvc.db, rsvc.content, tmp_path, [person_row(1)])
    await rsvc.directory.add_staff(Staff("test", "east", "liaison", "东村联络员", "sunjiaping", "东村"))
    east = Chat(build_dispatcher(rsvc), "east")
    command = f"/jilu 张1 {make_id(1)[-4:]} 推介"
    for n in range(3):
        [reply] = await east.say(command, message_id=f"m{n}")
        assert "已记录" in reply.text
    [retry] = await east.say(command, message_id="m2")  # the platform delivered the last one again
    assert "已经记过" in retry.text
    for _ in range(2):  # a channel without message ids: nothing to deduplicate on, each request counts
        await east.say(command)
    [person] = await store.find("张1", make_id(1)[-4:])
    assert (await ReportStore(rsvc.db).status_of(person.person_id)).recommendations == 5


async def test_the_workbench_counts_each_record_and_a_resubmitted_form_once(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        await site.login(http, "boss")
        html = await (await http.get("/admin/p1131", params={"township": "sunjiaping", "village": "东村"})).text()
        [zhang] = await site.services.roster.find("张2", make_id(2)[-4:])
        keys = re.findall(r'name="request" value="([^"]+)"', html)
        assert keys
        form = {"csrf": csrf_of(html), "person": zhang.person_id, "kind": "job_recommendation"}
        for key in (keys[0], keys[0], keys[1]):  # the same form twice (a double click), then another
            response = await http.post("/admin/p1131/record", data={**form, "request": key}, allow_redirects=False)
            assert response.status == 303
        status = await site.services.reports.status_of(zhang.person_id)
        assert status.recommendations == 2
