"""Who may see what: a staff member's scope and how it reads, the audit actor of a chat user, service kinds."""

from __future__ import annotations

from collections.abc import Mapping

from bot.content import Township
from bot.messages import Inbound
from storage.directory import Staff
from storage.ledger import EventKind
from storage.roster import Scope

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


def scope_of(staff: Staff) -> Scope:
    if staff.role == "bureau":
        return Scope()
    if staff.role == "station":
        return Scope(staff.township_id or "-")
    return Scope(staff.township_id or "-", staff.village or "-")


def scope_text(staff: Staff, townships: Mapping[str, Township]) -> str:
    """The staff member's area as people say it: 全县, a township, or township + village."""
    township = townships.get(staff.township_id or "")
    place = township.name if township else ""
    if staff.role == "liaison":
        return f"{place}{staff.village or ''}"
    return place or "全县"


def kind_of(word: str) -> EventKind | None:
    word = KIND_ALIASES.get(word, word)
    return KINDS.get(word)
