"""Command line: `python -m bot {serve,chat,ask,content check,questions,config}` (also `wuzhai-bot`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from bot.admin import cli as web_cli
from bot.config import Config, ConfigError, load_config
from bot.content import ContentError, load_content
from bot.logs import setup_logging
from bot.postings import cli as postings_cli
from bot.roster import cli as roster_cli

if TYPE_CHECKING:
    from bot.services import Services

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="五寨县人社局就业帮扶机器人")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the bot: configured channels, or the console when none is")
    sub.add_parser("chat", help="talk to the bot in this terminal as a laborer")
    ask = sub.add_parser("ask", help="answer questions from the arguments or one per line from stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("question", nargs="*")
    content = sub.add_parser("content", help="content pack tools")
    content.add_argument("action", choices=["check", "eval"], help="check: validate; eval: measure matching")
    content.add_argument("file", nargs="?", help="eval: TSV of expected ids and questions")
    questions = sub.add_parser("questions", help="open questions for staff (most asked first)")
    questions.add_argument("--all", action="store_true", help="include answered questions")
    questions.add_argument("--limit", type=int, default=50)
    qsub = questions.add_subparsers(dest="action")
    answer = qsub.add_parser("answer", help="answer an open question; the askers get it relayed")
    answer.add_argument("id", type=int)
    answer.add_argument("text")
    answer.add_argument("--by", default="staff", help="who answers (kept with the answer)")
    sub.add_parser("config", help="print the effective configuration, secrets hidden")
    roster_cli.add_parsers(sub)  # staff, roster, briefing, report
    postings_cli.add_parsers(sub)  # postings list|progress|send|withdraw
    web_cli.add_parsers(sub)  # web invite|accounts
    wechat = sub.add_parser("wechat", help="WeChat Official Account tools")
    wechat.add_argument("action", choices=["menu"], help="menu: create the custom menu from content/wechat_menu.toml")
    wechat.add_argument("--check", action="store_true", help="only validate the menu file")
    telegram = sub.add_parser("telegram", help="Telegram tools")
    telegram.add_argument("action", choices=["links"], help="links: a deep link per township (t.me/<bot>?start=t_<id>)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(config.log_level)
    try:
        return _run(args, config)
    except ContentError as exc:
        print(f"内容有误，机器人不能启动 / invalid content ({len(exc.problems)} problems):", file=sys.stderr)
        print("\n".join(f"  {p}" for p in exc.problems), file=sys.stderr)
        return 1
    except (OSError, _storage_error()) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
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
            f"OK: {len(pack.entries)} FAQ entries ({questions} questions), {len(pack.out_of_scope)} out-of-scope "
            f"topics, {len(pack.synonyms)} synonyms, {len(pack.townships)} townships, {len(briefings)} briefings"
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
    if args.command == "config":
        print(json.dumps(config.redacted(), ensure_ascii=False, indent=2))
        return 0
    from bot import app

    if args.command == "serve":
        asyncio.run(app.serve(config))
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
    """Match each question against the FAQ (nothing is logged: this is the content author's tool)."""
    from bot.services import build_matcher

    _, matcher = build_matcher(config.content_dir)
    out = sys.stdout
    for question in _questions_from(questions):
        match = matcher.match(question)
        if as_json:
            record = {
                "question": question,
                "outcome": match.outcome,
                "entry": match.entry,
                "suggestions": list(match.suggestions),
                "score": round(match.score, 4),
                "off_topic": match.off_topic,
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            shown = match.entry or ", ".join(match.suggestions) or match.off_topic or "-"
            out.write(f"{match.outcome:8} {match.score:.2f}  {shown}\t{question}\n")
    out.flush()
    return 0


def evaluate_file(config: Config, file: str | None) -> int:
    """Print accuracy on a TSV of `expected-ids<TAB>question` lines, and each miss."""
    from pathlib import Path

    from bot.faq.evaluation import evaluate, load_cases
    from bot.services import build_matcher

    if not file:
        print("content eval needs a TSV file", file=sys.stderr)
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
    from bot.faq.relay import relay_answer
    from bot.services import services_for

    async with services_for(config) as svc:
        store = svc.questions
        if args.action == "answer":
            if not args.text.strip():
                print("答复不能为空 / the answer is empty", file=sys.stderr)
                return EXIT_USAGE
            answered = await store.answer(args.id, args.text.strip(), args.by)
            if answered is None:
                print(f"没有编号 {args.id} 的问题 / no question {args.id}", file=sys.stderr)
                return 1
            queued = await relay_answer(store, svc.outbox, answered.id)
            print(f"已答复 #{answered.id}（{answered.ask_count} 人次问过），{queued} 人会收到机器人转告。")
            return 0
        rows = await store.list_open(limit=args.limit, include_answered=args.all)
        if not rows:
            print("没有待答复的问题。")
        for q in rows:
            status = f"已答复：{q.answer}" if q.answer else "待答复"
            print(f"#{q.id}\t{q.ask_count}次\t{local_time(q.last_asked_at)}\t{q.question}\t{status}")
        return 0
