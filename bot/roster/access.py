"""Who may see what: a staff member's scope and how it reads, the audit actor of a chat user, service kinds."""

from __future__ import annotations

from bot.content import ContentPack, County
from bot.messages import Inbound
from bot.roster.visibility import Viewer
from bot.roster.visibility import scope_of as scope_of  # re-exported: the scope rule lives there
from storage.directory import Staff
from storage.ledger import EventKind, ServiceLedger
from storage.people import Person, Scope

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


def narrow(scope: Scope, township_id: str = "", village: str = "", county: County | None = None) -> Scope | None:
    """A part of the staff member's scope (one county, township or village in it); None when it lies outside."""
    if county is not None:
        if scope.county_id not in (None, county.id) or (
            scope.township_id and scope.township_id not in county.townships
        ):
            return None
        scope = Scope(scope.township_id, scope.village, county.id, county.townships)
    township = township_id or scope.township_id
    place = village or scope.village
    if scope.county_id is not None and township is not None and township not in scope.county_townships:
        return None
    if scope.township_id is not None and township != scope.township_id:
        return None
    if scope.village is not None and place != scope.village:
        return None
    if place and township is None:
        return None  # a village is only meaningful inside its township
    return Scope(township, place or None, scope.county_id, scope.county_townships)


def phone_for(staff: Staff, person: Person) -> str:
    """The person's phone as this staff member may see it (the rule is bot.roster.visibility.Viewer)."""
    return Viewer.of(staff).phone(person)


async def record_offline(
    ledger: ServiceLedger, scope: Scope, actor: str, person: Person, kind: EventKind, ref: str
) -> bool | None:
    """A service given offline (visit, call, guidance …) in the 1131 ledger, from chat (/jilu) or the pages.
    None when the person is outside the staff member's scope; False when it was recorded before."""
    if not scope.covers(person.township_id, person.village):
        return None
    return await ledger.record(kind, ref, person_id=person.person_id, source="staff", recorded_by=actor)


def scope_text(staff: Staff, content: ContentPack) -> str:
    """The staff member's area as people say it: 全县 (or the county's name, or 全市 for a prefecture when the
    deployment holds several counties), a township, or township + village."""
    township = content.townships.get(staff.township_id or "")
    place = township.name if township else ""
    if staff.role == "liaison":
        return f"{place}{staff.village or ''}"
    if place:
        return place
    if staff.county_id is not None:
        return content.county_name(staff.county_id) or "全县"
    return "全市" if content.multi else "全县"


def kind_of(word: str) -> EventKind | None:
    word = KIND_ALIASES.get(word, word)
    return KINDS.get(word)
