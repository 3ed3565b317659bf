-- Links from initiatives to the touchpoints they improve and the pain points they relieve, and
-- stable keys by which roadmap documents name journeys, touchpoints and pain points. A link
-- goes with either end; ids are checked to be of the initiative's workspace by the store.
CREATE TABLE initiative_touchpoints (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
	touchpoint_id BIGINT NOT NULL REFERENCES touchpoints (id) ON DELETE CASCADE,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (initiative_id, touchpoint_id)
);
CREATE INDEX initiative_touchpoints_workspace ON initiative_touchpoints (workspace_id, initiative_id);
CREATE INDEX initiative_touchpoints_touchpoint ON initiative_touchpoints (touchpoint_id);

CREATE TABLE initiative_pain_points (
	workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	initiative_id BIGINT NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
	pain_point_id BIGINT NOT NULL REFERENCES pain_points (id) ON DELETE CASCADE,
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (initiative_id, pain_point_id)
);
CREATE INDEX initiative_pain_points_workspace ON initiative_pain_points (workspace_id, initiative_id);
CREATE INDEX initiative_pain_points_pain_point ON initiative_pain_points (pain_point_id);

ALTER TABLE journeys ADD COLUMN doc_key TEXT;
CREATE UNIQUE INDEX journeys_doc_key ON journeys (workspace_id, doc_key);
ALTER TABLE touchpoints ADD COLUMN doc_key TEXT;
CREATE UNIQUE INDEX touchpoints_doc_key ON touchpoints (workspace_id, doc_key);
ALTER TABLE pain_points ADD COLUMN doc_key TEXT;
CREATE UNIQUE INDEX pain_points_doc_key ON pain_points (workspace_id, doc_key);
