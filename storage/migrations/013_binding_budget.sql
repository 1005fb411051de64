-- Binding attempts left per chat account and hour, checked and counted in one statement (see
-- RosterStore.reserve_attempt), so concurrent guesses cannot all pass the check before any is counted.
CREATE TABLE binding_budget (
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    window_start TEXT NOT NULL,      -- ISO 8601, UTC: the hour's window began then
    used INTEGER NOT NULL,           -- attempts counted in the window (a successful one is given back)
    PRIMARY KEY (channel, user_id)
);
