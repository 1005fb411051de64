-- SQLite's variant of 008_storage_health.sql: the same table, and the triggers that databases created
-- before 008 had on service_events are dropped (storage/ledger.py keeps service_counts since).
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    checked_at TEXT NOT NULL
);
DROP TRIGGER IF EXISTS service_counts_insert;
DROP TRIGGER IF EXISTS service_counts_bound;
DROP TRIGGER IF EXISTS service_counts_delete;
