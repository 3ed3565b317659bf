package roadmap

import "github.com/lodestar-cx/lodestar/internal/journey"

// TouchpointLink is a touchpoint of a customer journey that an initiative is meant to improve.
type TouchpointLink struct {
	InitiativeID int64           `json:"initiative_id"`
	TouchpointID int64           `json:"touchpoint_id"`
	JourneyID    int64           `json:"journey_id" jsonschema_description:"The journey the touchpoint is on."`
	Name         string          `json:"name" jsonschema_description:"The touchpoint's name."`
	Channel      journey.Channel `json:"channel" jsonschema:"enum=web,enum=email,enum=in_app,enum=support,enum=phone,enum=store,enum=social,enum=other"`
	EventName    string          `json:"event_name,omitempty" jsonschema_description:"The event that marks the touchpoint when it is a milestone."`
}

// PainPointLink is a pain point of a customer journey that an initiative is meant to relieve.
type PainPointLink struct {
	InitiativeID int64              `json:"initiative_id"`
	PainPointID  int64              `json:"pain_point_id"`
	JourneyID    int64              `json:"journey_id" jsonschema_description:"The journey the pain point is on."`
	Title        string             `json:"title" jsonschema_description:"The pain point's title."`
	Severity     int                `json:"severity" jsonschema:"minimum=1,maximum=5"`
	Status       journey.PainStatus `json:"status" jsonschema:"enum=open,enum=acknowledged,enum=solved"`
}
