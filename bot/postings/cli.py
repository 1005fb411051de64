"""`python -m bot postings list|progress|send|withdraw`: postings and their deliveries from the terminal.

The running bot (`serve`) does the sending; `send` only enqueues a published posting again for whoever
was added since (new subscribers, newly bound groups): the outbox never sends anyone the same posting twice.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.postings.render import headline

if TYPE_CHECKING:
    from bot.services import Services

COMMANDS = {"postings"}
EXIT_USAGE = 2


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    postings = sub.add_parser("postings", help="job and odd-job postings: list, progress, send, withdraw")
    actions = postings.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="recent postings with their status and delivery progress")
    listing.add_argument("--limit", type=int, default=20)
    for name, text in (
        ("progress", "delivery progress of one posting (已送达 …/…，失败 …) by status"),
        ("send", "enqueue a published posting for recipients added since it went out (never twice)"),
        ("withdraw", "withdraw a posting: unsent deliveries are cancelled, it is no longer listed"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", type=int)


async def run(args: argparse.Namespace, svc: Services) -> int:
    service, outbox = svc.postings, svc.outbox
    if args.action == "list":
        rows = await service.store.recent(args.limit)
        if not rows:
            print("还没有招聘信息。")
        for posting in rows:
            progress = await outbox.progress("posting", str(posting.id))
            shown = progress.text() if progress.total else "-"
            print(
                f"{headline(posting)}\t{posting.status}\t有效期至 {posting.valid_until}\t"
                f"{service.label(posting.townships)}\t{shown}"
            )
        return 0
    found = await service.store.get(args.id)
    if found is None:
        print(f"没有编号 {args.id} 的信息 / no posting {args.id}", file=sys.stderr)
        return 1
    posting = found
    if args.action == "progress":
        print(await service.progress_text(posting))
        counts = (await outbox.progress("posting", str(posting.id))).by_status
        print("  " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) if counts else "  -")
        return 0
    if args.action == "withdraw":
        if not await service.withdraw(posting):
            print(f"{headline(posting)} 已经撤回或没有通过 / not open", file=sys.stderr)
            return 1
        print(f"已撤回 {headline(posting)}")
        return 0
    if not service.is_current(posting):
        print(
            f"{headline(posting)} 不是有效的已发布信息（{posting.status}，有效期至 {posting.valid_until}）",
            file=sys.stderr,
        )
        return 1
    before = (await outbox.progress("posting", str(posting.id))).total
    reach = await service.publish(posting)
    after = (await outbox.progress("posting", str(posting.id))).total
    print(f"{headline(posting)}：目标 {reach.text()}；新加入发送队列 {after - before} 条（运行中的机器人会发出）")
    return 0
