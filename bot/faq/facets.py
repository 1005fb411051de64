"""Which side of a topic a question asks about: what, who, amount, how, where, materials, when, proxy.

The cues and their precedence are bot.faq.facet_cues. This module reads a message with them: the last
clause that asks decides; then what the whole message says about the asker refines it (a benefit's
existence asked by a bare topic is what, by an asker who describes himself who; his group or age makes
an open question who; the proxy scheme merely named asks no side of its own). `residue` removes the
cues, leaving the words that may name a topic ("补多少" leaves nothing: a follow-up).
"""

from __future__ import annotations

import functools
import re

from bot.faq.facet_cues import FACETS, PATTERNS, RELATIVES, Facet

__all__ = ["FACETS", "Facet", "after_cue", "cue_texts", "detect", "forget", "residue"]

# the asker (or the one asked for) says which group he belongs to (我是监测户, 家里是脱贫户, 脱贫户家的) or
# his age (俺50多岁, 俺妈六十了), an attribute the rules ask about
_ASKER_GROUP = re.compile(
    r"(?:我|我们|我爸|我妈|我媳妇|我老伴|我男人)[^\s]{0,2}(?:\d{2}|[四五六七]十)多?岁?了?|(?:我|我们|家里|我家|孩子|儿子|闺女|女儿|他|她)[^\s]{0,3}是[^\s]{0,8}(?:户|搬迁)|户家的"
)
# what a thing is, as opposed to what there is for the asker: the asker's group does not make it "who"
_DEFINITION = re.compile(r"是什么|什么意思|怎么回事|干什么的|是干什么|讲讲|介绍一下|解释|真的")
# whether a benefit exists, asked yes/no at the end of a message ("培训有补助没", "县里有没有扶持", "没技术咋办
# 有培训不"): what there is, for a bare topic or after a wish ("俺想学个手艺 县里有培训不"); whether the asker
# qualifies once he says who he is or what he did (a person, a household group, a business he runs: "俺开了个
# 帮扶车间 招了脱贫户 有补贴不", "监测户也有生活补贴不")
_BENEFIT = r"(?:补贴|补助|帮扶|扶持|奖励|奖补|培训)"
_EXISTS = re.compile(
    r"有没有[^\s]{0,4}"
    + _BENEFIT
    + r"$|有(?!什么)[^\s]{0,4}"
    + _BENEFIT
    + r"(?:没有|没|吗|不|是不)$|"
    + _BENEFIT
    + r"(?:还)?有没有$"
)
_ASKER_FACT = re.compile(
    r"我(?!想|要|问|打听|听说|打算|准备)|他|她|娃|孩子|闺女|儿子|女儿|媳妇|老婆|男人|老伴|[^\s]户|企业|车间|厂|公司|店面是|不是|也有|的有"
)
# the proxy scheme named as a thing ("代办去哪办", "委托代办咋弄", "代办要花钱不"): the topic, not the side asked
_PROXY_NOUN = re.compile(r"委托书|委托|代办|代领|代为")
_AGENT = re.compile("(?:" + RELATIVES + r"|干部|书记|工作队|别人|旁人|亲戚|亲属|朋友|邻居|家里人|[叫让找托请]人|谁)")
# in a talk about applying for someone else, who may act asked with 谁 or a verb of acting for ("谁能替俺办",
# "邻居能代办不") is who the scheme allows; "村干部也行吗", "让我姐去办行吗" ask the proxy side (as writers label them)
_WHO_MAY_ACT = re.compile(r"谁|替|代|帮")
# a last clause that only asks whether the story is true ("是真的不"): the story's own facet decides
_TRUTH = re.compile(r"(?:这|那)?(?:是)?真的[吗不]?|真的假的")
_COMPILED = tuple((facet, re.compile(pattern)) for facet, pattern in PATTERNS)
_PROXY = next(pattern for facet, pattern in _COMPILED if facet == "proxy")
_ALL_CUES = re.compile("|".join(f"(?:{p})" for _, p in PATTERNS))


@functools.lru_cache(maxsize=1024)  # a message is asked its facet several times as it is read in context
def detect(normalised: str, proxy_talk: bool = False) -> Facet | None:
    """The facet a normalised question asks about, or None when it names none. In a message of several
    clauses the last clause that asks something decides: "在天津干了两年了 家里是脱贫户 俺能领不" asks who,
    whatever the story before it says. An open question from an asker who names his group ("俺们是搬迁户
    有啥帮扶", "俺是监测户 想学挖掘机", "俺是脱贫户 县里管不管") asks what he is entitled to: who (but
    "俺是脱贫户 交通补贴是啥意思" still asks what the thing is).
    In a talk about applying for someone else (`proxy_talk`), proxies are the topic, so whether someone may
    act for the asker ("俺哥能替俺办不", "村干部能代俺申请不") asks who the scheme allows: who; but "村干部也行吗"
    asks the proxy side."""
    facet, clause = _deciding(normalised)
    if facet == "proxy":
        facet = _beside_the_scheme(clause)
    if proxy_talk and facet == "proxy" and _AGENT.search(clause) and _WHO_MAY_ACT.search(clause):
        return "who"
    last = normalised.split()[-1] if normalised.strip() else ""
    if (facet in (None, "who", "what") or last != clause) and _EXISTS.search(last):
        # a cue of its own ("有补贴没") made it a question; without one it stays the default
        return "who" if _ASKER_FACT.search(normalised) else (facet and "what")
    open_question = facet is None or (facet == "what" and not _DEFINITION.search(clause))
    if (open_question or (facet == "where" and "管" in clause)) and _ASKER_GROUP.search(normalised):
        return "who"
    return facet


def _beside_the_scheme(clause: str) -> Facet | None:
    """The facet of a proxy question: proxy when someone acting for the asker is the question ("叫俺妈代办
    行不", "驻村干部能代办不"); else the scheme is only named, and the side asked is the rest's ("代办去哪办":
    where), or none ("交通补贴也能代办吗": the scheme itself)."""
    rest = _PROXY_NOUN.sub(" ", clause)
    if _PROXY.search(rest) or _AGENT.search(rest):
        return "proxy"
    other, _ = _deciding(rest)
    return other if other not in ("who", "proxy") else None


def _deciding(normalised: str) -> tuple[Facet | None, str]:
    """The facet of the last clause that names one, and that clause; a last clause asking only whether the
    story is true ("听说半年就能先领一半 是真的不") defers to the story when it names a facet."""
    clauses = normalised.split()
    if len(clauses) > 1 and _TRUTH.fullmatch(clauses[-1]):
        told = _deciding(" ".join(clauses[:-1]))
        if told[0] is not None:
            return told
    for clause in reversed(clauses):
        for facet, pattern in _COMPILED:
            if pattern.search(clause):
                return facet, clause
    return None, ""


def after_cue(normalised: str, facet: Facet) -> str:
    """The text after the first cue of `facet` ("低保户能领交通补贴不" -> "交通补贴不"): what is asked about."""
    for name, pattern in _COMPILED:
        found = pattern.search(normalised) if name == facet else None
        if found is not None:
            return normalised[found.end() :]
    return ""


def cue_texts(normalised: str, facets: tuple[Facet, ...]) -> list[str]:
    """The words of `normalised` that are cues of the given facets ("带什么证件" -> ["带什么", "证件"])."""
    return [m.group(0) for facet, pattern in _COMPILED if facet in facets for m in pattern.finditer(normalised)]


@functools.lru_cache(maxsize=1024)
def residue(normalised: str) -> str:
    """The question without its facet cues: what is left may name a topic."""
    return _ALL_CUES.sub(" ", normalised).strip()


def forget() -> None:
    """Empty the caches of `detect` and `residue` (benchmarks measure a message read for the first time)."""
    detect.cache_clear()
    residue.cache_clear()
