// Package roadmapdoc is the roadmap as code: a workspace's goals, key results, customer
// journeys (stages, touchpoints, pain points), initiatives, owners, dependencies and the links
// from initiatives to touchpoints and pain points as one readable YAML document. Export writes
// it with stable keys and in a stable order, so that export, apply and export again gives the
// same bytes; Apply checks a whole document first (every error names its path, such as
// initiatives[3].dependsOn[0]), shows what would change, and makes the changes in one
// transaction.
package roadmapdoc

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/lodestar-cx/lodestar/internal/civil"
)

// FormatVersion is the document format this package writes. Version 2 added the journeys and
// the initiatives' links to touchpoints and pain points.
const FormatVersion = 2

// versionWithoutJourneys is the older format, still read: a document of that version holds
// no journeys, so applying it leaves the workspace's journeys and initiative links as they
// are rather than deleting them all.
const versionWithoutJourneys = 1

// Document is a workspace's roadmap.
type Document struct {
	Version     int          `yaml:"version"`
	Framework   Framework    `yaml:"framework"`
	Goals       []Goal       `yaml:"goals"`
	Journeys    []Journey    `yaml:"journeys"`
	Initiatives []Initiative `yaml:"initiatives"`
}

// Framework is the scoring framework.
type Framework struct {
	Kind    string   `yaml:"kind"`
	Weights *Weights `yaml:"weights,omitempty"`
	Formula string   `yaml:"formula,omitempty"`
}

// Weights are the weights of the impact-feasibility-alignment framework.
type Weights struct {
	Impact      float64 `yaml:"impact"`
	Feasibility float64 `yaml:"feasibility"`
	Alignment   float64 `yaml:"alignment"`
}

// Goal is a node of the goal tree with its key results.
type Goal struct {
	Key         string      `yaml:"key"`
	Title       string      `yaml:"title"`
	Level       string      `yaml:"level,omitempty"`
	Parent      string      `yaml:"parent,omitempty"`
	Description string      `yaml:"description,omitempty"`
	Owner       *Owner      `yaml:"owner,omitempty"`
	PeriodStart civil.Date  `yaml:"periodStart,omitempty"`
	PeriodEnd   civil.Date  `yaml:"periodEnd,omitempty"`
	Status      string      `yaml:"status"`
	Weight      float64     `yaml:"weight"`
	KeyResults  []KeyResult `yaml:"keyResults,omitempty"`
}

// Owner is a person (by email) or a team (by name).
type Owner struct {
	User string `yaml:"user,omitempty"`
	Team string `yaml:"team,omitempty"`
}

// KeyResult measures a goal.
type KeyResult struct {
	Key      string     `yaml:"key"`
	Title    string     `yaml:"title"`
	Kind     string     `yaml:"kind"`
	Baseline float64    `yaml:"baseline"`
	Target   float64    `yaml:"target"`
	Current  float64    `yaml:"current"`
	Unit     string     `yaml:"unit,omitempty"`
	Start    civil.Date `yaml:"start,omitempty"`
	Due      civil.Date `yaml:"due"`
	Weight   float64    `yaml:"weight"`
	Source   string     `yaml:"source,omitempty"`
	Metric   int64      `yaml:"metric,omitempty"`
}

// Initiative is an item of the roadmap.
type Initiative struct {
	Key         string             `yaml:"key"`
	Title       string             `yaml:"title"`
	Description string             `yaml:"description,omitempty"`
	Horizon     string             `yaml:"horizon"`
	Status      string             `yaml:"status"`
	Start       civil.Date         `yaml:"start,omitempty"`
	Due         civil.Date         `yaml:"due,omitempty"`
	Inputs      map[string]float64 `yaml:"inputs,omitempty"`
	Owners      []Assignment       `yaml:"owners,omitempty"`
	DependsOn   []string           `yaml:"dependsOn,omitempty"`
	// Touchpoints and PainPoints name what the initiative improves and relieves, each as
	// journey-key/touchpoint-key or journey-key/pain-point-key.
	Touchpoints []string `yaml:"touchpoints,omitempty"`
	PainPoints  []string `yaml:"painPoints,omitempty"`
}

// Assignment gives a person or a team a role in an initiative.
type Assignment struct {
	User string `yaml:"user,omitempty"`
	Team string `yaml:"team,omitempty"`
	Role string `yaml:"role"`
}

// Journey is a customer journey: its stages in order, the touchpoints in them and the pain
// points along the way. Touchpoint and pain point keys are the journey's own; elsewhere they
// are named journey-key/key.
type Journey struct {
	Key               string       `yaml:"key"`
	Name              string       `yaml:"name"`
	Persona           string       `yaml:"persona,omitempty"`
	Owner             *Owner       `yaml:"owner,omitempty"`
	ReviewCadenceDays int          `yaml:"reviewCadenceDays"`
	Stages            []string     `yaml:"stages,omitempty"`
	Touchpoints       []Touchpoint `yaml:"touchpoints,omitempty"`
	PainPoints        []PainPoint  `yaml:"painPoints,omitempty"`
}

// Touchpoint is a moment where the customer meets the product or the company; one with an
// event is a milestone.
type Touchpoint struct {
	Key     string `yaml:"key"`
	Name    string `yaml:"name"`
	Stage   string `yaml:"stage"`
	Channel string `yaml:"channel"`
	Team    string `yaml:"team,omitempty"`
	Event   string `yaml:"event,omitempty"`
}

// PainPoint is something that hurts customers on a journey, at one of its touchpoints (by
// key) or on the journey as a whole.
type PainPoint struct {
	Key         string     `yaml:"key"`
	Title       string     `yaml:"title"`
	Description string     `yaml:"description,omitempty"`
	Severity    int        `yaml:"severity"`
	Status      string     `yaml:"status"`
	Touchpoint  string     `yaml:"touchpoint,omitempty"`
	Evidence    []Evidence `yaml:"evidence,omitempty"`
}

// Evidence is a link to what shows a pain point.
type Evidence struct {
	Title string `yaml:"title,omitempty"`
	URL   string `yaml:"url"`
}

// ref names a touchpoint or pain point outside its journey.
func ref(journeyKey, key string) string { return journeyKey + "/" + key }

var keyPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// maxKeyLen bounds a key.
const maxKeyLen = 60

// slug makes a key from a title: lower-case letters and digits joined by hyphens.
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= maxKeyLen-4 {
			break
		}
	}
	if b.Len() == 0 {
		return "item"
	}
	return b.String()
}

// keyer hands out keys: an object's own key when it has one, else one made from its title that
// no other object of its kind has.
type keyer struct{ taken map[string]bool }

func newKeyer(own []string) *keyer {
	k := &keyer{taken: map[string]bool{}}
	for _, key := range own {
		if key != "" {
			k.taken[key] = true
		}
	}
	return k
}

func (k *keyer) key(own, title string) string {
	if own != "" {
		return own
	}
	base := slug(title)
	key := base
	for n := 2; k.taken[key]; n++ {
		key = base + "-" + strconv.Itoa(n)
	}
	k.taken[key] = true
	return key
}
