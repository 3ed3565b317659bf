// Package insights turns feedback text into what a CX roadmap starts from: saved themes
// (keyword rules, or phrases found by discovery), the themes and sentiment of each feedback
// item, friction points (themes detractors name significantly more than promoters, per
// touchpoint and stage), and the themes behind a metric's move. The text work is done by
// packages text, sentiment and themes; the statistics by stats; this package holds the
// domain types and the computations over counts, and the store keeps the results.
package insights

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/sentiment"
	"github.com/lodestar-cx/lodestar/internal/stats"
	"github.com/lodestar-cx/lodestar/internal/text"
	"github.com/lodestar-cx/lodestar/internal/themes"
)

// Origin says where a theme comes from.
type Origin string

// The origins.
const (
	// FromRule is a theme defined by keywords: it tags the items that hold them.
	FromRule Origin = "rule"
	// FromDiscovery is a theme found by discovery and saved: it tags the items that hold one
	// of its phrases.
	FromDiscovery Origin = "discovered"
)

// Theme is a saved theme of a workspace.
type Theme struct {
	ID          int64  `json:"id"`
	WorkspaceID int64  `json:"workspace_id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Origin      Origin `json:"origin" jsonschema:"enum=rule,enum=discovered"`
	// Any, All and None are a rule's keywords (phrases of one to three words, matched by their
	// stems: "crash" matches "crashed" and "crashing").
	Any  []string `json:"any,omitempty"`
	All  []string `json:"all,omitempty"`
	None []string `json:"none,omitempty"`
	// Phrases tag an item with a discovered theme when it holds one of them.
	Phrases []string `json:"phrases,omitempty"`
	// TouchpointID links the theme to the journey touchpoint it is about; PainPointID to the
	// pain point it became.
	TouchpointID *int64    `json:"touchpoint_id,omitempty"`
	PainPointID  *int64    `json:"pain_point_id,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"version"`
}

// ETagVersion is the version sent as the ETag.
func (t Theme) ETagVersion() int64 { return t.Version }

// ThemeInput creates or replaces a theme: keywords (any, all, none) for a rule, or phrases for
// a discovered theme, not both.
type ThemeInput struct {
	Name         string   `json:"name" jsonschema:"minLength=1,maxLength=100"`
	Description  string   `json:"description,omitempty" jsonschema:"maxLength=2000"`
	Any          []string `json:"any,omitempty" jsonschema:"maxItems=100" jsonschema_description:"A rule: an item matches when it holds one of these phrases (and all of all, and none of none)."`
	All          []string `json:"all,omitempty" jsonschema:"maxItems=20"`
	None         []string `json:"none,omitempty" jsonschema:"maxItems=50"`
	Phrases      []string `json:"phrases,omitempty" jsonschema:"maxItems=100" jsonschema_description:"A discovered theme: the phrases that tag it, as discovery listed them. Give phrases or keywords, not both."`
	TouchpointID *int64   `json:"touchpoint_id,omitempty" jsonschema_description:"The journey touchpoint the theme is about."`
}

// Origin is the origin of the theme the input describes.
func (in ThemeInput) Origin() Origin {
	if len(in.Phrases) > 0 {
		return FromDiscovery
	}
	return FromRule
}

// Validate trims the input and checks it, the keywords and phrases as the tagger reads them.
func (in *ThemeInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	trim := func(ps []string) []string {
		out := ps[:0]
		for _, p := range ps {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	in.Any, in.All, in.None, in.Phrases = trim(in.Any), trim(in.All), trim(in.None), trim(in.Phrases)
	var v fault.Validation
	v.Check(in.Name != "" && utf8.RuneCountInString(in.Name) <= 100, "name", "must be 1 to 100 characters")
	v.Check(utf8.RuneCountInString(in.Description) <= 2000, "description", "must be at most 2000 characters")
	rule := len(in.Any)+len(in.All)+len(in.None) > 0
	switch {
	case rule && len(in.Phrases) > 0:
		v.Add("phrases", "give phrases (a discovered theme) or keywords (any, all, none), not both")
	case !rule && len(in.Phrases) == 0:
		v.Add("any", "is required: the keywords of a rule, or else the phrases of a discovered theme")
	}
	v.Check(len(in.Any) <= 100 && len(in.All) <= 20 && len(in.None) <= 50 && len(in.Phrases) <= 100, "any", "too many keywords or phrases")
	if v.Err() == nil {
		if rule {
			if err := themes.ValidateRules(text.English, []themes.Rule{in.rule()}); err != nil {
				v.Add("any", "%s", strings.TrimSuffix(err.Error(), ": "+themes.ErrInvalidRule.Error()))
			}
		} else {
			for i, p := range in.Phrases {
				if err := themes.ValidateRules(text.English, []themes.Rule{{Name: in.Name, Any: []string{p}}}); err != nil {
					v.Add(fmt.Sprintf("phrases[%d]", i), "%q is not a phrase of one to three words that are not all stop words", p)
				}
			}
		}
	}
	return v.Err()
}

func (in ThemeInput) rule() themes.Rule {
	return themes.Rule{Name: in.Name, Any: in.Any, All: in.All, None: in.None}
}

// Theme is the theme the input describes.
func (in ThemeInput) Theme() Theme {
	return Theme{Name: in.Name, Description: in.Description, Origin: in.Origin(), Any: in.Any, All: in.All, None: in.None,
		Phrases: in.Phrases, TouchpointID: in.TouchpointID}
}

// Tagger tags texts with a workspace's saved themes and scores their sentiment.
type Tagger struct {
	tagger *themes.Tagger
	ids    map[string]int64
}

// NewTagger builds the tagger of saved themes ts: rules first, then discovered themes.
func NewTagger(ts []Theme) (*Tagger, error) {
	var rules []themes.Rule
	var found []themes.Theme
	ids := map[string]int64{}
	for _, t := range ts {
		ids[t.Name] = t.ID
		if t.Origin == FromRule {
			rules = append(rules, themes.Rule{Name: t.Name, Any: t.Any, All: t.All, None: t.None})
			continue
		}
		th := themes.Theme{Name: t.Name}
		for _, p := range t.Phrases {
			th.Phrases = append(th.Phrases, themes.PhraseStat{Key: Key(p)})
		}
		found = append(found, th)
	}
	tg, err := themes.NewTagger(text.English, rules, found)
	if err != nil {
		return nil, err
	}
	return &Tagger{tagger: tg, ids: ids}, nil
}

// Key is a phrase as the tagger matches it: its stems, stop words inside kept.
func Key(phrase string) string {
	var key string
	text.With(text.English, func(a *text.Analyzer) {
		text.Phrases(a.Terms(nil, phrase), text.MaxPhrase, func(p text.Phrase) {
			if len(p.Key) > len(key) {
				key = p.Key
			}
		})
	})
	return key
}

// Example is a quote of a feedback item.
type Example struct {
	ID   int64  `json:"id"`
	Text string `json:"text"`
}

// Analysis is what the analysis pass finds in one item's text.
type Analysis struct {
	Sentiment sentiment.Result
	Themes    []int64
}

// Analyze scores the sentiment of s and lists the ids of the themes that tag it. Text that
// is empty has neither.
func (t *Tagger) Analyze(s string) Analysis {
	if strings.TrimSpace(s) == "" {
		return Analysis{Sentiment: sentiment.Result{Label: sentiment.Neutral}}
	}
	a := Analysis{Sentiment: sentiment.Analyze(s)}
	for _, name := range t.tagger.Tag(s) {
		if id, ok := t.ids[name]; ok {
			a.Themes = append(a.Themes, id)
		}
	}
	return a
}

// Groups counts detractors and promoters (NPS 0–6 and 9–10) in one place of the journey,
// and how many of each name a theme.
type Groups struct {
	Detractors, Promoters int
}

// FrictionCount is what the store counts for one theme at one touchpoint: how many detractor
// and promoter answers name it, and the distinct detractor customers who did, with their
// revenue.
type FrictionCount struct {
	Touchpoint string
	ThemeID    int64
	Detractors int
	Promoters  int
	Customers  int
	Revenue    float64
}

// FrictionPoint is a theme that detractors at a touchpoint name significantly more often
// than its promoters do.
type FrictionPoint struct {
	Touchpoint string `json:"touchpoint" jsonschema_description:"The touchpoint, by name; empty for answers about none."`
	Stage      string `json:"stage,omitempty" jsonschema_description:"The journey stage of the touchpoint, where a journey has it."`
	ThemeID    int64  `json:"theme_id"`
	Theme      string `json:"theme"`
	// DetractorShare and PromoterShare are the shares, in percent, of the touchpoint's
	// detractors and promoters whose answer names the theme.
	Detractors     int     `json:"detractors"`
	DetractorShare float64 `json:"detractor_share"`
	Promoters      int     `json:"promoters"`
	PromoterShare  float64 `json:"promoter_share"`
	// Test is the two-proportion z test of the detractors' share against the promoters'.
	Test stats.Test `json:"test"`
	// Customers and Revenue are the distinct detractor customers who named the theme, and
	// their revenue.
	Customers int     `json:"customers"`
	Revenue   float64 `json:"revenue"`
}

// Friction finds the friction points among counts: the themes whose share among a
// touchpoint's detractors is above their share among its promoters with p below alpha (two-
// sided two-proportion z test), ranked by the customers and then the revenue affected.
// totals holds each touchpoint's detractors and promoters; names the themes' names.
func Friction(counts []FrictionCount, totals map[string]Groups, names map[int64]string, alpha float64) []FrictionPoint {
	var out []FrictionPoint
	for _, c := range counts {
		g := totals[c.Touchpoint]
		if g.Detractors == 0 || g.Promoters == 0 || c.Detractors == 0 {
			continue
		}
		t := stats.TwoProportions(c.Detractors, g.Detractors, c.Promoters, g.Promoters)
		t.Difference, t.Interval.Low, t.Interval.High = 100*t.Difference, 100*t.Interval.Low, 100*t.Interval.High
		t.Significant = t.P < alpha
		if t.Difference <= 0 || !t.Significant {
			continue
		}
		out = append(out, FrictionPoint{Touchpoint: c.Touchpoint, ThemeID: c.ThemeID, Theme: names[c.ThemeID],
			Detractors: c.Detractors, DetractorShare: pct(c.Detractors, g.Detractors),
			Promoters: c.Promoters, PromoterShare: pct(c.Promoters, g.Promoters),
			Test: t, Customers: c.Customers, Revenue: c.Revenue})
	}
	slices.SortFunc(out, func(a, b FrictionPoint) int {
		if c := cmp.Compare(b.Customers, a.Customers); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Revenue, a.Revenue); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Test.P, b.Test.P); c != 0 {
			return c
		}
		return cmp.Compare(a.Theme, b.Theme)
	})
	return out
}

func pct(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(int(100*float64(k)/float64(n)*100+0.5)) / 100
}

// ThemeShift is how often detractors named a theme in two periods.
type ThemeShift struct {
	ThemeID     int64      `json:"theme_id"`
	Theme       string     `json:"theme"`
	Before      int        `json:"before" jsonschema_description:"Detractor answers naming the theme in the earlier period."`
	BeforeShare float64    `json:"before_share" jsonschema_description:"Their share of that period's detractor answers, in percent."`
	After       int        `json:"after"`
	AfterShare  float64    `json:"after_share"`
	Test        stats.Test `json:"test" jsonschema_description:"The later share less the earlier, by the two-proportion z test."`
}

// Shifts compares how many detractors named each theme before and after (out of
// detractorsBefore and detractorsAfter), the biggest moves first, significant ones before the
// others.
func Shifts(before, after map[int64]int, detractorsBefore, detractorsAfter int, names map[int64]string) []ThemeShift {
	var out []ThemeShift
	seen := map[int64]bool{}
	add := func(id int64) {
		if seen[id] {
			return
		}
		seen[id] = true
		t := stats.TwoProportions(after[id], detractorsAfter, before[id], detractorsBefore)
		t.Difference, t.Interval.Low, t.Interval.High = 100*t.Difference, 100*t.Interval.Low, 100*t.Interval.High
		out = append(out, ThemeShift{ThemeID: id, Theme: names[id], Before: before[id], BeforeShare: pct(before[id], detractorsBefore),
			After: after[id], AfterShare: pct(after[id], detractorsAfter), Test: t})
	}
	for id := range before {
		add(id)
	}
	for id := range after {
		add(id)
	}
	slices.SortFunc(out, func(a, b ThemeShift) int {
		if a.Test.Significant != b.Test.Significant {
			if a.Test.Significant {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(abs(b.Test.Difference), abs(a.Test.Difference)); c != 0 {
			return c
		}
		return cmp.Compare(a.Theme, b.Theme)
	})
	return out
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// ShiftSummary says the largest significant theme moves among detractors in a sentence, or
// that none moved significantly.
func ShiftSummary(shifts []ThemeShift) string {
	var parts []string
	for _, s := range shifts {
		if !s.Test.Significant || len(parts) == 3 {
			break
		}
		dir := "rose"
		if s.Test.Difference < 0 {
			dir = "fell"
		}
		parts = append(parts, fmt.Sprintf("%q %s from %.1f%% to %.1f%% of detractors (p = %.3f)", s.Theme, dir, s.BeforeShare, s.AfterShare, s.Test.P))
	}
	if len(parts) == 0 {
		return "No theme moved significantly among detractors."
	}
	return "Among detractors, " + strings.Join(parts, "; ") + "."
}
