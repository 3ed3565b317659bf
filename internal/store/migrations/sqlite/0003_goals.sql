-- The goal tree, key results with the history of their values, and check-ins.
CREATE TABLE goals (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	parent_id INTEGER REFERENCES goals (id) ON DELETE CASCADE,
	level TEXT NOT NULL CHECK (level IN ('vision', 'goal', 'objective')),
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	owner_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	owner_team_id INTEGER REFERENCES teams (id) ON DELETE SET NULL,
	period_start TEXT,
	period_end TEXT,
	status TEXT NOT NULL CHECK (status IN ('draft', 'active', 'achieved', 'missed', 'dropped')),
	weight REAL NOT NULL DEFAULT 1,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX goals_workspace ON goals (workspace_id, id);
CREATE INDEX goals_parent ON goals (parent_id);

CREATE TABLE key_results (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	goal_id INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('increase', 'decrease', 'stay_above', 'stay_below', 'binary')),
	baseline REAL NOT NULL,
	target REAL NOT NULL,
	current_value REAL NOT NULL,
	unit TEXT NOT NULL DEFAULT '',
	start_date TEXT,
	due_date TEXT NOT NULL,
	weight REAL NOT NULL DEFAULT 1,
	source TEXT NOT NULL CHECK (source IN ('manual', 'metric')),
	metric_id INTEGER,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX key_results_goal ON key_results (workspace_id, goal_id, id);

CREATE TABLE key_result_values (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	key_result_id INTEGER NOT NULL REFERENCES key_results (id) ON DELETE CASCADE,
	value REAL NOT NULL,
	source TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	actor_user_id INTEGER,
	at TIMESTAMP NOT NULL
);
CREATE INDEX key_result_values_kr ON key_result_values (workspace_id, key_result_id, id);

CREATE TABLE check_ins (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	key_result_id INTEGER REFERENCES key_results (id) ON DELETE CASCADE,
	status TEXT NOT NULL CHECK (status IN ('on_track', 'at_risk', 'off_track')),
	value REAL,
	confidence INTEGER NOT NULL CHECK (confidence BETWEEN 1 AND 10),
	note TEXT NOT NULL DEFAULT '',
	blockers TEXT NOT NULL DEFAULT '',
	author_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	at TIMESTAMP NOT NULL
);
CREATE INDEX check_ins_kr ON check_ins (workspace_id, key_result_id, id);
