// Command gen writes a survey export of any size for the import benchmark (bench/import.sh),
// and the Mapping JSON that imports it with the generic "csv" format.
//
//	go run ./bench/gen -rows 1000000 -out bench/out/survey.csv -mapping bench/out/survey.mapping.json -seed 1
//
// The file looks like a real NPS survey export: one row per response, customers who answer
// more than once and keep their plan and region, scores skewed the way NPS and CSAT answers
// are (many 9s and 10s, a spike of 0s, some questions skipped), and comments built from CX
// phrases, with commas, quotes and the odd line break inside quoted fields. It is written as
// it is generated, so memory stays flat at any size, and the same seed gives the same bytes.
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	rows := fs.Int("rows", 1000, "how many survey responses to write")
	out := fs.String("out", "-", "the CSV `file` to write; - for standard output")
	mapping := fs.String("mapping", "", "the `file` to write the Mapping JSON to; none when empty")
	seed := fs.Uint64("seed", 1, "the random seed: the same seed gives the same file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rows < 0 {
		return fmt.Errorf("-rows must be at least 0")
	}
	if *mapping != "" {
		if err := writeMapping(*mapping); err != nil {
			return err
		}
	}
	w := stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := generate(bw, *rows, *seed); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && *out != "-" {
		return f.Close()
	}
	return nil
}

// writeMapping writes the mapping that imports the file: the shape `lodestar import --mapping`
// reads (importer.Mapping). It is spelled out here rather than imported so that the benchmark
// also checks the documented JSON form.
func writeMapping(path string) error {
	type question struct {
		Column   string `json:"column"`
		Question string `json:"question"`
	}
	m := struct {
		Format         string            `json:"format"`
		Target         string            `json:"target"`
		Source         string            `json:"source"`
		SourceKind     string            `json:"source_kind"`
		ExternalID     string            `json:"external_id"`
		Customer       string            `json:"customer"`
		At             string            `json:"at"`
		Questions      []question        `json:"questions"`
		Text           []string          `json:"text"`
		Touchpoint     string            `json:"touchpoint"`
		Attributes     map[string]string `json:"attributes"`
		CustomerFields map[string]string `json:"customer_fields"`
	}{
		Format: "csv", Target: "feedback", Source: "bench", SourceKind: "survey",
		ExternalID: "response_id", Customer: "customer_id", At: "submitted_at",
		Questions:      []question{{"nps", "nps"}, {"csat", "csat"}},
		Text:           []string{"comment"},
		Touchpoint:     "touchpoint",
		Attributes:     map[string]string{"plan": "plan", "region": "region", "channel": "channel"},
		CustomerFields: map[string]string{"plan": "plan", "region": "region"},
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

var header = []string{"response_id", "submitted_at", "customer_id", "plan", "region", "channel", "nps", "csat", "comment", "touchpoint"}

// weighted picks among values by integer weights.
type weighted[T any] struct {
	values []T
	cum    []int
}

func newWeighted[T any](pairs ...any) weighted[T] {
	var w weighted[T]
	total := 0
	for i := 0; i < len(pairs); i += 2 {
		w.values = append(w.values, pairs[i].(T))
		total += pairs[i+1].(int)
		w.cum = append(w.cum, total)
	}
	return w
}

// pick maps r, uniform in [0, 1), to a value.
func (w weighted[T]) pick(r float64) T {
	n := int(r * float64(w.cum[len(w.cum)-1]))
	for i, c := range w.cum {
		if n < c {
			return w.values[i]
		}
	}
	return w.values[len(w.values)-1]
}

var (
	plans    = newWeighted[string]("free", 52, "starter", 27, "pro", 15, "enterprise", 6)
	regions  = newWeighted[string]("us-east", 30, "us-west", 18, "eu-west", 22, "eu-central", 12, "apac", 12, "latam", 6)
	channels = newWeighted[string]("email", 45, "in-app", 30, "web", 18, "sms", 7)
	// NPS answers: most give 8 to 10, and the unhappy often answer 0 rather than 2 or 3.
	npsScores = newWeighted[int](0, 7, 1, 1, 2, 2, 3, 2, 4, 2, 5, 5, 6, 5, 7, 10, 8, 16, 9, 22, 10, 28)
	// The zone offsets of the respondents' clocks, as survey tools export them.
	offsets     = newWeighted[int](0, 30, -5*60, 22, -8*60, 14, -6*60, 8, 60, 12, 2*60, 5, 5*60+30, 4, 9*60, 3, -3*60, 2)
	touchpoints = newWeighted[string]("onboarding", 18, "first_value", 8, "support_ticket", 20, "checkout", 10, "billing", 12,
		"renewal", 8, "mobile_app", 14, "feature_release", 10)
)

// Phrases of survey comments, by what they are about.
var (
	praise = []string{
		"Support was fast and friendly",
		"The onboarding checklist made setup painless",
		"Love the new dashboard, it is so much clearer",
		"Your team went above and beyond to fix our issue",
		"Great value for the price",
		"The integration with Slack just works",
		"Setup took us less than an hour",
		"Best \"customer success\" experience we have had with a vendor",
		"Reports are easy to share with my manager",
		"The mobile app is fast and reliable",
	}
	complaints = []string{
		"I waited three days for a reply from support",
		"Pricing went up again without any notice",
		"The export to CSV keeps timing out",
		"Onboarding was confusing, we did not know where to start",
		"Too many bugs since the last release",
		"The app crashes when I upload a large file",
		"Billing charged us twice this month",
		"Search never finds what I am looking for",
		"The \"simple\" plan is anything but simple",
		"Hard to cancel, I had to email three people",
		"Notifications are noisy and I cannot turn them off",
		"Support closed my ticket without solving it",
	}
	neutral = []string{
		"It does the job",
		"Would like more integrations, especially with HubSpot",
		"Documentation could use more examples",
		"Please add dark mode",
		"The pricing page is hard to compare, what does \"seat\" mean?",
		"Okay overall, some rough edges",
		"We mostly use it for reporting",
		"Would be nice to have SSO on the pro plan",
		"Not sure yet, we only started last week",
	}
	closers = []string{
		"Thanks!",
		"Keep it up.",
		"Please fix this soon.",
		"We are considering other tools.",
		"Happy to talk more.",
		"Otherwise fine.",
		"Cheers, the ops team",
	}
)

// gen holds the state of one file's generation.
type gen struct {
	r         *rand.Rand
	seed      uint64
	customers int
	start     time.Time
	step      float64 // mean seconds between responses
	at        float64 // seconds after start
	comment   strings.Builder
}

// span is the time the responses spread over, whatever their number: a year and a half of a
// survey program.
const span = 540 * 24 * time.Hour

func generate(w io.Writer, rows int, seed uint64) error {
	g := &gen{
		r:         rand.New(rand.NewPCG(seed, 0x6c6f6465)),
		seed:      seed,
		customers: max(1, rows/5),
		start:     time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
		step:      span.Seconds() / float64(max(1, rows)),
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for i := range rows {
		g.row(i, rec)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// mix is splitmix64: a bijection of 64-bit integers that scatters its input.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// responseID gives row i an id like Qualtrics's R_1a2B3c…: unique, because mix is a bijection.
func (g *gen) responseID(i int) string {
	var b [2 + 11]byte
	b[0], b[1] = 'R', '_'
	x := mix(uint64(i) ^ g.seed<<40)
	for j := len(b) - 1; j >= 2; j-- {
		b[j] = alphabet[x%62]
		x /= 62
	}
	return string(b[:])
}

// customer picks who answered: a fifth of the picks go to the 5% most engaged customers.
func (g *gen) customer() int {
	if g.r.Float64() < 0.2 {
		return g.r.IntN(max(1, g.customers/20))
	}
	return g.r.IntN(g.customers)
}

func (g *gen) row(i int, rec []string) {
	r := g.r
	// Responses arrive in time order, at uneven intervals.
	g.at += r.ExpFloat64() * g.step
	c := g.customer()
	ch := mix(uint64(c) ^ g.seed<<32)
	plan := plans.pick(unit(ch))
	region := regions.pick(unit(mix(ch)))

	off := offsets.pick(r.Float64())
	zone := time.FixedZone("", off*60)
	t := g.start.Add(time.Duration(g.at * float64(time.Second))).In(zone)
	layout := time.RFC3339
	if r.IntN(10) == 0 {
		layout = "2006-01-02T15:04:05.000Z07:00"
	}

	nps := -1
	if r.Float64() >= 0.05 {
		nps = npsScores.pick(r.Float64())
		// Paying customers are a little happier.
		if (plan == "pro" || plan == "enterprise") && nps < 10 && r.IntN(5) == 0 {
			nps++
		}
	}
	csat := -1
	if r.Float64() >= 0.15 {
		csat = g.csat(nps)
	}

	rec[0] = g.responseID(i)
	rec[1] = t.Format(layout)
	rec[2] = fmt.Sprintf("cus_%06d", c)
	rec[3] = plan
	rec[4] = region
	rec[5] = channels.pick(r.Float64())
	rec[6] = score(nps)
	rec[7] = score(csat)
	rec[8] = g.commentFor(nps)
	rec[9] = touchpoints.pick(r.Float64())
}

func score(n int) string {
	if n < 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// csat follows the NPS answer loosely: a promoter is mostly satisfied.
func (g *gen) csat(nps int) int {
	var base int
	switch {
	case nps < 0:
		base = 3 + g.r.IntN(2)
	case nps <= 4:
		base = 1 + g.r.IntN(2)
	case nps <= 6:
		base = 2 + g.r.IntN(2)
	case nps <= 8:
		base = 3 + g.r.IntN(2)
	default:
		base = 4 + g.r.IntN(2)
	}
	if g.r.IntN(8) == 0 {
		base += g.r.IntN(3) - 1
	}
	return min(5, max(1, base))
}

// commentFor writes a comment in the tone of the score, or none: many skip the open question.
func (g *gen) commentFor(nps int) string {
	r := g.r
	if r.Float64() < 0.38 {
		return ""
	}
	var pool []string
	switch {
	case nps < 0:
		pool = neutral
	case nps <= 6:
		pool = complaints
	case nps <= 8:
		pool = neutral
	default:
		pool = praise
	}
	b := &g.comment
	b.Reset()
	n := 1 + r.IntN(3)
	last := ""
	for s := range n {
		if s > 0 {
			switch n := r.IntN(40); {
			case n == 0:
				b.WriteString("\n")
			case n == 1:
				b.WriteString("\n\n")
			case n < 12:
				b.WriteString(", and ")
			default:
				b.WriteString(". ")
			}
		}
		p := pool
		// A mixed review: praise with a complaint, a complaint with a nod to what works.
		if s > 0 && r.IntN(4) == 0 {
			p = [][]string{praise, complaints, neutral}[r.IntN(3)]
		}
		phrase := p[r.IntN(len(p))]
		for phrase == last {
			phrase = p[r.IntN(len(p))]
		}
		last = phrase
		if b.Len() > 0 && strings.HasSuffix(b.String(), ", and ") {
			phrase = strings.ToLower(phrase[:1]) + phrase[1:]
		}
		b.WriteString(phrase)
	}
	if r.IntN(3) == 0 {
		b.WriteString(". ")
		b.WriteString(closers[r.IntN(len(closers))])
	} else if r.IntN(4) != 0 {
		b.WriteString(".")
	}
	return b.String()
}
