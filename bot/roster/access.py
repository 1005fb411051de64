"""Who may see what: staff scope from the directory, the roster services a handler needs, notices to users."""

from __future__ import annotations

from bot.messages import Inbound, Reply
from bot.outbox.sender import Push
from bot.roster.binding import Binder
from bot.services import Services
from storage.directory import Staff
from storage.ledger import EventKind
from storage.roster import Person, RosterStore

NOT_STAFF = "这个功能只给就业服务工作人员用。"
NO_KEY = "花名册还没有配置好（缺少身份证号加密密钥），请联系县人社局。"
KINDS: dict[str, EventKind] = {
    "宣讲": "policy_briefing",
    "指导": "career_guidance",
    "推介": "job_recommendation",
    "培训": "training",
}
KIND_ALIASES = {
    "政策宣讲": "宣讲",
    "职业指导": "指导",
    "岗位推介": "推介",
    "推荐": "推介",
    "技能培训": "培训",
    "见习": "培训",
    "就业见习": "培训",
}
KIND_NAMES = {"policy_briefing": "政策宣讲", "career_guidance": "职业指导", "job_recommendation": "岗位推介"}
KIND_NAMES["training"] = "技能培训或就业见习"


def actor(msg: Inbound) -> str:
    return f"{msg.channel}:{msg.user_id}"


def scope_text(staff: Staff, svc: Services) -> str:
    township = svc.content.townships.get(staff.township_id or "")
    place = township.name if township else ""
    if staff.role == "liaison":
        return f"{place}{staff.village or ''}"
    return place or "全县"


async def staff_of(msg: Inbound, svc: Services) -> Staff | None:
    if msg.chat_kind != "private":
        return None  # staff data is never shown in groups
    return await svc.directory.staff(msg.channel, msg.user_id)


def roster(svc: Services) -> RosterStore:
    return RosterStore(svc.db)


def binder(svc: Services) -> Binder | None:
    if not svc.config.roster.id_key:
        return None
    return Binder(roster(svc), svc.config.roster)


async def notify(svc: Services, item_id: str, channel: str, user_id: str, text: str, person_id: str = "") -> None:
    """A one-off message to a chat user (request decided, …) through the outbox."""
    push = Push(channel, user_id, "user", Reply(text), person_id=person_id or None, user_id=user_id)
    await svc.outbox.enqueue("notice", item_id, [push])


async def tell_liaisons(svc: Services, person: Person, item_id: str, text: str) -> None:
    """Push a notice about a new request to the liaisons of the person's village."""
    targets = await roster(svc).liaisons(person.township_id, person.village)
    pushes = [Push(channel, user_id, "user", Reply(text), user_id=user_id) for channel, user_id in targets]
    if pushes:
        await svc.outbox.enqueue("notice", item_id, pushes)


def kind_of(word: str) -> EventKind | None:
    word = KIND_ALIASES.get(word, word)
    return KINDS.get(word)
