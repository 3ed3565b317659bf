-- Full-text search of feedback. feedback_fts indexes feedback_items.text with FTS5 as an
-- external-content table: it keeps the index, not a second copy of the text, and reads the
-- text back from feedback_items (by rowid = id) for snippets. The porter stemmer over
-- unicode61 with diacritics removed lets "billing" find "billed" and "resume" find "résumé".
-- The triggers keep it in step with every write, including the upserts of an import (whose
-- ON CONFLICT DO UPDATE fires the UPDATE trigger) and the deletes that cascade from a
-- workspace. The index spans every workspace: each search joins feedback_items and keeps the
-- workspace's rows.
CREATE VIRTUAL TABLE feedback_fts USING fts5(
	text,
	content = 'feedback_items',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER feedback_fts_insert AFTER INSERT ON feedback_items BEGIN
	INSERT INTO feedback_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER feedback_fts_delete AFTER DELETE ON feedback_items BEGIN
	INSERT INTO feedback_fts (feedback_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- An upsert that changes a score but not the text names text in its SET list all the same;
-- the WHEN clause spares the index a delete and re-insert of the same words.
CREATE TRIGGER feedback_fts_update AFTER UPDATE OF text ON feedback_items WHEN old.text IS NOT new.text BEGIN
	INSERT INTO feedback_fts (feedback_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO feedback_fts (rowid, text) VALUES (new.id, new.text);
END;

-- Index the feedback already there.
INSERT INTO feedback_fts (feedback_fts) VALUES ('rebuild');
