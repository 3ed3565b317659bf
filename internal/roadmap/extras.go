package roadmap

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/goals"
)

// CheckInInput posts a check-in on an initiative. An initiative's check-in is stored and
// answered as a goals.CheckIn, and is judged by the same rules as a key result's
// (goals.CheckInInput: the status, the confidence, a note when at risk or off track); where a
// key result reports a value, an initiative reports its progress.
type CheckInInput struct {
	Status     goals.Status `json:"status" jsonschema:"enum=on_track,enum=at_risk,enum=off_track"`
	Progress   *float64     `json:"progress" jsonschema:"minimum=0,maximum=100" jsonschema_description:"How far along the initiative is, in percent."`
	Confidence int          `json:"confidence" jsonschema:"minimum=1,maximum=10"`
	Note       string       `json:"note,omitempty" jsonschema:"maxLength=5000" jsonschema_description:"Required when the status is at_risk or off_track: what is wrong."`
	Blockers   string       `json:"blockers,omitempty" jsonschema:"maxLength=5000"`
}

// Validate normalises the input and reports each field at fault.
func (in *CheckInInput) Validate() error {
	shared := goals.CheckInInput{Status: in.Status, Confidence: in.Confidence, Note: in.Note, Blockers: in.Blockers}
	err := shared.Validate()
	in.Note, in.Blockers = shared.Note, shared.Blockers
	var fields []fault.FieldError
	var inv *fault.InvalidError
	switch {
	case errors.As(err, &inv):
		fields = inv.Fields
	case err != nil:
		return err
	}
	switch p := in.Progress; {
	case p == nil:
		fields = append(fields, fault.FieldError{Field: "progress", Message: "is required: how far along the initiative is, from 0 to 100"})
	case math.IsNaN(*p) || *p < 0 || *p > 100:
		fields = append(fields, fault.FieldError{Field: "progress", Message: "must be a percentage from 0 to 100"})
	}
	if len(fields) > 0 {
		return &fault.InvalidError{Fields: fields}
	}
	return nil
}

// DefaultCadenceDays is the check-in cadence of a workspace that has not set one.
const DefaultCadenceDays = 14

// CheckInCadence is how often a workspace expects a check-in on each key result and on each
// initiative that is planned or in progress. Items that go longer without one are stale.
type CheckInCadence struct {
	Days int `json:"days" jsonschema:"minimum=1,maximum=365" jsonschema_description:"Days between check-ins; an item with no check-in for longer is stale."`
}

// Validate reports each field at fault.
func (c *CheckInCadence) Validate() error {
	var v fault.Validation
	v.Check(c.Days >= 1 && c.Days <= 365, "days", "must be a whole number of days from 1 to 365")
	return v.Err()
}

// Stale reports whether an item last checked in at last has gone longer than the cadence
// without a check-in at now. An item never checked in (last is zero) counts from created.
func (c CheckInCadence) Stale(last, created, now time.Time) bool {
	since := last
	if since.IsZero() {
		since = created
	}
	return now.Sub(since) > time.Duration(c.Days)*24*time.Hour
}

// ExpectsCheckIns reports whether an initiative in status s is expected to check in: once it
// is planned and until it is done or dropped. An idea has nothing to report yet.
func (s Status) ExpectsCheckIns() bool { return s == Planned || s == InProgress }

// KeyResultLink is a key result an initiative is meant to move, and by how much.
type KeyResultLink struct {
	InitiativeID   int64    `json:"initiative_id"`
	KeyResultID    int64    `json:"key_result_id"`
	Title          string   `json:"title" jsonschema_description:"The key result's title."`
	Unit           string   `json:"unit" jsonschema_description:"The key result's unit, in which the expected effect is counted."`
	ExpectedEffect *float64 `json:"expected_effect,omitempty" jsonschema_description:"How much the initiative should move the key result, in its unit; absent when not estimated."`
	Note           string   `json:"note,omitempty"`
}

// KeyResultLinkInput links an initiative to a key result, or changes the link.
type KeyResultLinkInput struct {
	ExpectedEffect *float64 `json:"expected_effect,omitempty" jsonschema_description:"How much the initiative should move the key result, in its unit (negative for a decrease)."`
	Note           string   `json:"note,omitempty" jsonschema:"maxLength=2000"`
}

// Validate normalises the input and reports each field at fault.
func (in *KeyResultLinkInput) Validate() error {
	var v fault.Validation
	if e := in.ExpectedEffect; e != nil {
		v.Check(!math.IsNaN(*e) && !math.IsInf(*e, 0), "expected_effect", "must be a finite number")
	}
	in.Note = strings.TrimSpace(in.Note)
	v.Check(utf8.RuneCountInString(in.Note) <= 2000, "note", "must be at most 2000 characters")
	return v.Err()
}

// TeamLoad is what a team is responsible for on the roadmap, for planning its capacity.
type TeamLoad struct {
	TeamID   int64          `json:"team_id"`
	Name     string         `json:"name"`
	Total    int            `json:"total" jsonschema_description:"Open initiatives the team is responsible for."`
	Horizons HorizonCounts  `json:"horizons"`
	Quarters []QuarterCount `json:"quarters" jsonschema_description:"By the calendar quarter of the due date, in time order; quarters with none are left out."`
	Undated  int            `json:"undated" jsonschema_description:"Initiatives without a due date."`
	// Initiatives are the ones counted, by due date (undated last), then id.
	Initiatives []TeamInitiative `json:"initiatives"`
}

// HorizonCounts counts initiatives per horizon.
type HorizonCounts struct {
	Short int `json:"short"`
	Mid   int `json:"mid"`
	Long  int `json:"long"`
}

// QuarterCount counts the initiatives due in one calendar quarter.
type QuarterCount struct {
	Quarter string `json:"quarter" jsonschema_description:"The calendar quarter, such as 2026-Q2."`
	Count   int    `json:"count"`
}

// TeamInitiative is an initiative as a team's load lists it.
type TeamInitiative struct {
	ID      int64      `json:"id"`
	Title   string     `json:"title"`
	Horizon Horizon    `json:"horizon" jsonschema:"enum=short,enum=mid,enum=long"`
	Status  Status     `json:"status" jsonschema:"enum=idea,enum=planned,enum=in_progress,enum=done,enum=dropped"`
	DueDate civil.Date `json:"due_date,omitzero"`
}

// Responsibility says that a team is responsible for an initiative.
type Responsibility struct {
	TeamID     int64
	Initiative TeamInitiative
}

// Quarter names the calendar quarter d falls in, such as "2026-Q2".
func Quarter(d civil.Date) string {
	return fmt.Sprintf("%04d-Q%d", d.Year, (int(d.Month)-1)/3+1)
}

// Loads counts each team's responsibilities. Teams come in the order given, each with its
// id and name set; a team responsible for nothing has zero counts. Done and dropped
// initiatives take no capacity and are left out.
func Loads(teams []TeamLoad, rs []Responsibility) []TeamLoad {
	byTeam := make(map[int64][]TeamInitiative, len(teams))
	for _, r := range rs {
		if r.Initiative.Status == Done || r.Initiative.Status == Dropped {
			continue
		}
		byTeam[r.TeamID] = append(byTeam[r.TeamID], r.Initiative)
	}
	out := make([]TeamLoad, len(teams))
	for i, t := range teams {
		load := TeamLoad{TeamID: t.TeamID, Name: t.Name, Quarters: []QuarterCount{}, Initiatives: []TeamInitiative{}}
		quarters := map[string]int{}
		for _, it := range byTeam[t.TeamID] {
			load.Total++
			switch it.Horizon {
			case Short:
				load.Horizons.Short++
			case Mid:
				load.Horizons.Mid++
			case Long:
				load.Horizons.Long++
			}
			if it.DueDate.IsZero() {
				load.Undated++
			} else {
				quarters[Quarter(it.DueDate)]++
			}
			load.Initiatives = append(load.Initiatives, it)
		}
		for q, n := range quarters {
			load.Quarters = append(load.Quarters, QuarterCount{Quarter: q, Count: n})
		}
		slices.SortFunc(load.Quarters, func(a, b QuarterCount) int { return strings.Compare(a.Quarter, b.Quarter) })
		slices.SortFunc(load.Initiatives, func(a, b TeamInitiative) int {
			if a.DueDate.IsZero() != b.DueDate.IsZero() {
				if a.DueDate.IsZero() {
					return 1
				}
				return -1
			}
			if c := a.DueDate.Compare(b.DueDate); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
		out[i] = load
	}
	return out
}
