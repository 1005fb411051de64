-- Outbox leases: any number of senders share one outbox. A sender claims a delivery by setting it 'sending'
-- with its own id and a lease (claimed_until, unix seconds) that it renews while the push is in flight; a
-- delivery whose lease ran out (its sender died) is claimed again by any sender. Completing an item (the
-- summary hook) is leased the same way, so the hook runs once.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until REAL NOT NULL DEFAULT 0;
CREATE INDEX outbox_recipient ON outbox (channel, recipient, status);
CREATE INDEX outbox_claims ON outbox (status, claimed_until);
ALTER TABLE outbox_items ADD COLUMN completing_by TEXT;
ALTER TABLE outbox_items ADD COLUMN completing_until REAL NOT NULL DEFAULT 0;
