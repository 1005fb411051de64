-- Who is handling an open question (the workbench's 待答问题): the staff member who took it (audit name and
-- display name, when), and the staff member who answered (answered_by stays the name shown to askers).
ALTER TABLE open_questions ADD COLUMN handler TEXT;
ALTER TABLE open_questions ADD COLUMN handler_name TEXT;
ALTER TABLE open_questions ADD COLUMN taken_at TEXT;
ALTER TABLE open_questions ADD COLUMN answerer TEXT;
