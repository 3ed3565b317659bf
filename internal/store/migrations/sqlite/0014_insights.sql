-- Insights: themes (defined by keyword rules, or found by discovery and saved), which feedback
-- items each theme tags, and each item's sentiment. The tags and sentiment are derived: an
-- analysis pass computes them for the items whose version they do not reflect yet, so imports
-- write only what the customer said, and a change of themes re-tags by resetting the versions.
CREATE TABLE themes (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	origin TEXT NOT NULL,
	rule TEXT NOT NULL DEFAULT '{}',
	phrases TEXT NOT NULL DEFAULT '[]',
	touchpoint_id INTEGER REFERENCES touchpoints (id) ON DELETE SET NULL,
	pain_point_id INTEGER REFERENCES pain_points (id) ON DELETE SET NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (workspace_id, name)
);
CREATE INDEX themes_workspace ON themes (workspace_id, id);

CREATE TABLE feedback_insights (
	item_id INTEGER PRIMARY KEY REFERENCES feedback_items (id) ON DELETE CASCADE,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	item_version INTEGER NOT NULL,
	sentiment REAL,
	label TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_insights_workspace ON feedback_insights (workspace_id, item_id);

CREATE TABLE feedback_themes (
	theme_id INTEGER NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
	item_id INTEGER NOT NULL REFERENCES feedback_items (id) ON DELETE CASCADE,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	PRIMARY KEY (theme_id, item_id)
);
CREATE INDEX feedback_themes_item ON feedback_themes (item_id);
