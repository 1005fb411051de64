-- The value a confirmed work-information correction replaced: a re-imported ledger that still shows it has not
-- caught up with the correction (whatever the file's date), so the correction is kept and the conflict reported.
ALTER TABLE roster_requests ADD COLUMN previous TEXT;
