"""Command line for briefings and reports: `briefing list|check|send`, `report reach|unreached|1131|answers|…`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services import Services
    from storage.roster import Scope

REPORTS = ("reach", "unreached", "1131", "answers", "sample", "callbacks", "export", "chart")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    briefing = sub.add_parser("briefing", help="policy briefings: list, check, send to a target group")
    bsub = briefing.add_subparsers(dest="action", required=True)
    bsub.add_parser("list", help="briefings in content/briefings and the campaigns sent")
    resume = bsub.add_parser("resume", help="queue what an interrupted send did not (never sends twice)")
    resume.add_argument("campaign", type=int)
    send = bsub.add_parser("send", help="send a briefing to townships / villages / categories (all when none)")
    send.add_argument("briefing")
    send.add_argument("--township", action="append", default=[])
    send.add_argument("--village", action="append", default=[])
    send.add_argument("--category", action="append", default=[], help="脱贫户, 监测户, 易地搬迁, 院校毕业生, …")
    send.add_argument("--by", default="bureau")

    report = sub.add_parser("report", help="reach, unreached list, 1131, answers, callback sample, XLSX, chart")
    report.add_argument("kind", choices=REPORTS)
    report.add_argument("--campaign", type=int, help="campaign number (default: the latest)")
    report.add_argument("--township", default="", help="limit to one township")
    report.add_argument("--village", default="", help="limit to one village (with --township)")
    report.add_argument("--seed", default="", help="sample: the seed (e.g. the month, 2024-03); same seed, same sample")
    report.add_argument("--category", default="脱贫户", help="sample: the category sampled ('' for everyone)")
    report.add_argument("--out", type=Path, help="export / chart / sample: the file to write")
    report.add_argument("--full", action="store_true", help="exports: full phone numbers (bureau only)")
    report.add_argument("--file", type=Path, help="callbacks: the filled-in callback sheet")
    report.add_argument("--by", default="bureau")


async def run(args: argparse.Namespace, svc: Services) -> int:
    if args.command == "briefing":
        return await _briefing(args, svc)
    from bot.roster.sheets import OutFileError

    try:
        code = await _report(args, svc)
    except OutFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    detail = f"{args.kind} #{args.campaign or ''} {args.township} {args.village} full={args.full}"
    await svc.roster.audit(f"cli:{args.by}", "bureau", f"report.{args.kind}", detail)
    return code


async def _briefing(args: argparse.Namespace, svc: Services) -> int:
    from bot.briefings.catalog import load_briefings
    from bot.briefings.send import TargetError, start_campaign

    db, content = svc.db, svc.content
    briefings = load_briefings(content)
    if args.action == "list":
        for b in briefings.values():
            print(f"{b.id}\t{b.title}\t{b.source.document} {b.source.section}\tFAQ: {', '.join(b.faq)}")
        for c in await svc.briefings.campaigns():
            print(f"#{c.id}\t{c.briefing_id}\t{c.created_at}\t{c.target}")
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
        print(f"没有这个宣讲：{args.briefing}（可用：{', '.join(briefings)}）", file=sys.stderr)
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
    from bot.privacy import mask_phone
    from bot.reports import service as reports
    from storage.roster import Scope

    db, content = svc.db, svc.content
    township = content.township_by_name(args.township) if args.township else None
    if args.township and township is None:
        print(f"--township 不认识：{args.township}", file=sys.stderr)
        return 2
    scope = Scope(township.id if township else None, args.village or None)
    store = svc.reports
    if args.kind == "1131":
        await svc.briefings.sync_ledger()
        print(reports.completion_text(await store.completion(scope, by_village=township is not None), content))
        return 0
    if args.kind == "callbacks":
        from bot.reports.callbacks import callbacks_text, tally_callbacks
        from bot.roster.read import LedgerError

        if not args.file:
            print("--file 必填：填好的回访表", file=sys.stderr)
            return 2
        try:
            print(callbacks_text(tally_callbacks(args.file)))
        except LedgerError as exc:
            print(exc, file=sys.stderr)
            return 1
        return 0
    if args.kind == "sample":
        if not args.seed:
            print("--seed 必填（例如本月 2024-03），同一个种子抽到同一批人", file=sys.stderr)
            return 2
        chosen = await reports.callback_sample(db, args.seed, scope, args.category)
        if args.out:
            reports.sample_sheet(chosen, content, args.out, args.full)
            print(f"已抽取 {len(chosen)} 人：{args.out}")
        else:
            for p in chosen:
                phone = p.phone if args.full else mask_phone(p.phone)
                print("\t".join((reports.place(content, p.township_id), p.village, p.name, p.id_last4, phone)))
        return 0
    if args.kind == "export" and args.campaign is None:
        if not args.out:
            print("--out 必填", file=sys.stderr)
            return 2
        await svc.briefings.sync_ledger()
        await reports.export_roster(db, scope, content, args.out, args.full)
        print(f"已导出花名册和1131情况：{args.out}")
        return 0
    return await _campaign_report(args, svc, scope)


async def _campaign_report(args: argparse.Namespace, svc: Services, scope: Scope) -> int:
    from bot.reports import service as reports

    db, content = svc.db, svc.content
    campaigns = svc.briefings
    campaign = (
        await campaigns.campaign(args.campaign) if args.campaign else next(iter(await campaigns.campaigns(1)), None)
    )
    if campaign is None:
        print("没有这个宣讲批次（briefing list 可以看编号）", file=sys.stderr)
        return 1
    store = svc.reports
    title = f"宣讲 #{campaign.id} {campaign.briefing_id}"
    if args.kind == "reach":
        print(reports.reach_text(await store.reach(campaign.id, scope), content, title))
    elif args.kind == "unreached":
        print(reports.unreached_text(await store.unreached(campaign.id, scope), content))
    elif args.kind == "answers":
        print(reports.answers_text(await store.answers(campaign.id, scope), content))
    elif not args.out:
        print("--out 必填", file=sys.stderr)
        return 2
    elif args.kind == "export":
        await reports.export_reach(db, campaign.id, scope, content, args.out, args.full)
        print(f"已导出：{args.out}")
    else:
        from bot.reports.chart import reach_chart

        if args.out.suffix.lower() != ".png":
            print(f"--out {args.out.name}：图表只能存成 .png 文件", file=sys.stderr)
            return 2
        args.out.write_bytes(reach_chart(await store.reach(campaign.id, scope), content, title))
        print(f"已画图：{args.out}")
    return 0
