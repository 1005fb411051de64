-- The "1131" ledger: append-only service events per laborer (政策宣讲, 职业指导, 岗位推介, 技能培训或就业见习).
-- A chat user not yet bound to a roster entry is identified by channel + user_id; person_id is filled
-- once bound (the roster resolves it), so events recorded before binding still count.
CREATE TABLE service_events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('policy_briefing', 'career_guidance', 'job_recommendation', 'training')),
    person_id TEXT,
    channel TEXT,
    user_id TEXT,
    ref TEXT NOT NULL,           -- what it was about, e.g. 'posting:12', 'briefing:transport-2024', 'visit:…'
    source TEXT NOT NULL CHECK (source IN ('bot', 'staff')),
    recorded_by TEXT,            -- staff member for offline services
    occurred_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (person_id IS NOT NULL OR (channel IS NOT NULL AND user_id IS NOT NULL))
);
-- One event per person (or chat user), kind and ref: a retried delivery never counts twice.
CREATE UNIQUE INDEX service_events_once_person ON service_events (person_id, kind, ref) WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX service_events_once_user ON service_events (channel, user_id, kind, ref) WHERE person_id IS NULL;
CREATE INDEX service_events_kind ON service_events (kind, occurred_at);
