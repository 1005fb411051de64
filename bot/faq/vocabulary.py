"""Words that only out-of-scope topics use ("医保", "养老金", "低保"), and which topics use them.

In the middle of an FAQ topic, an aside is another office's business only when it says such a word: a
message in words the FAQ's entries use too ("给个人的还是给企业的" after 稳岗补贴) stays on the topic, however
well an out-of-scope topic's character bigrams happen to cover it (个人所得税 holds 个人).
"""

from __future__ import annotations

from bot.content import ContentPack
from bot.faq.analyzer import Analyzer


class OffWords:
    """Built once from the content pack, with the analyzer the matcher indexes with."""

    def __init__(self, analyzer: Analyzer, content: ContentPack) -> None:
        self._analyzer = analyzer
        used: set[str] = set()
        for entry in content.entries.values():
            for text in (entry.title, *entry.questions, *entry.keywords):
                used |= self._words(text)
        self._topics: dict[str, set[str]] = {}  # word feature -> out-of-scope topics that use it
        for topic in content.out_of_scope.values():
            for text in (topic.name, *topic.questions):
                for word in self._words(text) - used:
                    self._topics.setdefault(word, set()).add(topic.id)

    def _words(self, text: str) -> set[str]:
        """Word features of two characters or more (a lone character names nothing)."""
        features = self._analyzer.features(self._analyzer.normalise(text))
        return {f for f in features if f.startswith("w:") and len(f) > 3}

    def named(self, normalised: str) -> set[str]:
        """The out-of-scope topics normalised text names by a word no FAQ entry uses."""
        found: set[str] = set()
        for feature in self._analyzer.features(normalised):
            found |= self._topics.get(feature, set())
        return found
