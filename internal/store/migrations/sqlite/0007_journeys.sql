-- Customer journeys: ordered stages, touchpoints (milestones among them) in each stage, and
-- pain points. Deleting a journey deletes everything on it; a stage with touchpoints cannot
-- be deleted (touchpoints.stage_id has no ON DELETE action), and a touchpoint's stage must be
-- a stage of the touchpoint's own journey (the composite key).
CREATE TABLE journeys (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	persona TEXT NOT NULL DEFAULT '',
	owner_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	owner_team_id INTEGER REFERENCES teams (id) ON DELETE SET NULL,
	review_cadence_days INTEGER NOT NULL CHECK (review_cadence_days >= 1),
	last_reviewed_at TIMESTAMP,
	last_reviewed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX journeys_workspace ON journeys (workspace_id, id);

CREATE TABLE journey_stages (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	journey_id INTEGER NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	position INTEGER NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	UNIQUE (journey_id, id)
);
CREATE UNIQUE INDEX journey_stages_position ON journey_stages (journey_id, position);
CREATE UNIQUE INDEX journey_stages_name ON journey_stages (journey_id, name);
CREATE INDEX journey_stages_workspace ON journey_stages (workspace_id, journey_id);

CREATE TABLE touchpoints (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	journey_id INTEGER NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
	stage_id INTEGER NOT NULL,
	name TEXT NOT NULL,
	channel TEXT NOT NULL CHECK (channel IN ('web', 'email', 'in_app', 'support', 'phone', 'store', 'social', 'other')),
	team_id INTEGER REFERENCES teams (id) ON DELETE SET NULL,
	event_name TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	FOREIGN KEY (journey_id, stage_id) REFERENCES journey_stages (journey_id, id)
);
CREATE INDEX touchpoints_journey ON touchpoints (workspace_id, journey_id, stage_id);
CREATE INDEX touchpoints_stage ON touchpoints (journey_id, stage_id);
-- A milestone's event marks one touchpoint of a journey, so that a funnel is unambiguous.
CREATE UNIQUE INDEX touchpoints_event ON touchpoints (journey_id, event_name) WHERE event_name <> '';

CREATE TABLE pain_points (
	id INTEGER PRIMARY KEY,
	workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	journey_id INTEGER NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
	touchpoint_id INTEGER REFERENCES touchpoints (id) ON DELETE SET NULL,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	severity INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),
	status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'solved')),
	evidence TEXT NOT NULL DEFAULT '[]',
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pain_points_journey ON pain_points (workspace_id, journey_id, id);
CREATE INDEX pain_points_touchpoint ON pain_points (touchpoint_id);
