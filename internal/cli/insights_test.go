package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store"
	"github.com/lodestar-cx/lodestar/internal/store/storetest"
)

func TestInsightsCommands(t *testing.T) {
	for _, d := range storetest.Drivers(t) {
		t.Run(d, func(t *testing.T) {
			r := buildRoadmap(t, d)
			// February: 2 of 20 detractors at checkout say it crashes; March: 12 of 20, and no
			// promoter.
			b := &store.Batch{}
			for i := range 20 {
				for _, m := range []time.Month{time.February, time.March} {
					txt := "Delivery is slow and expensive."
					if (m == time.February && i < 2) || (m == time.March && i < 12) {
						txt = "The checkout crashed when I tried to pay."
					}
					det, pro := 2.0, 10.0
					at := time.Date(2026, m, 1+i, 10, 0, 0, 0, time.UTC)
					b.Items = append(b.Items,
						feedback.Item{SourceKind: feedback.Survey, Source: "survey", ExternalID: fmt.Sprintf("d%d-%d", m, i), At: at,
							Question: feedback.NPS, Score: &det, Text: txt, Touchpoint: "Checkout"},
						feedback.Item{SourceKind: feedback.Survey, Source: "survey", ExternalID: fmt.Sprintf("p%d-%d", m, i), At: at,
							Question: feedback.NPS, Score: &pro, Text: "Lovely and simple.", Touchpoint: "Checkout"})
				}
			}
			for i := range b.Items {
				b.Items[i].Normalize()
			}
			if _, err := r.st.WriteFeedback(t.Context(), r.ws, b); err != nil {
				t.Fatal(err)
			}
			r.ok(t, []string{`theme 1 "Crashes" saved; 80 feedback items tagged anew`}, "insights", "add-theme", "--name", "Crashes", "--any", "crash")
			r.ok(t, []string{"analysed 0 feedback items"}, "insights", "analyze")
			r.ok(t, []string{"THEME ORIGIN VOLUME", "Crashes rule 12 30 0 0"}, "insights", "themes", "--since", "2026-03-01", "--until", "2026-04-01")
			r.ok(t, []string{"TOUCHPOINT THEME DETRACTORS % PROMOTERS %", "Checkout Crashes 60 0"}, "insights", "friction", "--since", "2026-03-01", "--until", "2026-04-01")
			r.ok(t, []string{`NPS stayed at 0.0.`, `"Crashes" rose from 10.0% to 60.0% of detractors`, "survey 100 100 0 0 0 0"},
				"insights", "explain", "--since", "2026-03-01", "--until", "2026-04-01")
			if code, _, errs := r.run(t, "insights", "add-theme", "--name", "Nothing", "--any", "the"); code == 0 || !strings.Contains(errs, "any") {
				t.Errorf("a stop-word rule = exit %d, %q", code, errs)
			}
		})
	}
}
