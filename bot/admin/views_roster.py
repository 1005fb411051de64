"""台账导入: upload an XLSX/CSV ledger, see every bad row (row, field, why) before anything is stored,
import (all-or-nothing, or only the good rows), and the history of imports (from the audit log)."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.admin.app import page
from bot.admin.security import CACHE, SERVICES, audit, require
from bot.admin.uploads import UploadError, discard, receive, stored
from bot.roster.importer import ImportReport, RosterKeyMissing, import_ledger
from bot.roster.read import LedgerError
from bot.services import Services

routes = web.RouteTableDef()
IMPORTERS = ("bureau",)


def _folder(svc: Services) -> Path:
    return svc.config.data_dir / "uploads"


async def _page(request: web.Request, status: int = 200, **context: object) -> web.Response:
    svc = request.app[SERVICES]
    entries = await svc.roster.audit_entries(limit=500)
    history = [e for e in entries if e[3] == "roster.import"][:20]
    values: dict[str, object] = {"report": None, "token": "", "error": "", "result": None, "history": history}
    values |= context
    response = page(request, "roster.html", **values)
    response.set_status(status)
    return response


@routes.get("/roster")
async def roster_page(request: web.Request) -> web.Response:
    require(request, IMPORTERS)
    return await _page(request)


async def _run(
    svc: Services, path: Path, actor: str, *, dry_run: bool, skip_bad: bool = False, county: str | None = None
) -> ImportReport:
    """Import as the signed-in bureau: a county's bureau only into its county's townships."""
    return await import_ledger(
        path,
        svc.roster,
        svc.content,
        svc.config.roster.id_key,
        dry_run=dry_run,
        skip_bad=skip_bad,
        actor=actor,
        county=county,
    )


@routes.post("/roster/upload")
async def upload(request: web.Request) -> web.Response:
    signed = require(request, IMPORTERS)
    svc = request.app[SERVICES]
    try:
        token, path = await receive(request, _folder(svc), svc.config.web.max_upload_mb * 1024 * 1024)
    except UploadError as exc:
        await audit(request, "roster.upload_refused", str(exc)[:80])
        return await _page(request, status=413 if "太大" in str(exc) else 400, error=str(exc))
    try:
        report = await _run(svc, path, signed.actor, dry_run=True, county=signed.staff.county_id)
    except (LedgerError, RosterKeyMissing, ValueError) as exc:
        discard(_folder(svc), token)
        return await _page(request, status=400, error=str(exc))
    await audit(request, "roster.preview", f"{path.name} rows {report.rows} bad {len(report.bad)}")
    return await _page(request, report=report, token=token)


@routes.post("/roster/import")
async def do_import(request: web.Request) -> web.Response:
    signed = require(request, IMPORTERS)
    svc = request.app[SERVICES]
    form = await request.post()
    token = str(form.get("token", ""))
    path = stored(_folder(svc), token)
    if path is None:
        return await _page(request, status=404, error="这个上传已经导入过或过期了，请重新上传。")
    try:
        report = await _run(
            svc, path, signed.actor, dry_run=False, skip_bad=form.get("skip_bad") == "1", county=signed.staff.county_id
        )
    except (LedgerError, RosterKeyMissing, ValueError) as exc:
        return await _page(request, status=400, error=str(exc))
    finally:
        discard(_folder(svc), token)
    request.app[CACHE].clear()
    await audit(request, "roster.import_page", f"{path.name} +{report.added} ~{report.updated} bad {len(report.bad)}")
    return await _page(request, result=report)
