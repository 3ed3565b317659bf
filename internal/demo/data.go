package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/insights"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/metrics"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// The demo's customer data: half a year of NPS survey answers and support CSAT ratings, the
// customers behind them with their sign-ups, milestones, renewals and churn, the journey those
// milestones belong to, and the metrics a CX lead would save. The numbers come from a seeded
// generator, so every demo tells the same story: NPS around 16 until live chat launched, about
// 28 since, significantly so; the free plan well below the paid ones.

// days of history the demo holds.
const historyDays = 182

var (
	plans   = []string{"free", "free", "free", "starter", "starter", "pro", "pro", "enterprise"}
	regions = []string{"emea", "amer", "amer", "apac"}
	praise  = []string{"Building a form took minutes.", "Templates saved me a day.", "Love the logic builder.", "Support answered in minutes on chat."}
	// moans are what detractors write, by the touchpoint they answer about.
	moans = map[string][]string{
		"Pricing page":       {"The pricing page is confusing.", "Too expensive for a small team.", "The price went up and I pay more for the same forms."},
		"Support":            {"Waited two days for an email reply.", "Support never replied to my ticket.", "Slow replies from support, again."},
		"First form created": {"Could not publish without a custom domain.", "The editor is slow to load.", "Hard to find where to start."},
		"Form customised":    {"File upload limit is too small.", "Cannot change the fonts on my form.", "The logic builder is confusing."},
	}
	touchpoints = []string{"First form created", "Support", "Pricing page", "Form customised"}
	// demoThemes are the demo's keyword themes.
	demoThemes = []insights.ThemeInput{
		{Name: "Pricing", Any: []string{"pricing", "price", "expensive", "pay more"}},
		{Name: "Slow support replies", Any: []string{"waited", "never replied", "slow replies", "reply"}},
		{Name: "Custom domain", Any: []string{"custom domain"}},
		{Name: "Upload limit", Any: []string{"upload limit", "file upload"}},
		{Name: "Hard to use", Any: []string{"confusing", "hard to find", "cannot change"}},
	}
)

// seedCustomerData writes the demo's journey, feedback, customers, events, annotations and
// metrics, and binds the NPS key result to its metric. launch is when live chat went live.
func seedCustomerData(ctx context.Context, st *store.Store, ws int64, now time.Time, launch time.Time) error {
	sys := audit.System
	rng := rand.New(rand.NewPCG(2026, 12))
	jin := journey.JourneyInput{Name: "Form builder: from first visit to advocate", Persona: "small-business admin building forms for their team"}
	if err := jin.Validate(); err != nil {
		return err
	}
	jm, err := st.CreateJourney(ctx, sys, ws, jin)
	if err != nil {
		return fmt.Errorf("journey: %w", err)
	}
	stage := func(name string) int64 {
		for _, s := range jm.Stages {
			if s.Name == name {
				return s.ID
			}
		}
		return jm.Stages[0].ID
	}
	tps := map[string]int64{}
	for _, tp := range []journey.TouchpointInput{
		{StageID: stage("awareness"), Name: "Template gallery", Channel: journey.ChannelWeb},
		{StageID: stage("consideration"), Name: "Pricing page", Channel: journey.ChannelWeb},
		{StageID: stage("purchase"), Name: "Sign-up", Channel: journey.ChannelWeb},
		{StageID: stage("purchase"), Name: "First form created", Channel: journey.ChannelInApp, EventName: "form_created"},
		{StageID: stage("retention"), Name: "Form customised", Channel: journey.ChannelInApp, EventName: "form_customised"},
		{StageID: stage("retention"), Name: "First response", Channel: journey.ChannelInApp, EventName: "first_response"},
		{StageID: stage("retention"), Name: "Support", Channel: journey.ChannelSupport},
		{StageID: stage("advocacy"), Name: "Referral", Channel: journey.ChannelEmail, EventName: "referral_sent"},
	} {
		if err := tp.Validate(); err != nil {
			return err
		}
		t, err := st.CreateTouchpoint(ctx, sys, ws, jm.ID, tp)
		if err != nil {
			return fmt.Errorf("touchpoint %s: %w", tp.Name, err)
		}
		tps[tp.Name] = t.ID
	}
	for _, pp := range []journey.PainPointInput{
		{Title: "Publishing fails without a custom domain", Severity: 4, TouchpointID: tps["First form created"],
			Description: "The most common ticket of a new account's first week."},
		{Title: "Email support takes two days to answer", Severity: 3, TouchpointID: tps["Support"]},
		{Title: "Plan limits are hard to compare", Severity: 2, TouchpointID: tps["Pricing page"]},
	} {
		if err := pp.Validate(); err != nil {
			return err
		}
		if _, err := st.CreatePainPoint(ctx, sys, ws, jm.ID, pp); err != nil {
			return fmt.Errorf("pain point %s: %w", pp.Title, err)
		}
	}

	// Customers, and what they did.
	start := now.AddDate(0, 0, -historyDays)
	var b store.Batch
	flush := func() error {
		if b.Len() == 0 {
			return nil
		}
		for i := range b.Customers {
			b.Customers[i].Normalize()
		}
		for i := range b.Events {
			b.Events[i].Normalize()
		}
		_, err := st.WriteFeedback(ctx, ws, &b)
		b.Reset()
		return err
	}
	type cust struct {
		id, plan, region string
		signup           time.Time
		churn            time.Time
	}
	var custs []cust
	for i := range 420 {
		c := cust{id: fmt.Sprintf("acct-%04d", i+1), plan: plans[rng.IntN(len(plans))], region: regions[rng.IntN(len(regions))],
			signup: start.Add(time.Duration(rng.Int64N(int64(historyDays * 24 * time.Hour))))}
		revenue := map[string]float64{"free": 0, "starter": 29, "pro": 79, "enterprise": 390}[c.plan]
		b.Customers = append(b.Customers, feedback.Customer{ExternalID: c.id, Plan: c.plan, Region: c.region, Revenue: &revenue,
			Attributes: map[string]string{"plan": c.plan}})
		b.Events = append(b.Events, feedback.Event{CustomerExternalID: c.id, Name: feedback.EventSignedUp, At: c.signup})
		at := c.signup
		for _, step := range []struct {
			name string
			p    float64
		}{{"form_created", 0.78}, {"form_customised", 0.72}, {"first_response", 0.8}, {"referral_sent", 0.15}} {
			if rng.Float64() > step.p {
				break
			}
			// The first form comes within two days of sign-up; later steps within three.
			hours := 72
			if step.name == "form_created" {
				hours = 48
			}
			at = at.Add(time.Duration(1+rng.IntN(hours)) * time.Hour)
			if at.After(now) {
				break
			}
			b.Events = append(b.Events, feedback.Event{CustomerExternalID: c.id, Name: step.name, At: at})
		}
		// About 6% of paying accounts leave a month, more before live chat.
		for m := c.signup.AddDate(0, 1, 0); m.Before(now); m = m.AddDate(0, 1, 0) {
			p := 0.06
			if m.Before(launch) {
				p = 0.08
			}
			if rng.Float64() < p {
				c.churn = m
				b.Events = append(b.Events, feedback.Event{CustomerExternalID: c.id, Name: feedback.EventChurned, At: m})
				break
			}
			if revenue > 0 {
				v := revenue
				b.Events = append(b.Events, feedback.Event{CustomerExternalID: c.id, Name: feedback.EventRenewed, At: m, Value: &v})
			}
		}
		custs = append(custs, c)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("customers: %w", err)
	}

	// Survey answers and support ratings, from customers while they were customers.
	n := 0
	for d := range historyDays {
		day := start.AddDate(0, 0, d)
		for range 14 + rng.IntN(10) {
			c := custs[rng.IntN(len(custs))]
			at := day.Add(time.Duration(rng.IntN(86400)) * time.Second)
			if at.Before(c.signup) || (!c.churn.IsZero() && at.After(c.churn)) || at.After(now) {
				continue
			}
			n++
			promoter, detractor := 0.38, 0.22
			if at.After(launch) {
				promoter, detractor = 0.46, 0.17
			}
			if c.plan == "free" {
				promoter, detractor = promoter-0.08, detractor+0.08
			}
			var score float64
			switch u := rng.Float64(); {
			case u < promoter:
				score = float64(9 + rng.IntN(2))
			case u < promoter+detractor:
				score = float64(rng.IntN(7))
			default:
				score = float64(7 + rng.IntN(2))
			}
			touchpoint := touchpoints[rng.IntN(len(touchpoints))]
			text := ""
			switch {
			case score >= 9 && rng.IntN(2) == 0:
				text = praise[rng.IntN(len(praise))]
			case score <= 6 && rng.IntN(3) > 0:
				text = moans[touchpoint][rng.IntN(len(moans[touchpoint]))]
			}
			it := feedback.Item{SourceKind: feedback.Survey, Source: "in-app-survey", ExternalID: fmt.Sprintf("nps-%05d", n),
				CustomerExternalID: c.id, At: at, Question: feedback.NPS, Score: &score, Text: text, Touchpoint: touchpoint,
				Attributes: map[string]string{"plan": c.plan, "region": c.region, "channel": "in_app"}}
			it.Normalize()
			b.Items = append(b.Items, it)
			if rng.IntN(3) == 0 {
				csat := 3 + float64(rng.IntN(3))
				if at.Before(launch) && rng.IntN(3) == 0 {
					csat = 1 + float64(rng.IntN(3))
				}
				channel := "email"
				if at.After(launch) && rng.IntN(2) == 0 {
					channel = "chat"
				}
				t := feedback.Item{SourceKind: feedback.Ticket, Source: "helpdesk", ExternalID: fmt.Sprintf("ticket-%05d", n),
					CustomerExternalID: c.id, At: at.Add(2 * time.Hour), Question: feedback.CSAT, Score: &csat, Touchpoint: "Support",
					Attributes: map[string]string{"plan": c.plan, "region": c.region, "channel": channel}}
				t.Normalize()
				b.Items = append(b.Items, t)
			}
			if len(b.Items) >= 900 {
				if err := flush(); err != nil {
					return fmt.Errorf("feedback: %w", err)
				}
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}

	for _, a := range []metrics.AnnotationInput{
		{Day: civil.Of(launch), Kind: "release", Title: "Live chat for every plan", Description: "In-app chat staffed in business hours."},
		{Day: civil.Of(now.AddDate(0, 0, -120)), Kind: "campaign", Title: "Spring pricing change", Description: "Starter plan limits lowered."},
		{Day: civil.Of(now.AddDate(0, 0, -75)), Kind: "incident", Title: "Form publishing outage", Description: "Four hours of failed publishes."},
	} {
		if err := a.Validate(); err != nil {
			return err
		}
		if _, err := st.CreateAnnotation(ctx, sys, ws, a); err != nil {
			return fmt.Errorf("annotation: %w", err)
		}
	}
	var nps, churn, dayOne metrics.Definition
	for _, in := range []metrics.DefinitionInput{
		{Name: "NPS, last 30 days", Kind: metrics.NPS, Window: 30, Bucket: metrics.Week},
		{Name: "Support CSAT", Kind: metrics.CSAT, Variant: metrics.Satisfied, Window: 30, Bucket: metrics.Week, Filter: metrics.Filter{"source": {"helpdesk"}}},
		{Name: "NPS of paying plans", Kind: metrics.NPS, Window: 90, Bucket: metrics.Month, Filter: metrics.Filter{"plan": {"starter", "pro", "enterprise"}}},
		{Name: "Monthly churn", Kind: metrics.Churn, Window: 30, Bucket: metrics.Month},
		{Name: "First form on day one", Kind: metrics.Conversion, Event: "form_created", Within: 1, Window: 90, Bucket: metrics.Month,
			Description: "The share of new accounts that create a form within a day of signing up."},
		{Name: "Lifetime value", Kind: metrics.CLV, Margin: 0.8, Window: 90, Bucket: metrics.Quarter,
			Description: "Gross profit per account (80% margin) over the churn rate."},
	} {
		if err := in.Validate(); err != nil {
			return err
		}
		d, err := st.CreateMetric(ctx, sys, ws, in)
		if err != nil {
			return fmt.Errorf("metric %s: %w", in.Name, err)
		}
		switch {
		case nps.ID == 0:
			nps = d
		case d.Kind == metrics.Churn:
			churn = d
		case d.Kind == metrics.Conversion:
			dayOne = d
		}
	}
	// The NPS, churn and day-one key results follow their metrics from now on.
	krs, _, err := st.KeyResults(ctx, ws, 0, store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return err
	}
	bind := map[string]int64{"nps": nps.ID, "monthly-churn": churn.ID, "first-form-in-a-day": dayOne.ID}
	for _, k := range krs {
		id, ok := bind[k.Key]
		if !ok {
			continue
		}
		src := goals.Metric
		if _, err := st.UpdateKeyResult(ctx, sys, ws, k.ID, k.Version, goals.KeyResultUpdate{Source: &src, MetricID: &id}); err != nil {
			return fmt.Errorf("bind the %s key result: %w", k.Key, err)
		}
	}
	if _, err := metrics.RefreshKeyResults(ctx, st, ws, now); err != nil {
		return fmt.Errorf("refresh key results: %w", err)
	}
	// The themes tag the feedback, which finds the friction points.
	for _, in := range demoThemes {
		if err := in.Validate(); err != nil {
			return err
		}
		if _, err := st.CreateTheme(ctx, sys, ws, in); err != nil {
			return fmt.Errorf("theme %s: %w", in.Name, err)
		}
	}
	if _, err := st.AnalyzeFeedback(ctx, ws); err != nil {
		return err
	}
	return nil
}
