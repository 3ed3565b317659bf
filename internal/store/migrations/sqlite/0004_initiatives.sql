-- Initiatives with their score inputs, who owns them, what they serve and what they wait for.
ALTER TABLE workspaces ADD COLUMN priority_framework TEXT NOT NULL DEFAULT '';

CREATE TABLE initiatives (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	horizon TEXT NOT NULL CHECK (horizon IN ('short', 'mid', 'long')),
	status TEXT NOT NULL CHECK (status IN ('idea', 'planned', 'in_progress', 'done', 'dropped')),
	start_date TEXT,
	due_date TEXT,
	inputs TEXT NOT NULL DEFAULT '{}',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX initiatives_workspace ON initiatives (workspace_id, id);

CREATE TABLE assignments (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
	user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
	team_id INTEGER REFERENCES teams (id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('responsible', 'accountable', 'participating')),
	created_at TIMESTAMP NOT NULL,
	CHECK ((user_id IS NULL) <> (team_id IS NULL))
);
CREATE UNIQUE INDEX assignments_unique ON assignments (initiative_id, COALESCE(user_id, 0), COALESCE(team_id, 0), role);
CREATE INDEX assignments_workspace ON assignments (workspace_id, initiative_id);

CREATE TABLE dependencies (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	prerequisite_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
	dependent_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (prerequisite_id, dependent_id)
);
CREATE INDEX dependencies_workspace ON dependencies (workspace_id);

CREATE TABLE initiative_key_results (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
	key_result_id INTEGER NOT NULL REFERENCES key_results (id) ON DELETE CASCADE,
	expected_effect REAL,
	PRIMARY KEY (initiative_id, key_result_id)
);
