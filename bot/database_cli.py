"""`python -m bot db copy --to postgresql://…`: move the bot's database (SQLite) into PostgreSQL.

The bot must be stopped while copying. The copy is verified table by table (row counts and checksums);
afterwards set `database = "postgresql://…"` (or BOT_DATABASE) and start the bot again.
"""

from __future__ import annotations

import argparse
import sys

from bot.config import Config

COMMANDS = {"db"}


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="数据库工具：把 SQLite 数据库整库复制到 PostgreSQL")
    actions = db.add_subparsers(dest="action", required=True, metavar="操作")
    copy = actions.add_parser("copy", help="把每张表复制到一个空的数据库，按行数和校验和核对")
    copy.add_argument("--to", required=True, help="目标数据库，例如 postgresql://用户:密码@主机/wuzhai")


async def run(args: argparse.Namespace, config: Config) -> int:
    from storage import Database
    from storage.copy import copy_database

    async with await Database.open(config.database_path) as source, await Database.open(args.to) as target:
        print(f"复制 {source.describe()} → {target.describe()} …")
        results = await copy_database(source, target)
    for result in results:
        mark = "OK" if result.verified else "不一致 / MISMATCH"
        print(f"{result.table:24} {result.rows:>10} 行  sha256-sum {result.checksum[:16]}…  {mark}")
    if not all(r.verified for r in results):
        print("校验失败：目标库与源库不一致 / verification failed", file=sys.stderr)
        return 1
    print(f"完成：{len(results)} 张表，{sum(r.rows for r in results)} 行，计数和校验和一致。")
    return 0
