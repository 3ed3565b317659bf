-- Metric kinds from customer events beside retention and churn: a conversion metric names the
-- milestone event it counts and the days after sign-up it may come within; a CLV metric names
-- the gross margin it counts.
ALTER TABLE metric_definitions ADD COLUMN event TEXT NOT NULL DEFAULT '';
ALTER TABLE metric_definitions ADD COLUMN within_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE metric_definitions ADD COLUMN margin DOUBLE PRECISION NOT NULL DEFAULT 0;
