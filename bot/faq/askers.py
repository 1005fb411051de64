"""Who is asking: entries meant for one kind of asker are answered outright only when the message shows
that kind of asker.

The hiring subsidy (吸纳就业补贴) is paid to employers, not to the workers they hire. A laborer asking
about "补贴" for himself ("我是脱贫户 有什么补贴", "开了个磨坊 一个人干 没雇人 能给补贴不") shares the word
补贴 and his group with that entry, and its many paraphrases make it rank first; answering it would tell
him about money he cannot get. So such an entry needs a sign of its asker in the message (a workshop, a
company, hiring people…), and a sign that is denied ("没雇人", "不招人") is no sign. Without one the
match becomes a choice list with that entry last, after the ones a laborer more likely means.
"""

from __future__ import annotations

from bot.faq.decision import Match

# entry id -> words (after normalisation) that show its kind of asker; any one, not denied, is enough
ASKER_SIGNS: dict[str, tuple[str, ...]] = {
    "employer-hiring-subsidy": (
        "老板",
        "企业",
        "公司",
        "单位",
        "厂",
        "车间",
        "个体",
        "工人",
        "员工",
        "吸纳",
        "雇",
        "招",
        "用工",
        "扩岗",
        "奖补",
        "阶梯",
        "社保",
    ),
}
DENIALS = ("没有", "没", "不", "未", "无")
DENIAL_REACH = 2  # a denial this many characters before a sign, at most, denies it ("没雇", "没有雇")


def shows_asker(entry: str, normalised: str) -> bool:
    """Whether normalised text shows the asker `entry` is meant for (True for entries meant for anyone)."""
    signs = ASKER_SIGNS.get(entry)
    if signs is None:
        return True
    for sign in signs:
        start = normalised.find(sign)
        while start >= 0:
            if not _denied(normalised, start):
                return True
            start = normalised.find(sign, start + len(sign))
    return False


def _denied(text: str, start: int) -> bool:
    before = text[max(0, start - DENIAL_REACH) : start]
    return any(before.endswith(word) for word in DENIALS)


def settle(match: Match, normalised: str) -> Match:
    """An entry whose asker the message does not show is neither answered nor offered first: an answer
    becomes a choice list with that entry last, and a choice list puts it last."""
    first = match.entry if match.outcome == "answer" else match.suggestions[0] if match.suggestions else None
    if first is None or shows_asker(first, normalised):
        return match
    others = tuple(s for s in match.suggestions if s != first)
    if not others:
        return match
    suggestions = (*others[:2], first)
    outcome = "suggest" if match.outcome == "answer" else match.outcome
    return Match(outcome, None, suggestions, match.score, off_topic=match.off_topic)
