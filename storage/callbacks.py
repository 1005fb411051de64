"""电话回访 results: what the caller recorded for each sampled person of a sample batch (seed), with who and when.

One row per (seed, person); entering a result again replaces it (the page's edit). Which people are in the
sample and who may record whom is decided above (bot/reports/phone_callbacks.py); this only stores and reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.privacy import mask
from storage.database import Database, Row, utc_now
from storage.people import Scope

SATISFACTION = ("满意", "基本满意", "不满意")


@dataclass(frozen=True, slots=True)
class CallbackAnswers:
    """One call's answers. When the call was not reached the answers are None."""

    reached: bool
    ledger_right: bool | None = None  # 台账（务工地点、企业、工资）是否准确
    knows_transport: bool | None = None  # 知晓一次性交通补贴
    got_transport: bool | None = None  # 享受（领到）交通补贴
    knows_retention: bool | None = None  # 知晓稳岗补贴
    got_retention: bool | None = None  # 享受稳岗补贴
    satisfaction: str | None = None  # one of SATISFACTION
    note: str = ""


@dataclass(frozen=True, slots=True)
class CallbackResult:
    seed: str
    person_id: str
    township_id: str
    village: str
    answers: CallbackAnswers
    recorded_by: str  # the audit name (web:login)
    recorded_name: str  # the staff member's name, shown on the page
    recorded_at: str  # ISO-8601 UTC


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)


_COLUMNS = (
    "seed, person_id, township_id, village, reached, ledger_right, knows_transport, got_transport, "
    "knows_retention, got_retention, satisfaction, note, recorded_by, recorded_name, recorded_at"
)


def _result(row: Row) -> CallbackResult:
    answers = CallbackAnswers(
        bool(row[4]),
        _bool(row[5]),
        _bool(row[6]),
        _bool(row[7]),
        _bool(row[8]),
        _bool(row[9]),
        None if row[10] is None else str(row[10]),
        str(row[11] or ""),
    )
    return CallbackResult(
        str(row[0]), str(row[1]), str(row[2]), str(row[3]), answers, str(row[12]), str(row[13]), str(row[14])
    )


class CallbackStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(
        self, seed: str, person_id: str, township_id: str, village: str, answers: CallbackAnswers, by: str, name: str
    ) -> CallbackResult:
        """Store (or replace) the result of one call; the note is masked (no ID or phone numbers kept)."""
        a = answers
        values = (
            seed,
            person_id,
            township_id,
            village,
            int(a.reached),
            _flag(a.ledger_right),
            _flag(a.knows_transport),
            _flag(a.got_transport),
            _flag(a.knows_retention),
            _flag(a.got_retention),
            a.satisfaction,
            mask(a.note),
            by,
            name,
            utc_now(),
        )
        row = await self.db.fetchone(
            f"INSERT INTO callback_results ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (seed, person_id) DO UPDATE SET township_id = excluded.township_id, "
            "village = excluded.village, reached = excluded.reached, ledger_right = excluded.ledger_right, "
            "knows_transport = excluded.knows_transport, got_transport = excluded.got_transport, "
            "knows_retention = excluded.knows_retention, got_retention = excluded.got_retention, "
            "satisfaction = excluded.satisfaction, note = excluded.note, recorded_by = excluded.recorded_by, "
            f"recorded_name = excluded.recorded_name, recorded_at = excluded.recorded_at RETURNING {_COLUMNS}",
            values,
        )
        assert row is not None
        return _result(row)

    async def result(self, seed: str, person_id: str) -> CallbackResult | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM callback_results WHERE seed = ? AND person_id = ?", (seed, person_id)
        )
        return _result(row) if row else None

    async def results(self, seed: str, scope: Scope) -> dict[str, CallbackResult]:
        """person id -> result, for one sample batch within a scope."""
        where, params = scope.where("r")
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM callback_results r WHERE r.seed = ? AND {where}", (seed, *params)
        )
        return {str(r[1]): _result(r) for r in rows}
