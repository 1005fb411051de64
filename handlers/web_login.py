"""/denglu: a staff member asks in chat for a one-time link to the workbench pages (valid for minutes)."""

from __future__ import annotations

from bot.admin.accounts import Accounts
from bot.dispatcher import Router
from bot.messages import Inbound, Reply
from bot.roster.access import NOT_STAFF, actor, roster, staff_of
from bot.services import Services

router = Router()


@router.command("denglu", "login")
async def login_link(msg: Inbound, svc: Services) -> list[Reply]:
    """Staff only, private chat only: a link that signs them in once."""
    staff = await staff_of(msg, svc)
    if staff is None:
        return [Reply(NOT_STAFF)]
    link = await Accounts(svc.db, svc.config.web).chat_login_link(staff)
    await roster(svc).audit(actor(msg), staff.role, "web.login_link_issued")
    minutes = svc.config.web.link_minutes
    return [Reply(f"工作台登录链接（{minutes} 分钟内有效，只能用一次，请不要转发给别人）：\n{link}")]
