package importer

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// mapFile opens a file as Open does (detecting the format when name is empty), maps it with
// the format's suggested mapping, and returns every row.
func mapFile(t *testing.T, in io.Reader, name string) (Format, Encoding, []Row) {
	t.Helper()
	f, tab, enc, err := Open(in, name)
	if err != nil {
		t.Fatalf("Open(%q) = %v, want no error", name, err)
	}
	mp, err := NewMapper(tab, f.Suggest(tab.Columns()))
	if err != nil {
		t.Fatalf("NewMapper(%s suggestion) = %v, want no error", f.Name, err)
	}
	var rows []Row
	for {
		rec, err := tab.Next()
		if err == io.EOF {
			return f, enc, rows
		}
		if err != nil {
			t.Fatalf("%s: Next() = %v, want a record or io.EOF", f.Name, err)
		}
		rows = append(rows, mp.Map(rec))
	}
}

func openTestdata(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// itemsOf returns the items of rows, failing on any problem.
func itemsOf(t *testing.T, rows []Row) []feedback.Item {
	t.Helper()
	var items []feedback.Item
	for _, r := range rows {
		for _, p := range r.Problems {
			t.Errorf("unexpected problem: %s", p)
		}
		items = append(items, r.Items...)
	}
	return items
}

func problemsOf(rows []Row) []Problem {
	var ps []Problem
	for _, r := range rows {
		ps = append(ps, r.Problems...)
	}
	return ps
}

func num(f float64) *float64 { return &f }

func scale(s feedback.Scale) *feedback.Scale { return &s }

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// ownFormats are the formats this file and reviews_test.go test, by the testdata that shows each.
var ownFormats = map[string][]string{
	"zendesk":      {"zendesk/tickets_legacy.csv", "zendesk/tickets_semicolon.csv"},
	"zendesk-json": {"zendesk/tickets.json", "zendesk/tickets_incremental.ndjson"},
	"intercom":     {"intercom/conversations.json"},
	"intercom-csv": {"intercom/conversations_report.csv"},
	"trustpilot":   {"trustpilot/reviews.csv"},
	"google-play":  {"google-play/reviews_app.lodestar.android_202603.csv"},
	"app-store":    {"app-store/customer_reviews.json"},
}

func TestDetectOwnFormats(t *testing.T) {
	for want, files := range ownFormats {
		for _, path := range files {
			t.Run(path, func(t *testing.T) {
				s, err := Sniff(openTestdata(t, path))
				if err != nil {
					t.Fatalf("Sniff(%s) = %v", path, err)
				}
				got, err := Detect(s.Head)
				if err != nil || got.Name != want {
					t.Fatalf("Detect(%s) = %q, %v, want %q", path, got.Name, err, want)
				}
				if score := got.Detect(s.Head); score < 50 {
					t.Errorf("%s.Detect(%s) = %d, want at least 50", want, path, score)
				}
				// No other format of ours may claim the file at all.
				for _, f := range slices.Concat(supportFormats(), reviewFormats()) {
					if f.Name == want || !containerFits(f, s.Head) {
						continue
					}
					if score := f.Detect(s.Head); score != 0 {
						t.Errorf("%s.Detect(%s) = %d, want 0", f.Name, path, score)
					}
				}
			})
		}
	}
}

func containerFits(f Format, h Head) bool {
	return f.Container == h.Container || f.Container == NDJSON && h.Container == JSON
}

// TestDetectOtherTools checks that our formats leave other tools' files to their own formats.
func TestDetectOtherTools(t *testing.T) {
	heads := map[string]string{
		"qualtrics":     "StartDate,EndDate,Status,IPAddress,Progress,Duration (in seconds),Finished,RecordedDate,ResponseId,RecipientLastName,RecipientFirstName,RecipientEmail,ExternalReference,LocationLatitude,LocationLongitude,DistributionChannel,UserLanguage,Q1,Q2\n",
		"surveymonkey":  "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,Last Name,Custom Data 1,How likely are you to recommend us?\n",
		"typeform":      "#,How likely are you to recommend us?,Why?,Start Date (UTC),Submit Date (UTC),Network ID\n",
		"google-forms":  "Timestamp,How satisfied are you?,Comments\n",
		"generic":       "id,created_at,rating,comment,status,priority,subject\n",
		"jira":          "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Created,Updated,Description\n",
		"delighted":     `[{"id":"1","person":{"id":"2","email":"a@b.example","name":"A"},"survey_type":"nps","score":9,"comment":"ok","permalink":"https://x","created_at":1772352942,"updated_at":1772352942,"person_properties":{},"notes":[],"tags":[],"additional_answers":[]}]`,
		"wootric":       `[{"id":1,"score":9,"text":"ok","ip_address":"1.2.3.4","origin_url":"https://x","completed":true,"excluded_from_calculations":false,"created_at":"2026-03-01 10:00:00 -0000","updated_at":"2026-03-01 10:00:00 -0000","end_user":{"id":5,"email":"a@b.example"}}]`,
		"wootric-lines": `{"id":1,"score":9,"text":"ok","completed":true,"excluded_from_calculations":false,"created_at":"2026-03-01","updated_at":"2026-03-01","end_user":{"id":5}}` + "\n" + `{"id":2,"score":3}` + "\n",
		"generic-json":  `{"data":[{"id":"1","created_at":"2026-03-01","rating":4,"title":"t","body":"b","status":"open"}]}`,
	}
	for name, head := range heads {
		t.Run(name, func(t *testing.T) {
			s, err := Sniff(strings.NewReader(head))
			if err != nil {
				t.Fatalf("Sniff = %v", err)
			}
			for _, f := range slices.Concat(supportFormats(), reviewFormats()) {
				if !containerFits(f, s.Head) {
					continue
				}
				if score := f.Detect(s.Head); score != 0 {
					t.Errorf("%s.Detect(%s head) = %d, want 0", f.Name, name, score)
				}
			}
		})
	}
}

// TestDetectOtherTestdata checks every other file under testdata (the other formats' samples,
// whatever they are when the test runs): none of our formats may claim one.
func TestDetectOtherTestdata(t *testing.T) {
	own := map[string]bool{}
	for _, files := range ownFormats {
		for _, p := range files {
			own[filepath.Join("testdata", p)] = true
		}
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		if own[path] || strings.HasSuffix(path, ".md") {
			continue
		}
		t.Run(path, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s, err := Sniff(f)
			if err != nil {
				t.Skipf("Sniff(%s) = %v", path, err)
			}
			for _, f := range slices.Concat(supportFormats(), reviewFormats()) {
				if containerFits(f, s.Head) {
					if score := f.Detect(s.Head); score != 0 {
						t.Errorf("%s.Detect(%s) = %d, want 0", f.Name, path, score)
					}
				}
			}
		})
	}
}

func TestZendeskCSV(t *testing.T) {
	good := scale(feedback.ScaleGoodBad)
	tests := []struct {
		path     string
		want     []feedback.Item
		wantEnc  Encoding
		customer map[string]feedback.Customer // by the row's customer id
	}{
		{
			path:    "zendesk/tickets_legacy.csv",
			wantEnc: UTF8,
			want: []feedback.Item{
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "1001", CustomerExternalID: "cust-42",
					At: utc("2026-03-02T09:15:00Z"), Question: feedback.CSAT, Score: num(1), Scale: good,
					Text: "Refund, please: I was charged twice",
					Attributes: map[string]string{
						"agent_wait_minutes": "40", "agent_wait_minutes_business": "35", "assignee": "Priya Patel",
						"first_reply_minutes": "42", "first_reply_minutes_business": "30",
						"first_resolution_minutes": "145", "first_resolution_minutes_business": "120",
						"full_resolution_minutes": "145", "full_resolution_minutes_business": "120",
						"group": "Billing", "on_hold_minutes": "0", "on_hold_minutes_business": "0",
						"order_number": "A-1009", "organization": "Example Ltd", "priority": "High", "reopens": "0",
						"replies": "2", "requester_wait_minutes": "105", "requester_wait_minutes_business": "85",
						"resolution_time": "2", "solved_at": "2026-03-02 11:40", "status": "Solved", "tags": "billing refund",
						"ticket_category": "billing", "ticket_type": "Problem", "via": "Mail",
					},
				},
				{
					// Offered: no answer yet, so no score; the requester has no external id.
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "1002", CustomerExternalID: "360012",
					At: utc("2026-03-02T17:05:00Z"), Text: `Export to CSV drops the "Notes" column`,
					Attributes: map[string]string{
						"group": "Support", "priority": "Normal", "reopens": "0", "replies": "0", "status": "Open",
						"tags": "export csv", "ticket_category": "bug", "ticket_type": "Incident", "via": "Web form",
						"steps_to_reproduce": "1. Open a roadmap\n2. Export to CSV\n3. The Notes column is missing",
					},
				},
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "1003", CustomerExternalID: "cust-77",
					At: utc("2026-03-03T08:00:00Z"), Question: feedback.CSAT, Score: num(0), Scale: good,
					Text: "Can't invite a teammate",
					Attributes: map[string]string{
						"agent_wait_minutes": "30", "agent_wait_minutes_business": "30", "assignee": "Priya Patel",
						"first_reply_minutes": "5", "first_reply_minutes_business": "5",
						"first_resolution_minutes": "60", "first_resolution_minutes_business": "60",
						"full_resolution_minutes": "1440", "full_resolution_minutes_business": "600",
						"group": "Support", "on_hold_minutes": "0", "on_hold_minutes_business": "0",
						"organization": "Chen & Co", "priority": "Low", "reopens": "1", "replies": "3",
						"requester_wait_minutes": "20", "requester_wait_minutes_business": "20", "resolution_time": "1",
						"solved_at": "2026-03-03 09:00", "status": "Closed", "tags": "invites", "ticket_category": "account",
						"ticket_type": "Question", "via": "Chat",
					},
				},
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "1004", CustomerExternalID: "360014",
					At: utc("2026-03-04T12:30:00Z"), Text: "Feature request: dark mode",
					Attributes: map[string]string{"reopens": "0", "replies": "0", "status": "New", "via": "Web Widget"},
				},
			},
			customer: map[string]feedback.Customer{
				"cust-42": {ExternalID: "cust-42", Name: "Ana Souza", Email: "ana@example.com"},
				"360012":  {ExternalID: "360012", Name: "Jonas Berg", Email: "jonas@berg.example"},
			},
		},
		{
			// Another version: semicolons, a BOM, "(min)" columns, offsets, a description.
			path:    "zendesk/tickets_semicolon.csv",
			wantEnc: UTF8BOM,
			want: []feedback.Item{
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "5501", CustomerExternalID: "9001",
					At: utc("2026-03-04T15:45:00Z"), Question: feedback.CSAT, Score: num(1), Scale: good,
					Text: "Rapport; export trop lent\n\nBonjour,\nl'export met 10 minutes.\nMerci\n\nTrès rapide, merci !",
					Attributes: map[string]string{
						"first_reply_minutes": "12", "first_reply_minutes_business": "12", "full_resolution_minutes": "300",
						"plan": "enterprise", "priority": "urgent", "region": "EU", "status": "solved", "tags": "performance",
						"ticket_type": "problem", "via": "Mail",
					},
				},
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "5502", CustomerExternalID: "9002",
					At: utc("2026-03-05T13:10:00Z"), Question: feedback.CSAT, Score: num(0), Scale: good,
					Text: "Billing address, VAT id\n\nPlease add our VAT id\n\nTook three days",
					Attributes: map[string]string{
						"first_reply_minutes": "2880", "first_reply_minutes_business": "960", "plan": "pro",
						"priority": "normal", "status": "pending", "tags": "billing", "ticket_type": "question", "via": "Web form",
					},
				},
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "5503", CustomerExternalID: "9003",
					At: utc("2026-03-06T10:00:00Z"), Text: "Login loop",
					Attributes: map[string]string{"region": "EU", "status": "open", "tags": "login", "via": "API"},
				},
			},
			customer: map[string]feedback.Customer{
				"9001": {ExternalID: "9001", Name: "Élodie Martin", Email: "elodie@martin.example"},
				"9003": {ExternalID: "9003", Name: "Kai Müller"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, enc, rows := mapFile(t, openTestdata(t, tt.path), "")
			if f.Name != "zendesk" || enc != tt.wantEnc {
				t.Errorf("Open(%s) = %s, %s, want zendesk, %s", tt.path, f.Name, enc, tt.wantEnc)
			}
			if diff := cmp.Diff(tt.want, itemsOf(t, rows)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			for _, r := range rows {
				if r.Customer == nil {
					continue
				}
				if want, ok := tt.customer[r.Customer.ExternalID]; ok {
					if diff := cmp.Diff(want, *r.Customer); diff != "" {
						t.Errorf("row %d customer (-want +got):\n%s", r.Row, diff)
					}
				}
			}
		})
	}
}

func TestZendeskCSVZone(t *testing.T) {
	// The legacy export writes times in the account's zone; the mapping says which.
	f, tab, _, err := Open(openTestdata(t, "zendesk/tickets_legacy.csv"), "zendesk")
	if err != nil {
		t.Fatal(err)
	}
	m := f.Suggest(tab.Columns())
	m.Time.Zone = "America/New_York"
	mp, err := NewMapper(tab, m)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := tab.Next()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mp.Map(rec).Items[0].At, utc("2026-03-02T14:15:00Z"); !got.Equal(want) {
		t.Errorf("Map(ticket 1001 in New York).At = %v, want %v", got, want)
	}
}

func TestSupportProblems(t *testing.T) {
	tests := []struct {
		name   string
		format string
		file   string
		want   []Problem
	}{
		{
			name:   "zendesk bad values",
			format: "zendesk",
			file: "Id,Requester,Requester id,Subject,Via,Ticket type,Created at,Satisfaction Score,Group,Assignee\n" +
				"1,Ana,11,Hello,Mail,Problem,2026-03-02 09:15,Great,Support,Priya\n" +
				"2,Bo,12,\"Two\nlines\",Mail,Problem,yesterday,Good,Support,Priya\n" +
				",Cy,13,No id,Mail,Problem,2026-03-02 09:15,Bad,Support,Priya\n",
			want: []Problem{
				{Row: 2, Column: "Satisfaction Score", Message: `"Great" is neither a number nor one of the answers bad, good`},
				{Row: 3, Column: "Created at", Message: `"yesterday" is not a date and time this importer reads (such as 2026-03-01 14:30:00 or an RFC 3339 time)`},
				{Row: 5, Column: "Id", Message: "the id is missing: without it a re-import could not find this record"},
			},
		},
		{
			name:   "zendesk-json bad values",
			format: "zendesk-json",
			file: `{"id":1,"created_at":"2026-03-01T10:00:00Z","subject":"a","requester_id":5,"satisfaction_rating":{"score":"great"}}` + "\n" +
				`{"id":2,"created_at":"March 1","subject":"b","requester_id":6}` + "\n",
			want: []Problem{
				{Row: 1, Column: "satisfaction_rating.score", Message: `"great" is neither a number nor one of the answers bad, good`},
				{Row: 2, Column: "created_at", Message: `"March 1" is not a date and time this importer reads (such as 2026-03-01 14:30:00 or an RFC 3339 time)`},
			},
		},
		{
			name:   "intercom bad values",
			format: "intercom",
			file: `{"conversations":[{"id":"1","created_at":1772359200,"state":"closed","conversation_rating":{"rating":7}},` +
				`{"id":"2","created_at":"soon","state":"open","source":{"body":"hi"}}]}`,
			want: []Problem{
				{Row: 1, Column: "conversation_rating.rating", Message: "7 is outside the scale 1 to 5"},
				{Row: 2, Column: "created_at", Message: `"soon" is not a Unix time`},
			},
		},
		{
			name:   "intercom-csv bad values",
			format: "intercom-csv",
			file:   "Conversation ID,Conversation started at,Conversation rating,Conversation rating remark\n1,2026-03-01 10:00:00,five,great\n",
			want:   []Problem{{Row: 2, Column: "Conversation rating", Message: `"five" is not a number`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, rows := mapFile(t, strings.NewReader(tt.file), tt.format)
			if diff := cmp.Diff(tt.want, problemsOf(rows)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestZendeskJSON(t *testing.T) {
	good := scale(feedback.ScaleGoodBad)
	common := map[string]string{"brand": "360000222", "form": "360000111", "group": "360002", "organization": "88"}
	with := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range common {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		path string
		want []feedback.Item
	}{
		{
			path: "zendesk/tickets.json",
			want: []feedback.Item{
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "20001", CustomerExternalID: "381001",
					At: utc("2026-03-01T10:00:00Z"), Question: feedback.CSAT, Score: num(1), Scale: good,
					Text: "Roadmap page, blank on Safari\n\nThe roadmap page is blank in Safari 17.\nConsole shows a CSP error.\n\nFixed fast",
					Attributes: with(map[string]string{
						"custom_field_360005001": "bug", "custom_field_360005003": "eu, enterprise",
						"priority": "high", "status": "solved", "tags": "safari, bug", "ticket_type": "incident", "via": "web",
					}),
				},
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "20002", CustomerExternalID: "381002",
					At: utc("2026-03-02T07:30:00Z"), Text: "Invoice question\n\nWhere do I find my invoices?",
					Attributes: with(map[string]string{
						"custom_field_360005001": "billing", "custom_field_360005002": "PO-77",
						"priority": "low", "status": "closed", "ticket_type": "question", "via": "email",
					}),
				},
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "20003", CustomerExternalID: "381003",
					At: utc("2026-03-02T02:30:00Z"), Text: "Cannot import Qualtrics file\n\nIt says row 4 is invalid.",
					Attributes: with(map[string]string{"priority": "normal", "status": "open", "tags": "import", "ticket_type": "incident", "via": "api"}),
				},
			},
		},
		{
			path: "zendesk/tickets_incremental.ndjson",
			want: []feedback.Item{
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "30001", CustomerExternalID: "382001",
					At: utc("2026-03-10T09:00:00Z"), Question: feedback.CSAT, Score: num(0), Scale: good,
					Text: "Slow dashboard\n\nDashboards take 20s to load\n\nStill slow",
					Attributes: with(map[string]string{
						"custom_field_360005001": "performance", "first_reply_minutes": "15", "first_reply_minutes_business": "10",
						"full_resolution_minutes": "2000", "full_resolution_minutes_business": "700",
						"priority": "normal", "status": "solved", "tags": "performance", "ticket_type": "incident", "via": "web",
					}),
				},
				{
					SourceKind: feedback.Ticket, Source: "zendesk", ExternalID: "30002", CustomerExternalID: "382002",
					At: utc("2026-03-10T11:15:00Z"), Text: "SSO setup\n\nHow do I enable SAML?",
					Attributes: with(map[string]string{"status": "pending", "tags": "sso, setup", "ticket_type": "question", "via": "email"}),
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, _, rows := mapFile(t, openTestdata(t, tt.path), "")
			if f.Name != "zendesk-json" {
				t.Errorf("Open(%s) = %s, want zendesk-json", tt.path, f.Name)
			}
			if diff := cmp.Diff(tt.want, itemsOf(t, rows)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

// TestZendeskJSONStreams checks that a large export is read a ticket at a time: the reader
// yields the first ticket before the file has been read to its end.
func TestZendeskJSONStreams(t *testing.T) {
	const n = 5000
	pr, pw := io.Pipe()
	go func() {
		defer pw.Close()
		io.WriteString(pw, `{"tickets":[`)
		for i := range n {
			if i > 0 {
				io.WriteString(pw, ",")
			}
			io.WriteString(pw, `{"id":`+strconv.Itoa(i+1)+`,"created_at":"2026-03-01T10:00:00Z","subject":"s `+strings.Repeat("x", 200)+`","requester_id":7,"via":{"channel":"web"}}`)
		}
		io.WriteString(pw, `],"count":5000}`)
	}()
	_, _, rows := mapFile(t, pr, "zendesk-json")
	if len(rows) != n || rows[n-1].Items[0].ExternalID != strconv.Itoa(n) {
		t.Fatalf("mapFile(%d tickets) = %d rows, want %d", n, len(rows), n)
	}
}

func TestIntercom(t *testing.T) {
	csat := scale(feedback.ScaleCSAT5)
	tests := []struct {
		path      string
		format    string
		want      []feedback.Item
		wantEmail map[string]string // customer id → email
	}{
		{
			path:   "intercom/conversations.json",
			format: "intercom",
			want: []feedback.Item{
				{
					SourceKind: feedback.Ticket, Source: "intercom", ExternalID: "147000001", CustomerExternalID: "cust-42",
					At: utc("2026-03-01T10:00:00Z"), Question: feedback.CSAT, Score: num(4), Scale: csat,
					Text: "Quick answer, thanks\n\nHi, I was charged twice & need a refund.\nOrder A-1009",
					Attributes: map[string]string{
						"channel": "conversation", "count_reopens": "0", "delivered_as": "customer_initiated",
						"median_time_to_reply": "300", "priority": "priority", "state": "closed", "tags": "billing, refund",
						"time_to_admin_reply": "320", "time_to_assignment": "0", "time_to_first_close": "5400",
					},
				},
				{
					// Unrated: the opening message is the feedback; the lead has no external id.
					SourceKind: feedback.Ticket, Source: "intercom", ExternalID: "147000002", CustomerExternalID: "6b2",
					At: utc("2026-03-02T10:00:00Z"), Text: "Does the roadmap have an API?",
					Attributes: map[string]string{
						"channel": "conversation", "count_reopens": "0", "delivered_as": "customer_initiated",
						"priority": "not_priority", "state": "open", "time_to_assignment": "60",
					},
				},
				{
					SourceKind: feedback.Ticket, Source: "intercom", ExternalID: "147000003", CustomerExternalID: "cust-77",
					At: utc("2026-03-03T10:00:00Z"), Question: feedback.CSAT, Score: num(1), Scale: csat,
					Text: "Nobody answered for two days\n\nMy import failed\ntwice",
					Attributes: map[string]string{
						"channel": "conversation", "count_reopens": "0", "delivered_as": "customer_initiated",
						"median_time_to_reply": "86400", "priority": "not_priority", "state": "closed", "tags": "import, urgent",
						"time_to_admin_reply": "172800", "time_to_assignment": "10", "time_to_first_close": "180000",
					},
				},
			},
			wantEmail: map[string]string{"cust-42": "ana@example.com", "6b2": "visitor@lead.example", "cust-77": "mei@chen.example"},
		},
		{
			path:   "intercom/conversations_report.csv",
			format: "intercom-csv",
			want: []feedback.Item{
				{
					SourceKind: feedback.Ticket, Source: "intercom", ExternalID: "147000001", CustomerExternalID: "cust-42",
					At: utc("2026-03-01T10:00:00Z"), Question: feedback.CSAT, Score: num(4), Scale: csat,
					Text: "Quick answer, thanks",
					Attributes: map[string]string{
						"assignee": "Priya Patel", "channel": "Messenger", "median_time_to_reply": "300", "state": "closed",
						"tags": "billing, refund", "team": "Billing", "time_to_admin_reply": "320", "time_to_assignment": "0",
						"time_to_first_close": "5400",
					},
				},
				// 147000002 has neither a rating nor a remark: nothing to import.
				{
					// Created at in Unix seconds, as a flattened API export writes it.
					SourceKind: feedback.Ticket, Source: "intercom", ExternalID: "147000003", CustomerExternalID: "cust-77",
					At: utc("2026-03-03T10:00:00Z"), Question: feedback.CSAT, Score: num(1), Scale: csat,
					Text: "Nobody answered,\nfor two days",
					Attributes: map[string]string{
						"assignee": "Priya Patel", "channel": "Messenger", "median_time_to_reply": "86400", "state": "closed",
						"tags": "import", "team": "Support", "time_to_admin_reply": "172800", "time_to_assignment": "10",
						"time_to_first_close": "180000",
					},
				},
			},
			wantEmail: map[string]string{"cust-42": "ana@example.com", "cust-77": "mei@chen.example"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, _, rows := mapFile(t, openTestdata(t, tt.path), "")
			if f.Name != tt.format {
				t.Errorf("Open(%s) = %s, want %s", tt.path, f.Name, tt.format)
			}
			if diff := cmp.Diff(tt.want, itemsOf(t, rows)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			got := map[string]string{}
			for _, r := range rows {
				if r.Customer != nil {
					got[r.Customer.ExternalID] = r.Customer.Email
				}
			}
			if diff := cmp.Diff(tt.wantEmail, got); diff != "" {
				t.Errorf("customer emails (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"<p>Hi</p><p>there &amp; back</p>", "Hi\nthere & back"},
		{"one<br>two<br/>three", "one\ntwo\nthree"},
		{"<p>a</p><p></p><p></p><p>b</p>", "a\n\nb"},
		{`<a href="x">link</a> &lt;3`, "link <3"},
	}
	for _, tt := range tests {
		if got := htmlText(tt.in); got != tt.want {
			t.Errorf("htmlText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCustomFieldName(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"Ticket Category [list]", "ticket_category", true},
		{"Order number [txt]", "order_number", true},
		{"Région (EU) [dropdown]", "région_eu", true},
		{"Subject", "", false},
		{"[list]", "", false},
	}
	for _, tt := range tests {
		if got, ok := customFieldName(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("customFieldName(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// fuzzFormats runs Open, Next and Map of each named format on arbitrary bytes.
func fuzzFormats(f *testing.F, names []string) {
	for _, name := range names {
		for _, path := range ownFormats[name] {
			b, err := os.ReadFile(filepath.Join("testdata", path))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range names {
			_, tab, _, err := Open(bytes.NewReader(data), name)
			if err != nil {
				continue
			}
			fm, _ := FormatByName(name)
			mp, err := NewMapper(tab, fm.Suggest(tab.Columns()))
			if err != nil {
				continue
			}
			for range 10_000 {
				rec, err := tab.Next()
				if err != nil {
					break
				}
				mp.Map(rec)
			}
		}
	})
}

func FuzzSupportFormats(f *testing.F) {
	fuzzFormats(f, []string{"zendesk", "zendesk-json", "intercom", "intercom-csv"})
}
