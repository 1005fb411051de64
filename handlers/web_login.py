"""/denglu: a staff member asks in chat for a one-time link to the workbench pages (valid for minutes)."""

from __future__ import annotations

from bot.messages import Inbound, Reply
from bot.routing import Router
from bot.services import Services
from handlers.guards import StaffCall, staff

router: Router[Services] = Router()


@router.command("denglu", "login", guard=staff(private=True))
async def login_link(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Staff only, private chat only: a link that signs them in once (the guard writes the audit line)."""
    link = await svc.accounts.chat_login_link(who.staff)
    minutes = svc.config.web.link_minutes
    return [Reply(f"工作台登录链接（{minutes} 分钟内有效，只能用一次，请不要转发给别人）：\n{link}")]
