-- Covering indexes for the bureau's reports (storage/reports.py), so their joins never visit a table row:
-- at 100,000 laborers the county reach report read each target's outbox row (with its reply text) just for
-- the status, and each person's service_counts row for the four counts. Measured with bench/reports_bench.py.

-- A campaign's delivery status per recipient (reach, the unreached list).
CREATE INDEX IF NOT EXISTS outbox_item_status ON outbox (item_kind, item_id, channel, recipient, status);
-- A campaign's targets with what the reports count (reach, answers, the unreached list).
CREATE INDEX IF NOT EXISTS briefing_targets_reach
    ON briefing_targets (campaign_id, person_id, channel, user_id, confirmed_at, knew_before, received_subsidy);
-- The four 1131 counts of a person (completion, the roster export).
CREATE INDEX IF NOT EXISTS service_counts_all ON service_counts (person_id, briefing, guidance, recommendations, training);
