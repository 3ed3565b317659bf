-- Metrics: saved definitions, annotations, and the daily aggregates of feedback scores that
-- make a metric cost O(days × segments), not O(answers). feedback_daily holds, for every
-- question, scale, day (in the workspace's time zone) and dimension value, the count, sum
-- and sum of squares of the scores and how many gave each whole score 0–10; dim '' is the
-- total. Every write of feedback changes it in the same transaction (package metrics says
-- what an item contributes); a rebuild recomputes it from feedback_items.
ALTER TABLE workspaces ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE workspaces ADD COLUMN metric_dimensions TEXT NOT NULL DEFAULT '["source","touchpoint","plan","region","channel"]';

CREATE TABLE feedback_daily (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	question TEXT NOT NULL,
	dim TEXT NOT NULL,
	day DATE NOT NULL,
	value TEXT NOT NULL,
	scale_min REAL NOT NULL,
	scale_max REAL NOT NULL,
	n INTEGER NOT NULL,
	total REAL NOT NULL,
	total_sq REAL NOT NULL,
	c0 INTEGER NOT NULL, c1 INTEGER NOT NULL, c2 INTEGER NOT NULL, c3 INTEGER NOT NULL,
	c4 INTEGER NOT NULL, c5 INTEGER NOT NULL, c6 INTEGER NOT NULL, c7 INTEGER NOT NULL,
	c8 INTEGER NOT NULL, c9 INTEGER NOT NULL, c10 INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, question, dim, day, value, scale_min, scale_max)
) WITHOUT ROWID;

CREATE TABLE metric_definitions (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	variant TEXT NOT NULL DEFAULT '',
	attribute TEXT NOT NULL DEFAULT '',
	scale_min REAL,
	scale_max REAL,
	filter TEXT NOT NULL DEFAULT '{}',
	bucket TEXT NOT NULL,
	window_days INTEGER NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (workspace_id, name)
);
CREATE INDEX metric_definitions_workspace ON metric_definitions (workspace_id, id);

CREATE TABLE annotations (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	day DATE NOT NULL,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX annotations_day ON annotations (workspace_id, day, id);

-- A key result's value from a metric keeps the sample size and interval it came with.
ALTER TABLE key_result_values ADD COLUMN n INTEGER;
ALTER TABLE key_result_values ADD COLUMN interval_low REAL;
ALTER TABLE key_result_values ADD COLUMN interval_high REAL;
