-- Sent deliveries whose on_sent callbacks have not run yet: found by id without scanning every sent row
-- (a sender that starts with a large backlog re-notifies it in batches while it sends).
CREATE INDEX outbox_unnotified ON outbox (id) WHERE status = 'sent' AND notified = 0;
