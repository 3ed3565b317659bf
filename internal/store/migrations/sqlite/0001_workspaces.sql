-- Workspaces: the tenants. Every table holding a workspace's data references this one.
CREATE TABLE workspaces (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
