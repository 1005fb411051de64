"""Binding under attack: concurrent guesses held to the limit, no second account, no switching by code."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import pytest

from bot.config import RosterConfig
from bot.roster.binding import Binder
from bot.services import Services
from storage.people import Person, Scope
from storage.roster import RosterStore
from tests.fakes.roster_data import KEY, make_id, person_row, seed


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


@pytest.fixture
async def roster(services: Services, tmp_path: Path) -> tuple[RosterStore, Binder]:
    store = await seed(services.db, services.content, tmp_path, [person_row(1), person_row(2)])
    return store, Binder(store, RosterConfig(id_key=KEY, code_hours=1, bind_attempts=5))


async def person(store: RosterStore, n: int) -> Person:
    [found] = await store.find(f"张{n}", make_id(n)[-4:])
    return found


async def test_200_concurrent_guesses_are_held_to_the_limit(roster: tuple[RosterStore, Binder]) -> None:
    store, binder = roster
    guesses = [f"ABCD{i:04d}".replace("0", "A").replace("1", "B") for i in range(200)]
    answers = await asyncio.gather(*(binder.redeem("test", "attacker", g) for g in guesses))
    evaluated = await store.db.fetchone("SELECT count(*) FROM binding_attempts WHERE user_id = 'attacker'")
    assert evaluated is not None and evaluated[0] == 5
    assert sum("尝试次数太多" in text for text, _ in answers) == 195
    # 50 wrong endings at once (the right one would be a success, which gives its attempt back: the budget
    # counts failures, so a right guess among them would let a sixth through, depending on the order)
    wrong = [f"{i:04d}" for i in range(51) if f"{i:04d}" != make_id(1)[-4:]][:50]
    requests = await asyncio.gather(*(binder.request("test", "guesser", "张1", last4) for last4 in wrong))
    assert sum("尝试次数太多" in text for text, _ in requests) == 45


async def test_a_success_does_not_use_up_the_budget(roster: tuple[RosterStore, Binder]) -> None:
    store, binder = roster
    for _ in range(4):
        await binder.redeem("test", "clumsy", "WRONGCDE")
    [issued] = await binder.issue([await person(store, 1)], "test")
    text, bound = await binder.redeem("test", "clumsy", issued.code)
    assert bound is not None, text


async def test_after_binding_the_persons_other_codes_stop_working(roster: tuple[RosterStore, Binder]) -> None:
    store, binder = roster
    zhang = await person(store, 1)
    [first] = await binder.issue([zhang], "liaison")
    [second] = await binder.issue([zhang], "liaison")  # a second sheet printed, or a code handed to someone else
    _, bound = await binder.redeem("test", "phone-1", first.code)
    assert bound is not None
    text, other = await binder.redeem("test", "phone-2", second.code)
    assert other is None and "用过" in text
    assert await store.bound_person("test", "phone-2") is None


async def test_a_bound_account_cannot_switch_to_another_person_by_code(roster: tuple[RosterStore, Binder]) -> None:
    store, binder = roster
    zhang1, zhang2 = await person(store, 1), await person(store, 2)
    [own] = await binder.issue([zhang1], "liaison")
    [theirs] = await binder.issue([zhang2], "liaison")
    await binder.redeem("test", "phone-1", own.code)
    text, switched = await binder.redeem("test", "phone-1", theirs.code)
    assert switched is None and "已经绑定" in text
    assert (await store.bound_person("test", "phone-1")) == zhang1
    text, asked = await binder.request("test", "phone-1", "张2", make_id(2)[-4:])
    assert asked is None and "已经绑定" in text
    _, owner = await binder.redeem("test", "phone-2", theirs.code)  # the code was not spent
    assert owner == zhang2


async def test_a_binding_is_never_switched_by_the_store(roster: tuple[RosterStore, Binder]) -> None:
    store, _ = roster
    zhang1, zhang2 = await person(store, 1), await person(store, 2)
    assert await store.bind("test", "phone-1", zhang1.person_id, "code")
    assert not await store.bind("test", "phone-1", zhang2.person_id, "confirmed")
    assert (await store.bound_person("test", "phone-1")) == dataclasses.replace(zhang1)


async def test_a_confirmed_request_does_not_switch_a_binding_made_meanwhile(
    roster: tuple[RosterStore, Binder],
) -> None:
    store, binder = roster
    zhang1, zhang2 = await person(store, 1), await person(store, 2)
    await binder.request("test", "phone-1", "张2", make_id(2)[-4:])
    [request] = await store.pending(Scope())
    await store.bind("test", "phone-1", zhang1.person_id, "code")  # bound to 张1 before the liaison decides
    assert await store.decide(request.id, True, "liaison") is None
    assert await store.bound_person("test", "phone-1") == zhang1 != zhang2
    assert await store.pending(Scope()) == []
