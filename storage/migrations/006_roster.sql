-- The bureau's roster of laborers, chat-account binding, policy-briefing campaigns and the staff audit log.

-- One laborer per ID number. The ID number itself is never stored: id_hash is HMAC-SHA256 of it under the
-- deployment's secret (BOT_ROSTER_ID_KEY), person_id a short prefix of that hash, id_last4 for matching.
CREATE TABLE people (
    person_id TEXT PRIMARY KEY,
    id_hash TEXT NOT NULL UNIQUE,
    id_last4 TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',      -- needed for the bureau's phone callbacks; masked in chat and logs
    township_id TEXT NOT NULL,
    village TEXT NOT NULL DEFAULT '',
    household TEXT NOT NULL DEFAULT '',  -- 户主 name
    categories TEXT NOT NULL DEFAULT '', -- comma-separated: 脱贫户,监测户,易地搬迁,院校毕业生,雨露计划,公岗
    work_status TEXT NOT NULL DEFAULT '',
    work_place TEXT NOT NULL DEFAULT '',
    employer TEXT NOT NULL DEFAULT '',
    wage TEXT NOT NULL DEFAULT '',
    work_since TEXT NOT NULL DEFAULT '', -- ISO date
    ledger TEXT NOT NULL DEFAULT '',     -- file the row came from
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_place ON people (township_id, village);
CREATE INDEX people_name ON people (name, id_last4);

-- A chat account linked to a person (one person may use several channels).
CREATE TABLE bindings (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (person_id),
    method TEXT NOT NULL CHECK (method IN ('code', 'confirmed')),
    bound_at TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
);
CREATE INDEX bindings_person ON bindings (person_id);

-- One-time binding codes: stored as a hash, single-use, expiring.
CREATE TABLE binding_codes (
    code_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (person_id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT
);
CREATE INDEX binding_codes_person ON binding_codes (person_id);

-- Every binding attempt (code or name + last digits), for rate limiting.
CREATE TABLE binding_attempts (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL
);
CREATE INDEX binding_attempts_user ON binding_attempts (channel, user_id, at);

-- Requests a liaison decides: self-service bindings and laborers' corrections of their work information.
CREATE TABLE roster_requests (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('bind', 'work_info')),
    person_id TEXT NOT NULL REFERENCES people (person_id),
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    field TEXT,                          -- work_info: work_place / employer / phone / wage
    value TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT
);
CREATE INDEX roster_requests_pending ON roster_requests (status, person_id);

-- Every staff action (imports, codes, confirmations, offline services, reports, exports).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,                 -- 'channel:user_id' or 'cli:<name>'
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''      -- never full ID or phone numbers
);
CREATE INDEX audit_log_at ON audit_log (at);

-- A briefing sent to a target group.
CREATE TABLE briefing_campaigns (
    id INTEGER PRIMARY KEY,
    briefing_id TEXT NOT NULL,
    target TEXT NOT NULL,                -- JSON: townships, villages, categories
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Each targeted person and what happened: queued (bound, pushed through the outbox), not_bound,
-- delivered, confirmed; plus the two follow-up answers.
CREATE TABLE briefing_targets (
    campaign_id INTEGER NOT NULL REFERENCES briefing_campaigns (id),
    person_id TEXT NOT NULL REFERENCES people (person_id),
    channel TEXT,
    user_id TEXT,
    delivered_at TEXT,
    confirmed_at TEXT,
    knew_before INTEGER,                 -- 1 yes, 0 no
    received_subsidy TEXT,               -- 'yes', 'no', 'na'
    PRIMARY KEY (campaign_id, person_id)
);
CREATE INDEX briefing_targets_user ON briefing_targets (channel, user_id);

-- Per-person 1131 counts, kept by the stores in the same unit of work as the service_events row they count
-- (storage/ledger.py: each row there is already unique per person, kind and ref), so reports over a million
-- events stay fast. Events of chat users not bound at the time count once their account is bound (binding
-- moves them to the person). Databases created before 008 had triggers doing this; 008 drops them.
CREATE TABLE service_counts (
    person_id TEXT PRIMARY KEY,
    briefing INTEGER NOT NULL DEFAULT 0,
    guidance INTEGER NOT NULL DEFAULT 0,
    recommendations INTEGER NOT NULL DEFAULT 0,
    training INTEGER NOT NULL DEFAULT 0
);
INSERT INTO service_counts (person_id, briefing, guidance, recommendations, training)
SELECT person_id, count(*) FILTER (WHERE kind = 'policy_briefing'), count(*) FILTER (WHERE kind = 'career_guidance'),
       count(*) FILTER (WHERE kind = 'job_recommendation'), count(*) FILTER (WHERE kind = 'training')
FROM service_events WHERE person_id IS NOT NULL GROUP BY person_id;
