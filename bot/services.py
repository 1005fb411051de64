"""The composition root: every store and feature service, built once and handed to whoever needs them.

`serve`, the CLI, the web pages and the tests all get their stores from one `Services` (built by
`build_services` or `open_services`); nothing else constructs a store or a feature service. Handlers
receive it as their context; the dispatcher knows only that it has `conversations`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.admin.accounts import Accounts
from bot.briefings.catalog import cached_briefings
from bot.briefings.send import install as install_briefings
from bot.config import Config
from bot.content import ContentPack, load_content
from bot.faq.analyzer import Analyzer
from bot.faq.inbox import QuestionInbox
from bot.faq.matcher import FaqMatcher
from bot.outbox.sender import Outbox
from bot.postings.service import PostingService
from bot.recipients import RecipientRules
from bot.reports.phone_callbacks import PhoneCallbacks
from bot.roster.binding import Binder
from storage import ConversationStore, Database, DirectoryStore, QuestionStore, ServiceLedger
from storage.accounts import AccountStore
from storage.briefings import BriefingStore
from storage.reports import ReportStore
from storage.roster import RosterStore
from storage.wechat import WechatStore


@dataclass(frozen=True, eq=False)
class Services:
    config: Config
    content: ContentPack
    db: Database
    questions: QuestionStore
    conversations: ConversationStore
    directory: DirectoryStore
    roster: RosterStore
    reports: ReportStore
    briefings: BriefingStore
    ledger: ServiceLedger
    wechat: WechatStore
    recipients: RecipientRules
    outbox: Outbox
    postings: PostingService
    prebuilt_matcher: FaqMatcher | None = field(default=None, repr=False)

    @cached_property
    def matcher(self) -> FaqMatcher:
        """The FAQ matcher; built on first use (jieba loads then), so CLI commands without FAQ start fast."""
        return self.prebuilt_matcher or matcher_for(self.content)

    async def content_for(self, channel: str, user_id: str) -> ContentPack:
        """The content as a laborer sees it: their county's overlay (county of their bound roster person's
        township, or the deployment's default). One county: the pack itself, with no look-up."""
        county = await self.county_for(channel, user_id)
        return self.content if county is None else self.content.in_county(county)

    async def county_for(self, channel: str, user_id: str) -> str | None:
        """A laborer's county when the deployment has several (their bound person's township's, else the
        default); None for a one-county deployment, with no look-up."""
        if not self.content.multi:
            return None
        person = await self.roster.bound_person(channel, user_id)
        return self.content.county_of(person.township_id if person else None)

    @cached_property
    def inbox(self) -> QuestionInbox:
        """The open-questions inbox: who handles each question, taking, releasing, answering (pages and CLI)."""
        return QuestionInbox(self.questions, self.outbox, self.content)

    @cached_property
    def callbacks(self) -> PhoneCallbacks:
        """电话回访: the sample, each call's result, the tally per township (pages and CLI)."""
        return PhoneCallbacks(self.db, self.content)

    @cached_property
    def accounts(self) -> Accounts:
        """Staff accounts and sessions of the workbench pages (bot/admin)."""
        return Accounts(AccountStore(self.db), self.directory, self.config.web)

    @cached_property
    def binder(self) -> Binder | None:
        """Binding codes and requests; None when the roster's ID key is not configured."""
        if not self.config.roster.id_key:
            return None
        return Binder(self.roster, self.config.roster)


def matcher_for(content: ContentPack) -> FaqMatcher:
    """Initialise jieba once and index the FAQ."""
    return FaqMatcher(content, Analyzer(content.synonyms, str(content.userdict)))


def build_matcher(content_dir: Path) -> tuple[ContentPack, FaqMatcher]:
    """Load and validate the content, initialise jieba once and index the FAQ."""
    content = load_checked_content(content_dir)
    return content, matcher_for(content)


def load_checked_content(content_dir: Path) -> ContentPack:
    """Load and validate the content; invalid briefings stop start-up like invalid FAQ entries."""
    content = load_content(content_dir)
    cached_briefings(content)
    return content


def build_services(config: Config, content: ContentPack, db: Database, matcher: FaqMatcher | None = None) -> Services:
    """Every store and service over one database; the outbox's hooks (postings, briefings) registered."""
    directory = DirectoryStore(db)
    conversations = ConversationStore(db)
    recipients = RecipientRules(directory)
    box = config.outbox
    outbox = Outbox(
        db,
        on_outcome=recipients.apply,
        conversations=conversations,
        concurrency=box.concurrency,
        max_attempts=box.max_attempts,
        backoff=float(box.backoff_seconds),
        max_backoff=float(box.max_backoff_seconds),
        lease=float(box.lease_seconds),
    )
    postings = PostingService(
        db,
        directory,
        outbox,
        content.townships,
        review=config.postings.review,
        default_days=config.postings.default_days,
        counties={c.id: c.townships for c in content.counties.values()},
        bureaus={c: content.in_county(c).bureau() for c in content.counties},
    )
    postings.attach(outbox)
    install_briefings(outbox, db)  # delivered briefings: target marked, 政策宣讲 event recorded
    return Services(
        config=config,
        content=content,
        db=db,
        questions=QuestionStore(db),
        conversations=conversations,
        directory=directory,
        roster=RosterStore(db),
        reports=ReportStore(db),
        briefings=BriefingStore(db),
        ledger=ServiceLedger(db),
        wechat=WechatStore(db),
        recipients=recipients,
        outbox=outbox,
        postings=postings,
        prebuilt_matcher=matcher,
    )


async def open_services(config: Config, *, faq: bool = True) -> Services:
    """Everything the bot needs; content errors and storage errors are raised before anything starts.
    With `faq`, the matcher is built now (serve, chat) rather than on first use."""
    content = load_checked_content(config.content_dir)
    matcher = matcher_for(content) if faq else None
    db = await Database.open(config.database_path)
    return build_services(config, content, db, matcher)


@asynccontextmanager
async def services_for(config: Config) -> AsyncIterator[Services]:
    """The services of a CLI command: the database is closed when the command is done."""
    services = await open_services(config, faq=False)
    try:
        yield services
    finally:
        await services.db.close()
