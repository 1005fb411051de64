-- Conversation state as one mechanism: the current topic (for follow-ups) and what a multi-step flow
-- awaits (flow, step, data), each with its own time so expiry is decided when the state is read.
ALTER TABLE conversations ADD COLUMN topic TEXT;              -- FAQ entry id last answered or chosen
ALTER TABLE conversations ADD COLUMN topic_at TEXT;           -- ISO 8601 UTC, when the topic was set
ALTER TABLE conversations ADD COLUMN awaiting_flow TEXT;      -- e.g. 'postings.reason'
ALTER TABLE conversations ADD COLUMN awaiting_step TEXT;
ALTER TABLE conversations ADD COLUMN awaiting_data TEXT;      -- JSON object
ALTER TABLE conversations ADD COLUMN awaiting_until TEXT;     -- ISO 8601 UTC expiry
