-- Feedback, customers and customer events, and the import jobs that bring them in.
-- (workspace, source, external id) names a feedback item and (workspace, external id) a
-- customer, so a re-import updates rather than duplicates. Events and feedback name their
-- customer by external id, not by a foreign key: a help desk's tickets often arrive before the
-- CRM's customer file, and neither should wait for the other.
CREATE TABLE customers (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	external_id TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	plan TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	signup_at TIMESTAMP,
	revenue REAL,
	attributes TEXT NOT NULL DEFAULT '{}',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (workspace_id, external_id)
);

CREATE TABLE customer_events (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	customer_external_id TEXT NOT NULL,
	name TEXT NOT NULL,
	at TIMESTAMP NOT NULL,
	value REAL,
	attributes TEXT NOT NULL DEFAULT '{}',
	created_at TIMESTAMP NOT NULL,
	UNIQUE (workspace_id, customer_external_id, name, at)
);
CREATE INDEX customer_events_name ON customer_events (workspace_id, name, at);

CREATE TABLE imports (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	status TEXT NOT NULL,
	target TEXT NOT NULL,
	format TEXT NOT NULL,
	file_name TEXT NOT NULL DEFAULT '',
	file_sha256 TEXT NOT NULL,
	file_size INTEGER NOT NULL,
	mapping TEXT NOT NULL,
	skip_invalid BOOLEAN NOT NULL,
	rows_total INTEGER NOT NULL DEFAULT 0,
	rows_done INTEGER NOT NULL DEFAULT 0,
	inserted INTEGER NOT NULL DEFAULT 0,
	updated INTEGER NOT NULL DEFAULT 0,
	unchanged INTEGER NOT NULL DEFAULT 0,
	invalid INTEGER NOT NULL DEFAULT 0,
	problems TEXT NOT NULL DEFAULT '[]',
	error TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	finished_at TIMESTAMP,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX imports_workspace ON imports (workspace_id, id);
CREATE INDEX imports_file ON imports (workspace_id, file_sha256, status);

CREATE TABLE feedback_items (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	source_kind TEXT NOT NULL,
	source TEXT NOT NULL,
	external_id TEXT NOT NULL,
	customer_external_id TEXT NOT NULL DEFAULT '',
	at TIMESTAMP NOT NULL,
	question TEXT NOT NULL DEFAULT '',
	score REAL,
	scale_min REAL,
	scale_max REAL,
	text TEXT NOT NULL DEFAULT '',
	attributes TEXT NOT NULL DEFAULT '{}',
	touchpoint TEXT NOT NULL DEFAULT '',
	excluded BOOLEAN NOT NULL DEFAULT FALSE,
	import_id INTEGER REFERENCES imports (id) ON DELETE SET NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (workspace_id, source, external_id)
);
CREATE INDEX feedback_items_list ON feedback_items (workspace_id, id);
CREATE INDEX feedback_items_question ON feedback_items (workspace_id, question, at);
CREATE INDEX feedback_items_customer ON feedback_items (workspace_id, customer_external_id);

CREATE TABLE import_mappings (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	mapping TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (workspace_id, name)
);
