-- Experiments: a hypothesis tested on a metric between variants of the answers, split by the
-- values of one dimension (a feedback attribute, or a customer dimension for the customer
-- metrics), over the days [start_day, end_day). The metric is the experiment's own (kind,
-- variant, attribute, event, scale and segment filter as a metric query takes them); the
-- variants are a JSON list of {name, values}, the control first. The decision log is
-- append-only; a ship decision keeps the value it recorded on the key result.
CREATE TABLE experiments (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	hypothesis TEXT NOT NULL DEFAULT '',
	initiative_id INTEGER REFERENCES initiatives (id) ON DELETE SET NULL,
	key_result_id INTEGER REFERENCES key_results (id) ON DELETE SET NULL,
	kind TEXT NOT NULL,
	variant TEXT NOT NULL DEFAULT '',
	attribute TEXT NOT NULL DEFAULT '',
	event TEXT NOT NULL DEFAULT '',
	within_days INTEGER NOT NULL DEFAULT 0,
	scale_min REAL,
	scale_max REAL,
	filter TEXT NOT NULL DEFAULT '{}',
	dim TEXT NOT NULL,
	variants TEXT NOT NULL,
	start_day DATE NOT NULL,
	end_day DATE NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (workspace_id, name)
);
CREATE INDEX experiments_workspace ON experiments (workspace_id, id);
CREATE INDEX experiments_initiative ON experiments (initiative_id);
CREATE INDEX experiments_key_result ON experiments (key_result_id);

CREATE TABLE experiment_decisions (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	experiment_id INTEGER NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
	decision TEXT NOT NULL CHECK (decision IN ('ship', 'iterate', 'stop')),
	variant TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	actor_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	at TIMESTAMP NOT NULL,
	key_result_id INTEGER,
	value REAL,
	n INTEGER,
	interval_low REAL,
	interval_high REAL
);
CREATE INDEX experiment_decisions_experiment ON experiment_decisions (workspace_id, experiment_id, id);
