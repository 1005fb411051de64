"""The question log and the open-questions queue staff answer.

A staff answer belongs to the open question it answers; the question's key carries the topic it was
asked in (see handlers/faq.py), so an answer is reused only for the same question in the same topic.
Who answered and when are kept with it and shown to whoever receives it.

In a deployment of several counties each open question carries the asker's county (`county_id`): the key is
kept per county, so a staff answer is reused only for askers of the same county, and the inbox lists a county's
questions for its staff (`county`, see `in_county`). None everywhere: one county, every question.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.privacy import mask
from storage.database import Database, utc_now


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    id: int
    question: str
    ask_count: int
    first_asked_at: str
    last_asked_at: str
    answer: str | None
    answered_by: str | None = None  # the name the askers were shown (a unit: 县人社局, …)
    answerer: str | None = None  # the staff member who answered
    handler: str | None = None  # the audit name of the staff member who took it
    handler_name: str | None = None
    taken_at: str | None = None
    county_id: str | None = None  # the asker's county (several counties); None: one county, or asked before


@dataclass(frozen=True, slots=True)
class StaffAnswer:
    answer: str
    answered_by: str
    answered_at: str  # ISO-8601 UTC


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    id: int
    question: str
    outcome: str
    open_question_id: int | None
    asked_at: str


@dataclass(frozen=True, slots=True)
class PendingRelay:
    question_id: int
    channel: str
    user_id: str
    chat_id: str
    question: str
    answer: str
    answered_by: str = ""
    answered_at: str = ""


_QUESTION = (
    "id, question, ask_count, first_asked_at, last_asked_at, answer, answered_by, answerer, handler, "
    "handler_name, taken_at, county_id"
)


def county_key(key: str, county_id: str | None) -> str:
    """The stored key: per county when the deployment has several (the same words in two counties are two
    questions, each answered by its own county's staff)."""
    return f"{county_id}|{key}" if county_id else key


def in_county(county_id: str | None, default: bool) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause (and its parameters) keeping one county's questions: None keeps every question; the
    deployment's default county (`default`) also keeps those asked before counties were recorded."""
    if county_id is None:
        return "1 = 1", ()
    if default:
        return "(county_id = ? OR county_id IS NULL)", (county_id,)
    return "county_id = ?", (county_id,)


_LOG = (
    "INSERT INTO question_log (asked_at, channel, user_id, question, outcome, entry_id, score, open_question_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _logged(
    channel: str, user_id: str, question: str, outcome: str, entry_id: str | None, score: float, open_id: int | None
) -> tuple[object, ...]:
    """A question_log row's values, the question masked (personal numbers never stored)."""
    return (utc_now(), channel, user_id, mask(question), outcome, entry_id, score, open_id)


class QuestionStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.outcomes: Counter[str] = Counter()  # questions logged by this process, by outcome (for /metrics)

    async def log(
        self,
        channel: str,
        user_id: str,
        question: str,
        outcome: str,
        entry_id: str | None,
        score: float,
        open_question_id: int | None = None,
    ) -> int:
        self.outcomes[outcome] += 1
        row = await self.db.fetchone(
            f"{_LOG} RETURNING id", _logged(channel, user_id, question, outcome, entry_id, score, open_question_id)
        )
        return int(row[0]) if row else 0

    async def record(
        self,
        channel: str,
        user_id: str,
        question: str,
        outcome: str,
        entry_id: str | None,
        score: float,
        open_question_id: int | None = None,
    ) -> None:
        """`log` when the id is not needed: within a message (`db.deferring()`) committed with its other writes."""
        self.outcomes[outcome] += 1
        await self.db.later(_LOG, _logged(channel, user_id, question, outcome, entry_id, score, open_question_id))

    async def last_asked(self, channel: str, user_id: str, since: str) -> LoggedQuestion | None:
        """The person's latest logged question since `since` (ISO-8601 UTC), whatever its outcome."""
        row = await self.db.fetchone(
            "SELECT id, question, outcome, open_question_id, asked_at FROM question_log "
            "WHERE channel = ? AND user_id = ? AND asked_at >= ? ORDER BY id DESC LIMIT 1",
            (channel, user_id, since),
        )
        return LoggedQuestion(int(row[0]), row[1], row[2], row[3], row[4]) if row else None

    async def link(self, log_id: int, open_question_id: int) -> None:
        """Record that a logged question was handed to staff as `open_question_id`."""
        await self.db.execute("UPDATE question_log SET open_question_id = ? WHERE id = ?", (open_question_id, log_id))

    async def open(
        self, key: str, question: str, channel: str, user_id: str, chat_id: str, county_id: str | None = None
    ) -> int:
        """Queue a question for staff (or count one more asker) and remember who asked; returns its id.
        `county_id`: the asker's county when the deployment has several."""
        now, key, question = utc_now(), county_key(mask(key), county_id), mask(question)
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO open_questions (question_key, question, first_asked_at, last_asked_at, county_id) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (question_key) DO UPDATE SET "
                "ask_count = open_questions.ask_count + 1, last_asked_at = excluded.last_asked_at RETURNING id",
                (key, question, now, now, county_id),
            )
            assert row is not None
            question_id = int(row[0])
            await tx.execute(
                "INSERT INTO open_question_askers (question_id, channel, user_id, chat_id, asked_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (question_id, channel, user_id) DO UPDATE SET "
                "asked_at = excluded.asked_at, relayed_at = NULL",
                (question_id, channel, user_id, chat_id, now),
            )
        return question_id

    async def staff_answer(self, key: str, county_id: str | None = None) -> StaffAnswer | None:
        """The staff answer to the same question asked before in the same topic (same key) and, when the
        deployment has several counties, by an asker of the same county; None when there is none."""
        row = await self.db.fetchone(
            "SELECT answer, answered_by, answered_at FROM open_questions WHERE question_key = ? AND answer IS NOT NULL",
            (county_key(mask(key), county_id),),
        )
        return StaffAnswer(str(row[0]), str(row[1] or ""), str(row[2] or "")) if row else None

    async def list_open(
        self, limit: int = 50, include_answered: bool = False, county: tuple[str, tuple[str, ...]] = ("1 = 1", ())
    ) -> list[OpenQuestion]:
        """The queue, most asked first; `county` (from `in_county`) keeps one county's questions."""
        where = county[0] if include_answered else f"answer IS NULL AND {county[0]}"
        rows = await self.db.fetchall(
            f"SELECT {_QUESTION} FROM open_questions WHERE {where} ORDER BY ask_count DESC, last_asked_at DESC LIMIT ?",
            (*county[1], limit),
        )
        return [OpenQuestion(*row) for row in rows]

    async def answer(
        self, question_id: int, answer: str, answered_by: str, answerer: str = "", actor: str | None = None
    ) -> OpenQuestion | None:
        """Store staff's answer (answered_by is shown to the askers, answerer to colleagues); the askers get it
        relayed. None when there is no such question, or (`actor` given) someone else has taken it."""
        taken = "" if actor is None else " AND (handler IS NULL OR handler = ?)"
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE open_questions SET answer = ?, answered_at = ?, answered_by = ?, answerer = ?, "
                f"handler = NULL, handler_name = NULL, taken_at = NULL WHERE id = ?{taken} RETURNING {_QUESTION}",
                (answer, utc_now(), answered_by, answerer or answered_by, question_id, *([actor] if actor else [])),
            )
            if row is None:
                return None
            await tx.execute("UPDATE open_question_askers SET relayed_at = NULL WHERE question_id = ?", (question_id,))
        return OpenQuestion(*row)

    async def take(self, question_id: int, actor: str, name: str) -> OpenQuestion | None:
        """Mark an unanswered question as handled by `actor`; None when it is answered or someone else has it."""
        row = await self.db.fetchone(
            "UPDATE open_questions SET handler = ?, handler_name = ?, taken_at = ? WHERE id = ? AND answer IS NULL "
            f"AND (handler IS NULL OR handler = ?) RETURNING {_QUESTION}",
            (actor, name, utc_now(), question_id, actor),
        )
        return OpenQuestion(*row) if row else None

    async def release(self, question_id: int, actor: str) -> OpenQuestion | None:
        """Give back a question `actor` holds; None when they do not hold it."""
        row = await self.db.fetchone(
            "UPDATE open_questions SET handler = NULL, handler_name = NULL, taken_at = NULL "
            f"WHERE id = ? AND handler = ? RETURNING {_QUESTION}",
            (question_id, actor),
        )
        return OpenQuestion(*row) if row else None

    async def unrelayed(self, question_id: int) -> list[PendingRelay]:
        """The askers of an answered question who have not been sent the answer yet."""
        rows = await self.db.fetchall(
            "SELECT q.id, a.channel, a.user_id, a.chat_id, q.question, q.answer, coalesce(q.answered_by, ''), "
            "coalesce(q.answered_at, '') FROM open_question_askers a "
            "JOIN open_questions q ON q.id = a.question_id "
            "WHERE q.id = ? AND q.answer IS NOT NULL AND a.relayed_at IS NULL",
            (question_id,),
        )
        return [PendingRelay(*row) for row in rows]

    async def mark_relayed(self, relay: PendingRelay) -> None:
        await self.db.execute(
            "UPDATE open_question_askers SET relayed_at = ? WHERE question_id = ? AND channel = ? AND user_id = ?",
            (utc_now(), relay.question_id, relay.channel, relay.user_id),
        )

    async def asked_since(self, since: str, townships: Sequence[str] | None = None, unbound: bool = True) -> int:
        """Questions logged since an ISO time (every question, answered by the bot or not); with `townships`,
        only those of askers bound to a person of those townships, and (`unbound`) of askers bound to no one."""
        if townships is None:
            row = await self.db.fetchone("SELECT count(*) FROM question_log WHERE asked_at >= ?", (since,))
            return int(row[0]) if row else 0
        marks = ", ".join("?" * len(townships)) or "NULL"
        row = await self.db.fetchone(
            "SELECT count(*) FROM question_log q LEFT JOIN bindings b ON b.channel = q.channel AND b.user_id = "
            "q.user_id LEFT JOIN people p ON p.person_id = b.person_id WHERE q.asked_at >= ? AND "
            f"(p.township_id IN ({marks}) OR (p.person_id IS NULL AND ? = 1))",
            (since, *townships, int(unbound)),
        )
        return int(row[0]) if row else 0

    async def open_count(self, county: tuple[str, tuple[str, ...]] = ("1 = 1", ())) -> int:
        row = await self.db.fetchone(
            f"SELECT count(*) FROM open_questions WHERE answer IS NULL AND {county[0]}", county[1]
        )
        return int(row[0]) if row else 0

    async def get(self, question_id: int) -> OpenQuestion | None:
        row = await self.db.fetchone(
            f"SELECT {_QUESTION} FROM open_questions WHERE id = ?",
            (question_id,),
        )
        return OpenQuestion(*row) if row else None

    async def context(self, question_id: int, limit: int = 4) -> list[tuple[str, str, str]]:
        """What the latest asker wrote up to the question (time, text as logged — masked —, the bot's outcome),
        oldest first: the conversation that led to it."""
        asker = await self.db.fetchone(
            "SELECT channel, user_id, asked_at FROM question_log WHERE open_question_id = ? ORDER BY id DESC LIMIT 1",
            (question_id,),
        )
        if asker is None:
            return []
        rows = await self.db.fetchall(
            "SELECT asked_at, question, outcome FROM question_log WHERE channel = ? AND user_id = ? "
            "AND asked_at <= ? ORDER BY asked_at DESC, id DESC LIMIT ?",
            (asker[0], asker[1], asker[2], limit),
        )
        return [(str(r[0]), str(r[1]), str(r[2])) for r in reversed(rows)]
