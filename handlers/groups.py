"""Group chats: binding a group to a township (staff only), and the bot joining or leaving a group."""

from __future__ import annotations

from bot.messages import Inbound, Reply
from bot.routing import Router
from bot.services import Services
from handlers.guards import StaffCall, staff

router: Router[Services] = Router()

ROLE_NAMES = {"liaison": "村就业服务联络员", "station": "乡镇就业服务站", "bureau": "县人社局"}
NOT_IN_GROUP = "这个命令要在乡镇的群里发，例如：/bind 孙家坪乡"
NOT_STAFF = "只有登记过的联络员、乡镇工作站或人社局工作人员才能绑定群。需要登记请联系县人社局。"
JOINED = (
    "大家好！我是{bureau}的就业帮扶小助手。\n"
    "请乡镇工作站或村联络员发送「/bind 乡镇名」把本群绑定到乡镇，例如：/bind 孙家坪乡\n"
    "绑定后，本乡镇的岗位和政策消息会发到这里。有问题可以 @我 提问。"
)


def township_list(svc: Services) -> str:
    return "、".join(t.name for t in svc.content.townships.values())


def argument(text: str) -> str:
    """What follows the command word, e.g. "孙家坪乡" in "/bind@bot 孙家坪乡"."""
    parts = text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""


@router.command("bind", guard=staff(group=True, not_staff=NOT_STAFF, wrong_chat=NOT_IN_GROUP))
async def bind(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Bind this group to a township so its postings and briefings are pushed here."""
    staff = who.staff
    name = argument(msg.text)
    if not name:
        current = await svc.directory.group(msg.channel, msg.chat_id)
        bound = svc.content.townships.get(current.township_id or "") if current else None
        now = f"本群现在绑定的是{bound.name}。\n" if bound else ""
        return [Reply(f"{now}请写上乡镇名，例如：/bind 孙家坪乡\n可选：{township_list(svc)}")]
    township = svc.content.township_by_name(name, staff.county_id)
    if township is None:
        return [Reply(f"没找到「{name[:20]}」。可选：{township_list(svc)}")]
    if staff.role != "bureau" and staff.township_id and staff.township_id != township.id:
        own = svc.content.townships.get(staff.township_id)
        own_name = own.name if own else staff.township_id
        return [Reply(f"您登记在{own_name}，只能把群绑定到{own_name}。其他乡镇的群请找那里的工作人员或县人社局。")]
    if not who.scope.covers(township.id, who.scope.village or ""):
        return [Reply(f"{township.name}不在您负责的县里，请找那个县的工作人员。")]
    await svc.directory.bind_group(msg.channel, msg.chat_id, msg.chat_title, township.id, msg.user_id)
    return [
        Reply(
            f"好了，本群已绑定到{township.name}（{ROLE_NAMES[staff.role]} {staff.name} 操作）。\n"
            f"以后{township.name}的岗位和政策消息会发到这里。"
        )
    ]


@router.event("group_joined")
async def joined(msg: Inbound, svc: Services) -> list[Reply]:
    """The bot was added to a group (again): greet, and resume pushes if it was bound before."""
    group = await svc.directory.group(msg.channel, msg.chat_id)
    township = svc.content.townships.get(group.township_id or "") if group else None
    if township is None:
        # one county: its bureau; several: the group's county is not known before /bind
        return [Reply(JOINED.format(bureau="人社局" if svc.content.multi else svc.content.bureau()))]
    await svc.directory.set_group_active(msg.channel, msg.chat_id, True)
    return [Reply(f"我回来了。本群仍绑定在{township.name}，岗位和政策消息会继续发到这里。")]


@router.event("group_left")
async def left(msg: Inbound, svc: Services) -> list[Reply]:
    """The bot was removed from a group: stop pushing there (the binding is kept for a comeback)."""
    await svc.directory.set_group_active(msg.channel, msg.chat_id, False)
    return []
