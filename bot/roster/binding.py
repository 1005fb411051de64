"""Linking a chat account to a roster entry: one-time codes, and name + last ID digits confirmed by a liaison.

Codes are random (8 characters from an alphabet without look-alikes, ~40 bits), stored only as a keyed
hash, single-use and expiring. Every attempt is counted before it is evaluated (one atomic statement, so
concurrent guesses cannot slip past the check); after `bind_attempts` failures in an hour the account must
wait, so guessing codes or ID digits is hopeless. Once a person is bound, their other codes stop working,
and an account bound to one person cannot be switched to another by a code or a request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.clock import local_time as local_time  # re-exported: callers import it from here
from bot.config import RosterConfig
from storage.people import Person
from storage.roster import RosterStore

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PAYLOAD_PREFIX = "b_"  # Telegram deep link /start b_<code>, WeChat QR scene value b_<code>
_CODE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")

TOO_MANY = "尝试次数太多了，请一小时后再试，或者直接找村里的就业服务联络员帮您绑定。"
CODE_UNKNOWN = "这个绑定码不对。请核对一下（字母不分大小写），或者找村联络员要一个新的。"
CODE_USED = "这个绑定码已经用过了。如果不是您本人用的，请马上告诉村联络员。"
CODE_EXPIRED = "这个绑定码已经过期了，请找村联络员要一个新的。"
NOT_FOUND = "没找到对应的人。请核对姓名和身份证后四位，或者找村联络员帮您绑定。"
ALREADY_BOUND = "这个账号已经绑定了{name}。要换成别人，请找村联络员。"


def normalise_code(text: str) -> str:
    code = unicodedata.normalize("NFKC", text).strip().upper().replace(" ", "").replace("-", "")
    return code.removeprefix(PAYLOAD_PREFIX.upper())


def looks_like_code(text: str) -> bool:
    return bool(_CODE.match(normalise_code(text)))


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={PAYLOAD_PREFIX}{code}" if bot_username else ""


def masked_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name


@dataclass(frozen=True, slots=True)
class IssuedCode:
    person: Person
    code: str
    expires_at: str


class Binder:
    def __init__(self, store: RosterStore, config: RosterConfig) -> None:
        if not config.id_key:
            raise ValueError("BOT_ROSTER_ID_KEY is not set")
        self.store = store
        self.config = config
        self._key = config.id_key.encode("utf-8")

    def _hash(self, code: str) -> str:
        return hmac.new(self._key, b"code:" + code.encode("ascii"), hashlib.sha256).hexdigest()

    async def issue(self, people: list[Person], actor: str, hours: int | None = None) -> list[IssuedCode]:
        """A fresh code for each person (earlier unused codes stay valid until they expire)."""
        expires = (datetime.now(UTC) + timedelta(hours=hours or self.config.code_hours)).isoformat(timespec="seconds")
        issued = []
        for person in people:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            await self.store.add_code(self._hash(code), person.person_id, actor, expires)
            issued.append(IssuedCode(person, code, expires))
        return issued

    async def _reserve(self, channel: str, user_id: str) -> bool:
        """Count one attempt before evaluating it; False when this hour's attempts are used up."""
        since = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
        return await self.store.reserve_attempt(channel, user_id, self.config.bind_attempts, since)

    async def _outcome(self, channel: str, user_id: str, ok: bool) -> None:
        await self.store.attempt(channel, user_id, ok=ok)
        if ok:
            await self.store.refund_attempt(channel, user_id)

    async def wasted(self, channel: str, user_id: str) -> None:
        """A binding message that could not be understood counts as a failed attempt."""
        if await self._reserve(channel, user_id):
            await self._outcome(channel, user_id, ok=False)

    async def _bound_elsewhere(self, channel: str, user_id: str) -> str | None:
        bound = await self.store.bound_person(channel, user_id)
        return ALREADY_BOUND.format(name=masked_name(bound.name)) if bound is not None else None

    async def redeem(self, channel: str, user_id: str, text: str) -> tuple[str, Person | None]:
        """Spend a code: (message for the user, the person now bound or None)."""
        if (refusal := await self._bound_elsewhere(channel, user_id)) is not None:
            return refusal, None
        if not await self._reserve(channel, user_id):
            return TOO_MANY, None
        code = normalise_code(text)
        if not _CODE.match(code):
            await self._outcome(channel, user_id, ok=False)
            return CODE_UNKNOWN, None
        outcome, person_id = await self.store.use_code(self._hash(code), channel, user_id)
        await self._outcome(channel, user_id, ok=outcome == "ok")
        if outcome == "bound":
            return await self._bound_elsewhere(channel, user_id) or CODE_UNKNOWN, None
        if outcome == "ok" and person_id is not None:
            person = await self.store.person(person_id)
            if person is not None:
                await self.store.audit(f"{channel}:{user_id}", "laborer", "bind.code", person.person_id)
                return f"绑定好了：{masked_name(person.name)}（身份证后四位 {person.id_last4}）。", person
        return {"used": CODE_USED, "expired": CODE_EXPIRED}.get(outcome, CODE_UNKNOWN), None

    async def request(self, channel: str, user_id: str, name: str, last4: str) -> tuple[str, Person | None]:
        """Self-service: name + last 4 of the ID; the liaison confirms before the account is bound."""
        if (refusal := await self._bound_elsewhere(channel, user_id)) is not None:
            return refusal, None
        if not await self._reserve(channel, user_id):
            return TOO_MANY, None
        name = unicodedata.normalize("NFKC", name).strip()
        last4 = unicodedata.normalize("NFKC", last4).strip().upper()
        found = await self.store.find(name, last4) if re.fullmatch(r"\d{3}[\dX]", last4) else []
        await self._outcome(channel, user_id, ok=len(found) == 1)
        if len(found) != 1:
            return NOT_FOUND, None
        person = found[0]
        await self.store.request("bind", person.person_id, channel, user_id)
        await self.store.audit(f"{channel}:{user_id}", "laborer", "bind.request", person.person_id)
        return "已收到，等村联络员确认后就绑定好了，会通知您。", person
