"""`python -m bot web invite|accounts`: the bureau creates workbench accounts in a terminal, as on the 账号 page."""

from __future__ import annotations

import argparse
import sys

from bot.admin.accounts import WEB_CHANNEL, AccountError
from bot.roster.cli import county_option as _county
from bot.services import Services
from storage import Staff

COMMANDS = ("web",)


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    web = sub.add_parser("web", help="工作台网页账号：invite 开账号（一次性注册链接），accounts 列出账号")
    wsub = web.add_subparsers(dest="action", required=True)
    invite = wsub.add_parser("invite", help="开一个账号，打印一次性注册链接")
    invite.add_argument("--login", required=True, help="登录名（英文字母、数字、. _ -）")
    invite.add_argument(
        "--role", choices=["liaison", "station", "bureau", "prefecture"], help="角色（新的网页账号必填）"
    )
    invite.add_argument(
        "--county", default="", metavar="县名", help="县（部署里有几个县时：县人社局必填；乡镇重名时也要填）"
    )
    invite.add_argument("--name", default="", help="姓名")
    invite.add_argument("--township", default="", help="乡镇（乡镇站、村联络员）")
    invite.add_argument("--village", default="", help="村（村联络员）")
    invite.add_argument("--staff", default="", help="已在聊天里登记的工作人员 渠道:用户ID，例如 telegram:12345")
    wsub.add_parser("accounts", help="列出账号")


async def run(args: argparse.Namespace, svc: Services) -> int:
    content = svc.content
    accounts = svc.accounts
    if args.action == "accounts":
        for a in await accounts.store.all():
            state = "停用" if a.disabled else "已设密码" if a.has_password else "未注册"
            print(f"{a.login}\t{a.staff_channel}:{a.staff_user_id}\t{state}")
        return 0
    if args.staff:
        channel, _, user_id = args.staff.partition(":")
        staff = await svc.directory.staff(channel, user_id)
        if staff is None:
            print(f"没有登记过这位工作人员：{args.staff}（先用 staff add 登记）", file=sys.stderr)
            return 2
    else:
        county = _county(content, args) if args.role else None
        if isinstance(county, int):
            return county
        township = content.township_by_name(args.township, county) if args.township else None
        problem = _problem(args, township is not None)
        if problem:
            print(problem, file=sys.stderr)
            return 2
        local = args.role in ("station", "liaison")
        staff = Staff(
            WEB_CHANNEL,
            args.login,
            "bureau" if args.role == "prefecture" else args.role,
            args.name or args.login,
            township.id if township and local else None,
            args.village.strip() if args.role == "liaison" else None,
            None if local else county,
        )
    try:
        link = await accounts.invite(staff, args.login, "cli")
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    await svc.roster.audit("cli", "bureau", "web.invite", f"{args.login} {staff.role}")
    print(f"已为 {staff.name} 开账号 {args.login}。一次性注册链接（{svc.config.web.invite_hours} 小时内有效）：")
    print(link)
    return 0


def _problem(args: argparse.Namespace, township_known: bool) -> str:
    if args.role is None:
        return "新的网页账号要写 --role（liaison 村联络员 / station 乡镇站 / bureau 县人社局）"
    if args.role in ("station", "liaison") and not township_known:
        return f"--township 不认识：{args.township or '（没填）'}"
    if args.role == "liaison" and not args.village.strip():
        return "村联络员要写 --village 村名"
    return ""
