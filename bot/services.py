"""The services handlers use, built once at start-up and passed to every handler."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.analyzer import Analyzer
from bot.config import Config
from bot.content import ContentPack, load_content
from bot.matcher import FaqMatcher
from bot.outbox import Outbox
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
        return Outbox(self.db, directory=self.directory)


def build_matcher(content_dir: Path) -> tuple[ContentPack, FaqMatcher]:
    """Load and validate the content, initialise jieba once and index the FAQ."""
    content = load_content(content_dir)
    analyzer = Analyzer(content.synonyms, str(content.userdict))
    return content, FaqMatcher(content, analyzer)


async def open_services(config: Config) -> Services:
    """Everything the bot needs; content errors and storage errors are raised before anything starts."""
    content, matcher = build_matcher(config.content_dir)
    db = await Database.open(config.database_path)
    return Services(config, content, matcher, db, QuestionStore(db), ConversationStore(db), DirectoryStore(db))
