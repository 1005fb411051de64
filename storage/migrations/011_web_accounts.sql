-- The bureau's web pages (bot/admin): staff accounts tied to a staff record, sessions, one-time links and
-- login attempts for rate limiting. Tokens are stored only as SHA-256 hashes; passwords as argon2 hashes.
-- IF NOT EXISTS: running it again (an older database replayed from an earlier version) is harmless.

CREATE TABLE IF NOT EXISTS web_accounts (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    staff_channel TEXT NOT NULL,         -- the staff record (staff.channel, staff.user_id) giving role and scope
    staff_user_id TEXT NOT NULL,
    password_hash TEXT,                  -- NULL until the sign-up link is used
    disabled INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (staff_channel, staff_user_id)
);

-- One-time links: 'signup' (set a password) and 'login' (from chat, signs in once).
CREATE TABLE IF NOT EXISTS web_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES web_accounts (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('signup', 'login')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX IF NOT EXISTS web_tokens_account ON web_tokens (account_id);

CREATE TABLE IF NOT EXISTS web_sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES web_accounts (id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS web_sessions_account ON web_sessions (account_id);

CREATE TABLE IF NOT EXISTS web_login_attempts (
    login TEXT NOT NULL,
    address TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS web_login_attempts_login ON web_login_attempts (login, at);
CREATE INDEX IF NOT EXISTS web_login_attempts_address ON web_login_attempts (address, at);
