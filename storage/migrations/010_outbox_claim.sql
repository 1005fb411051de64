-- The outbox sender's claim (pending deliveries of a channel, by priority DESC, next_attempt_at, id) read
-- straight from an index: with outbox_due alone SQLite sorted every pending row on each claim (110 ms with
-- 60,000 pending), holding up every other read while a big push ran (found by bench/admin_bench.py).
CREATE INDEX IF NOT EXISTS outbox_claim ON outbox (status, channel, priority DESC, next_attempt_at, id);
