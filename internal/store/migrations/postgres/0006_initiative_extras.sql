-- Check-ins on initiatives beside those on key results, the workspace's check-in cadence by
-- which both go stale, and a note on each link from an initiative to a key result it moves.
ALTER TABLE workspaces ADD COLUMN check_in_cadence_days INTEGER NOT NULL DEFAULT 14
	CHECK (check_in_cadence_days BETWEEN 1 AND 365);

ALTER TABLE check_ins ADD COLUMN initiative_id BIGINT REFERENCES initiatives (id) ON DELETE CASCADE;
ALTER TABLE check_ins ADD CONSTRAINT check_ins_subject CHECK ((key_result_id IS NULL) <> (initiative_id IS NULL));
ALTER TABLE check_ins ADD COLUMN progress DOUBLE PRECISION CHECK (progress BETWEEN 0 AND 100);
CREATE INDEX check_ins_initiative ON check_ins (workspace_id, initiative_id, id);

ALTER TABLE initiative_key_results ADD COLUMN note TEXT NOT NULL DEFAULT '';
CREATE INDEX initiative_key_results_workspace ON initiative_key_results (workspace_id, initiative_id);
