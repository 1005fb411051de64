"""Conversation logic. Each module declares a Router; this wires them into one Dispatcher."""

from __future__ import annotations

from bot.dispatcher import Dispatcher
from bot.services import Services
from handlers import briefings, faq, groups, postings, postings_review, roster, start, subscriptions, web_login


def build_dispatcher(services: Services) -> Dispatcher[Services]:
    return Dispatcher(
        services,
        [
            start.router,
            faq.router,
            groups.router,
            roster.router,
            briefings.router,
            postings.router,
            postings_review.router,
            subscriptions.router,
            web_login.router,
        ],
        text_handler=faq.answer_question,
    )
