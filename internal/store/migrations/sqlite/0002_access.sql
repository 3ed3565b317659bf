-- People, their workspaces and teams, how they sign in, and the audit trail.
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL DEFAULT '',
	is_admin INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE memberships (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	workspace_id INTEGER REFERENCES workspaces (id) ON DELETE SET NULL,
	created_at TIMESTAMP NOT NULL,
	last_seen_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	hint TEXT NOT NULL,
	scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
	expires_at TIMESTAMP,
	last_used_at TIMESTAMP,
	revoked_at TIMESTAMP,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_workspace ON api_tokens (workspace_id, id);

CREATE TABLE teams (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	lead_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (workspace_id, name)
);

CREATE TABLE team_members (
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (team_id, user_id),
	FOREIGN KEY (workspace_id, user_id) REFERENCES memberships (workspace_id, user_id) ON DELETE CASCADE
);

CREATE TABLE invites (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,
	email TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL,
	accepted_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	accepted_at TIMESTAMP
);
CREATE INDEX invites_workspace ON invites (workspace_id, id);

CREATE TABLE login_failures (
	account TEXT NOT NULL,
	at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER REFERENCES workspaces (id) ON DELETE CASCADE,
	actor_user_id INTEGER,
	actor_token_id INTEGER,
	request_id TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	before_value TEXT,
	after_value TEXT,
	at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, id);
CREATE INDEX audit_log_entity ON audit_log (workspace_id, entity, at);
