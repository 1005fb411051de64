"""A big export or ledger preview runs on the heavy-work pool (bot/offload.py): other pages are answered while it
is still running, and the pool never runs more than its few workers at once."""

from __future__ import annotations

import asyncio
import csv
import io
import threading
from collections.abc import Awaitable
from pathlib import Path

import aiohttp

from bot import offload
from tests.fakes.admin_site import Site, csrf_of, running_site
from tests.fakes.roster_data import HEADER, make_id, person_row

WAIT = 120.0  # seconds: generous, the machine is shared


async def until_heavy_work_runs(job: asyncio.Task[bytes]) -> None:
    """Wait (without assuming any speed) until the job has a piece of work in a pool worker."""
    async with asyncio.timeout(WAIT):
        while offload.running() == 0:
            if job.done():
                raise AssertionError(f"the job finished without using the heavy-work pool: {job.exception()!r:.3000}")
            await asyncio.sleep(0.005)


async def body_of(request: Awaitable[aiohttp.ClientResponse]) -> bytes:
    async with await request as response:
        assert response.status == 200, await response.text()
        return await response.read()


async def other_page_while(site: Site, job: asyncio.Task[bytes]) -> None:
    """Another signed-in user's page is answered while the job is still on the pool."""
    await until_heavy_work_runs(job)
    async with site.client() as other:
        await site.login(other, "zhan")
        async with other.get("/admin/overview") as response:
            assert response.status == 200
    assert not job.done(), "the other page was answered only after the heavy job had finished"
    await asyncio.wait_for(job, WAIT)


async def add_people(site: Site, count: int) -> None:
    await site.db.executemany(
        "INSERT INTO people (person_id, id_hash, id_last4, name, phone, township_id, village, categories, "
        "work_status, created_at, updated_at) VALUES (?, ?, ?, ?, '', 'sunjiaping', ?, '脱贫户', '务工', '', '')",
        [(f"bulk{n:06d}", f"hash{n:06d}", f"{n % 10000:04d}", f"劳{n}", f"{n % 30}村") for n in range(count)],
    )


async def test_a_big_export_leaves_other_pages_answered(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        await add_people(site, 30_000)
        await site.login(http, "boss")
        job = asyncio.create_task(body_of(http.get("/admin/p1131/export.xlsx")))
        await other_page_while(site, job)
        assert job.result().startswith(b"PK")


async def test_a_big_ledger_preview_leaves_other_pages_answered(tmp_path: Path) -> None:
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(HEADER)
    for n in range(15_000):
        row = person_row(n, "孙家坪乡", f"{n % 30}村")
        row[2] = make_id(n, born=f"19{60 + n // 1000:02d}0612")  # unique ID numbers
        out.writerow(row)
    async with running_site(tmp_path) as site, site.client() as http:
        await site.login(http, "boss")
        html = await (await http.get("/admin/roster")).text()
        form = aiohttp.FormData()
        form.add_field("file", io.BytesIO(text.getvalue().encode()), filename="big.csv", content_type="text/csv")
        job = asyncio.create_task(body_of(http.post(f"/admin/roster/upload?csrf={csrf_of(html)}", data=form)))
        await other_page_while(site, job)
        assert "15000" in job.result().decode()


async def test_the_pool_runs_at_most_its_workers_at_once() -> None:
    release = threading.Event()
    lock = threading.Lock()
    inside, most = 0, 0

    def piece() -> None:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        release.wait(WAIT)
        with lock:
            inside -= 1

    jobs = [asyncio.ensure_future(offload.offload(piece)) for _ in range(offload.WORKERS + 3)]
    async with asyncio.timeout(WAIT):
        while offload.running() < offload.WORKERS:  # noqa: ASYNC110 (the count changes in worker threads)
            await asyncio.sleep(0.005)
    await asyncio.sleep(0.2)  # room for any extra piece to start, were the pool unbounded
    assert (offload.running(), most) == (offload.WORKERS, offload.WORKERS)
    release.set()
    await asyncio.gather(*jobs)
    assert offload.running() == 0
