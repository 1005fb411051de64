"""The open-questions inbox (待答问题): who is handling each question, taking and releasing one, and answering
it (the facts check, then the answer relayed to every asker) — one service for the pages and the CLI.

A question is handled by one of: a person is awaited (nobody has taken it), a named staff member who took it
("张三 处理中"), or the bot (answered: the bot relays the answer and gives it to whoever asks again).
Only the one who took a question may answer it while it is taken; they or the bureau may release it.
With several counties in the deployment, staff of one county (its bureau, its stations) see and act on only
their county's questions (`Handler.county`); the prefecture sees every county's.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import ContentPack
from bot.faq.relay import relay_answer
from bot.faq.staff import staff_answer_problems
from bot.outbox.sender import Outbox
from storage.directory import Staff
from storage.questions import OpenQuestion, QuestionStore, in_county

MAX_ANSWER = 1000


class InboxError(ValueError):
    """Why the action cannot be done (Chinese, for the page or the terminal)."""


class NoSuchQuestion(InboxError):
    """A question of another county: to its staff as if there were none (the page answers 404)."""


@dataclass(frozen=True, slots=True)
class Handler:
    """Who acts on a question: the audit name, the name colleagues see, the role, and the unit askers see."""

    actor: str
    name: str
    role: str
    unit: str  # shown to the askers with the answer (县人社局, 孙家坪乡就业服务站)
    county: str | None = None  # the county whose questions they handle; None: every county (or only one)


def unit_of(staff: Staff, content: ContentPack) -> str:
    """The unit askers see with a staff answer: the station, the county bureau (or the prefecture's)."""
    township = content.townships.get(staff.township_id or "")
    if staff.role == "station" and township is not None:
        return f"{township.name}就业服务站"
    if staff.role == "liaison" and township is not None:
        return f"{township.name}就业服务联络员"
    county = content.county_name(staff.county_id) if staff.county_id else None
    if county:
        return f"{county}人社局"
    return "市人社局" if content.multi else "县人社局"


def county_of_staff(staff: Staff, content: ContentPack) -> str | None:
    """The county whose questions a staff member sees: their bureau's county, their township's county (a
    station, a liaison); None for the prefecture and in a one-county deployment (every question)."""
    if not content.multi:
        return None
    if staff.county_id:
        return staff.county_id
    if staff.township_id:
        return content.county_of(staff.township_id)
    return None


def state_of(q: OpenQuestion) -> str:
    """Who is handling it, as the page and the terminal say it."""
    if q.answer is not None:
        return f"机器人转告（{q.answerer or q.answered_by or '工作人员'} 已答复）"
    if q.handler:
        return f"{q.handler_name or q.handler} 处理中"
    return "等人工答复"


@dataclass(frozen=True, slots=True)
class Answered:
    question: OpenQuestion
    relayed: int  # askers the answer was queued for


class QuestionInbox:
    def __init__(self, questions: QuestionStore, outbox: Outbox, content: ContentPack) -> None:
        self.questions = questions
        self.outbox = outbox
        self.content = content

    def scope(self, county: str | None) -> tuple[str, tuple[str, ...]]:
        """The store's filter for one county's questions (None: every question)."""
        return in_county(county, county == self.content.default_county)

    def county_of(self, question: OpenQuestion) -> str | None:
        """The asker's county (questions asked before counties were recorded: the default county's)."""
        if not self.content.multi:
            return None
        return question.county_id or self.content.default_county

    async def list(
        self, limit: int = 50, include_answered: bool = False, county: str | None = None
    ) -> list[OpenQuestion]:
        """The queue, most asked first; `county`: only that county's questions (None: all)."""
        return await self.questions.list_open(limit, include_answered, self.scope(county))

    async def _open(self, question_id: int, who: Handler | None = None) -> OpenQuestion:
        question = await self.questions.get(question_id)
        if question is None:
            raise InboxError(f"没有编号 {question_id} 的问题。")
        if who is not None and who.county is not None and self.county_of(question) != who.county:
            raise NoSuchQuestion(f"没有编号 {question_id} 的问题。")
        return question

    async def take(self, question_id: int, who: Handler) -> OpenQuestion:
        """Take a question ("处理中"); refused when it is answered or someone else has it."""
        await self._open(question_id, who)
        taken = await self.questions.take(question_id, who.actor, who.name)
        if taken is not None:
            return taken
        question = await self._open(question_id)
        if question.answer is not None:
            raise InboxError(f"#{question_id} 已经答复过了。")
        raise InboxError(f"#{question_id} 已由 {question.handler_name or question.handler} 在处理。")

    async def release(self, question_id: int, who: Handler) -> OpenQuestion:
        """Give a question back ("等人工答复"): the one who took it, or the bureau."""
        question = await self._open(question_id, who)
        if question.handler is None:
            return question
        if question.handler != who.actor and who.role != "bureau":
            raise InboxError(
                f"#{question_id} 是 {question.handler_name or question.handler} 在处理，只有他本人能放回。"
            )
        released = await self.questions.release(question_id, question.handler)
        return released or await self._open(question_id)

    async def answer(self, question_id: int, text: str, who: Handler) -> Answered:
        """Check the answer's facts, store it with who answered, and relay it to everyone who asked."""
        text = text.strip()
        if not text or len(text) > MAX_ANSWER:
            raise InboxError(f"答复不能为空，也不能超过 {MAX_ANSWER} 字。")
        county = self.county_of(await self._open(question_id, who))
        refused = staff_answer_problems(self.content, text, county)
        if refused:
            raise InboxError(refused)
        answered = await self.questions.answer(question_id, text, who.unit, answerer=who.name, actor=who.actor)
        if answered is None:
            question = await self._open(question_id)
            raise InboxError(f"#{question_id} 已由 {question.handler_name or question.handler} 在处理，请先和他商量。")
        relayed = await relay_answer(self.questions, self.outbox, answered.id)
        return Answered(answered, relayed)
