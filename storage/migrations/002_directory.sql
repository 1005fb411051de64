-- Who is who across channels: staff roles, bound groups, and each chat user's reachability.

-- Staff registered by the bureau (CLI). A liaison belongs to a village, a station to a township.
CREATE TABLE staff (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('liaison', 'station', 'bureau')),
    name TEXT NOT NULL,
    township_id TEXT,            -- NULL for the bureau
    village TEXT,                -- liaisons only
    created_at TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);

-- Group chats the bot is in (Telegram groups, WeCom group robots), bound to a township for pushes.
CREATE TABLE chat_groups (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,       -- Telegram chat id, or the WeCom robot's name
    title TEXT NOT NULL DEFAULT '',
    township_id TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    bound_by TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id)
);
CREATE INDEX chat_groups_township ON chat_groups (township_id, active);

-- Every chat user the bot has seen: whether pushes can reach them, and when they last wrote
-- (WeChat allows customer-service messages only within 48 hours of that).
CREATE TABLE recipients (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unreachable', 'invalid')),
    last_inbound_at TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);
