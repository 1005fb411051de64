-- The conversation that led to an open question (the workbench's 待答问题 shows an asker's last messages).
CREATE INDEX IF NOT EXISTS question_log_user ON question_log (channel, user_id, asked_at);
CREATE INDEX IF NOT EXISTS question_log_open ON question_log (open_question_id);
