"""How strong a message's topic signals are: the thresholds the conversation reader (bot.faq.conversation)
and its check for out-of-scope asides (bot.faq.detours) share, and the count of a message's content words."""

from __future__ import annotations

import re

from bot.faq.analyzer import Analyzer

WHOLE_QUESTION = 0.8  # coverage at which a message is another entry's question even in a few words
VAGUE = 2.0  # with no context, a facet question whose other words are all this common names no topic
# A follow-up moves to an entry related to the topic when the message reads clearly more like it
# ("培训那几天给钱不" after 技能培训 is about the training allowance): its score against the topic's.
SIBLING_RATIO = 1.4
NEW_QUESTION_WORDS = 3  # content words a message needs to count as a new question without naming a topic


def content_words(analyzer: Analyzer, normalised: str) -> int:
    """Content words of two or more characters ("找人社局有用吗" has two)."""
    return sum(f.startswith("w:") and len(f) > 3 for f in analyzer.features(normalised))


# A question about the effect of the topic on something else ("改了会不会影响补贴" after updating one's work
# information, "有影响不"): it asks about the topic, whatever other entry it names as the thing affected.
EFFECT = re.compile(r"影响|耽误|连累|受牵连")
# what someone else asked the person ("他还问我稳岗补贴领了没有" after a callback): told, not asked of the bot
REPORTED = re.compile(r"(?:他|她|对方|那人|人家|电话里|回访的?)(?:还|又|就|也)?问(?:了|过)?我")
