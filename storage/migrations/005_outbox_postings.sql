-- The push outbox (shared by postings and briefings) and job / odd-job postings.

-- One row per delivery, written before anything is sent. A row goes pending -> sending -> sent, or to
-- a final failure (unreachable, invalid, out_of_window, failed = gave up after retries, cancelled =
-- the item was withdrawn or expired). Rows left in 'sending' by a crash are sent again on restart.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    item_kind TEXT NOT NULL,             -- 'posting', 'briefing', 'notice', …
    item_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,             -- chat id / robot name on that channel
    kind TEXT NOT NULL CHECK (kind IN ('user', 'group', 'robot')),
    reply TEXT NOT NULL,                 -- JSON: text, buttons, image_name
    image BLOB,
    person_id TEXT,
    user_id TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
        ('pending', 'sending', 'sent', 'unreachable', 'invalid', 'out_of_window', 'failed', 'cancelled')),
    priority INTEGER NOT NULL DEFAULT 0, -- 1: notices to staff, claimed before broadcasts
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,       -- unix seconds
    detail TEXT NOT NULL DEFAULT '',
    notified INTEGER NOT NULL DEFAULT 0, -- on_sent callbacks done (re-run after a crash when 0)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (item_kind, item_id, channel, recipient)
);
CREATE INDEX outbox_due ON outbox (status, channel, priority, next_attempt_at);
CREATE INDEX outbox_item ON outbox (item_kind, item_id, status);

-- Items with deliveries; completed_at is set once every delivery is final (the summary goes out once).
CREATE TABLE outbox_items (
    item_kind TEXT NOT NULL,
    item_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (item_kind, item_id)
);

-- Job (招聘) and odd-job (零工) postings. No row exists until the sender confirms (drafts live in
-- posting_drafts), so nothing is half-saved.
CREATE TABLE postings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('job', 'odd_job')),
    title TEXT NOT NULL,                 -- 岗位 / 工种
    employer TEXT NOT NULL DEFAULT '',   -- 单位
    location TEXT NOT NULL DEFAULT '',   -- 地点
    salary TEXT NOT NULL DEFAULT '',     -- 薪资, may be 面议
    headcount TEXT NOT NULL DEFAULT '',  -- 人数
    requirements TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL,         -- the employer's published contact number
    valid_until TEXT NOT NULL,           -- ISO date (Asia/Shanghai), last day it is shown
    townships TEXT NOT NULL,             -- JSON list of township ids
    text_hash TEXT NOT NULL,             -- normalised source text, to refuse the same text twice
    status TEXT NOT NULL CHECK (status IN ('pending', 'published', 'rejected', 'withdrawn')),
    author_channel TEXT NOT NULL,
    author_user_id TEXT NOT NULL,
    author_role TEXT NOT NULL,
    author_township TEXT,
    reviewed_by TEXT,
    review_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    published_at TEXT,
    closed_at TEXT
);
CREATE UNIQUE INDEX postings_text_once ON postings (text_hash) WHERE status IN ('pending', 'published');
CREATE INDEX postings_status ON postings (status, valid_until);

-- A staff member's posting being written: the extracted fields and what the bot is asking for.
CREATE TABLE posting_drafts (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    fields TEXT NOT NULL,                -- JSON
    awaiting TEXT NOT NULL DEFAULT '',   -- field the next message fills, '' when none
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);

-- Laborers' subscriptions: topic 'township' (value = township id) or 'keyword' (value = the word).
CREATE TABLE subscriptions (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    topic TEXT NOT NULL CHECK (topic IN ('township', 'keyword')),
    value TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (channel, user_id, topic, value)
);
CREATE INDEX subscriptions_value ON subscriptions (topic, value);

-- Reach and interest: a liaison confirmed 已转发, a laborer pressed 我感兴趣.
CREATE TABLE posting_reactions (
    posting_id INTEGER NOT NULL REFERENCES postings (id),
    reaction TEXT NOT NULL CHECK (reaction IN ('forwarded', 'interested')),
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (posting_id, reaction, channel, user_id)
);
