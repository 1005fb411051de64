"""Which entry a benefit's name points to: the head and the modifier of the FAQ's compound keywords.

A keyword naming a benefit ends in its head (培训补贴 is a 补贴, 创业担保贷款 a 贷款); its first word says which
one. When that first word is the head of *another* entry's keyword (培训 heads 技能培训), a question that says
the word but neither a whole keyword of the benefit nor anything of its head ("参加培训要钱不": no 补) is
about the other entry's thing, not the benefit. The matcher lowers such an entry's score.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.content import ContentPack
from bot.faq.analyzer import Analyzer

BENEFIT_HEADS = ("补贴", "贷款", "奖补")
ASKED_FOR = "补贷借息奖"  # a benefit asked for by its verb or its terms: 能补不, 借点本钱, 利息
LENDING = ("贷", "借", "利息")  # money lent asked for: "能贷多少", "借钱的话呢", "利息咋算"
MODIFIER = 2  # characters: the first word of a benefit's name, the last word of any keyword


class BenefitNames:
    def __init__(self, content: ContentPack, analyzer: Analyzer) -> None:
        keywords = {e.id: {analyzer.normalise(k) for k in e.keywords} - {""} for e in content.entries.values()}
        heads = {ident: {k[-MODIFIER:] for k in names} for ident, names in keywords.items()}
        self._keywords = keywords
        self._modifiers: dict[str, set[str]] = {}
        for ident, names in keywords.items():
            others = set().union(*(h for i, h in heads.items() if i != ident))
            # 创业 also heads this entry's own 自主创业: then the entry is about that thing too
            self._modifiers[ident] = {
                k[:MODIFIER]
                for k in names
                if k.endswith(BENEFIT_HEADS) and len(k) > MODIFIER + 1
                if k[:MODIFIER] in others and k[:MODIFIER] not in heads[ident]
            }

    @property
    def modified(self) -> frozenset[str]:
        """The entries a question may name by a modifier only (the others never are: `modifier_only` is False)."""
        return frozenset(ident for ident, modifiers in self._modifiers.items() if modifiers)

    def modifier_only(self, entry: str, normalised: str) -> bool:
        """Whether the question names the entry only by the first word of a benefit it gives, which another
        entry's keyword ends in, never by a whole keyword nor by the benefit's head, verb or terms (补, 贷,
        借, 息, 奖: "能补不", "借点本钱" ask for the benefit)."""
        modifiers = self._modifiers.get(entry)
        if not modifiers or any(k in normalised for k in self._keywords[entry]):
            return False
        if any(verb in normalised for verb in ASKED_FOR):
            return False
        return any(m in normalised for m in modifiers)

    def another(self, entry: str, normalised: str) -> bool:
        """Whether the question names a benefit by its head (补贴, 贷款) and `entry` gives none ("补贴能找人代办不"
        after 欠薪 asks about applying for a subsidy, not about the wages)."""
        return not self.gives(entry) and any(head in normalised for head in BENEFIT_HEADS)

    def gives(self, entry: str) -> bool:
        """Whether the entry gives a benefit (a keyword of it ends in 补贴, 贷款 or 奖补)."""
        return any(k.endswith(BENEFIT_HEADS) for k in self._keywords.get(entry, ()))

    def lender(self, entry: str, related: Iterable[str], normalised: str) -> str | None:
        """The one related entry that lends, when a follow-up of `entry` asks for money lent and `entry` lends
        none ("能贷多少" after 创业补贴: 创业担保贷款); None otherwise."""
        if self._lends(entry) or not any(word in normalised for word in LENDING):
            return None
        lenders = [other for other in related if self._lends(other)]
        return lenders[0] if len(lenders) == 1 else None

    def _lends(self, entry: str) -> bool:
        return any(k.endswith("贷款") for k in self._keywords.get(entry, ()))
