package metrics_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/stats"
)

// scores builds the Scores of answers: counts[i] answers of score i.
func scores(counts map[int]int) metrics.Scores {
	var s metrics.Scores
	for v, n := range counts {
		for range n {
			s.Add(metrics.One(float64(v)))
		}
	}
	return s
}

func TestNPSKnownAnswer(t *testing.T) {
	// 60 promoters, 25 passives, 15 detractors, spread over the scale: NPS 45.
	b := metrics.ByScale{feedback.ScaleNPS: scores(map[int]int{10: 30, 9: 30, 8: 20, 7: 5, 6: 5, 3: 5, 0: 5})}
	v := metrics.Evaluate(metrics.SampleOf(metrics.NPS, metrics.Score, nil, b))
	want := stats.NPS(60, 25, 15)
	if v.Value != 45 || v.Sample.N() != 100 || v.Interval.Low != math.Round(want.Interval.Low*1e4)/1e4 {
		t.Errorf("NPS = %v over %d %+v, want 45 over 100 %+v", v.Value, v.Sample.N(), v.Interval, want.Interval)
	}
}

func TestClassificationByScale(t *testing.T) {
	for _, c := range []struct {
		name     string
		kind     metrics.Kind
		variant  metrics.Variant
		scale    feedback.Scale
		counts   map[int]int
		pos, neg int64
		neutral  int64
	}{
		{"csat 1–5 top two boxes", metrics.CSAT, metrics.Satisfied, feedback.Scale{Min: 1, Max: 5}, map[int]int{5: 3, 4: 2, 3: 4, 1: 1}, 5, 5, 0},
		{"csat 1–7 top two boxes", metrics.CSAT, metrics.Satisfied, feedback.Scale{Min: 1, Max: 7}, map[int]int{7: 1, 6: 1, 5: 1}, 2, 1, 0},
		{"csat 1–3 top box", metrics.CSAT, metrics.Satisfied, feedback.Scale{Min: 1, Max: 3}, map[int]int{3: 2, 2: 2, 1: 1}, 2, 3, 0},
		{"csat good/bad", metrics.CSAT, metrics.Satisfied, feedback.ScaleGoodBad, map[int]int{1: 4, 0: 1}, 4, 1, 0},
		{"ces 1–7 agree", metrics.CES, metrics.Agree, feedback.ScaleCES7, map[int]int{7: 1, 5: 2, 4: 3, 1: 1}, 3, 4, 0},
		{"ces legacy 1–5 agree: low is easy", metrics.CES, metrics.Agree, feedback.Scale{Min: 1, Max: 5}, map[int]int{1: 2, 2: 1, 5: 3}, 3, 3, 0},
		{"ces 1–7 net easy", metrics.CES, metrics.NetEasy, feedback.ScaleCES7, map[int]int{6: 3, 4: 2, 2: 1}, 3, 1, 2},
		{"nps", metrics.NPS, metrics.Score, feedback.ScaleNPS, map[int]int{0: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1}, 2, 2, 2},
	} {
		s := metrics.SampleOf(c.kind, c.variant, nil, metrics.ByScale{c.scale: scores(c.counts)})
		if s.Pos != c.pos || s.Neg != c.neg || s.Neutral != c.neutral || s.Skipped != 0 {
			t.Errorf("%s: positive %d, neutral %d, negative %d, skipped %d; want %d, %d, %d, 0", c.name, s.Pos, s.Neutral, s.Neg, s.Skipped, c.pos, c.neutral, c.neg)
		}
	}
	// A 0–100 slider has no top boxes: its answers are skipped, and said to be.
	s := metrics.SampleOf(metrics.CSAT, metrics.Satisfied, nil, metrics.ByScale{{Min: 0, Max: 100}: scores(map[int]int{7: 2})})
	if s.Skipped != 2 || s.N() != 0 {
		t.Errorf("csat on 0–100: %+v, want 2 skipped and nothing counted", s)
	}
}

func TestMeanAcrossScales(t *testing.T) {
	// CSAT 5 on 1–5, 7 on 1–7 and good (1) on 0–1 are all the top of their scale: on 1–5 each is 5.
	b := metrics.ByScale{{Min: 1, Max: 5}: scores(map[int]int{5: 1}), {Min: 1, Max: 7}: scores(map[int]int{7: 1, 1: 1}), feedback.ScaleGoodBad: scores(map[int]int{1: 1})}
	v := metrics.Evaluate(metrics.SampleOf(metrics.CSAT, metrics.Mean, nil, b))
	if want := (5.0 + 5 + 1 + 5) / 4; math.Abs(v.Value-want) > 1e-9 || v.Sample.N() != 4 {
		t.Errorf("CSAT mean across scales = %v over %d, want %v over 4", v.Value, v.Sample.N(), want)
	}
	// Legacy CES 1 (very little effort) is 7 on the 1–7 scale, where high means easy.
	v = metrics.Evaluate(metrics.SampleOf(metrics.CES, metrics.Mean, nil, metrics.ByScale{{Min: 1, Max: 5}: scores(map[int]int{1: 1, 5: 1})}))
	if v.Value != 4 {
		t.Errorf("legacy CES mean = %+v, want 4 (7 and 1)", v)
	}
	one := metrics.Evaluate(metrics.SampleOf(metrics.CES, metrics.Mean, nil, metrics.ByScale{{Min: 1, Max: 5}: scores(map[int]int{1: 2})}))
	if one.Value != 7 {
		t.Errorf("legacy CES 1 on 1–7 = %v, want 7", one.Value)
	}
}

func date(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

func TestBuckets(t *testing.T) {
	for _, c := range []struct {
		b           metrics.Bucket
		day         civil.Date
		start, next civil.Date
		label       string
	}{
		{metrics.Day, date(2026, 3, 9), date(2026, 3, 9), date(2026, 3, 10), "2026-03-09"},
		{metrics.Week, date(2026, 1, 1), date(2025, 12, 29), date(2026, 1, 5), "2026-W01"},
		{metrics.Week, date(2026, 3, 15), date(2026, 3, 9), date(2026, 3, 16), "2026-W11"},
		{metrics.Month, date(2026, 2, 28), date(2026, 2, 1), date(2026, 3, 1), "2026-02"},
		{metrics.Quarter, date(2026, 12, 31), date(2026, 10, 1), date(2027, 1, 1), "2026-Q4"},
	} {
		s := c.b.Start(c.day)
		if s != c.start || c.b.Next(s) != c.next || c.b.Label(s) != c.label {
			t.Errorf("%s of %s: start %s, next %s, label %s; want %s, %s, %s", c.b, c.day, s, c.b.Next(s), c.b.Label(s), c.start, c.next, c.label)
		}
	}
}

func TestSeriesTestsEachChangeAndAttachesAnnotations(t *testing.T) {
	nps := feedback.ScaleNPS
	rows := []metrics.Row{
		// Week of 2 March: 40 promoters, 40 detractors (NPS 0); week of 9 March, after a release:
		// 70 promoters, 10 detractors (NPS 75). Nothing in the week of 16 March.
		{Day: date(2026, 3, 3), Scale: nps, Scores: scores(map[int]int{10: 40, 2: 40})},
		{Day: date(2026, 3, 10), Scale: nps, Scores: scores(map[int]int{9: 70, 0: 10})},
	}
	release := metrics.Annotation{Day: date(2026, 3, 9), Kind: "release", Title: "New editor"}
	later := metrics.Annotation{Day: date(2026, 3, 20), Kind: "campaign", Title: "Spring sale"}
	q := metrics.Query{Kind: metrics.NPS, From: date(2026, 3, 2), To: date(2026, 3, 23), Every: metrics.Week}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	r := q.Evaluate(rows, []metrics.Annotation{release, later})
	if len(r.Points) != 3 {
		t.Fatalf("points = %d, want 3 weeks, the empty one too", len(r.Points))
	}
	if r.Points[0].Change != nil || r.Points[2].Change != nil || r.Points[2].Sample.N() != 0 {
		t.Errorf("no change should be tested on the first point or against an empty week: %+v", r.Points)
	}
	c := r.Points[1].Change
	if c == nil || !c.Significant || c.Difference != 75 || len(c.Annotations) != 1 || c.Annotations[0].Title != "New editor" {
		t.Fatalf("the jump from 0 to 75 = %+v, want significant with the release", c)
	}
	if got := r.Significant(); len(got) != 1 || got[0].Label != "2026-W11" {
		t.Errorf("Significant() = %+v, want week 11", got)
	}
	if r.Total.Value != 37.5 || r.Total.Sample.N() != 160 {
		t.Errorf("total = %v over %d, want 37.5 over 160", r.Total.Value, r.Total.Sample.N())
	}
}

func TestLayoutAnswers(t *testing.T) {
	l := metrics.Layout{Dimensions: []string{"plan", "source"}}
	for _, c := range []struct {
		q      metrics.Query
		dim    string
		values []string
		ok     bool
	}{
		{metrics.Query{}, "", nil, true},
		{metrics.Query{By: "plan"}, "plan", nil, true},
		{metrics.Query{Filter: metrics.Filter{"plan": {"pro"}}}, "plan", []string{"pro"}, true},
		{metrics.Query{By: "plan", Filter: metrics.Filter{"plan": {"pro", "free"}}}, "plan", []string{"pro", "free"}, true},
		{metrics.Query{By: "region"}, "", nil, false},
		{metrics.Query{By: "plan", Filter: metrics.Filter{"source": {"x"}}}, "", nil, false},
	} {
		dim, values, ok := l.Answers(c.q)
		if dim != c.dim || ok != c.ok || len(values) != len(c.values) {
			t.Errorf("Answers(by %q, filter %v) = %q %v %v, want %q %v %v", c.q.By, c.q.Filter, dim, values, ok, c.dim, c.values, c.ok)
		}
	}
}

func TestContributeCountsOnlyScoredAnswers(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	l := metrics.Layout{Location: paris, Dimensions: []string{"plan"}}
	score := func(f float64) *float64 { return &f }
	sc := feedback.ScaleNPS
	c := metrics.Cells{}
	for _, it := range []feedback.Item{
		// 23:30 UTC on 9 March is 00:30 on 10 March in Paris.
		{Question: feedback.NPS, Score: score(9), Scale: &sc, At: time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC), Attributes: map[string]string{"plan": "pro"}},
		{Question: feedback.NPS, Score: score(0), Scale: &sc, At: time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC), Excluded: true},
		{Question: feedback.None, Score: score(4), Scale: &sc, At: time.Date(2026, 3, 9, 10, 0, 0, 0, time.UTC)},
	} {
		l.Contribute(c, &it)
	}
	total := metrics.Key{Question: feedback.NPS, Scale: sc, Day: date(2026, 3, 10)}
	plan := total
	plan.Dim, plan.Value = "plan", "pro"
	if len(c) != 2 || c[total].N != 1 || c[plan].Count[9] != 1 {
		t.Errorf("cells = %v, want the one counted answer on 10 March, in the total and under plan pro", c)
	}
}

func TestCustomMetric(t *testing.T) {
	// Handling minutes of five tickets: 10, 20, 30, 40, 50.
	var s metrics.Scores
	for _, m := range []float64{10, 20, 30, 40, 50} {
		s.Add(metrics.One(m))
	}
	rows := []metrics.Row{{Day: date(2026, 3, 2), Scores: s}}
	for _, c := range []struct {
		variant metrics.Variant
		want    float64
		lo, hi  float64
	}{
		{metrics.Count, 5, 5, 5},
		{metrics.Sum, 150, 150, 150},
		// Mean 30, sd 15.811, t(4) 2.776445: 30 ± 19.6324.
		{metrics.Mean, 30, 30 - 19.6324, 30 + 19.6324},
	} {
		q := metrics.Query{Kind: metrics.Custom, Variant: c.variant, Attribute: "minutes", From: date(2026, 3, 2), To: date(2026, 3, 3)}
		if err := q.Validate(); err != nil {
			t.Fatal(err)
		}
		r := q.Evaluate(rows, nil)
		if r.Total.Value != c.want || math.Abs(r.Total.Interval.Low-c.lo) > 1e-3 || math.Abs(r.Total.Interval.High-c.hi) > 1e-3 || r.Total.N != 5 {
			t.Errorf("custom %s = %+v, want %v [%v, %v] over 5", c.variant, r.Total.Estimate, c.want, c.lo, c.hi)
		}
	}
	// A sum needs its attribute; other kinds take none.
	for _, q := range []metrics.Query{
		{Kind: metrics.Custom, Variant: metrics.Sum, From: date(2026, 3, 2), To: date(2026, 3, 3)},
		{Kind: metrics.NPS, Attribute: "minutes", From: date(2026, 3, 2), To: date(2026, 3, 3)},
	} {
		if err := q.Validate(); err == nil || !strings.Contains(err.Error(), "attribute") {
			t.Errorf("Validate(%+v) = %v, want an attribute error", q, err)
		}
	}
	// Counts are told apart, not tested.
	a := metrics.SampleOf(metrics.Custom, metrics.Count, nil, metrics.ByScale{{}: s})
	b := metrics.SampleOf(metrics.Custom, metrics.Count, nil, metrics.ByScale{{}: metrics.One(1)})
	if c := metrics.Compare(a, b); c.Difference != 4 || c.Method != "none" || c.Significant {
		t.Errorf("Compare of counts = %+v, want a difference of 4, untested", c)
	}
}
