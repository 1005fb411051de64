-- WeChat Official Account: callback deduplication, the shared access token, and outbound sends.

-- One row per message or event WeChat delivered to the callback. WeChat retries a message up to 3
-- times when it gets no answer within 5 s; the key makes a retry find the first attempt's row.
-- key: 'msg:<MsgId>' for messages, 'event:<FromUserName>:<CreateTime>:<Event>:<EventKey>' for events.
CREATE TABLE wechat_inbound (
    key TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('processing', 'passive', 'pushed', 'silent')),
    reply TEXT,                      -- passive: the reply text sent, so a retry gets the same answer
    retried INTEGER NOT NULL DEFAULT 0,  -- a retry came while answering: deliver by customer-service message
    claimed_at REAL NOT NULL,        -- unix time the current attempt started answering
    received_at TEXT NOT NULL,
    answered_at TEXT
);
CREATE INDEX wechat_inbound_received ON wechat_inbound (received_at);

-- The access token, shared by every process of the bot so one refresh does not invalidate another's.
CREATE TABLE wechat_tokens (
    app_id TEXT PRIMARY KEY,
    token TEXT,
    expires_at REAL NOT NULL DEFAULT 0,       -- unix time
    refreshing_until REAL NOT NULL DEFAULT 0  -- a process holds the refresh lease until then
);

-- Every outbound customer-service or template message attempt and its outcome.
CREATE TABLE wechat_sends (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('cs', 'template')),
    status TEXT NOT NULL,            -- a DeliveryStatus value
    errcode INTEGER NOT NULL DEFAULT 0,
    msg_id TEXT,                     -- template messages: WeChat's msgid, matched by TEMPLATESENDJOBFINISH
    job_status TEXT,                 -- template messages: 'success', 'failed:user block', 'failed: system failed'
    sent_at TEXT NOT NULL
);
CREATE INDEX wechat_sends_user ON wechat_sends (user_id, kind, sent_at);
CREATE INDEX wechat_sends_msg ON wechat_sends (msg_id);
