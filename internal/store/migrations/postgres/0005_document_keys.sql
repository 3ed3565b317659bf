-- Stable keys for roadmap-as-code documents: an object keeps its key across renames once a
-- document has named it. Objects made through the API have none until then.
ALTER TABLE goals ADD COLUMN doc_key TEXT;
CREATE UNIQUE INDEX goals_doc_key ON goals (workspace_id, doc_key);
ALTER TABLE key_results ADD COLUMN doc_key TEXT;
CREATE UNIQUE INDEX key_results_doc_key ON key_results (workspace_id, doc_key);
ALTER TABLE initiatives ADD COLUMN doc_key TEXT;
CREATE UNIQUE INDEX initiatives_doc_key ON initiatives (workspace_id, doc_key);
