"""Briefing campaigns: who was targeted, delivered (from the outbox), confirmed, and their follow-up answers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.database import Database, utc_now
from storage.ledger import add_counts

ITEM_KIND = "briefing"  # outbox item kind; item_id is the campaign id


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    briefing_id: str
    target: dict[str, Any]
    created_by: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Target:
    person_id: str
    channel: str | None  # None: not bound to any chat account
    user_id: str | None


class BriefingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, briefing_id: str, target: dict[str, Any], created_by: str, people: Sequence[Target]) -> int:
        """The campaign and its targets, in one transaction."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO briefing_campaigns (briefing_id, target, created_by, created_at) VALUES (?, ?, ?, ?) "
                "RETURNING id",
                (briefing_id, json.dumps(target, ensure_ascii=False), created_by, utc_now()),
            )
            assert row is not None
            campaign_id = int(row[0])
            await tx.executemany(
                "INSERT INTO briefing_targets (campaign_id, person_id, channel, user_id) VALUES (?, ?, ?, ?)",
                [(campaign_id, t.person_id, t.channel, t.user_id) for t in people],
            )
        return campaign_id

    async def campaign(self, campaign_id: int) -> Campaign | None:
        row = await self.db.fetchone(
            "SELECT id, briefing_id, target, created_by, created_at FROM briefing_campaigns WHERE id = ?",
            (campaign_id,),
        )
        return Campaign(row[0], row[1], json.loads(row[2]), row[3], row[4]) if row else None

    async def campaigns(self, limit: int = 20) -> list[Campaign]:
        rows = await self.db.fetchall(
            "SELECT id, briefing_id, target, created_by, created_at FROM briefing_campaigns ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [Campaign(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]

    async def target_of(self, campaign_id: int, channel: str, user_id: str) -> str | None:
        """The person a chat account answers for in a campaign (the account it was sent to, or now bound)."""
        row = await self.db.fetchone(
            "SELECT t.person_id FROM briefing_targets t WHERE t.campaign_id = ? AND t.channel = ? AND t.user_id = ? "
            "UNION ALL SELECT t.person_id FROM briefing_targets t JOIN bindings b ON b.person_id = t.person_id "
            "WHERE t.campaign_id = ? AND b.channel = ? AND b.user_id = ? LIMIT 1",
            (campaign_id, channel, user_id, campaign_id, channel, user_id),
        )
        return str(row[0]) if row else None

    async def bound_targets(self, campaign_id: int, after: str, limit: int) -> list[Target]:
        """Targets with a chat account, in person order after `after` (for batched queueing)."""
        rows = await self.db.fetchall(
            "SELECT person_id, channel, user_id FROM briefing_targets WHERE campaign_id = ? AND person_id > ? "
            "AND channel IS NOT NULL ORDER BY person_id LIMIT ?",
            (campaign_id, after, limit),
        )
        return [Target(r[0], r[1], r[2]) for r in rows]

    async def missed(self, person_id: str) -> list[tuple[int, str]]:
        """(campaign id, briefing id) of campaigns that targeted the person while they were not bound."""
        rows = await self.db.fetchall(
            "SELECT c.id, c.briefing_id FROM briefing_targets t JOIN briefing_campaigns c ON c.id = t.campaign_id "
            "WHERE t.person_id = ? AND t.channel IS NULL ORDER BY c.id",
            (person_id,),
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    async def set_account(self, campaign_id: int, person_id: str, channel: str, user_id: str) -> None:
        await self.db.execute(
            "UPDATE briefing_targets SET channel = ?, user_id = ? WHERE campaign_id = ? AND person_id = ?",
            (channel, user_id, campaign_id, person_id),
        )

    async def delivered(self, campaign_id: int, person_id: str) -> None:
        await self.db.execute(
            "UPDATE briefing_targets SET delivered_at = coalesce(delivered_at, ?) "
            "WHERE campaign_id = ? AND person_id = ?",
            (utc_now(), campaign_id, person_id),
        )

    async def confirm(self, campaign_id: int, person_id: str) -> bool:
        """Record "我已知晓"; False when it was confirmed before."""
        changed = await self.db.execute(
            "UPDATE briefing_targets SET confirmed_at = ?, delivered_at = coalesce(delivered_at, ?) "
            "WHERE campaign_id = ? AND person_id = ? AND confirmed_at IS NULL",
            (utc_now(), utc_now(), campaign_id, person_id),
        )
        return changed == 1

    async def answer_knew(self, campaign_id: int, person_id: str, knew: bool) -> None:
        await self.db.execute(
            "UPDATE briefing_targets SET knew_before = ? WHERE campaign_id = ? AND person_id = ?",
            (int(knew), campaign_id, person_id),
        )

    async def answer_received(self, campaign_id: int, person_id: str, received: str) -> None:
        await self.db.execute(
            "UPDATE briefing_targets SET received_subsidy = ? WHERE campaign_id = ? AND person_id = ?",
            (received, campaign_id, person_id),
        )

    async def sync_ledger(self) -> int:
        """A 政策宣讲 event for every briefing delivery the outbox marked sent (idempotent). The outbox's on_sent
        hook records them as they go (re-run after a crash); the CLI reports call this as a safety net."""
        async with self.db.transaction() as tx:
            added = await tx.fetchall(
                "INSERT INTO service_events (kind, person_id, ref, source, occurred_at, created_at) "
                "SELECT 'policy_briefing', o.person_id, 'briefing:' || c.briefing_id, 'bot', "
                "coalesce(o.sent_at, o.updated_at), ? FROM outbox o "
                "JOIN briefing_campaigns c ON o.item_kind = ? AND CAST(c.id AS TEXT) = o.item_id "
                "WHERE o.status = 'sent' AND o.person_id IS NOT NULL ON CONFLICT DO NOTHING RETURNING person_id",
                (utc_now(), ITEM_KIND),
            )
            await add_counts(tx, [(r[0], "policy_briefing") for r in added])
        return len(added)
