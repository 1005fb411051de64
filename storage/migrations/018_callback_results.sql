-- 电话回访 results entered in the workbench: one row per sampled person and sample batch (seed), edited in place.
-- Answers are 1 (yes) / 0 (no) / NULL (not asked: the call was not reached); the note is masked before storing.
CREATE TABLE callback_results (
    seed TEXT NOT NULL,
    person_id TEXT NOT NULL,
    township_id TEXT NOT NULL,
    village TEXT NOT NULL,
    reached INTEGER NOT NULL,
    ledger_right INTEGER,
    knows_transport INTEGER,
    got_transport INTEGER,
    knows_retention INTEGER,
    got_retention INTEGER,
    satisfaction TEXT,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_name TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (seed, person_id)
);
CREATE INDEX callback_results_place ON callback_results (seed, township_id, village);
