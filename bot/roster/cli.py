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

from bot.roster.access import scope_text

COMMANDS = ("staff", "roster", "briefing", "report")
ROLES = {"liaison": "村联络员", "station": "乡镇站", "bureau": "县人社局", "prefecture": "市人社局（全部县）"}


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = sub.add_parser("staff", help="工作人员登记：村联络员(liaison)、乡镇站(station)、县人社局(bureau)")
    ssub = staff.add_subparsers(dest="action", required=True)
    add = ssub.add_parser("add", help="登记或修改一名工作人员")
    add.add_argument("--channel", required=True, help="渠道：telegram、wechat……")
    add.add_argument("--user", required=True, help="该渠道上的用户编号")
    add.add_argument(
        "--role",
        required=True,
        choices=list(ROLES),
        help="角色：liaison 村联络员、station 乡镇站、bureau 县人社局、prefecture 市人社局（几个县时看全部县）",
    )
    add.add_argument(
        "--county", default="", metavar="县名", help="县（部署里有几个县时：县人社局必填；乡镇重名时也要填）"
    )
    add.add_argument("--name", default="", help="姓名（记入操作日志）")
    add.add_argument("--township", default="", help="乡镇（村联络员、乡镇站必填）")
    add.add_argument("--village", default="", help="村（村联络员必填）")
    ssub.add_parser("list", help="列出工作人员")

    roster = sub.add_parser("roster", help="劳动力花名册：导入、绑定码、记录线下服务、操作日志")
    rsub = roster.add_subparsers(dest="action", required=True)
    imp = rsub.add_parser("import", help="导入台账（.xlsx 或 .csv）")
    imp.add_argument("file", type=Path, help="台账文件")
    imp.add_argument("--dry-run", action="store_true", help="只检查、报告问题，不改数据库")
    imp.add_argument("--skip-bad", action="store_true", help="有问题的行跳过，只导入没问题的行")
    imp.add_argument("--category", action="append", default=[], help="给每一行加上这个人员类别，如 公岗")
    imp.add_argument("--progress", action="store_true", help="在终端显示进度和剩余时间（终端里默认显示）")
    imp.add_argument("--township", default="", help="没有乡镇列时所有行的乡镇（乡镇自己的台账）")
    imp.add_argument(
        "--county", default="", metavar="县名", help="只导入这个县的人（部署里有几个县、台账没有「县」列时）"
    )
    codes = rsub.add_parser("codes", help="生成一个村的一次性绑定码表（.xlsx 或 .csv）")
    codes.add_argument("--township", required=True, help="乡镇")
    codes.add_argument("--village", required=True, help="村")
    codes.add_argument("--out", type=Path, required=True, help="写入的文件（.xlsx 或 .csv）")
    codes.add_argument("--all", action="store_true", help="已绑定的人也发")
    record = rsub.add_parser("record", help="记录一次线下服务（计入1131）")
    record.add_argument("--name", required=True, help="姓名")
    record.add_argument("--last4", required=True, help="身份证号后四位")
    record.add_argument("--kind", required=True, help="宣讲、指导、推介 或 培训（含见习）")
    record.add_argument("--note", required=True, help="服务内容，如 2024-03-01 入户指导")
    record.add_argument("--by", default="bureau", help="操作人（记入操作日志）")
    audit = rsub.add_parser("audit", help="最近的工作人员操作记录（北京时间）")
    audit.add_argument("--limit", type=int, default=50, help="显示条数")
    reports_cli.add_parsers(sub)


async def run(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "staff":
        return await _staff(args, svc)
    if args.command in ("briefing", "report"):
        return await reports_cli.run(args, svc)
    return await _roster(args, svc)


def _names(content: ContentPack) -> str:
    return "、".join(t.name for t in content.townships.values())


def _township(content: ContentPack, name: str, county: str | None = None) -> str | None:
    township = content.township_by_name(name, county) if name else None
    return township.id if township else None


def county_option(content: ContentPack, args: argparse.Namespace) -> str | int | None:
    """The staff member's county id (None: every county), or 2 after saying what is wrong."""
    found = content.county_by_name(args.county) if args.county else None
    if args.county and found is None:
        print(
            f"--county 不认识：{args.county}；可填：{'、'.join(c.name for c in content.counties.values())}",
            file=sys.stderr,
        )
        return 2
    if args.role == "prefecture":
        return None
    if args.role == "bureau" and found is None and content.multi:
        names = "、".join(c.name for c in content.counties.values())
        print(f"这里有几个县，县人社局要写 --county（{names}）；看全部县用 --role prefecture", file=sys.stderr)
        return 2
    return found.id if found else None


async def _staff(args: argparse.Namespace, svc: Services) -> int:
    from storage import Staff
    from storage.directory import Role
    from storage.people import Scope

    content = svc.content
    if args.action == "list":
        rows = await svc.db.fetchall(
            "SELECT channel, user_id, role, name, township_id, village, county_id FROM staff ORDER BY role"
        )
        print("角色　渠道:用户　姓名　负责范围" if rows else "还没有登记工作人员。")
        for row in rows:
            one = Staff(*row)
            kind = "prefecture" if one.role == "bureau" and one.county_id is None and content.multi else one.role
            area = scope_text(one, content)
            print(f"{ROLES.get(kind, kind)}　{one.channel}:{one.user_id}　{one.name or '-'}　{area}")
        return 0
    county = county_option(content, args)
    if isinstance(county, int):
        return county
    township = _township(content, args.township, county)
    if args.role not in ("bureau", "prefecture") and township is None:
        print(f"--township 不认识：{args.township or '（没填）'}；可填：{_names(content)}", file=sys.stderr)
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
    local = args.role in ("station", "liaison")
    role: Role = "bureau" if args.role == "prefecture" else args.role  # a prefecture: a bureau of no one county
    staff = Staff(
        args.channel, args.user, role, args.name, township if local else None, village, None if local else county
    )
    await svc.directory.add_staff(staff)
    detail = f"{args.channel}:{args.user} {args.role} {county or ''} {township} {village}"
    await svc.roster.audit("cli", "bureau", "staff.add", detail)
    print(f"已登记：{ROLES[args.role]} {args.channel}:{args.user} {scope_text(staff, content)}")
    return 0


async def _roster(args: argparse.Namespace, svc: Services) -> int:
    from bot.progress import TerminalProgress
    from bot.roster.importer import RosterKeyMissing, import_ledger
    from bot.roster.read import LedgerError

    store, config, content = svc.roster, svc.config, svc.content
    if args.action == "import":
        county = content.county_by_name(args.county) if args.county else None
        if args.county and county is None:
            print(f"--county 不认识：{args.county}", file=sys.stderr)
            return 2
        progress = TerminalProgress("导入", enabled=True if args.progress else None)
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
                progress=progress,
                county=county.id if county else None,
            )
        except (RosterKeyMissing, LedgerError, ValueError) as exc:
            progress.finish()
            print(exc, file=sys.stderr)
            return 2
        progress.finish()
        print(report.summary())
        return 0 if report.applied or (args.dry_run and not report.bad) else 1
    if args.action == "audit":
        from bot.clock import local_time

        entries = await store.audit_entries(args.limit)
        print("时间(北京时间)　操作人　角色　操作　内容" if entries else "还没有操作记录。")
        for at, who, role, action, detail in entries:
            print(f"{local_time(at)}　{who}　{ROLES.get(role, role)}　{action}　{detail}")
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
    from bot.reports.workbook import ExportFormatError, format_of
    from bot.roster.sheets import code_sheet
    from storage.people import Scope

    store, config, content = svc.roster, svc.config, svc.content
    township = _township(content, args.township)
    if township is None:
        print(f"--township 不认识：{args.township}（可填：{_names(content)}）", file=sys.stderr)
        return 2
    try:
        format_of(args.out)
    except ExportFormatError as exc:
        print(exc, file=sys.stderr)
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
    await code_sheet(issued, f"{content.townships[township].name}{args.village}", config.roster.telegram_bot, args.out)
    await store.audit("cli", "bureau", "codes.sheet", f"{township} {args.village} {len(issued)}")
    print(f"已生成 {len(issued)} 个绑定码：{args.out}")
    return 0
