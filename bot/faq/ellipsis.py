"""Elliptical follow-ups: "那稳岗补贴呢", "创业的呢" ask the side of a topic (facet) asked last, about
something else. `elided` finds the something else; `CUES` words each facet as a question, so that the
something else is read as that question ("稳岗补贴 给多少钱")."""

from __future__ import annotations

import re

from bot.faq.facets import Facet

# "交通的多少", "那稳岗的咋领": a short word before 的 that opens the message, which may tell a subsidy apart
_OWNER = re.compile(r"^(?:那|那么|还有|那还有)?\s*(?P<word>[^\s的]{2,4})的")
_ELLIPSIS = re.compile(r"^(?:那|那么|还有|那还有)?\s*(?P<other>[^\s]+?)(?:的)?(?:呢|嘞|咧)$")

CUES: dict[Facet, str] = {
    "what": "是什么",
    "who": "谁能领",
    "amount": "给多少钱",
    "how": "怎么申请",
    "where": "去哪办",
    "materials": "要带什么材料",
    "when": "什么时候发",
    "proxy": "能代办吗",
}


def elided(normalised: str) -> str | None:
    """What an elliptical question asks about ("那稳岗补贴呢" -> "稳岗补贴"), or None when the message is not
    one (a single clause ending in 呢 with nothing else asked)."""
    found = _ELLIPSIS.match(normalised.strip())
    return found.group("other") if found else None


def owner(normalised: str) -> str | None:
    """The short word a message opens with before 的 ("交通的多少" -> "交通"), or None."""
    found = _OWNER.match(normalised.strip())
    return found.group("word") if found else None
