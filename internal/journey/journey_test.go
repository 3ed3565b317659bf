package journey

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// fields lists the fields an error names, in order; nil for no error.
func fields(err error) []string {
	if err == nil {
		return nil
	}
	var inv *fault.InvalidError
	if !errors.As(err, &inv) {
		return []string{"not a field error: " + err.Error()}
	}
	var out []string
	for _, f := range inv.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestStale(t *testing.T) {
	created := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name         string
		lastReviewed time.Time
		cadence      int
		now          time.Time
		want         bool
	}{
		{"never reviewed, within the cadence", time.Time{}, 30, created.Add(29 * day), false},
		{"never reviewed, exactly at the cadence", time.Time{}, 30, created.Add(30 * day), false},
		{"never reviewed, past the cadence", time.Time{}, 30, created.Add(30*day + time.Second), true},
		{"reviewed recently", created.Add(40 * day), 30, created.Add(60 * day), false},
		{"review older than the cadence", created.Add(40 * day), 30, created.Add(71 * day), true},
		{"a review resets the clock of an old journey", created.Add(400 * day), 90, created.Add(401 * day), false},
		{"one-day cadence", created, 1, created.Add(day + time.Minute), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Stale(created, tt.lastReviewed, tt.cadence, tt.now); got != tt.want {
				t.Errorf("Stale(%v, %v, %d, %v) = %v, want %v", created, tt.lastReviewed, tt.cadence, tt.now, got, tt.want)
			}
		})
	}
	j := Journey{CreatedAt: created, ReviewCadenceDays: 10}
	j.Compute(created.Add(11 * day))
	if !j.Stale || !j.ReviewDue.Equal(created.Add(10*day)) {
		t.Errorf("Compute 11 days after creation, cadence 10: stale %v, due %v; want true, %v", j.Stale, j.ReviewDue, created.Add(10*day))
	}
}

func TestJourneyInput(t *testing.T) {
	in := JourneyInput{Name: "  Onboarding  "}
	if err := in.Validate(); err != nil {
		t.Fatalf("Validate(minimal) = %v", err)
	}
	if in.Name != "Onboarding" || *in.ReviewCadenceDays != DefaultCadenceDays || !slices.Equal(in.Stages, DefaultStages) {
		t.Errorf("defaults = %q, %d, %v; want trimmed name, %d, %v", in.Name, *in.ReviewCadenceDays, in.Stages, DefaultCadenceDays, DefaultStages)
	}
	in.Stages[0] = "changed"
	if DefaultStages[0] != "awareness" {
		t.Fatal("a journey's stages share the DefaultStages array")
	}
	zero, long := 0, 4000
	tests := []struct {
		name string
		in   JourneyInput
		want []string
	}{
		{"own stages", JourneyInput{Name: "J", Stages: []string{"sign up", "first form"}}, nil},
		{"no name", JourneyInput{Name: " "}, []string{"name"}},
		{"two owners", JourneyInput{Name: "J", OwnerUserID: 1, OwnerTeamID: 2}, []string{"owner_team_id"}},
		{"zero cadence", JourneyInput{Name: "J", ReviewCadenceDays: &zero}, []string{"review_cadence_days"}},
		{"cadence too long", JourneyInput{Name: "J", ReviewCadenceDays: &long}, []string{"review_cadence_days"}},
		{"empty stage list", JourneyInput{Name: "J", Stages: []string{}}, []string{"stages"}},
		{"blank and repeated stages", JourneyInput{Name: "J", Stages: []string{"a", " ", "a "}}, []string{"stages[1]", "stages[2]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fields(tt.in.Validate()); !slices.Equal(got, tt.want) {
				t.Errorf("Validate() fields = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestJourneyUpdate(t *testing.T) {
	j := Journey{Name: "J", OwnerUserID: 4, ReviewCadenceDays: 30}
	team, none := int64(7), int64(0)
	if _, err := (&JourneyUpdate{OwnerTeamID: &team}).Apply(j); !slices.Equal(fields(err), []string{"owner_team_id"}) {
		t.Errorf("a team owner beside a user owner = %v, want refused on owner_team_id", err)
	}
	got, err := (&JourneyUpdate{OwnerTeamID: &team, OwnerUserID: &none}).Apply(j)
	if err != nil || got.OwnerTeamID != 7 || got.OwnerUserID != 0 {
		t.Errorf("switching the owner to a team = %+v, %v", got, err)
	}
}

func TestCheckOrder(t *testing.T) {
	current := []int64{10, 11, 12}
	tests := []struct {
		name  string
		order []int64
		want  []string
	}{
		{"a permutation", []int64{12, 10, 11}, nil},
		{"the same order", []int64{10, 11, 12}, nil},
		{"one missing", []int64{12, 10}, []string{"stage_ids"}},
		{"a stranger", []int64{12, 10, 11, 99}, []string{"stage_ids[3]"}},
		{"a stranger in place of one", []int64{12, 99, 11}, []string{"stage_ids[1]", "stage_ids"}},
		{"a repeat", []int64{12, 10, 11, 10}, []string{"stage_ids[3]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fields(CheckOrder(current, tt.order)); !slices.Equal(got, tt.want) {
				t.Errorf("CheckOrder(%v, %v) fields = %v, want %v", current, tt.order, got, tt.want)
			}
		})
	}
	if got := fields((&StageOrder{StageIDs: []int64{3, 4, 3, 0}}).Validate()); !slices.Equal(got, []string{"stage_ids[2]", "stage_ids[3]"}) {
		t.Errorf("StageOrder.Validate fields = %v, want the repeat and the zero", got)
	}
}

func TestEventNames(t *testing.T) {
	for _, name := range []string{"form_created", "signup", "step_2_done", "a1"} {
		if !ValidEventName(name) {
			t.Errorf("ValidEventName(%q) = false, want true", name)
		}
	}
	for _, name := range []string{"", "FormCreated", "form-created", "form created", "_form", "form_", "form__created", "2fa_enabled",
		"form.created", "formulär", strings.Repeat("a", 65)} {
		if ValidEventName(name) {
			t.Errorf("ValidEventName(%q) = true, want false", name)
		}
	}
	in := TouchpointInput{StageID: 1, Name: "Create a form", Channel: ChannelInApp, EventName: "Form-Created"}
	if got := fields(in.Validate()); !slices.Equal(got, []string{"event_name"}) {
		t.Errorf("TouchpointInput with a bad event name: fields %v, want [event_name]", got)
	}
	in = TouchpointInput{StageID: 1, Name: "Create a form", Channel: "in-app"}
	if got := fields(in.Validate()); !slices.Equal(got, []string{"channel"}) {
		t.Errorf("TouchpointInput with channel in-app: fields %v, want [channel]", got)
	}
	tp, err := (&TouchpointUpdate{EventName: new("form_created")}).Apply(Touchpoint{Name: "T", Channel: ChannelWeb})
	if err != nil || !tp.Milestone {
		t.Errorf("giving a touchpoint an event name = %+v, %v; want a milestone", tp, err)
	}
}

func TestPainPointInput(t *testing.T) {
	ok := PainPointInput{Title: "Slow export", Severity: 3,
		Evidence: []Evidence{{Title: "Ticket", URL: "https://support.example.com/t/1"}, {URL: "HTTP://example.com"}}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	if ok.Status != Open {
		t.Errorf("status when absent = %q, want open", ok.Status)
	}
	tests := []struct {
		name string
		in   PainPointInput
		want []string
	}{
		{"severity 0", PainPointInput{Title: "P", Severity: 0}, []string{"severity"}},
		{"severity 6", PainPointInput{Title: "P", Severity: 6}, []string{"severity"}},
		{"unknown status", PainPointInput{Title: "P", Severity: 2, Status: "closed"}, []string{"status"}},
		{"bad links", PainPointInput{Title: "P", Severity: 2, Evidence: []Evidence{
			{URL: "javascript:alert(1)"}, {URL: "https://"}, {URL: "/relative"}, {URL: "ftp://example.com/x"},
			{URL: "https://user:pw@example.com/"}, {URL: ""}, {URL: "https://example.com/ok"}}},
			[]string{"evidence[0].url", "evidence[1].url", "evidence[2].url", "evidence[3].url", "evidence[4].url", "evidence[5].url"}},
		{"too many links", PainPointInput{Title: "P", Severity: 2, Evidence: make([]Evidence, MaxEvidence+1)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fields(tt.in.Validate())
			if tt.want == nil {
				if len(got) == 0 || got[0] != "evidence" {
					t.Errorf("Validate() fields = %v, want evidence first", got)
				}
				return
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Validate() fields = %v, want %v", got, tt.want)
			}
		})
	}
	p, err := (&PainPointUpdate{Severity: new(5), Status: new(Solved)}).Apply(PainPoint{Title: "P", Severity: 2, Status: Open})
	if err != nil || p.Severity != 5 || p.Status != Solved {
		t.Errorf("PainPointUpdate.Apply = %+v, %v", p, err)
	}
	if _, err := (&PainPointUpdate{Severity: new(9)}).Apply(p); !slices.Equal(fields(err), []string{"severity"}) {
		t.Errorf("PainPointUpdate to severity 9 = %v, want refused on severity", err)
	}
}
