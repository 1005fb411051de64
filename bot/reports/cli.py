"""Command line for briefings and reports: `briefing list|send|resume`, `report reach|unreached|1131|…|export|chart`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content import ContentPack

if TYPE_CHECKING:
    from bot.roster.visibility import Viewer
    from bot.services import Services
    from storage.briefings import Campaign

REPORTS = ("reach", "unreached", "1131", "answers", "sample", "callbacks", "export", "chart")
REPORT_HELP = """报表种类：
  reach      宣讲触达情况（按乡镇/村）          unreached  未触达名单（入户或电话告知）
  1131       “1131”完成情况（有就业意愿的人中）  answers    宣讲后两个问题的回答
  sample     电话回访抽样（每乡10%）           callbacks  回访结果统计（工作台录入的；--file 统计填好的表）
  export     导出 XLSX/CSV：有 --campaign 是宣讲触达和未触达名单，没有是花名册和1131情况；
             加 --table 1131 导出“1131”完成情况（按乡镇、按村）
  chart      宣讲触达情况柱状图（PNG）
时间一律为北京时间。"""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    briefing = sub.add_parser("briefing", help="政策宣讲：列出、发送、补发")
    bsub = briefing.add_subparsers(dest="action", required=True)
    bsub.add_parser("list", help="列出宣讲内容和已发送的宣讲批次")
    resume = bsub.add_parser("resume", help="补排中断的发送（已排过的不会重复）")
    resume.add_argument("campaign", type=int, help="宣讲批次编号")
    send = bsub.add_parser("send", help="向乡镇/村/人员类别发送宣讲（都不填就是全县）")
    send.add_argument("briefing", help="宣讲编号（briefing list 第一列）")
    send.add_argument("--township", action="append", default=[], help="乡镇（可写多次）")
    send.add_argument("--village", action="append", default=[], help="村（可写多次）")
    send.add_argument(
        "--category", action="append", default=[], help="人员类别：脱贫户、监测户、易地搬迁、院校毕业生……"
    )
    send.add_argument("--by", default="bureau", help="操作人（记入操作日志）")

    report = sub.add_parser("report", help="报表：触达、未触达、1131、回访抽样、导出、图表", epilog=REPORT_HELP)
    report.add_argument("kind", choices=REPORTS, metavar="种类", help="见下面的报表种类")
    report.add_argument("--campaign", type=int, help="宣讲批次编号（默认最近一次）")
    report.add_argument(
        "--county", default="", metavar="县名", help="只看一个县（部署里有几个县时；不写是全市，按县汇总）"
    )
    report.add_argument("--township", default="", help="只看一个乡镇")
    report.add_argument("--village", default="", help="只看一个村（同时写 --township）")
    report.add_argument("--seed", default="", help="sample：抽样种子（如本月 2024-03），同一种子抽到同一批人")
    report.add_argument("--category", default="脱贫户", help="sample：抽样的人员类别（'' 为全部）")
    report.add_argument("--out", type=Path, help="export / chart / sample：写入的文件（.xlsx 或 .csv；图表 .png）")
    report.add_argument("--full", action="store_true", help="导出完整电话号码（仅县人社局）")
    report.add_argument("--file", type=Path, help="callbacks：填好的回访表（不填则统计工作台录入的结果）")
    report.add_argument("--table", choices=["1131"], help="export：导出1131完成情况（按乡镇、按村）")
    report.add_argument("--progress", action="store_true", help="在终端显示进度（终端里默认显示）")
    report.add_argument("--by", default="bureau", help="操作人（记入操作日志）")


async def run(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "briefing":
        return await _briefing(args, svc)
    code = await _report(args, svc)
    detail = f"{args.kind} #{args.campaign or ''} {args.county} {args.township} {args.village} full={args.full}"
    await svc.roster.audit(f"cli:{args.by}", "bureau", f"report.{args.kind}", detail)
    return code


def _target_text(target: dict[str, object], content: ContentPack) -> str:
    """A campaign's target as people read it: 孙家坪乡、前所乡 / 东村 / 脱贫户 (全县 when unrestricted)."""
    parts = []
    for key in ("townships", "villages", "categories"):
        values = target.get(key) or []
        if isinstance(values, list) and values:
            names = [content.townships[v].name if v in content.townships else str(v) for v in values]
            parts.append("、".join(names))
    return " / ".join(parts) or "全县"


async def _briefing(args: argparse.Namespace, svc: Services) -> int:
    from bot.briefings.catalog import load_briefings
    from bot.briefings.send import TargetError, start_campaign
    from bot.clock import local_time
    from bot.reports.service import campaign_title

    db, content = svc.db, svc.content
    briefings = load_briefings(content)
    if args.action == "list":
        print("宣讲内容（编号　标题　依据　相关问答）：")
        for b in briefings.values():
            print(f"  {b.id}　{b.title}　{b.source.document} {b.source.section}　{'、'.join(b.faq)}")
        campaigns = await svc.briefings.campaigns()
        print(
            "已发送的宣讲批次（编号　宣讲　发送时间(北京时间)　对象　操作人）：" if campaigns else "还没有发送过宣讲。"
        )
        for c in campaigns:
            when = local_time(c.created_at)
            print(f"  {campaign_title(c, content)}　{when}　{_target_text(c.target, content)}　{c.created_by}")
        return 0
    if args.action == "resume":
        from bot.briefings.send import briefing_reply, queue_campaign

        campaign = await svc.briefings.campaign(args.campaign)
        known = briefings.get(campaign.briefing_id) if campaign else None
        if campaign is None or known is None:
            print(f"没有宣讲批次 #{args.campaign}（或它的宣讲内容已删除）", file=sys.stderr)
            return 1
        added = await queue_campaign(db, svc.outbox, briefing_reply(known, campaign.id, content), campaign.id)
        print(f"宣讲 #{campaign.id}：补排发送 {added} 人（已排过的不会重复）。")
        return 0
    briefing = briefings.get(args.briefing)
    if briefing is None:
        print(f"没有这个宣讲：{args.briefing}（可用：{'、'.join(briefings)}）", file=sys.stderr)
        return 2
    try:
        result = await start_campaign(
            db,
            svc.outbox,
            content,
            briefing,
            townships=args.township,
            villages=args.village,
            categories=args.category,
            actor=f"cli:{args.by}",
        )
    except TargetError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(
        f"宣讲 #{result.campaign_id}：目标 {result.targeted} 人，已排队发送 {result.queued} 人，"
        f"未绑定 {result.not_bound} 人（见 report unreached）。机器人运行时会逐个发送。"
    )
    return 0


async def _report(args: argparse.Namespace, svc: Services) -> int:
    from bot.reports import service as reports
    from bot.reports.rollup import county_scope
    from bot.reports.workbook import ExportFormatError, format_of
    from bot.roster.visibility import Viewer
    from storage.people import Scope

    content = svc.content
    county = content.county_by_name(args.county) if args.county else None
    if args.county and county is None:
        print(
            f"--county 不认识：{args.county}（可填：{'、'.join(c.name for c in content.counties.values())}）",
            file=sys.stderr,
        )
        return 2
    township = content.township_by_name(args.township, county.id if county else None) if args.township else None
    if args.township and township is None:
        print(
            f"--township 不认识：{args.township}（可填：{'、'.join(t.name for t in content.townships.values())}；"
            "几个县有同名乡镇时加 --county）",
            file=sys.stderr,
        )
        return 2
    whole = county_scope(content, county.id) if county else Scope()
    viewer = Viewer.bureau(
        Scope(township.id if township else None, args.village or None, whole.county_id, whole.county_townships),
        args.full,
    )
    if args.out and args.kind in ("export", "sample"):
        try:
            format_of(args.out)
        except ExportFormatError as exc:
            print(exc, file=sys.stderr)
            return 2
    store = svc.reports
    if args.kind == "1131":
        await svc.briefings.sync_ledger()
        rows = await store.completion(viewer.scope, by_village=township is not None)
        print(reports.completion_text(rows, content))
        return 0
    if args.kind == "callbacks":
        return _callbacks(args) if args.file else await _stored_callbacks(args, svc, viewer)
    if args.kind == "sample":
        return await _sample(args, svc, viewer)
    if args.kind == "export" and (args.campaign is None or args.table):
        return await _export(args, svc, viewer)
    return await _campaign_report(args, svc, viewer)


def _callbacks(args: argparse.Namespace) -> int:
    from bot.reports.callbacks import callbacks_text, tally_callbacks
    from bot.roster.read import LedgerError

    try:
        print(callbacks_text(tally_callbacks(args.file)))
    except LedgerError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


async def _stored_callbacks(args: argparse.Namespace, svc: Services, viewer: Viewer) -> int:
    """The results entered in the workbench (电话回访 page) for one batch, tallied per township."""
    from bot.reports.phone_callbacks import tally_text, this_month

    seed = args.seed or this_month()
    chosen = await svc.callbacks.sample(seed, viewer.scope)
    print(tally_text(seed, svc.callbacks.tally(chosen, await svc.callbacks.results(seed, viewer.scope))))
    return 0


async def _sample(args: argparse.Namespace, svc: Services, viewer: Viewer) -> int:
    from bot.reports import service as reports
    from bot.reports.exports import export_sample

    content = svc.content
    if not args.seed:
        print("--seed 必填（例如本月 2024-03），同一个种子抽到同一批人", file=sys.stderr)
        return 2
    chosen = await svc.callbacks.sample(args.seed, viewer.scope, args.category)
    if args.out:
        await export_sample(chosen, content, viewer, args.out)
        print(f"已抽取 {len(chosen)} 人：{args.out}")
        return 0
    for p in chosen:
        print("\t".join((reports.place(content, p.township_id), p.village, p.name, p.id_last4, viewer.phone(p))))
    return 0


async def _export(args: argparse.Namespace, svc: Services, viewer: Viewer) -> int:
    from bot.progress import TerminalProgress
    from bot.reports.exports import export_completion, export_roster

    db, content = svc.db, svc.content
    if not args.out:
        print("--out 必填（.xlsx 或 .csv 文件）", file=sys.stderr)
        return 2
    await svc.briefings.sync_ledger()
    progress = TerminalProgress("导出", enabled=True if args.progress else None)
    if args.table == "1131":
        await export_completion(db, content, viewer, args.out, progress=progress)
        what = "“1131”完成情况"
    else:
        rows = await export_roster(db, content, viewer, args.out, progress=progress)
        what = f"花名册和1131情况（{rows} 人）"
    progress.finish()
    print(f"已导出{what}：{args.out}")
    return 0


async def _campaign(args: argparse.Namespace, svc: Services) -> Campaign | None:
    campaigns = svc.briefings
    if args.campaign:
        return await campaigns.campaign(args.campaign)
    return next(iter(await campaigns.campaigns(1)), None)


async def _campaign_report(args: argparse.Namespace, svc: Services, viewer: Viewer) -> int:
    from bot.reports import service as reports

    db, content = svc.db, svc.content
    campaign = await _campaign(args, svc)
    if campaign is None:
        print("没有这个宣讲批次（briefing list 可以看编号）", file=sys.stderr)
        return 1
    store = svc.reports
    title = reports.campaign_title(campaign, content)
    heading = f"政策宣讲{title}{reports.scope_name(viewer.scope, content)}触达情况"
    if args.kind == "reach":
        print(reports.reach_text(await store.reach(campaign.id, viewer.scope), content, heading))
    elif args.kind == "unreached":
        total = sum(r.unreachable + r.not_bound for r in await store.reach(campaign.id, viewer.scope))
        found = await reports.first_unreached(db, content, campaign.id, viewer.scope)
        print(reports.unreached_text(found, content, viewer, total))
    elif args.kind == "answers":
        print(reports.answers_text(await store.answers(campaign.id, viewer.scope), content))
    elif not args.out:
        print("--out 必填", file=sys.stderr)
        return 2
    elif args.kind == "export":
        from bot.progress import TerminalProgress
        from bot.reports.exports import export_reach

        progress = TerminalProgress("导出", enabled=True if args.progress else None)
        await export_reach(db, content, campaign, title, viewer, args.out, progress=progress)
        progress.finish()
        print(f"已导出宣讲触达情况和未触达名单：{args.out}")
    else:
        from bot.reports.chart import reach_chart

        if args.out.suffix.lower() != ".png":
            print(f"图表只能存成 .png 文件（收到：{args.out.name}）", file=sys.stderr)
            return 2
        args.out.write_bytes(reach_chart(await store.reach(campaign.id, viewer.scope), content, heading))
        print(f"已画图：{args.out}")
    return 0
