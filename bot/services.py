"""The services handlers use, built once at start-up and passed to every handler."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.briefings.catalog import cached_briefings
from bot.briefings.send import install as install_briefings
from bot.config import Config
from bot.content import ContentPack, load_content
from bot.faq.analyzer import Analyzer
from bot.faq.matcher import FaqMatcher
from bot.outbox.sender import Outbox
from bot.postings.service import PostingService
from storage import ConversationStore, Database, DirectoryStore, QuestionStore


@dataclass(frozen=True)
class Services:
    config: Config
    content: ContentPack
    matcher: FaqMatcher
    db: Database
    questions: QuestionStore
    conversations: ConversationStore
    directory: DirectoryStore

    @cached_property
    def outbox(self) -> Outbox:
        """The one push outbox of this process; features register their on_sent / on_complete hooks here."""
        cfg = self.config.outbox
        box = Outbox(
            self.db,
            directory=self.directory,
            conversations=self.conversations,
            concurrency=cfg.concurrency,
            max_attempts=cfg.max_attempts,
            backoff=float(cfg.backoff_seconds),
            max_backoff=float(cfg.max_backoff_seconds),
        )
        self._postings_with(box).attach(box)
        install_briefings(box, self.db)  # delivered briefings: target marked, 政策宣讲 event recorded
        return box

    @cached_property
    def postings(self) -> PostingService:
        return self._postings_with(self.outbox)

    def _postings_with(self, outbox: Outbox) -> PostingService:
        cfg = self.config.postings
        return PostingService(
            self.db, self.directory, outbox, self.content.townships, review=cfg.review, default_days=cfg.default_days
        )


def build_matcher(content_dir: Path) -> tuple[ContentPack, FaqMatcher]:
    """Load and validate the content, initialise jieba once and index the FAQ."""
    content = load_content(content_dir)
    cached_briefings(content)  # invalid briefings stop start-up like invalid FAQ entries
    analyzer = Analyzer(content.synonyms, str(content.userdict))
    return content, FaqMatcher(content, analyzer)


async def open_services(config: Config) -> Services:
    """Everything the bot needs; content errors and storage errors are raised before anything starts."""
    content, matcher = build_matcher(config.content_dir)
    db = await Database.open(config.database_path)
    return Services(config, content, matcher, db, QuestionStore(db), ConversationStore(db), DirectoryStore(db))
