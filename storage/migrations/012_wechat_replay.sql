-- WeChat callbacks seen within the replay window, by their signed (timestamp, nonce): plain mode's signature
-- does not cover the body, so a second request with the same pair and another body is a replay. Shared by
-- every process of the bot; rows older than the window are pruned.
CREATE TABLE wechat_nonces (
    timestamp TEXT NOT NULL,         -- the callback's timestamp parameter, as sent
    nonce TEXT NOT NULL,
    body_hash TEXT NOT NULL,         -- sha256 of the body: WeChat's own retry repeats it, a replay does not
    seen_at TEXT NOT NULL,           -- ISO 8601, UTC
    PRIMARY KEY (timestamp, nonce)
);
CREATE INDEX wechat_nonces_seen ON wechat_nonces (seen_at);
