-- The asker's county of an open question (several counties in one deployment): a county's bureau and stations
-- see and answer only their county's questions, and a staff answer is reused only within its county. NULL: a
-- one-county deployment, or a question asked before (shown as the deployment's default county's).
ALTER TABLE open_questions ADD COLUMN county_id TEXT;
CREATE INDEX IF NOT EXISTS open_questions_county ON open_questions (county_id, answered_at);
