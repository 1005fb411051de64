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
STATUS = {"pending": "待审核", "published": "已发布", "rejected": "未通过", "withdrawn": "已撤回", "expired": "已过期"}
DELIVERY = {
    "pending": "待发送",
    "sending": "发送中",
    "sent": "已送达",
    "unreachable": "联系不上",
    "invalid": "账号无效",
}
DELIVERY |= {"out_of_window": "超出微信48小时", "failed": "多次失败", "cancelled": "已取消"}
EXIT_USAGE = 2


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    postings = sub.add_parser("postings", help="招聘和零工信息：列出、发送进度、补发、撤回")
    actions = postings.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="最近的信息、状态和发送进度")
    listing.add_argument("--limit", type=int, default=20, help="显示条数")
    for name, text in (
        ("progress", "一条信息的发送进度（已送达 …/…，失败 …），按状态分列"),
        ("send", "把已发布的信息补发给之后新加入的对象（不会重复发送）"),
        ("withdraw", "撤回一条信息：没发出的取消，不再列出"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", type=int, help="信息编号")


async def run(args: argparse.Namespace, svc: Services) -> int:
    service, outbox = svc.postings, svc.outbox
    if args.action == "list":
        rows = await service.store.recent(args.limit)
        if not rows:
            print("还没有招聘信息。")
        for posting in rows:
            progress = await outbox.progress("posting", str(posting.id))
            shown = progress.text() if progress.total else "-"
            status = STATUS.get(posting.status, posting.status)
            print(
                f"{headline(posting)}\t{status}\t有效期至 {posting.valid_until}\t"
                f"{service.label(posting.townships)}\t{shown}"
            )
        return 0
    found = await service.store.get(args.id)
    if found is None:
        print(f"没有编号 {args.id} 的信息", file=sys.stderr)
        return 1
    posting = found
    if args.action == "progress":
        print(await service.progress_text(posting))
        counts = (await outbox.progress("posting", str(posting.id))).by_status
        shown = "，".join(f"{DELIVERY.get(status, status)} {n}" for status, n in sorted(counts.items()))
        print(f"  {shown}" if counts else "  -")
        return 0
    if args.action == "withdraw":
        if not await service.withdraw(posting):
            print(f"{headline(posting)} 已经撤回或没有通过审核", file=sys.stderr)
            return 1
        print(f"已撤回 {headline(posting)}")
        return 0
    if not service.is_current(posting):
        status = STATUS.get(posting.status, posting.status)
        print(f"{headline(posting)} 不是有效的已发布信息（{status}，有效期至 {posting.valid_until}）", file=sys.stderr)
        return 1
    before = (await outbox.progress("posting", str(posting.id))).total
    reach = await service.publish(posting)
    after = (await outbox.progress("posting", str(posting.id))).total
    print(f"{headline(posting)}：目标 {reach.text()}；新加入发送队列 {after - before} 条（运行中的机器人会发出）")
    return 0
