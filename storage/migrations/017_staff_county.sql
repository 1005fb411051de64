-- Several counties in one deployment: a bureau staff member of one county (NULL: every county, i.e. the whole
-- deployment — the county itself when it holds one, the prefecture when it holds several). Stations and
-- liaisons belong to a county through their township (content/).
ALTER TABLE staff ADD COLUMN county_id TEXT;
