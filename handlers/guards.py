"""Guards on this app's routes: who is staff, who is a bound laborer, where personal data may be shown,
and the staff audit log.

`staff(...)` refuses a message from someone who is not registered staff (or not in the right kind of
chat, or not of an allowed role) with the route's reply; otherwise the handler gets a `StaffCall`:
the staff member, their scope and their audit name. Every staff action that passes a guard is written
to the audit log here, once, before the handler runs. `bound(...)` admits a laborer whose chat account
is bound to the roster, in a private chat, and hands the handler their `Person`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.messages import Inbound, Reply
from bot.privacy import mask
from bot.roster.access import actor, scope_of, scope_text
from bot.routing import Refusal
from bot.services import Services
from storage.directory import Role, Staff
from storage.people import Person, Scope

NOT_STAFF = "这个功能只给就业服务工作人员用。"
ROLES: tuple[Role, ...] = ("liaison", "station", "bureau")


@dataclass(frozen=True, slots=True)
class StaffCall:
    """What a staff guard checked: who is acting, over which area, under which audit name."""

    staff: Staff
    scope: Scope
    actor: str
    place: str  # the area as people say it (全县, 孙家坪乡, 孙家坪乡东村)

    @property
    def role(self) -> Role:
        return self.staff.role


async def staff_of(msg: Inbound, svc: Services) -> Staff | None:
    """The registered staff member who sent `msg`, or None (the one lookup every staff check uses)."""
    return await svc.directory.staff(msg.channel, msg.user_id)


@dataclass(frozen=True, slots=True)
class StaffGuard:
    private: bool = False
    group: bool = False
    roles: Collection[Role] = ROLES
    not_staff: str = NOT_STAFF
    wrong_chat: str | None = None  # reply in the wrong kind of chat (default: `not_staff`)

    async def check(self, msg: Inbound, svc: Services, route: str) -> StaffCall | Refusal:
        wrong_chat = (self.private and msg.chat_kind != "private") or (self.group and msg.chat_kind != "group")
        if wrong_chat:
            return Refusal([Reply(self.wrong_chat or self.not_staff)])
        found = await staff_of(msg, svc)
        if found is None or found.role not in self.roles:
            return Refusal([Reply(self.not_staff)])
        call = StaffCall(found, scope_of(found, svc.content), actor(msg), scope_text(found, svc.content))
        await audit(svc, call, route, msg)
        return call


def staff(
    *,
    private: bool = False,
    group: bool = False,
    roles: Collection[Role] = ROLES,
    not_staff: str = NOT_STAFF,
    wrong_chat: str | None = None,
) -> StaffGuard:
    """A guard for staff-only routes. `private`: staff data is never shown in groups; `group`: the route
    acts on a group (binding it); `roles`: who may; the replies say why someone may not."""
    return StaffGuard(private, group, tuple(roles), not_staff, wrong_chat)


@dataclass(frozen=True, slots=True)
class BoundGuard:
    not_bound: str
    wrong_chat: str

    async def check(self, msg: Inbound, svc: Services, route: str) -> Person | Refusal:
        if msg.chat_kind != "private":
            return Refusal([Reply(self.wrong_chat)])
        person = await svc.roster.bound_person(msg.channel, msg.user_id)
        return person if person is not None else Refusal([Reply(self.not_bound)])


def bound(*, not_bound: str, wrong_chat: str) -> BoundGuard:
    """A guard for a laborer's own data: a private chat with an account bound to the roster."""
    return BoundGuard(not_bound, wrong_chat)


async def audit(svc: Services, call: StaffCall, route: str, msg: Inbound) -> None:
    """One line in the audit log for a staff action: who, in which role, which route, with what input
    (personal numbers masked). When it cannot be written the action does not run."""
    await svc.roster.audit(call.actor, call.role, route, mask(msg.button or msg.text.strip())[:200])
