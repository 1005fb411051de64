-- Readiness: /readyz writes this one row to prove the database takes writes.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    checked_at TEXT NOT NULL
);
