"""Passing staff answers to open questions back to the people who asked them, through the outbox.

The outbox sends each answer within the platform's rules (WeChat's 48-hour window, Telegram's limits),
retries what can be retried and records what cannot; a crash in between loses nothing.
"""

from __future__ import annotations

from bot.faq.answers import staff_answer
from bot.messages import Reply
from bot.outbox.sender import Outbox, Push
from storage import PendingRelay, QuestionStore

ITEM_KIND = "answer"


def relay_text(relay: PendingRelay) -> str:
    return f"您之前问的「{relay.question}」，{staff_answer(relay.answer, relay.answered_by, relay.answered_at)}"


async def relay_answer(questions: QuestionStore, outbox: Outbox, question_id: int) -> int:
    """Queue the staff answer for everyone who asked and has not had it; returns how many were queued."""
    relays = await questions.unrelayed(question_id)
    pushes = [Push(r.channel, r.chat_id, "user", Reply(relay_text(r)), user_id=r.user_id) for r in relays]
    queued = await outbox.enqueue(ITEM_KIND, str(question_id), pushes)
    for relay in relays:
        await questions.mark_relayed(relay)
    return queued
