"""WeChat Official Account state: callback deduplication, the shared access token, outbound sends."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from storage.database import Database, utc_now

InboundState = Literal["processing", "passive", "pushed", "silent"]
SendKind = Literal["cs", "template"]


@dataclass(frozen=True, slots=True)
class SeenInbound:
    """What happened to a message WeChat delivered before (a retry finds this)."""

    state: InboundState
    reply: str | None
    received_at: str


class WechatStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- callback deduplication -------------------------------------------------------------------

    async def claim(self, key: str, user_id: str, stale_after: float = 60.0) -> SeenInbound | None:
        """Claim a delivered message for answering. None: it is ours to answer. Otherwise the earlier
        attempt's record, which is marked as retried (an answer still being prepared then goes out by
        customer-service message). A claim older than `stale_after` s (a crashed process) is taken over.
        One statement: the claim is ours when the row carries our claim time afterwards."""
        now = time.time()
        row = await self.db.fetchone(
            "INSERT INTO wechat_inbound (key, user_id, state, claimed_at, received_at) "
            "VALUES (?, ?, 'processing', ?, ?) ON CONFLICT (key) DO UPDATE SET "
            "retried = CASE WHEN wechat_inbound.state = 'processing' AND wechat_inbound.claimed_at < ? "
            "THEN 0 ELSE 1 END, "
            "claimed_at = CASE WHEN wechat_inbound.state = 'processing' AND wechat_inbound.claimed_at < ? "
            "THEN excluded.claimed_at ELSE wechat_inbound.claimed_at END "
            "RETURNING state, reply, received_at, claimed_at",
            (key, user_id, now, utc_now(), now - stale_after, now - stale_after),
        )
        assert row is not None
        if float(row[3]) == now and row[0] == "processing":
            return None
        return SeenInbound(row[0], row[1], row[2])

    async def answered_passively(self, key: str, reply: str) -> bool:
        """Record the passive reply; False when a retry came meanwhile (WeChat gave up on the first
        request, so the passive reply would be lost): the caller must push the answer instead."""
        changed = await self.db.execute(
            "UPDATE wechat_inbound SET state = 'passive', reply = ?, answered_at = ? WHERE key = ? AND retried = 0",
            (reply, utc_now(), key),
        )
        return changed == 1

    async def mark(self, key: str, state: InboundState) -> None:
        """Record that a claimed message was answered by push ('pushed') or needs no answer ('silent')."""
        await self.db.execute(
            "UPDATE wechat_inbound SET state = ?, answered_at = ? WHERE key = ?", (state, utc_now(), key)
        )

    async def prune(self, older_than_days: int = 7, replay_window: int = 300) -> int:
        """Forget deliveries older than WeChat could ever retry, and nonces older than the replay window."""
        deleted = await self.db.execute(
            "DELETE FROM wechat_inbound WHERE claimed_at < ?", (time.time() - older_than_days * 86400,)
        )
        since = (datetime.now(UTC) - timedelta(seconds=2 * replay_window)).isoformat(timespec="seconds")
        await self.db.execute("DELETE FROM wechat_nonces WHERE seen_at < ?", (since,))
        return deleted

    async def first_use(self, timestamp: str, nonce: str, body_hash: str) -> bool:
        """Remember a signed (timestamp, nonce); False when it came before with another body (a replay).

        The same pair with the same body is WeChat retrying: that is let through (MsgId deduplicates it)."""
        row = await self.db.fetchone(
            "INSERT INTO wechat_nonces (timestamp, nonce, body_hash, seen_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (timestamp, nonce) DO UPDATE SET seen_at = wechat_nonces.seen_at "
            "WHERE wechat_nonces.body_hash = excluded.body_hash RETURNING 1",
            (timestamp, nonce, body_hash, utc_now()),
        )
        return row is not None

    async def inbound_count(self) -> int:
        row = await self.db.fetchone("SELECT count(*) FROM wechat_inbound")
        return int(row[0]) if row else 0

    # --- the shared access token -----------------------------------------------------------------

    async def token(self, app_id: str, margin: float = 300.0) -> str | None:
        """The cached access token, unless it expires within `margin` seconds."""
        row = await self.db.fetchone("SELECT token, expires_at FROM wechat_tokens WHERE app_id = ?", (app_id,))
        if row is None or row[0] is None or float(row[1]) - margin <= time.time():
            return None
        return str(row[0])

    async def lease_refresh(self, app_id: str, seconds: float, margin: float = 300.0) -> bool:
        """Take the right to refresh the token for `seconds`. False when another process holds it, or
        has just stored a valid token (check and take in one statement, so two never both refresh)."""
        now = time.time()
        await self.db.execute("INSERT INTO wechat_tokens (app_id) VALUES (?) ON CONFLICT DO NOTHING", (app_id,))
        changed = await self.db.execute(
            "UPDATE wechat_tokens SET refreshing_until = ? WHERE app_id = ? AND refreshing_until < ? "
            "AND (token IS NULL OR expires_at - ? <= ?)",
            (now + seconds, app_id, now, margin, now),
        )
        return changed == 1

    async def store_token(self, app_id: str, token: str, expires_at: float) -> None:
        await self.db.execute(
            "UPDATE wechat_tokens SET token = ?, expires_at = ?, refreshing_until = 0 WHERE app_id = ?",
            (token, expires_at, app_id),
        )

    async def release_lease(self, app_id: str) -> None:
        await self.db.execute("UPDATE wechat_tokens SET refreshing_until = 0 WHERE app_id = ?", (app_id,))

    async def invalidate_token(self, app_id: str, token: str) -> None:
        """WeChat rejected `token`: drop it, unless another process has already replaced it."""
        await self.db.execute(
            "UPDATE wechat_tokens SET token = NULL, expires_at = 0 WHERE app_id = ? AND token = ?", (app_id, token)
        )

    # --- outbound sends ---------------------------------------------------------------------------

    async def record_send(
        self, user_id: str, kind: SendKind, status: str, errcode: int = 0, msg_id: str | None = None
    ) -> None:
        await self.db.execute(
            "INSERT INTO wechat_sends (user_id, kind, status, errcode, msg_id, sent_at) VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, kind, status, errcode, msg_id, utc_now()),
        )

    async def cs_sent_since(self, user_id: str, since: str) -> int:
        """Customer-service messages delivered to the user since `since` (ISO UTC)."""
        row = await self.db.fetchone(
            "SELECT count(*) FROM wechat_sends WHERE user_id = ? AND kind = 'cs' AND status = 'sent' AND sent_at >= ?",
            (user_id, since),
        )
        return int(row[0]) if row else 0

    async def template_finished(self, msg_id: str, status: str) -> bool:
        """TEMPLATESENDJOBFINISH: record WeChat's final status of a template message."""
        changed = await self.db.execute(
            "UPDATE wechat_sends SET job_status = ? WHERE msg_id = ? AND kind = 'template'", (status, msg_id)
        )
        return changed > 0

    async def sends(self, user_id: str) -> list[tuple[str, str, int, str | None, str | None]]:
        """(kind, status, errcode, msg_id, job_status) of every send to the user, oldest first."""
        rows = await self.db.fetchall(
            "SELECT kind, status, errcode, msg_id, job_status FROM wechat_sends WHERE user_id = ? ORDER BY id",
            (user_id,),
        )
        return [(r[0], r[1], int(r[2]), r[3], r[4]) for r in rows]
