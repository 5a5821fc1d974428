-- Re-importing a residents file compares each raw CSV line with what is on file before reading
-- it (bot/imports/unchanged.py): `line_hash` is a 60-bit hash of the line a resident was last
-- imported from (NULL: from an .xlsx, a multi-line record, or before this migration).

ALTER TABLE residents ADD COLUMN line_hash INTEGER;
