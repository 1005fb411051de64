"""Guards on routes: staff routes refuse or inject the checked staff member, and audit in one place."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.dispatcher import Dispatcher
from bot.messages import Inbound, Reply
from bot.routing import Refusal, Router
from bot.services import Services
from handlers.guards import NOT_STAFF, StaffCall, staff
from storage import ConversationStore, Database, Staff
from storage.directory import Role

BUREAU: tuple[Role, ...] = ("bureau",)


async def no_text(msg: Inbound, svc: Services) -> list[Reply]:
    return [Reply("faq")]


def app(services: Services) -> tuple[Dispatcher[Services], list[StaffCall]]:
    router: Router[Services] = Router()
    seen: list[StaffCall] = []

    @router.command("mine", guard=staff(private=True))
    async def mine(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
        seen.append(who)
        return [Reply(f"{who.role} {who.place}")]

    @router.button("ok", guard=staff(roles=BUREAU, not_staff="只给县人社局。"))
    async def ok(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
        seen.append(who)
        return [Reply("done")]

    @router.command("here", guard=staff(group=True, wrong_chat="请在群里发。"))
    async def here(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
        return [Reply("group ok")]

    return Dispatcher(services, [router], no_text), seen


def say(text: str, user: str = "u", kind: str = "private", **more: object) -> Inbound:
    chat = user if kind == "private" else "-100"
    return Inbound("test", user, chat, kind, text, **more)  # type: ignore[arg-type]


async def add(services: Services, user: str, role: str, township: str | None, village: str | None = None) -> None:
    await services.directory.add_staff(Staff("test", user, role, user, township, village))  # type: ignore[arg-type]


async def test_who_is_not_staff_gets_the_refusal_and_nothing_runs(services: Services) -> None:
    dispatcher, seen = app(services)
    assert [r.text for r in await dispatcher.dispatch(say("/mine"))] == [NOT_STAFF]
    assert [r.text for r in await dispatcher.dispatch(say("", button="ok:1"))] == ["只给县人社局。"]
    assert seen == [] and await services.roster.audit_entries() == []


async def test_staff_get_their_scope_and_the_action_is_audited_once(services: Services) -> None:
    await add(services, "liaison", "liaison", "sunjiaping", "东村")
    dispatcher, seen = app(services)
    [reply] = await dispatcher.dispatch(say("/mine 13912345678", "liaison"))
    assert reply.text == "liaison 孙家坪乡东村"
    [who] = seen
    assert (who.scope.township_id, who.scope.village, who.actor) == ("sunjiaping", "东村", "test:liaison")
    [entry] = await services.roster.audit_entries()
    assert entry[1:4] == ("test:liaison", "liaison", "command:mine")
    assert "13912345678" not in entry[4] and "5678" in entry[4]  # personal numbers masked in the audit log


async def test_staff_data_stays_out_of_groups_and_roles_are_checked(services: Services) -> None:
    await add(services, "station", "station", "sunjiaping")
    dispatcher, seen = app(services)
    assert [r.text for r in await dispatcher.dispatch(say("/mine", "station", "group"))] == [NOT_STAFF]
    assert [r.text for r in await dispatcher.dispatch(say("", "station", button="ok:1"))] == ["只给县人社局。"]
    assert [r.text for r in await dispatcher.dispatch(say("/here", "station"))] == ["请在群里发。"]
    assert [r.text for r in await dispatcher.dispatch(say("/here", "station", "group"))] == ["group ok"]
    assert seen == []


async def test_a_guard_is_any_object_with_check(services: Services) -> None:
    @dataclass
    class Closed:
        async def check(self, msg: Inbound, ctx: Services, route: str) -> int | Refusal:
            return Refusal([Reply(f"closed: {route}")]) if msg.user_id == "x" else 7

    router: Router[Services] = Router()

    @router.command("count", guard=Closed())
    async def count(msg: Inbound, svc: Services, n: int) -> list[Reply]:
        return [Reply(str(n))]

    dispatcher = Dispatcher(services, [router], no_text)
    assert [r.text for r in await dispatcher.dispatch(say("/count", "x"))] == ["closed: command:count"]
    assert [r.text for r in await dispatcher.dispatch(say("/count", "y"))] == ["7"]
    assert [r.text for r in await count(say("/count"), services, 3)] == ["3"]  # the handler stays callable


async def test_a_route_registered_twice_is_refused(services: Services) -> None:
    first: Router[Services] = Router()
    second: Router[Services] = Router()
    first.command("x")(no_text)
    second.command("x")(no_text)
    with pytest.raises(ValueError, match="registered twice"):
        Dispatcher(services, [first, second], no_text)


async def test_the_dispatcher_needs_only_a_conversation_store(db: Database) -> None:
    @dataclass
    class Tiny:
        conversations: ConversationStore

    async def echo(msg: Inbound, ctx: Tiny) -> list[Reply]:
        return [Reply(msg.text)]

    dispatcher = Dispatcher(Tiny(ConversationStore(db)), [], echo)
    assert [r.text for r in await dispatcher.dispatch(say("hi"))] == ["hi"]


async def test_a_report_guard_checks_staff_then_the_campaign(
    services: Services, dispatcher: Dispatcher[Services]
) -> None:
    await add(services, "boss", "bureau", None)
    for text in ("/baobiao", "/weichuda 99", "/tubiao"):
        assert "还没有发过政策宣讲" in (await dispatcher.dispatch(say(text, "boss")))[0].text
        assert (await dispatcher.dispatch(say(text, "someone")))[0].text == NOT_STAFF
    audited = [e[3] for e in await services.roster.audit_entries()]
    assert audited == ["command:tubiao", "command:weichuda", "command:baobiao"]  # staff only, newest first
