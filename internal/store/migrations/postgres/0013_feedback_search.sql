-- Full-text search of feedback: the English text-search vector of each item's text, kept by
-- PostgreSQL itself as a stored generated column (computed on every insert and on every update
-- of the row), with a GIN index for @@ queries. Adding the column computes it for the
-- feedback already there, rewriting the table once.
ALTER TABLE feedback_items ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED;
CREATE INDEX feedback_items_search ON feedback_items USING GIN (search);
