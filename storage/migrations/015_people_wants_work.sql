-- 有就业意愿: the 1131 services (and their completion rate) are for laborers who want work. Ledgers that do
-- not say count as wanting; existing rows whose 务工状态 says otherwise are marked from that text (the same
-- words as bot/roster/fields.py _NO_WISH, which decides it at import).
ALTER TABLE people ADD COLUMN wants_work INTEGER NOT NULL DEFAULT 1;
UPDATE people SET wants_work = 0
WHERE work_status LIKE '%无就业意愿%' OR work_status LIKE '%无意愿%' OR work_status LIKE '%没有就业意愿%'
   OR work_status LIKE '%不愿就业%' OR work_status LIKE '%丧失劳动能力%' OR work_status LIKE '%无劳动能力%'
   OR work_status LIKE '%在校%' OR work_status LIKE '%学生%' OR work_status LIKE '%退休%' OR work_status LIKE '%病残%';

-- Exports page through one township at a time in (village, name) order: a range scan, never a sort. The
-- index also covers the per-township/village reports: they no longer visit each person's table row (at
-- 100,000 people: reach report about a third less time, answers report a fifth of it).
CREATE INDEX people_order ON people (township_id, village, name, person_id, wants_work);
