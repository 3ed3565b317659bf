package importer

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	_ "time/tzdata" // the tests read times in America/Denver on systems without a zone database

	"github.com/google/go-cmp/cmp"

	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// surveyTestdata are the survey formats' test files and the format each one is.
var surveyTestdata = map[string]string{
	"qualtrics/sample.csv":        "qualtrics",
	"qualtrics/nps.csv":           "qualtrics",
	"qualtrics/sample_legacy.csv": "qualtrics-legacy",
	"surveymonkey/responses.csv":  "surveymonkey",
	"typeform/responses.csv":      "typeform",
	"delighted/responses.csv":     "delighted",
	"delighted/responses.json":    "delighted-json",
	"wootric/responses.csv":       "wootric",
	"wootric/responses.json":      "wootric-json",
	"google-forms/responses.csv":  "google-forms",
	"google-forms/no_email.csv":   "google-forms",
}

func surveyRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// surveyOpen opens data as the import does: decoded, the format detected when name is "".
func surveyOpen(t *testing.T, data []byte, name string) (Format, Table) {
	t.Helper()
	f, tb, _, err := Open(bytes.NewReader(data), name)
	if err != nil {
		t.Fatalf("Open(%q) = %v, want a table", name, err)
	}
	return f, tb
}

// surveyMap maps every record of the table.
func surveyMap(t *testing.T, tb Table, m Mapping) []Row {
	t.Helper()
	mp, err := NewMapper(tb, m)
	if err != nil {
		t.Fatalf("NewMapper(%+v) = %v", m, err)
	}
	var rows []Row
	for {
		rec, err := tb.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			t.Fatalf("Next() = %v", err)
		}
		rows = append(rows, mp.Map(rec))
	}
}

// surveyItem is what a test checks of an item.
type surveyItem struct {
	Row      int
	ID       string
	Customer string
	At       string
	Question feedback.Question
	Score    string // "" when there is none
	Text     string
	Attrs    map[string]string
	Excluded bool
}

func surveyItems(t *testing.T, rows []Row) []surveyItem {
	t.Helper()
	var out []surveyItem
	for _, r := range rows {
		for _, p := range r.Problems {
			t.Errorf("unexpected problem %v", p)
		}
		for _, it := range r.Items {
			got := surveyItem{
				Row: r.Row, ID: it.ExternalID, Customer: it.CustomerExternalID, At: it.At.Format("2006-01-02T15:04:05Z07:00"),
				Question: it.Question, Text: it.Text, Attrs: it.Attributes, Excluded: it.Excluded,
			}
			if it.Score != nil {
				got.Score = feedback.FormatScore(*it.Score)
			}
			out = append(out, got)
		}
	}
	return out
}

func TestSurveyDetect(t *testing.T) {
	for path, want := range surveyTestdata {
		t.Run(path, func(t *testing.T) {
			f, _ := surveyOpen(t, surveyRead(t, path), "")
			if f.Name != want {
				t.Errorf("Open(%s) detected %s, want %s", path, f.Name, want)
			}
		})
	}
}

// TestSurveyDetectOthers checks that no survey format claims another tool's file: the
// other formats' test files, and heads of files that only look alike.
func TestSurveyDetectOthers(t *testing.T) {
	survey := map[string]bool{}
	for _, f := range surveyFormats() {
		survey[f.Name] = true
	}
	claims := func(t *testing.T, what string, h Head) {
		t.Helper()
		f, err := Detect(h)
		if err == nil && survey[f.Name] {
			t.Errorf("Detect(%s) = %s, a survey format", what, f.Name)
		}
	}
	paths, _ := filepath.Glob("testdata/*/*")
	for _, p := range paths {
		dir := filepath.Base(filepath.Dir(p))
		if slices.Contains([]string{"qualtrics", "surveymonkey", "typeform", "delighted", "wootric", "google-forms"}, dir) {
			continue
		}
		s, err := Sniff(bytes.NewReader(surveyRead(t, strings.TrimPrefix(p, "testdata/"))))
		if err != nil {
			continue
		}
		claims(t, p, s.Head)
	}
	for _, h := range []Head{
		{Container: CSV, Names: []string{"date", "score", "comment"}},
		{Container: CSV, Names: []string{"id", "score", "text", "created_at"}},         // Wootric-like, without its fixed columns
		{Container: CSV, Names: []string{"Score", "Comment", "Date"}},                  // Delighted-like
		{Container: CSV, Names: []string{"Start Date", "End Date", "Email Address"}},   // SurveyMonkey-like
		{Container: CSV, Names: []string{"Timestamp"}},                                 // one column: nothing to import
		{Container: CSV, Names: []string{"V1", "V2", "V3"}},                            // not the legacy ten
		{Container: JSON, Names: []string{"id", "score", "comment", "created_at"}},     // no survey_type
		{Container: CSV, Names: []string{"ResponseId", "Q1", "Q2"}},                    // too few Qualtrics columns
		{Container: CSV, Names: []string{"#", "Start Date (UTC)", "Question", "Name"}}, // one Typeform column
	} {
		claims(t, strings.Join(h.Names, ","), h)
	}
}

func TestQualtricsColumns(t *testing.T) {
	_, tb := surveyOpen(t, surveyRead(t, "qualtrics/sample.csv"), "qualtrics")
	got := tb.Columns()
	want := map[string]Column{
		"ResponseId":   {Key: "ResponseId", Label: "Antwort-ID"},
		"RecordedDate": {Key: "RecordedDate", Label: "Erfassungsdatum"},
		"QID1":         {Key: "QID1", Label: "This is a multiple choice question."},
		"QID2_TEXT":    {Key: "QID2_TEXT", Label: "This is a free text question."},
		// Text iQ's topics column: an ImportId of its own, and the row 1 name as its text.
		"QID2_TEXT_eae5a8d0e7fd4bd183e983e5Topics": {Key: "QID2_TEXT_eae5a8d0e7fd4bd183e983e5Topics", Label: "Q2 - Topics"},
	}
	if len(got) != 20 {
		t.Errorf("Columns() has %d columns, want 20: %v", len(got), got)
	}
	for key, w := range want {
		i := slices.IndexFunc(got, func(c Column) bool { return c.Key == key })
		if i < 0 {
			t.Errorf("Columns() lacks %s: %v", key, got)
			continue
		}
		if diff := cmp.Diff(w, got[i]); diff != "" {
			t.Errorf("Columns()[%s] (-want +got):\n%s", key, diff)
		}
	}

	_, tb = surveyOpen(t, surveyRead(t, "qualtrics/nps.csv"), "")
	for _, c := range tb.Columns() {
		wantZone := ""
		if slices.Contains([]string{"StartDate", "EndDate", "RecordedDate"}, c.Key) {
			wantZone = "America/Denver"
		}
		if c.Zone != wantZone {
			t.Errorf("column %s has zone %q, want %q", c.Key, c.Zone, wantZone)
		}
	}
}

// TestQualtricsHeaderRows reads files whose second and third header rows were deleted.
func TestQualtricsHeaderRows(t *testing.T) {
	full := strings.Split(string(surveyRead(t, "qualtrics/sample.csv")), "\n")
	for _, tc := range []struct {
		name  string
		lines []string
		row   int
	}{
		{"three rows", full, 4},
		{"names only", []string{full[0], full[3]}, 2},
		{"names and texts", []string{full[0], full[1], full[3]}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, tb := surveyOpen(t, []byte(strings.Join(tc.lines, "\n")), "")
			rows := surveyMap(t, tb, f.Suggest(tb.Columns()))
			if len(rows) != 1 || rows[0].Row != tc.row || len(rows[0].Items) != 1 || rows[0].Items[0].ExternalID != "R_2YPOQ602ER1jkf1" {
				t.Errorf("rows = %+v, want one item R_2YPOQ602ER1jkf1 from row %d", rows, tc.row)
			}
		})
	}
}

func TestSurveyMonkeyColumns(t *testing.T) {
	header := [][]string{
		{"Respondent ID", "How likely?", "Which?", "", "", "Comments", "Comments", ""},
		{"", "Response", "Reports", "", "Other (please specify)", "Open-Ended Response", "Open-Ended Response", ""},
	}
	got, err := surveyMonkeyColumns(header)
	if err != nil {
		t.Fatal(err)
	}
	want := []Column{
		{Key: "Respondent ID", Label: "Respondent ID"},
		{Key: "How likely?", Label: "How likely?"},
		{Key: "Which? / Reports", Label: "Which? / Reports"},
		{Key: "Which? / 2", Label: "Which? / 2"},
		{Key: "Which? / Other (please specify)", Label: "Which? / Other (please specify)"},
		{Key: "Comments", Label: "Comments / Open-Ended Response"},
		{Key: "Comments #2", Label: "Comments / Open-Ended Response"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("surveyMonkeyColumns(%q) (-want +got):\n%s", header, diff)
	}
	_, err = surveyMonkeyColumns([][]string{{"", "Q"}, {"Reports", "Response"}})
	var se *SyntaxError
	if !errors.As(err, &se) || se.Row != 1 || se.Column != 1 {
		t.Errorf("surveyMonkeyColumns(continuation first) = %v, want a SyntaxError at row 1, column 1", err)
	}
}

func TestSurveyImport(t *testing.T) {
	const (
		qNPS   = "How likely is it that you would recommend Lodestar to a friend or colleague?"
		qSat   = "How satisfied are you with our support?"
		tfNPS  = "How likely are you to recommend Lodestar to a friend or colleague?"
		gfSat  = "How satisfied are you with the roadmap view?"
		gfDocs = "How would you rate the docs, from 0 to 10?"
	)
	satisfaction := map[string]float64{"Very dissatisfied": 1, "Dissatisfied": 2, "Neutral": 3, "Satisfied": 4, "Very satisfied": 5}
	qualtricsAttrs := func(channel, lang string) map[string]string {
		return map[string]string{"distribution_channel": channel, "language": lang, "status": "0"}
	}
	tests := []struct {
		file string
		edit func(m *Mapping) // the user's changes to the suggestion
		want []surveyItem
	}{
		{
			file: "qualtrics/sample.csv",
			want: []surveyItem{{Row: 4, ID: "R_2YPOQ602ER1jkf1", At: "2017-07-18T08:28:48Z", Text: "Hello World!", Attrs: qualtricsAttrs("anonymous", "DE")}},
		},
		{
			file: "qualtrics/nps.csv",
			edit: func(m *Mapping) { m.Questions = []QuestionColumn{{Column: "QID1", Question: feedback.NPS}} },
			want: []surveyItem{
				// Denver is UTC-7 in February and UTC-6 in July.
				{Row: 4, ID: "R_1aBcDeFgHiJkLmN", Customer: "cust-001", At: "2026-02-10T16:02:12Z", Question: feedback.NPS, Score: "9",
					Text: "Roadmap view is great.\nExport could be faster.", Attrs: qualtricsAttrs("email", "EN")},
				{Row: 6, ID: "R_2oPqRsTuVwXyZaB", Customer: "cust-002", At: "2026-07-01T20:31:05Z", Question: feedback.NPS, Score: "0",
					Text: "Nothing works for us.", Attrs: qualtricsAttrs("anonymous", "EN")},
				// Row 7 repeats the ImportId header and is skipped; row 8 has a comment and no score.
				{Row: 8, ID: "R_3cDeFgHiJkLmNoP", At: "2026-07-02T14:00:41Z", Text: "Nur ein Kommentar.", Attrs: qualtricsAttrs("anonymous", "DE")},
			},
		},
		{
			file: "qualtrics/sample_legacy.csv",
			edit: func(m *Mapping) { m.Text = []string{"Q2"} },
			want: []surveyItem{{Row: 3, ID: "R_2YPOQ602ER1jkf1", At: "2017-07-18T08:28:48Z", Text: "Hello World!",
				Attrs: map[string]string{"response_set": "Standard-Antwortsatz", "status": "0"}}},
		},
		{
			file: "surveymonkey/responses.csv",
			edit: func(m *Mapping) {
				m.Questions = []QuestionColumn{{Column: qNPS, Question: feedback.NPS}, {Column: qSat, Question: feedback.CSAT, Labels: satisfaction}}
			},
			want: []surveyItem{
				{Row: 3, ID: "114312345601", Customer: "ana@example.com", At: "2026-11-02T10:15:32Z", Question: feedback.NPS, Score: "10",
					Text: "Faster exports, please.\nAnd dark mode.", Attrs: map[string]string{"collector_id": "431234567", "custom_data_1": "cust-001"}},
				{Row: 3, ID: "114312345601/" + qSat, Customer: "ana@example.com", At: "2026-11-02T10:15:32Z", Question: feedback.CSAT, Score: "5",
					Attrs: map[string]string{"collector_id": "431234567", "custom_data_1": "cust-001"}},
				{Row: 5, ID: "114312345602", At: "2026-11-02T13:05:09Z", Question: feedback.NPS, Score: "0",
					Text: "Everything.\n\nCall me.", Attrs: map[string]string{"collector_id": "431234567"}},
				{Row: 5, ID: "114312345602/" + qSat, At: "2026-11-02T13:05:09Z", Question: feedback.CSAT, Score: "1",
					Attrs: map[string]string{"collector_id": "431234567"}},
				{Row: 6, ID: "114312345603/" + qSat, Customer: "li@example.com", At: "2026-11-03T09:01:00Z", Question: feedback.CSAT, Score: "4",
					Attrs: map[string]string{"collector_id": "431234568", "custom_data_1": "cust-003"}},
			},
		},
		{
			file: "typeform/responses.csv",
			edit: func(m *Mapping) {
				m.Questions = []QuestionColumn{{Column: tfNPS, Question: feedback.NPS}}
				m.Text = []string{"What's the main reason for your score?"}
			},
			want: []surveyItem{
				{Row: 2, ID: "k3n1b2x9q0p8w7e6", Customer: "cust-001", At: "2026-02-11T10:15:32Z", Question: feedback.NPS, Score: "8",
					Text: "Good, but the API docs are thin.", Attrs: map[string]string{"utm_source": "newsletter"}},
				{Row: 3, ID: "r9t8y7u6i5o4p3a2", At: "2026-02-12T00:01:45Z", Question: feedback.NPS, Score: "0"},
			},
		},
		{
			file: "delighted/responses.csv",
			want: []surveyItem{
				{Row: 2, ID: "9001", Customer: "cust-001", At: "2026-02-11T18:15:32Z", Question: feedback.NPS, Score: "10",
					Text: "Love it.\nKeep going.", Attrs: map[string]string{"survey_type": "nps", "tags": "praise, roadmap", "plan": "pro"}},
				{Row: 4, ID: "9002", Customer: "cust-002", At: "2026-02-11T19:00:00Z", Question: feedback.NPS, Score: "0",
					Text: "Too slow.", Attrs: map[string]string{"survey_type": "nps", "notes": "Called back", "plan": "free"}},
				{Row: 5, ID: "9003/" + delightedCSATScore, Customer: "cust-003", At: "2026-02-12T09:30:00Z", Question: feedback.CSAT, Score: "4",
					Attrs: map[string]string{"survey_type": "csat", "plan": "pro"}},
				{Row: 6, ID: "9004/" + delightedCESScore, Customer: "cust-003", At: "2026-02-12T09:31:00Z", Question: feedback.CES, Score: "6",
					Text: "Took a while to find the setting.", Attrs: map[string]string{"survey_type": "ces", "plan": "pro"}},
				// Row 7 is an eNPS answer: no kind Lodestar counts, and unmapped until the user maps Score.
			},
		},
		{
			file: "delighted/responses.json",
			want: []surveyItem{
				{Row: 1, ID: "9101", Customer: "cust-001", At: "2026-02-11T08:53:20Z", Question: feedback.NPS, Score: "0",
					Text: "Nothing works.\nPlease call.", Attrs: map[string]string{"survey_type": "nps", "tags": "bug, export", "plan": "pro", "Delighted Source": "Email"}},
				{Row: 2, ID: "9102/" + delightedCSATScore, Customer: "cust-003", At: "2026-02-11T09:53:20Z", Question: feedback.CSAT, Score: "5",
					Attrs: map[string]string{"survey_type": "csat"}},
			},
		},
		{
			file: "wootric/responses.csv",
			want: []surveyItem{
				{Row: 2, ID: "15181514", Customer: "cust-001", At: "2026-02-11T18:15:32Z", Question: feedback.NPS, Score: "10",
					Text: "Love the roadmap.", Attrs: map[string]string{"origin_url": "https://app.example.com/roadmap"}},
				{Row: 3, ID: "15181515", Customer: "cust-002", At: "2026-02-11T19:00:00Z", Question: feedback.NPS, Score: "0",
					Text: "Crashes daily.\nFix it.", Attrs: map[string]string{"origin_url": "https://app.example.com/boards"}},
				{Row: 5, ID: "15181516", At: "2026-02-12T17:00:00Z", Question: feedback.NPS, Score: "3",
					Text: "test response from our QA", Attrs: map[string]string{"origin_url": "https://staging.example.com/"}, Excluded: true},
			},
		},
		{
			file: "wootric/responses.json",
			want: []surveyItem{
				{Row: 1, ID: "2201", Customer: "cust-003", At: "2026-02-11T08:53:20Z", Question: feedback.NPS, Score: "7",
					Attrs: map[string]string{"origin_url": "https://app.example.com/", "plan": "pro", "region": "emea"}},
				{Row: 2, ID: "2202", At: "2026-02-12T17:00:00Z", Question: feedback.NPS, Score: "0",
					Text: "Export is broken.", Attrs: map[string]string{"origin_url": "https://app.example.com/export"}, Excluded: true},
			},
		},
		{
			file: "google-forms/responses.csv",
			edit: func(m *Mapping) {
				m.Questions = []QuestionColumn{{Column: "How likely are you to recommend Lodestar to a friend or colleague?", Question: feedback.NPS}}
				m.Text = []string{"Anything else?"}
				m.Time.Zone = "Europe/Berlin"
			},
			want: []surveyItem{
				{Row: 2, ID: "2/11/2026 10:15:32 ana@example.com", Customer: "ana@example.com", At: "2026-02-11T09:15:32Z", Question: feedback.NPS, Score: "9",
					Text: "Great tool.\nMore integrations, please."},
				{Row: 4, ID: "2/11/2026 10:15:32 chidi@example.com", Customer: "chidi@example.com", At: "2026-02-11T09:15:32Z", Question: feedback.NPS, Score: "0"},
				{Row: 5, ID: "2/12/2026 8:01:07 ana@example.com", Customer: "ana@example.com", At: "2026-02-12T07:01:07Z", Text: "Second thoughts."},
			},
		},
		{
			file: "google-forms/no_email.csv",
			edit: func(m *Mapping) {
				m.Questions = []QuestionColumn{{Column: gfSat, Question: feedback.CSAT, Labels: satisfaction}}
			},
			want: []surveyItem{
				{Row: 2, ID: "2/11/2026 10:15:32", At: "2026-02-11T10:15:32Z", Question: feedback.CSAT, Score: "4"},
				{Row: 3, ID: "2/11/2026 10:15:32 #2", At: "2026-02-11T10:15:32Z", Question: feedback.CSAT, Score: "1"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f, tb := surveyOpen(t, surveyRead(t, tc.file), "")
			m := f.Suggest(tb.Columns())
			if tc.edit != nil {
				tc.edit(&m)
			}
			got := surveyItems(t, surveyMap(t, tb, m))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Map(%s) items (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

func TestSurveyProblems(t *testing.T) {
	type at struct {
		Row    int
		Column string
	}
	qualtrics := strings.Join([]string{
		"ResponseId,RecordedDate,StartDate,EndDate,Status,Q1",
		"Response ID,Recorded Date,Start Date,End Date,Response Type,How likely?",
		`"{""ImportId"":""_recordId""}","{""ImportId"":""recordedDate""}","{""ImportId"":""startDate""}",` +
			`"{""ImportId"":""endDate""}","{""ImportId"":""status""}","{""ImportId"":""QID1""}"`,
		"R_a1,2026-02-10 09:00:00,,,0,11",
		"R_a2,yesterday,,,0,7",
		",2026-02-10 09:00:00,,,0,ten",
	}, "\n")
	tests := []struct {
		name   string
		format string
		data   string
		edit   func(m *Mapping)
		want   []at
	}{
		{
			name: "qualtrics", format: "qualtrics", data: qualtrics,
			edit: func(m *Mapping) { m.Questions = []QuestionColumn{{Column: "QID1", Question: feedback.NPS}} },
			want: []at{{4, "QID1"}, {5, "RecordedDate"}, {6, "ResponseId"}, {6, "QID1"}},
		},
		{
			name: "wootric", format: "wootric",
			data: "id,score,text,origin_url,excluded_from_calculations,created_at\n" +
				"1,eleven,,,false,2026-02-11 10:15:32 -0800\n" +
				"2,12,,,false,2026-02-11 10:15:32 -0800\n" +
				"3,5,,,maybe,2026-02-11 10:15:32 -0800\n" +
				"4,5,,,false,\n",
			want: []at{{2, "score"}, {3, "score"}, {4, "excluded_from_calculations"}, {5, "created_at"}},
		},
		{
			name: "surveymonkey labels", format: "surveymonkey",
			data: "Respondent ID,Collector ID,Start Date,End Date,How satisfied?\n" +
				",,,,Response\n" +
				"11,22,11/02/2026 10:11:02 AM,11/02/2026 10:15:32 AM,Kinda\n" +
				"12,22,11/02/2026 10:11:02 AM,2026-11-02,Satisfied\n",
			edit: func(m *Mapping) {
				m.Questions = []QuestionColumn{{Column: "How satisfied?", Question: feedback.CSAT, Labels: map[string]float64{"Satisfied": 4}}}
			},
			want: []at{{3, "How satisfied?"}, {4, "End Date"}},
		},
		{
			name: "google forms without a timestamp", format: "google-forms",
			data: "Timestamp,Comment\n,Hello\n",
			want: []at{{2, surveyResponseID}, {2, "Timestamp"}},
		},
		{
			name: "delighted json times", format: "delighted-json",
			data: `[{"id":"1","survey_type":"nps","score":3,"created_at":"2026-02-11"}]`,
			want: []at{{1, "created_at"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, tb := surveyOpen(t, []byte(tc.data), tc.format)
			m := f.Suggest(tb.Columns())
			if tc.edit != nil {
				tc.edit(&m)
			}
			var got []at
			for _, r := range surveyMap(t, tb, m) {
				for _, p := range r.Problems {
					if p.Message == "" {
						t.Errorf("problem %+v has no message", p)
					}
					got = append(got, at{p.Row, p.Column})
				}
				if len(r.Problems) > 0 && len(r.Items) > 0 {
					t.Errorf("row %d has problems and items %+v", r.Row, r.Items)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Map(%s) problems at (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

// TestSurveyScoreZero: 0 is a detractor's score, never a missing answer.
func TestSurveyScoreZero(t *testing.T) {
	for _, tc := range []struct {
		file, column, id string
	}{
		{"wootric/responses.csv", "score", "15181515"},
		{"wootric/responses.json", "score", "2202"},
		{"delighted/responses.csv", delightedNPSScore, "9002"},
		{"delighted/responses.json", delightedNPSScore, "9101"},
		{"qualtrics/nps.csv", "QID1", "R_2oPqRsTuVwXyZaB"},
		{"typeform/responses.csv", "How likely are you to recommend Lodestar to a friend or colleague?", "r9t8y7u6i5o4p3a2"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, tb := surveyOpen(t, surveyRead(t, tc.file), "")
			m := f.Suggest(tb.Columns())
			if !slices.ContainsFunc(m.Questions, func(q QuestionColumn) bool { return q.Column == tc.column }) {
				m.Questions = []QuestionColumn{{Column: tc.column, Question: feedback.NPS}}
			}
			var found bool
			for _, r := range surveyMap(t, tb, m) {
				for _, it := range r.Items {
					if it.ExternalID != tc.id {
						continue
					}
					found = true
					if it.Score == nil || *it.Score != 0 || it.Question != feedback.NPS {
						t.Errorf("Map(%s) item %s = score %v, question %q; want score 0, nps", tc.file, tc.id, it.Score, it.Question)
					}
				}
			}
			if !found {
				t.Errorf("Map(%s) has no item %s", tc.file, tc.id)
			}
		})
	}
}

// TestSurveyNoNPSGuess: a suggestion marks a question NPS only where the tool says so, and a
// 0–10 question the mapping does not call NPS stays what the mapping says.
func TestSurveyNoNPSGuess(t *testing.T) {
	explicit := map[string]bool{"delighted": true, "delighted-json": true, "wootric": true, "wootric-json": true}
	for path := range surveyTestdata {
		f, tb := surveyOpen(t, surveyRead(t, path), "")
		for _, q := range f.Suggest(tb.Columns()).Questions {
			if !explicit[f.Name] {
				t.Errorf("%s.Suggest(%s) marks %s as %q; only the user's mapping may", f.Name, path, q.Column, q.Question)
			}
		}
	}

	f, tb := surveyOpen(t, surveyRead(t, "qualtrics/nps.csv"), "")
	m := f.Suggest(tb.Columns())
	scale := feedback.ScaleNPS
	m.Questions = []QuestionColumn{{Column: "QID1", Question: feedback.NPS}, {Column: "QID3", Scale: &scale}}
	var kinds []string
	for _, r := range surveyMap(t, tb, m) {
		for _, it := range r.Items {
			kinds = append(kinds, it.ExternalID+"="+string(it.Question))
		}
	}
	want := []string{
		"R_1aBcDeFgHiJkLmN=nps", "R_1aBcDeFgHiJkLmN/QID3=",
		"R_2oPqRsTuVwXyZaB=nps", "R_2oPqRsTuVwXyZaB/QID3=",
		"R_3cDeFgHiJkLmNoP=", // only a comment
	}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("Map(qualtrics/nps.csv) kinds (-want +got):\n%s", diff)
	}
}

// TestSurveyLabelsByValue: a word answer scores by what it says, never by where the option
// stood in the form, and a longer label is not matched by a shorter one inside it.
func TestSurveyLabelsByValue(t *testing.T) {
	data := "Timestamp,How satisfied?\n" +
		"2/11/2026 10:00:00,Very satisfied\n" +
		"2/11/2026 10:00:01,Satisfied\n" +
		"2/11/2026 10:00:02,  very DISSATISFIED \n" +
		"2/11/2026 10:00:03,3\n"
	// The options in the form's order would be 5, 4, 3, 2, 1; listed here in another order.
	labels := map[string]float64{"Dissatisfied": 2, "Very satisfied": 5, "Neutral": 3, "Very dissatisfied": 1, "Satisfied": 4}
	f, tb := surveyOpen(t, []byte(data), "google-forms")
	m := f.Suggest(tb.Columns())
	m.Questions = []QuestionColumn{{Column: "How satisfied?", Question: feedback.CSAT, Labels: labels}}
	var got []string
	for _, it := range surveyItems(t, surveyMap(t, tb, m)) {
		got = append(got, it.Score)
	}
	if want := []string{"5", "4", "1", "3"}; !slices.Equal(got, want) {
		t.Errorf("Map(labels) scores = %v, want %v", got, want)
	}
}

// TestGoogleFormsIDsStable: a later export with more rows gives the earlier responses the ids
// they had, so that a re-import updates them.
func TestGoogleFormsIDsStable(t *testing.T) {
	ids := func(data string) []string {
		f, tb := surveyOpen(t, []byte(data), "google-forms")
		var out []string
		for _, it := range surveyItems(t, surveyMap(t, tb, f.Suggest(tb.Columns()))) {
			out = append(out, it.ID)
		}
		return out
	}
	first := string(surveyRead(t, "google-forms/no_email.csv"))
	later := first + "2/11/2026 10:15:32,Neutral,A third in that second.\n2/12/2026 9:00:00,Satisfied,\n"
	a, b := ids(first), ids(later)
	if len(b) != 4 || !slices.Equal(a, b[:len(a)]) {
		t.Errorf("ids(first) = %q, ids(later) = %q; want the later to start with the first", a, b)
	}
	if !slices.Equal(b[2:], []string{"2/11/2026 10:15:32 #3", "2/12/2026 9:00:00"}) {
		t.Errorf("ids(later)[2:] = %q", b[2:])
	}
}

// FuzzSurveyFormats reads arbitrary bytes with every survey format: errors are fine, panics
// are not.
func FuzzSurveyFormats(f *testing.F) {
	for path := range surveyTestdata {
		f.Add(surveyRead(f, path))
	}
	f.Add([]byte("Respondent ID,Collector ID\n,\n"))
	f.Add([]byte(`{"event_type":"survey_response.created","event_data":{"id":"1","survey_type":"nps","score":0}}`))
	formats := surveyFormats()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range formats {
			for _, open := range []func() (Table, error){
				func() (Table, error) { return format.Open(bytes.NewReader(data)) },
				func() (Table, error) {
					_, tb, _, err := Open(bytes.NewReader(data), format.Name)
					return tb, err
				},
			} {
				tb, err := open()
				if err != nil {
					continue
				}
				mp, err := NewMapper(tb, format.Suggest(tb.Columns()))
				for range 200 {
					rec, err := tb.Next()
					if err != nil {
						break
					}
					if mp != nil {
						mp.Map(rec)
					}
				}
				_ = err
			}
		}
	})
}
