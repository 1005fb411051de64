-- Questions people asked, what the bot did with them, and the queue of questions for staff.
CREATE TABLE open_questions (
    id INTEGER PRIMARY KEY,
    question_key TEXT NOT NULL UNIQUE,   -- normalised text: the same question asked twice is one row
    question TEXT NOT NULL,
    ask_count INTEGER NOT NULL DEFAULT 1,
    first_asked_at TEXT NOT NULL,
    last_asked_at TEXT NOT NULL,
    answer TEXT,
    answered_at TEXT,
    answered_by TEXT
);
CREATE INDEX open_questions_pending ON open_questions (answered_at, ask_count);

CREATE TABLE question_log (
    id INTEGER PRIMARY KEY,
    asked_at TEXT NOT NULL,              -- ISO 8601, UTC
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    question TEXT NOT NULL,              -- personal numbers masked before storing
    outcome TEXT NOT NULL CHECK (outcome IN ('answer', 'suggest', 'decline', 'choice')),
    entry_id TEXT,
    score REAL NOT NULL DEFAULT 0,
    open_question_id INTEGER REFERENCES open_questions (id)
);
CREATE INDEX question_log_asked_at ON question_log (asked_at);
CREATE INDEX question_log_entry ON question_log (entry_id);

-- Who asked an open question, so a staff answer can be relayed to each of them once.
CREATE TABLE open_question_askers (
    question_id INTEGER NOT NULL REFERENCES open_questions (id),
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    relayed_at TEXT,
    PRIMARY KEY (question_id, channel, user_id)
);
CREATE INDEX open_question_askers_relay ON open_question_askers (relayed_at);

-- Per-conversation state: the choices last offered, so "2" can pick the second.
CREATE TABLE conversations (
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    choices TEXT NOT NULL DEFAULT '[]',   -- JSON list of button data
    last_question TEXT,                   -- what the user last asked, for a later hand-over
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id, user_id)
);
