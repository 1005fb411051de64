-- State several bot processes share through the database.
-- rate_pacing: one row per paced key (a platform's overall send rate, one chat, one group robot): the earliest
-- time (unix seconds) the next send on that key may go. A sender reserves a slot with one upsert that moves
-- next_at on by the key's step (storage/pacing.py), so the rate holds in total across processes.
CREATE TABLE rate_pacing (
    name TEXT PRIMARY KEY,
    next_at REAL NOT NULL
);
-- leases: a named role only one process may hold at a time (e.g. Telegram long polling), until held_until (unix
-- seconds) unless renewed; when the holder dies, another process takes it once the lease has lapsed.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    held_until REAL NOT NULL
);
