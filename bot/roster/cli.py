"""Command line for the bureau: `staff add|list`, `roster import|codes|record|audit` (wired in bot/cli.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content import ContentPack
from bot.reports import cli as reports_cli

if TYPE_CHECKING:
    from bot.services import Services
    from storage.roster import RosterStore

COMMANDS = ("staff", "roster", "briefing", "report")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = sub.add_parser("staff", help="register staff: liaison (village), station (township), bureau")
    ssub = staff.add_subparsers(dest="action", required=True)
    add = ssub.add_parser("add", help="register or change a staff member")
    add.add_argument("--channel", required=True, help="telegram, wechat, …")
    add.add_argument("--user", required=True, help="the chat user id on that channel")
    add.add_argument("--role", required=True, choices=["liaison", "station", "bureau"])
    add.add_argument("--name", default="", help="shown in the audit log")
    add.add_argument("--township", default="", help="township name or id (liaison, station)")
    add.add_argument("--village", default="", help="village (liaison)")
    ssub.add_parser("list", help="list staff")

    roster = sub.add_parser("roster", help="the roster of laborers")
    rsub = roster.add_subparsers(dest="action", required=True)
    imp = rsub.add_parser("import", help="import a ledger (.xlsx or .csv)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check and report only, change nothing")
    imp.add_argument("--skip-bad", action="store_true", help="import the good rows even when some are bad")
    imp.add_argument("--category", action="append", default=[], help="add this category to every row, e.g. 公岗")
    imp.add_argument("--township", default="", help="the township of rows without one (a township's own ledger)")
    codes = rsub.add_parser("codes", help="print a sheet of one-time binding codes for a village (.xlsx)")
    codes.add_argument("--township", required=True)
    codes.add_argument("--village", required=True)
    codes.add_argument("--out", type=Path, required=True)
    codes.add_argument("--all", action="store_true", help="also people already bound")
    record = rsub.add_parser("record", help="record a service given offline (1131)")
    record.add_argument("--name", required=True)
    record.add_argument("--last4", required=True, help="last 4 characters of the ID number")
    record.add_argument("--kind", required=True, help="宣讲, 指导, 推介 or 培训 (含见习)")
    record.add_argument("--note", required=True, help="what it was, e.g. 2024-03-01 入户指导")
    record.add_argument("--by", default="bureau")
    audit = rsub.add_parser("audit", help="the latest staff actions")
    audit.add_argument("--limit", type=int, default=50)
    reports_cli.add_parsers(sub)


async def run(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "staff":
        return await _staff(args, svc)
    if args.command in ("briefing", "report"):
        return await reports_cli.run(args, svc)
    return await _roster(args, svc)


def _township(content: ContentPack, name: str) -> str | None:
    township = content.township_by_name(name) if name else None
    return township.id if township else None


async def _staff(args: argparse.Namespace, svc: Services) -> int:
    from storage import Staff
    from storage.roster import Scope

    content = svc.content
    if args.action == "list":
        rows = await svc.db.fetchall(
            "SELECT channel, user_id, role, name, township_id, village FROM staff ORDER BY role"
        )
        for r in rows:
            print("\t".join(str(v or "") for v in r))
        return 0
    township = _township(content, args.township)
    if args.role != "bureau" and township is None:
        print(
            f"--township 不认识：{args.township or '（没填）'}；可填：{'、'.join(content.townships)}", file=sys.stderr
        )
        return 2
    if args.role == "liaison" and not args.village.strip():
        print("村联络员要写 --village 村名", file=sys.stderr)
        return 2
    village = args.village.strip() if args.role == "liaison" else None
    if village is not None and township is not None:
        known = sorted(v for _, v in await svc.roster.villages(Scope(township)))
        if village not in known:
            listed = f"已有：{'、'.join(known)}" if known else "这个乡镇的花名册还没有导入，请先导入（roster import）"
            print(f"--village 花名册里{content.townships[township].name}没有「{village}」；{listed}", file=sys.stderr)
            return 2
    staff = Staff(args.channel, args.user, args.role, args.name, township if args.role != "bureau" else None, village)
    await svc.directory.add_staff(staff)
    await svc.roster.audit("cli", "bureau", "staff.add", f"{args.channel}:{args.user} {args.role} {township} {village}")
    print(f"已登记：{args.role} {args.channel}:{args.user} {township or '全县'} {village or ''}".rstrip())
    return 0


async def _roster(args: argparse.Namespace, svc: Services) -> int:
    from bot.roster.importer import RosterKeyMissing, import_ledger
    from bot.roster.read import LedgerError

    store, config, content = svc.roster, svc.config, svc.content
    if args.action == "import":
        try:
            report = await import_ledger(
                args.file,
                store,
                content,
                config.roster.id_key,
                dry_run=args.dry_run,
                skip_bad=args.skip_bad,
                category=tuple(args.category),
                township=args.township,
            )
        except (RosterKeyMissing, LedgerError, ValueError) as exc:
            print(exc, file=sys.stderr)
            return 2
        print(report.summary())
        return 0 if report.applied or (args.dry_run and not report.bad) else 1
    if args.action == "audit":
        for entry in await store.audit_entries(args.limit):
            print("\t".join(entry))
        return 0
    if args.action == "record":
        return await _record(args, store, svc)
    return await _codes(args, svc)


async def _record(args: argparse.Namespace, store: RosterStore, svc: Services) -> int:
    from bot.roster.access import kind_of

    kind = kind_of(args.kind)
    if kind is None:
        print("--kind 只能是：宣讲、指导、推介、培训", file=sys.stderr)
        return 2
    found = await store.find(args.name, args.last4.upper())
    if len(found) != 1:
        print(f"花名册里{'没有' if not found else '有不止一个'}这个人：{args.name} {args.last4}", file=sys.stderr)
        return 1
    added = await svc.ledger.record(
        kind, f"offline:{args.note}", person_id=found[0].person_id, source="staff", recorded_by=f"cli:{args.by}"
    )
    await store.audit(f"cli:{args.by}", "bureau", "service.record", f"{found[0].person_id} {kind} {args.note}")
    print("已记录。" if added else "这条已经记过了。")
    return 0


async def _codes(args: argparse.Namespace, svc: Services) -> int:
    from bot.roster.sheets import code_sheet, out_problem
    from storage.roster import Scope

    store, config, content = svc.roster, svc.config, svc.content
    township = _township(content, args.township)
    if township is None:
        print(f"--township 不认识：{args.township}", file=sys.stderr)
        return 2
    if problem := out_problem(args.out):
        print(problem, file=sys.stderr)
        return 2
    binder = svc.binder
    if binder is None:
        print("没有配置 BOT_ROSTER_ID_KEY，不能发绑定码", file=sys.stderr)
        return 2
    people = await store.people(Scope(township, args.village.strip()))
    if not args.all:
        bound = await store.accounts([p.person_id for p in people])
        people = [p for p in people if p.person_id not in bound]
    if not people:
        print("这个村没有要发绑定码的人（都已绑定，或花名册里没有这个村）。", file=sys.stderr)
        return 1
    issued = await binder.issue(people, "cli")
    code_sheet(issued, f"{content.townships[township].name}{args.village}", config.roster.telegram_bot, args.out)
    await store.audit("cli", "bureau", "codes.sheet", f"{township} {args.village} {len(issued)}")
    print(f"已生成 {len(issued)} 个绑定码：{args.out}")
    return 0
