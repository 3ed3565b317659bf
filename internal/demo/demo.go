// Package demo fills a workspace with a realistic CX roadmap, so that a newcomer sees every
// screen populated: a SaaS form builder that aims to reduce churn by 10% through better
// onboarding and proactive support. Dates are set relative to today, so the demo never looks
// stale.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/goals"
	"github.com/lodestar-cx/lodestar/internal/roadmap"
	"github.com/lodestar-cx/lodestar/internal/roadmapdoc"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/workspace"
)

// Name is the demo workspace's name.
const Name = "Formly (demo)"

// Password is the password of every demo account. The demo is for trying Lodestar on one's own
// machine; never seed it on a server others can reach.
const Password = "lodestar-demo"

// people of the demo company, the first the owner.
var people = []struct {
	email, name string
	role        auth.Role
}{
	{"demo@lodestar.example", "Dana Demo (CX lead)", auth.RoleOwner},
	{"sam@lodestar.example", "Sam Support", auth.RoleAdmin},
	{"priya@lodestar.example", "Priya Product", auth.RoleEditor},
	{"omar@lodestar.example", "Omar Operations", auth.RoleEditor},
	{"vic@lodestar.example", "Vic Viewer (executive)", auth.RoleViewer},
}

// Result says what Seed made.
type Result struct {
	WorkspaceID int64
	// Created is false when the demo workspace was there already and Seed left it alone.
	Created bool
	Email   string
}

// Seed makes the demo workspace unless one by its name exists, with its people, teams and
// roadmap, as of now.
func Seed(ctx context.Context, st *store.Store, now time.Time) (Result, error) {
	res := Result{Email: people[0].email}
	existing, err := allWorkspaces(ctx, st)
	if err != nil {
		return res, err
	}
	for _, w := range existing {
		if w.Name == Name {
			res.WorkspaceID = w.ID
			return res, nil
		}
	}
	sys := audit.System
	hash, err := auth.HashPassword(Password, auth.DefaultArgon2)
	if err != nil {
		return res, err
	}
	ids := map[string]int64{}
	for _, p := range people {
		u, err := st.UserByEmail(ctx, p.email)
		if errors.Is(err, fault.ErrNotFound) {
			u, err = st.CreateUser(ctx, sys, p.email, p.name, hash, false)
		}
		if err != nil {
			return res, fmt.Errorf("demo user %s: %w", p.email, err)
		}
		ids[p.email] = u.ID
	}
	ws, err := st.CreateWorkspace(ctx, sys, ids[people[0].email], workspace.CreateInput{Name: Name})
	if err != nil {
		return res, err
	}
	res.WorkspaceID, res.Created = ws.ID, true
	for _, p := range people[1:] {
		if _, err := st.AddMember(ctx, sys, ws.ID, ids[p.email], p.role); err != nil {
			return res, err
		}
	}
	for _, t := range []struct{ name, desc, lead string }{
		{"Customer support", "Answers customers on every channel and owns the support experience.", "sam@lodestar.example"},
		{"Product", "Builds the form builder and its onboarding.", "priya@lodestar.example"},
		{"Operations", "Runs the tools, data and workflows behind support and success.", "omar@lodestar.example"},
	} {
		if _, err := st.CreateTeam(ctx, sys, ws.ID, workspace.TeamInput{Name: t.name, Description: t.desc, LeadUserID: ids[t.lead]}); err != nil {
			return res, err
		}
	}
	if _, err := roadmapdoc.Apply(ctx, st, sys, ws.ID, document(now), false); err != nil {
		return res, fmt.Errorf("demo roadmap: %w", err)
	}
	if err := slip(ctx, st, ws.ID, ids["sam@lodestar.example"], now); err != nil {
		return res, fmt.Errorf("demo slip: %w", err)
	}
	if err := history(ctx, st, ws.ID, ids[people[0].email], now); err != nil {
		return res, fmt.Errorf("demo history: %w", err)
	}
	// Live chat went live when it started, 40 days ago (see document).
	if err := seedCustomerData(ctx, st, ws.ID, now, now.AddDate(0, 0, -40)); err != nil {
		return res, fmt.Errorf("demo customer data: %w", err)
	}
	return res, nil
}

func allWorkspaces(ctx context.Context, st *store.Store) ([]workspace.Workspace, error) {
	var out []workspace.Workspace
	p := store.Page{Limit: store.MaxPageLimit}
	for {
		items, next, err := st.Workspaces(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == 0 {
			return out, nil
		}
		p.After = next
	}
}

// quarter returns the first day of the quarter that contains t, and of the one after.
func quarter(t time.Time) (civil.Date, civil.Date) {
	q := (int(t.Month()) - 1) / 3
	start := civil.Date{Year: t.Year(), Month: time.Month(q*3 + 1), Day: 1}
	next := civil.Of(start.Time().AddDate(0, 3, 0))
	return start, next
}

// roadmap is the demo's goals, key results and initiatives, dated around now.
func document(now time.Time) roadmapdoc.Document {
	today := civil.Of(now.UTC())
	qStart, qNext := quarter(now.UTC())
	qEnd := qNext.AddDays(-1)
	halfEnd := civil.Of(qNext.Time().AddDate(0, 3, 0)).AddDays(-1)
	day := func(n int) civil.Date { return today.AddDays(n) }
	return roadmapdoc.Document{
		Version:   roadmapdoc.FormatVersion,
		Framework: roadmapdoc.Framework{Kind: "impact-feasibility-alignment", Weights: &roadmapdoc.Weights{Impact: 0.5, Feasibility: 0.25, Alignment: 0.25}},
		Goals: []roadmapdoc.Goal{
			{Key: "customers-succeed-on-their-own", Title: "Every team builds its first working form in a day, and stays",
				Description: "Our vision: the fastest path from idea to answers, with help there the moment it is needed.",
				Status:      "active", Weight: 1},
			{Key: "reduce-churn", Title: "Reduce churn by 10%", Parent: "customers-succeed-on-their-own",
				Description: "Churn rose after the pricing change; most leavers never published a form.",
				Owner:       &roadmapdoc.Owner{User: "demo@lodestar.example"}, PeriodStart: qStart, PeriodEnd: halfEnd, Status: "active", Weight: 1,
				KeyResults: []roadmapdoc.KeyResult{
					{Key: "monthly-churn", Title: "Monthly logo churn", Kind: "decrease", Baseline: 5.8, Target: 5.2, Current: 5.8, Unit: "%",
						Start: qStart, Due: halfEnd, Weight: 2, Source: "manual"},
					{Key: "nps", Title: "NPS of accounts in their first 90 days", Kind: "increase", Baseline: 21, Target: 35, Current: 21, Unit: "points",
						Start: qStart, Due: halfEnd, Weight: 1, Source: "manual"},
				}},
			{Key: "better-onboarding", Title: "Onboard new accounts to their first response faster", Parent: "reduce-churn",
				Owner: &roadmapdoc.Owner{Team: "Product"}, PeriodStart: qStart, PeriodEnd: qEnd, Status: "active", Weight: 1,
				KeyResults: []roadmapdoc.KeyResult{
					{Key: "first-form-in-a-day", Title: "New accounts that create a form on day one", Kind: "increase", Baseline: 38, Target: 55, Current: 38, Unit: "%",
						Start: qStart, Due: qEnd, Weight: 1, Source: "manual"},
					{Key: "time-to-first-response", Title: "Median days from sign-up to first form response", Kind: "decrease", Baseline: 9, Target: 4, Current: 9, Unit: "days",
						Start: qStart, Due: qEnd, Weight: 1, Source: "manual"},
				}},
			{Key: "proactive-support", Title: "Support customers before they get stuck", Parent: "reduce-churn",
				Owner: &roadmapdoc.Owner{Team: "Customer support"}, PeriodStart: qStart, PeriodEnd: qEnd, Status: "active", Weight: 1,
				KeyResults: []roadmapdoc.KeyResult{
					{Key: "first-reply-time", Title: "Median first reply time", Kind: "decrease", Baseline: 7.5, Target: 2, Current: 7.5, Unit: "hours",
						Start: qStart, Due: qEnd, Weight: 1, Source: "manual"},
					{Key: "csat-above-85", Title: "CSAT stays above 85%", Kind: "stay_above", Baseline: 84, Target: 85, Current: 84, Unit: "%",
						Start: qStart, Due: qEnd, Weight: 1, Source: "manual"},
				}},
		},
		Initiatives: []roadmapdoc.Initiative{
			{Key: "live-chat", Title: "Live chat for instant support", Horizon: "short", Status: "in_progress", Start: day(-40), Due: day(10),
				Description: "In-app chat staffed in business hours for every plan, with the account's forms in view.",
				Inputs:      map[string]float64{"impact": 5, "feasibility": 4, "alignment": 5},
				Owners: []roadmapdoc.Assignment{{User: "sam@lodestar.example", Role: "accountable"}, {Team: "Customer support", Role: "responsible"},
					{Team: "Operations", Role: "participating"}}},
			{Key: "ux-fixes", Title: "UX fixes for common ticket errors", Horizon: "short", Status: "in_progress", Start: day(-25), Due: day(20),
				Description: "The five errors behind a third of tickets: publishing without a domain, logic loops, file limits, payment fields, embeds.",
				Inputs:      map[string]float64{"impact": 4, "feasibility": 5, "alignment": 4},
				Owners:      []roadmapdoc.Assignment{{User: "priya@lodestar.example", Role: "accountable"}, {Team: "Product", Role: "responsible"}}},
			{Key: "support-workflows", Title: "Track and optimise support workflows", Horizon: "short", Status: "planned", Start: day(14), Due: day(45),
				Description: "Tag every ticket by journey stage and measure handling time per workflow.",
				Inputs:      map[string]float64{"impact": 3, "feasibility": 4, "alignment": 4},
				Owners:      []roadmapdoc.Assignment{{User: "omar@lodestar.example", Role: "accountable"}, {Team: "Operations", Role: "responsible"}},
				DependsOn:   []string{"live-chat"}},
			{Key: "onboarding-guides", Title: "Self-service onboarding guides", Horizon: "mid", Status: "planned", Start: day(25), Due: day(75),
				Description: "Guided templates and checklists from sign-up to the first response.",
				Inputs:      map[string]float64{"impact": 5, "feasibility": 3, "alignment": 5},
				Owners:      []roadmapdoc.Assignment{{User: "priya@lodestar.example", Role: "accountable"}, {Team: "Product", Role: "responsible"}, {Team: "Customer support", Role: "participating"}},
				DependsOn:   []string{"ux-fixes"}},
			{Key: "ai-chatbot", Title: "AI chatbot for faster ticket responses", Horizon: "mid", Status: "idea", Start: day(50), Due: day(120),
				Description: "Answers from the help centre and the account's own forms, handing over to a person in one click.",
				Inputs:      map[string]float64{"impact": 4, "feasibility": 2, "alignment": 4},
				Owners:      []roadmapdoc.Assignment{{User: "sam@lodestar.example", Role: "accountable"}, {Team: "Customer support", Role: "responsible"}, {Team: "Product", Role: "participating"}},
				DependsOn:   []string{"live-chat", "support-workflows"}},
			{Key: "personalised-recommendations", Title: "AI-driven personalised recommendations", Horizon: "long", Status: "idea", Start: day(120), Due: day(240),
				Description: "Suggest the next template, integration or help article from what similar accounts did.",
				Inputs:      map[string]float64{"impact": 4, "feasibility": 2, "alignment": 3},
				Owners:      []roadmapdoc.Assignment{{Team: "Product", Role: "responsible"}},
				DependsOn:   []string{"onboarding-guides"}},
		},
	}
}

// history records a quarter of weekly progress on the key results, with check-ins, so that
// charts and paces have something to show.
func history(ctx context.Context, st *store.Store, ws, author int64, now time.Time) error {
	krs, _, err := st.KeyResults(ctx, ws, 0, store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return err
	}
	// How far along each key result is today, as a share of the way to its target.
	share := map[string]float64{"monthly-churn": 0.35, "nps": 0.3, "first-form-in-a-day": 0.55,
		"time-to-first-response": 0.4, "first-reply-time": 0.6, "csat-above-85": 1.2}
	actor := audit.Actor{UserID: author}
	for _, k := range krs {
		for week := 12; week >= 0; week -= 3 {
			f := share[k.Key] * float64(12-week) / 12
			v := k.Baseline + (k.Target-k.Baseline)*f
			v = float64(int(v*10+0.5)) / 10
			if week == 0 {
				status, note := goals.OnTrack, ""
				if f < 0.4 {
					status, note = goals.AtRisk, "Behind the line: waiting for live chat to reach every plan."
				}
				if _, err := st.CreateKeyResultCheckIn(ctx, actor, ws, k.ID, goals.CheckInInput{Status: status, Value: &v, Confidence: 6, Note: note}); err != nil {
					return err
				}
				continue
			}
			at := now.AddDate(0, 0, -7*week)
			if err := st.BackfillKeyResultValue(ctx, actor, ws, k.ID, v, fmt.Sprintf("week %d review", 13-week), at); err != nil {
				return err
			}
		}
	}
	return nil
}

// slip moves live chat's due date past the start of the support workflows that wait for it,
// as happens on real roadmaps, so the timeline has a conflict to show and a reschedule to
// preview.
func slip(ctx context.Context, st *store.Store, ws, author int64, now time.Time) error {
	its, _, err := st.Initiatives(ctx, ws, store.Page{Limit: store.MaxPageLimit})
	if err != nil {
		return err
	}
	for _, it := range its {
		if it.Key != "live-chat" {
			continue
		}
		due := civil.Of(now).AddDays(18)
		_, err := st.UpdateInitiative(ctx, audit.Actor{UserID: author}, ws, it.ID, it.Version, roadmap.InitiativeUpdate{DueDate: &due})
		return err
	}
	return errors.New("no live chat initiative")
}
