"""Command line: `python -m bot {serve,chat,ask,content check,questions,config,db,…}` (also `wuzhai-bot`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from bot import database_cli
from bot.admin import cli as web_cli
from bot.cli_parser import ChineseParser
from bot.config import Config, ConfigError, load_config
from bot.content import ContentError, load_content
from bot.logs import setup_logging
from bot.postings import cli as postings_cli
from bot.roster import cli as roster_cli

if TYPE_CHECKING:
    from bot.services import Services

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(
        prog="python -m bot",
        description="五寨县人社局就业帮扶机器人。时间一律为北京时间（Asia/Shanghai）。",
        epilog="每个命令加 -h 看它的用法，例如：python -m bot report -h",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="运行机器人：已配置的渠道；都没配置时用终端对话")
    chat = sub.add_parser("chat", help="在终端里以劳动力身份和机器人对话")
    chat.add_argument("--json", action="store_true", help="从标准输入读对话（空行开始新对话），每条消息输出一行 JSON")
    ask = sub.add_parser("ask", help="看 FAQ 怎么回答：问题写在参数里，或从标准输入每行一个")
    ask.add_argument("--json", action="store_true", help="每个问题输出一行 JSON")
    ask.add_argument("question", nargs="*", help="问题")
    content = sub.add_parser("content", help="内容包工具：检查、测评")
    content.add_argument(
        "action", choices=["check", "eval"], metavar="操作", help="check 检查内容；eval 测评匹配准确率"
    )
    content.add_argument("file", nargs="?", help="eval：期望编号和问题的 TSV 文件")
    questions = sub.add_parser("questions", help="机器人答不了的问题（问得多的在前）")
    questions.add_argument("--all", action="store_true", help="也列出已答复的")
    questions.add_argument("--limit", type=int, default=50, help="显示条数")
    questions.add_argument("--county", default="", help="只看、只处理这个县的问题（县的编号或名称；多个县时用）")
    qsub = questions.add_subparsers(dest="action")
    answer = qsub.add_parser("answer", help="答复一个问题，机器人转告所有问过的人")
    answer.add_argument("id", type=int, help="问题编号")
    answer.add_argument("text", help="答复内容")
    answer.add_argument("--by", default="县人社局", help="答复人（和答复一起显示给提问的人）")
    take = qsub.add_parser("take", help="接手一个问题（工作台上显示“某某 处理中”）")
    take.add_argument("id", type=int, help="问题编号")
    take.add_argument("--by", required=True, help="处理人姓名")
    release = qsub.add_parser("release", help="放回一个问题（改回“等人工答复”）")
    release.add_argument("id", type=int, help="问题编号")
    sub.add_parser("config", help="显示生效的配置（密钥隐藏）")
    roster_cli.add_parsers(sub)  # staff, roster, briefing, report
    postings_cli.add_parsers(sub)  # postings list|progress|send|withdraw
    database_cli.add_parsers(sub)  # db copy --to postgresql://…
    web_cli.add_parsers(sub)  # web invite|accounts
    wechat = sub.add_parser("wechat", help="微信公众号工具")
    wechat.add_argument(
        "action", choices=["menu"], metavar="操作", help="menu：按 content/wechat_menu.toml 创建自定义菜单"
    )
    wechat.add_argument("--check", action="store_true", help="只检查菜单文件")
    telegram = sub.add_parser("telegram", help="Telegram 工具")
    telegram.add_argument(
        "action", choices=["links"], metavar="操作", help="links：每个乡镇的深度链接（t.me/<bot>?start=t_<id>）"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(config.log_level)
    try:
        return _run(args, config)
    except ContentError as exc:
        print(f"内容有误，机器人不能启动（{len(exc.problems)} 处问题）：", file=sys.stderr)
        print("\n".join(f"  {p}" for p in exc.problems), file=sys.stderr)
        return 1
    except (OSError, _storage_error()) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _storage_error() -> type[Exception]:
    from storage import StorageError

    return StorageError


def _run(args: argparse.Namespace, config: Config) -> int:
    if args.command == "ask":
        return ask(config, args.question, args.json)
    if args.command == "content" and args.action == "eval":
        return evaluate_file(config, args.file)
    if args.command == "content":
        from bot.briefings.catalog import load_briefings

        pack = load_content(config.content_dir)
        briefings = load_briefings(pack)
        questions = sum(len(e.questions) for e in pack.entries.values())
        print(
            f"内容检查通过：{len(pack.entries)} 条问答（{questions} 个问法），{len(pack.out_of_scope)} 个不答的话题，"
            f"{len(pack.synonyms)} 个同义词，{f'{len(pack.counties)} 个县，' if pack.multi else ''}"
            f"{len(pack.townships)} 个乡镇/小区，{len(briefings)} 个宣讲"
        )
        return 0
    if args.command == "wechat":
        from bot.channels.wechat.menu import apply_menu

        return asyncio.run(apply_menu(config, check_only=args.check))
    if args.command == "telegram":
        from bot.channels.telegram.links import township_links

        for name, link in asyncio.run(township_links(config)):
            print(f"{name}\t{link}")
        return 0
    if args.command in roster_cli.COMMANDS:
        return asyncio.run(_with_services(config, roster_cli.run, args))
    if args.command in web_cli.COMMANDS:
        return asyncio.run(_with_services(config, web_cli.run, args))
    if args.command in postings_cli.COMMANDS:
        return asyncio.run(_with_services(config, postings_cli.run, args))
    if args.command in database_cli.COMMANDS:
        return asyncio.run(database_cli.run(args, config))
    if args.command == "config":
        print(json.dumps(config.redacted(), ensure_ascii=False, indent=2))
        return 0
    from bot import app

    if args.command == "serve":
        asyncio.run(app.serve(config))
    elif args.command == "chat" and args.json:
        from bot import chat_json

        return asyncio.run(chat_json.run(config, sys.stdin, sys.stdout))
    elif args.command == "chat":
        asyncio.run(app.chat(config))
    elif args.command == "questions":
        return asyncio.run(_questions(config, args))
    return 0


async def _with_services(
    config: Config, command: Callable[[argparse.Namespace, Services], Awaitable[int]], args: argparse.Namespace
) -> int:
    """Run a feature's CLI command with the services of the one composition root."""
    from bot.services import services_for

    async with services_for(config) as svc:
        return await command(args, svc)


def ask(config: Config, questions: list[str], as_json: bool) -> int:
    """Match each question against the FAQ (nothing is logged: this is the content author's tool; the
    echoed question has its personal numbers masked)."""
    from bot.privacy import mask
    from bot.services import build_matcher

    _, matcher = build_matcher(config.content_dir)
    out = sys.stdout
    for question in _questions_from(questions):
        match = matcher.match(question)
        if as_json:
            record = {
                "question": mask(question),
                "outcome": match.outcome,
                "entry": match.entry,
                "suggestions": list(match.suggestions),
                "score": round(match.score, 4),
                "off_topic": match.off_topic,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            shown = match.entry or ", ".join(match.suggestions) or match.off_topic or "-"
            out.write(f"{match.outcome:8} {match.score:.2f}  {shown}\t{mask(question)}\n")
    out.flush()
    return 0


def evaluate_file(config: Config, file: str | None) -> int:
    """Print accuracy on a TSV of `expected-ids<TAB>question` lines, and each miss."""
    from pathlib import Path

    from bot.faq.evaluation import evaluate, load_cases
    from bot.services import build_matcher

    if not file:
        print("content eval 需要一个 TSV 文件", file=sys.stderr)
        return EXIT_USAGE
    _, matcher = build_matcher(config.content_dir)
    report = evaluate(matcher, load_cases(Path(file)))
    for case, match in report.misses:
        expected = "|".join(sorted(case.expected)) or "-"
        got = match.entry or ",".join(match.suggestions) or match.off_topic or ""
        print(f"MISS expected {expected:28} got {match.outcome} {got} ({match.score:.2f})\t{case.question}")
    print(report.summary())
    return 0


def _questions_from(arguments: list[str]) -> Iterator[str]:
    if arguments:
        yield from arguments
        return
    for line in sys.stdin:
        line = line.rstrip("\r\n")
        if line.strip():
            yield line


async def _questions(config: Config, args: argparse.Namespace) -> int:
    from bot.clock import local_time
    from bot.faq.inbox import Handler, InboxError, state_of
    from bot.services import services_for

    async with services_for(config) as svc:
        inbox = svc.inbox
        county = svc.content.county_by_name(args.county) if args.county else None
        if args.county and (county is None or not svc.content.multi):
            print(f"没有叫 {args.county} 的县。", file=sys.stderr)
            return 1
        by = getattr(args, "by", "") or "县人社局"
        by = f"{county.name}人社局" if county and by == "县人社局" else by
        # the server's operator acts for the bureau (with --county: that county's, seeing only its questions)
        who = Handler(f"cli:{by}", by, "bureau", by, county.id if county else None)
        try:
            if args.action == "answer":
                done = await inbox.answer(args.id, args.text, who)
                asked = done.question.ask_count
                print(f"已答复 #{done.question.id}（{asked} 人次问过），{done.relayed} 人会收到机器人转告。")
                return 0
            if args.action == "take":
                print(f"#{(await inbox.take(args.id, who)).id}：{by} 处理中")
                return 0
            if args.action == "release":
                print(f"#{(await inbox.release(args.id, who)).id}：等人工答复")
                return 0
        except InboxError as exc:
            print(exc, file=sys.stderr)
            return 1
        rows = await inbox.list(limit=args.limit, include_answered=args.all, county=who.county)
        print("编号\t次数\t最近提问(北京时间)\t问题\t谁在处理\t答复" if rows else "没有待答复的问题。")
        for q in rows:
            when = local_time(q.last_asked_at)
            print(f"#{q.id}\t{q.ask_count}次\t{when}\t{q.question}\t{state_of(q)}\t{q.answer or ''}")
        return 0
