package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// surveyFormats are the survey tools' formats. See Format.
//
// What a survey format proposes follows one rule: it names the response id, the time, the
// customer and the comment, and it marks a question NPS, CSAT or CES only where the tool itself
// says so (Delighted's survey type, Wootric, which asks NPS alone). A Qualtrics, SurveyMonkey,
// Typeform or Google Forms question is never marked from its 0–10 scale: the user's mapping names it.
func surveyFormats() []Format {
	return []Format{
		{
			Name: "qualtrics", Title: "Qualtrics survey export (CSV)", Target: Feedback, Container: CSV,
			Detect: detectQualtrics, Open: openQualtrics, Suggest: suggestQualtrics,
		},
		{
			Name: "qualtrics-legacy", Title: "Qualtrics legacy survey export (CSV, V1–V10 columns)", Target: Feedback, Container: CSV,
			Detect: detectQualtricsLegacy, Open: openQualtricsLegacy, Suggest: suggestQualtricsLegacy,
		},
		{
			Name: "surveymonkey", Title: "SurveyMonkey responses (CSV)", Target: Feedback, Container: CSV,
			Detect: detectSurveyMonkey, Open: openSurveyMonkey, Suggest: suggestSurveyMonkey,
		},
		{
			Name: "typeform", Title: "Typeform responses (CSV)", Target: Feedback, Container: CSV,
			Detect: detectTypeform, Open: openSurveyNamedCSV, Suggest: suggestTypeform,
		},
		{
			Name: "delighted", Title: "Delighted responses (CSV)", Target: Feedback, Container: CSV,
			Detect: detectDelighted, Open: openDelighted, Suggest: suggestDelighted,
		},
		{
			Name: "delighted-json", Title: "Delighted responses (API or webhook JSON)", Target: Feedback, Container: NDJSON,
			Detect: detectDelightedJSON, Open: openDelightedJSON, Suggest: suggestDelightedJSON,
		},
		{
			Name: "wootric", Title: "Wootric NPS responses (CSV)", Target: Feedback, Container: CSV,
			Detect: detectWootric, Open: openWootric, Suggest: suggestWootricCSV,
		},
		{
			Name: "wootric-json", Title: "Wootric NPS responses (API or webhook JSON)", Target: Feedback, Container: NDJSON,
			Detect: detectWootricJSON, Open: openWootricJSON, Suggest: suggestWootricJSON,
		},
		{
			Name: "google-forms", Title: "Google Forms responses (CSV)", Target: Feedback, Container: CSV,
			Detect: detectGoogleForms, Open: openGoogleForms, Suggest: suggestGoogleForms,
		},
	}
}

// The columns the survey formats derive. Like the other formats' derived columns they start
// with "lodestar:", so that they never meet a tool's own column.
const (
	// surveyResponseID is the response id Lodestar makes for Google Forms, which has none.
	surveyResponseID = "lodestar:response_id"
	// Delighted keeps every survey type's score in one column; these hold the score of the
	// records whose survey type is nps, csat or ces, so that a mapping can give each its kind.
	delightedNPSScore  = "lodestar:nps_score"
	delightedCSATScore = "lodestar:csat_score"
	delightedCESScore  = "lodestar:ces_score"
)

// surveyMapping is what every survey format's suggestion starts from.
func surveyMapping(format, source string) Mapping {
	return Mapping{Format: format, Target: Feedback, Source: source, SourceKind: feedback.Survey}
}

// surveyCustomer names the customer column and, when the file has one, the email column.
func surveyCustomer(m *Mapping, customer, email string) {
	if customer == "" {
		customer = email
	}
	if customer == "" {
		return
	}
	m.Customer = customer
	if email != "" {
		m.CustomerFields = map[string]string{"email": email}
	}
}

// surveyAttributes maps attribute names to the first column each one's aliases find.
func surveyAttributes(cols []Column, aliases map[string][]string) map[string]string {
	out := map[string]string{}
	for name, a := range aliases {
		if k := FindColumn(cols, a...); k != "" {
			out[name] = k
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// surveyFindLabel is FindColumn by the columns' labels.
func surveyFindLabel(cols []Column, aliases ...string) string {
	for _, a := range aliases {
		want := NormalizeName(a)
		if i := slices.IndexFunc(cols, func(c Column) bool { return NormalizeName(c.Label) == want }); i >= 0 {
			return cols[i].Key
		}
	}
	return ""
}

// surveyOr returns key, or def when key is empty: a JSON table names its columns only as it
// reads them, so its suggestion names the tool's fixed keys even when no record showed them.
func surveyOr(key, def string) string {
	if key == "" {
		return def
	}
	return key
}

// surveyReader strips a byte-order mark (Open has decoded the file already; a format's Open
// may also be called on raw bytes) and returns the reader and the start of the text.
func surveyReader(in io.Reader, size int) (*bufio.Reader, []byte) {
	br := bufio.NewReaderSize(in, size)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	head, _ := br.Peek(size)
	return br, head
}

// surveyCSV reads a CSV file with the separator its first line uses, unless opts name one.
func surveyCSV(in io.Reader, opts CSVOptions) (Table, error) {
	br, head := surveyReader(in, 64<<10)
	if opts.Comma == 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line = head[:i]
		}
		opts.Comma = SniffComma(line)
	}
	return NewCSVTable(br, opts)
}

// surveyJSON reads a JSON array of records, NDJSON, or a single record (a webhook's payload).
func surveyJSON(in io.Reader) (Table, error) {
	br, head := surveyReader(in, 64<<10)
	trimmed := bytes.TrimLeftFunc(head, unicode.IsSpace)
	lines := len(trimmed) > 0 && trimmed[0] == '{'
	return NewJSONTable(br, JSONOptions{Lines: lines})
}

// surveyKeys makes column keys unique: a repeated key gets " #2", " #3" in the order the
// columns come, so that the same layout always yields the same keys.
type surveyKeys map[string]bool

func (k surveyKeys) unique(key string) string {
	u := key
	for n := 2; k[u]; n++ {
		u = fmt.Sprintf("%s #%d", key, n)
	}
	k[u] = true
	return u
}

// surveyNamedColumns makes columns of the first header row, as the tools that write one row
// (Typeform, Delighted, Wootric, Google Forms) name them: key and label are the name. Unlike
// NamedColumns it accepts repeated names (two questions may have one title), making them
// unique; an empty name becomes "(column N)".
func surveyNamedColumns(header [][]string) ([]Column, error) {
	names := header[0]
	for len(names) > 0 && strings.TrimSpace(names[len(names)-1]) == "" {
		names = names[:len(names)-1]
	}
	if len(names) == 0 {
		return nil, &SyntaxError{Row: 1, Err: fmt.Errorf("the header has no column names")}
	}
	keys := surveyKeys{}
	cols := make([]Column, len(names))
	for i, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			n = fmt.Sprintf("(column %d)", i+1)
		}
		cols[i] = Column{Key: keys.unique(n), Label: n}
	}
	return cols, nil
}

func openSurveyNamedCSV(in io.Reader) (Table, error) {
	return surveyCSV(in, CSVOptions{Columns: surveyNamedColumns})
}

// surveyRow is one record's values as a derive function sees them, by column key.
type surveyRow struct {
	vals []string
	idx  map[string]int
}

func (r surveyRow) get(key string) string {
	if i, ok := r.idx[key]; ok && i < len(r.vals) {
		return r.vals[i]
	}
	return ""
}

// first returns the value of the first of keys the record has.
func (r surveyRow) first(keys ...string) string {
	for _, k := range keys {
		if _, ok := r.idx[k]; ok {
			return r.get(k)
		}
	}
	return ""
}

func (r surveyRow) set(key, v string) {
	if i, ok := r.idx[key]; ok && i < len(r.vals) {
		r.vals[i] = v
	}
}

// surveyTable is a table whose records a survey format completes: derive computes the values of
// the derived columns, and may rewrite the file's own values. The derived columns come first, so
// that a JSON table's columns, which grow as it reads, keep their places after them. It reads
// the first record when made, so that a JSON file's columns are known before Suggest looks.
type surveyTable struct {
	in      Table
	derived []Column
	derive  func(r surveyRow) []string

	cols    []Column // derived, then in's
	idx     map[string]int
	ninCols int

	first    Record
	firstErr error
	peeked   bool
}

// surveyDynamicTable is a surveyTable over a table that learns columns as it reads.
type surveyDynamicTable struct{ *surveyTable }

// Dynamic marks the table as one whose columns grow; see Mapper.
func (surveyDynamicTable) Dynamic() bool { return true }

func newSurveyTable(in Table, derived []Column, derive func(r surveyRow) []string) Table {
	t := &surveyTable{in: in, derived: derived, derive: derive, ninCols: -1}
	t.refresh()
	t.first, t.firstErr = t.read()
	t.peeked = true
	if _, ok := in.(interface{ Dynamic() bool }); ok {
		return surveyDynamicTable{t}
	}
	return t
}

func (t *surveyTable) refresh() {
	in := t.in.Columns()
	if len(in) == t.ninCols {
		return
	}
	t.cols = slices.Concat(t.derived, in)
	t.idx = make(map[string]int, len(in))
	for i, c := range in {
		t.idx[c.Key] = i
	}
	t.ninCols = len(in)
}

func (t *surveyTable) Columns() []Column {
	t.refresh()
	return t.cols
}

func (t *surveyTable) Next() (Record, error) {
	if t.peeked {
		t.peeked = false
		return t.first, t.firstErr
	}
	return t.read()
}

func (t *surveyTable) read() (Record, error) {
	rec, err := t.in.Next()
	if err != nil {
		return Record{}, err
	}
	t.refresh()
	vals := slices.Clone(rec.Values)
	var d []string
	if t.derive != nil {
		d = t.derive(surveyRow{vals: vals, idx: t.idx})
	}
	out := make([]string, len(t.derived), len(t.derived)+len(vals))
	copy(out, d)
	return Record{Row: rec.Row, Values: append(out, vals...)}, nil
}

// --- Qualtrics ---------------------------------------------------------------------------

// qualtricsFixed are the columns Qualtrics writes before the questions (row 1 names).
var qualtricsFixed = []string{
	"StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
	"RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
	"ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
}

var (
	qualtricsResponseID = []string{"ResponseId", "ResponseID", "Response ID", "_recordId"}
	qualtricsRecorded   = []string{"RecordedDate", "Recorded Date", "EndDate", "End Date"}
	qualtricsExternal   = []string{"ExternalReference", "ExternalDataReference", "External Data Reference"}
	qualtricsEmail      = []string{"RecipientEmail", "Recipient Email"}
	qualtricsAttributes = map[string][]string{
		"distribution_channel": {"DistributionChannel", "Distribution Channel"},
		"language":             {"UserLanguage", "User Language"},
		"status":               {"Status"},
	}
	// qualtricsQuestionID is an ImportId of a question's column: QID7, QID2_TEXT, QID5_1, and
	// 2_QID7 in a loop and merge block. Fixed columns have ImportIds such as startDate.
	qualtricsQuestionID = regexp.MustCompile(`^(?:\d+_)?QID\d`)
	// qualtricsTextID is the ImportId of a text entry question's answer.
	qualtricsTextID = regexp.MustCompile(`^(?:\d+_)?QID\d+_TEXT$`)
	// qualtricsResponse looks like a response id, R_ and letters and digits.
	qualtricsResponse = regexp.MustCompile(`^R_[0-9A-Za-z]+$`)
)

func detectQualtrics(h Head) int {
	if h.Container != CSV || HasColumns(h.Names, qualtricsResponseID[:2]...) == 0 {
		return 0
	}
	n := HasColumns(h.Names, qualtricsFixed...)
	if n < 4 {
		return 0
	}
	return 50 + n
}

// qualtricsImport is the JSON of a Qualtrics third header row.
type qualtricsImport struct {
	ImportID string `json:"ImportId"`
	TimeZone string `json:"timeZone"`
}

const qualtricsImportPrefix = `{"ImportId"`

// openQualtrics reads the current Qualtrics layout. It has three header rows, but people
// delete the second and third in a spreadsheet before they send a file on; the first records
// tell: a third row of ImportIds, or a response id (R_…) where the header rows would be.
func openQualtrics(in io.Reader) (Table, error) {
	br, head := surveyReader(in, 64<<10)
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	comma := SniffComma(line)
	return NewCSVTable(br, CSVOptions{
		HeaderRows: qualtricsHeaderRows(head, comma),
		Comma:      comma,
		Columns:    qualtricsColumns,
		Skip:       qualtricsRepeatedHeader,
	})
}

func qualtricsHeaderRows(head []byte, comma rune) int {
	r := csv.NewReader(bytes.NewReader(head))
	r.Comma = comma
	r.FieldsPerRecord = -1
	var recs [][]string
	for len(recs) < 3 {
		rec, err := r.Read()
		if err != nil {
			break
		}
		recs = append(recs, rec)
	}
	if len(recs) == 3 && slices.ContainsFunc(recs[2], func(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), qualtricsImportPrefix) }) {
		return 3
	}
	if len(recs) == 0 {
		return 3
	}
	id := slices.IndexFunc(recs[0], func(s string) bool { return HasColumns([]string{s}, qualtricsResponseID[:2]...) > 0 })
	for rows := 1; rows < len(recs); rows++ {
		if id >= 0 && id < len(recs[rows]) && qualtricsResponse.MatchString(strings.TrimSpace(recs[rows][id])) {
			return rows
		}
	}
	return 3
}

// qualtricsColumns keys a question's column by its ImportId (QID1, QID2_TEXT), which stays
// the same when the question is renamed or moved, and a fixed or embedded data column by its
// name in row 1 (ResponseId, RecordedDate, plan). The label is row 2, the question's text; the
// zone is row 3's timeZone. Where an ImportId repeats (some question types give several
// columns one), the row 1 name keys the column.
func qualtricsColumns(header [][]string) ([]Column, error) {
	cell := func(row, i int) string {
		if row < len(header) && i < len(header[row]) {
			return strings.TrimSpace(header[row][i])
		}
		return ""
	}
	names := header[0]
	for len(names) > 0 && cell(0, len(names)-1) == "" && cell(2, len(names)-1) == "" {
		names = names[:len(names)-1]
	}
	if len(names) == 0 {
		return nil, &SyntaxError{Row: 1, Err: fmt.Errorf("the header has no column names")}
	}
	seen := map[string]int{}
	cols := make([]Column, 0, len(names))
	for i := range names {
		name := cell(0, i)
		var meta qualtricsImport
		if s := cell(2, i); strings.HasPrefix(s, "{") {
			_ = json.Unmarshal([]byte(s), &meta) // a cell that is not an ImportId adds nothing
		}
		key := name
		if id := strings.TrimSpace(meta.ImportID); qualtricsQuestionID.MatchString(id) {
			if _, dup := seen[id]; !dup {
				key = id
			}
		}
		if key == "" {
			key = strings.TrimSpace(meta.ImportID)
		}
		if key == "" {
			return nil, &SyntaxError{Row: 1, Column: i + 1, Err: fmt.Errorf("the header has an empty column name")}
		}
		if j, dup := seen[key]; dup {
			return nil, &SyntaxError{Row: 1, Column: i + 1, Err: fmt.Errorf("column %q repeats column %d", key, j+1)}
		}
		seen[key] = i
		label := cell(1, i)
		if label == "" {
			label = name
		}
		cols = append(cols, Column{Key: key, Label: label, Zone: strings.TrimSpace(meta.TimeZone)})
	}
	return cols, nil
}

// qualtricsRepeatedHeader skips a row of ImportIds among the responses, as exports that were
// appended to one another have.
func qualtricsRepeatedHeader(v []string) bool {
	return len(v) > 0 && strings.HasPrefix(strings.TrimSpace(v[0]), qualtricsImportPrefix)
}

func suggestQualtrics(cols []Column) Mapping {
	m := surveyMapping("qualtrics", "qualtrics")
	m.ExternalID = FindColumn(cols, qualtricsResponseID...)
	m.At = FindColumn(cols, qualtricsRecorded...)
	if i := slices.IndexFunc(cols, func(c Column) bool { return c.Key == m.At }); i >= 0 && cols[i].Zone != "" {
		if _, err := time.LoadLocation(cols[i].Zone); err == nil {
			m.Time.Zone = cols[i].Zone
		}
	}
	surveyCustomer(&m, FindColumn(cols, qualtricsExternal...), FindColumn(cols, qualtricsEmail...))
	m.Attributes = surveyAttributes(cols, qualtricsAttributes)
	for _, c := range cols {
		if qualtricsTextID.MatchString(c.Key) {
			m.Text = append(m.Text, c.Key)
		}
	}
	return m
}

// --- Qualtrics legacy --------------------------------------------------------------------

// The legacy layout (Qualtrics' export before 2016, and "Use legacy exports" after) has two
// header rows: V1..V10 then the questions' export tags (Q1, Q2, …) in row 1, and in row 2
// ResponseID, ResponseSet, Name, ExternalDataReference, EmailAddress, IPAddress, Status,
// StartDate, EndDate, Finished, then the questions' texts. Rows end with a comma. Its times
// are in the account's time zone, which the file does not say.

func detectQualtricsLegacy(h Head) int {
	if h.Container != CSV || len(h.Names) < 10 {
		return 0
	}
	for i := range 10 {
		if !strings.EqualFold(strings.TrimSpace(h.Names[i]), "V"+strconv.Itoa(i+1)) {
			return 0
		}
	}
	return 60
}

func openQualtricsLegacy(in io.Reader) (Table, error) {
	return surveyCSV(in, CSVOptions{HeaderRows: 2, Columns: qualtricsLegacyColumns})
}

// qualtricsLegacyColumns keys columns by row 1 (V1, Q1), labels them with row 2.
func qualtricsLegacyColumns(header [][]string) ([]Column, error) {
	cols, err := NamedColumns(header[0])
	if err != nil {
		return nil, err
	}
	for i := range cols {
		if i < len(header[1]) {
			if l := strings.TrimSpace(header[1][i]); l != "" {
				cols[i].Label = l
			}
		}
	}
	return cols, nil
}

// suggestQualtricsLegacy finds the fixed columns by row 2's names, and by their V place when
// row 2 was renamed.
func suggestQualtricsLegacy(cols []Column) Mapping {
	find := func(v string, labels ...string) string {
		if k := surveyFindLabel(cols, labels...); k != "" {
			return k
		}
		return FindColumn(cols, v)
	}
	m := surveyMapping("qualtrics-legacy", "qualtrics")
	m.ExternalID = find("V1", "ResponseID")
	m.At = find("V9", "EndDate")
	surveyCustomer(&m, find("V4", "ExternalDataReference"), find("V5", "EmailAddress"))
	m.Attributes = map[string]string{"response_set": find("V2", "ResponseSet"), "status": find("V7", "Status")}
	return m
}

// --- SurveyMonkey ------------------------------------------------------------------------

var (
	surveyMonkeyFixed = []string{
		"Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
		"First Name", "Last Name", "Custom Data 1",
	}
	surveyMonkeyAttributes = map[string][]string{
		"collector_id":  {"Collector ID", "CollectorID"},
		"custom_data_1": {"Custom Data 1", "Custom Data"},
	}
)

// surveyMonkeyOpenEnded is the sub-answer of a comment column; see surveyMonkeyColumns.
const surveyMonkeyOpenEnded = "Open-Ended Response"

func detectSurveyMonkey(h Head) int {
	if h.Container != CSV || HasColumns(h.Names, "Respondent ID") == 0 || HasColumns(h.Names, "Collector ID") == 0 {
		return 0
	}
	return 50 + HasColumns(h.Names, surveyMonkeyFixed...)
}

func openSurveyMonkey(in io.Reader) (Table, error) {
	return surveyCSV(in, CSVOptions{HeaderRows: 2, Columns: surveyMonkeyColumns})
}

// surveyMonkeyColumns keys SurveyMonkey's columns by the texts a person sees, not by place:
// a fixed column by its name (Respondent ID), a question of one column by the question's
// text, and each column of a question with several (the choices of a multiple choice
// question, a matrix's rows) by "question / sub-answer", the sub-answer being row 2. A key
// that repeats gets " #2". Keys by place (Q3) would silently point a saved mapping at another
// question once a question is added before it; keys by text make such a mapping fail loudly
// when a question's text changes, which is the safer error. The label is the key, with the
// sub-answer added for a single column that is not a plain "Response", so that a comment
// column reads "What could we do better? / Open-Ended Response".
func surveyMonkeyColumns(header [][]string) ([]Column, error) {
	top, sub := header[0], header[1]
	n := max(len(top), len(sub))
	cell := func(row []string, i int) string {
		if i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	for n > 0 && cell(top, n-1) == "" && cell(sub, n-1) == "" {
		n--
	}
	type question struct {
		text string
		subs []string
	}
	var qs []question
	for i := range n {
		if t := cell(top, i); t != "" {
			qs = append(qs, question{text: t})
		} else if len(qs) == 0 {
			return nil, &SyntaxError{Row: 1, Column: i + 1, Err: fmt.Errorf("the column has no question, and no question to its left")}
		}
		q := &qs[len(qs)-1]
		q.subs = append(q.subs, cell(sub, i))
	}
	if len(qs) == 0 {
		return nil, &SyntaxError{Row: 1, Err: fmt.Errorf("the header has no column names")}
	}
	keys := surveyKeys{}
	var cols []Column
	for _, q := range qs {
		if len(q.subs) == 1 {
			label := q.text
			if s := q.subs[0]; s != "" && !strings.EqualFold(s, "Response") {
				label += " / " + s
			}
			cols = append(cols, Column{Key: keys.unique(q.text), Label: label})
			continue
		}
		for j, s := range q.subs {
			if s == "" {
				s = strconv.Itoa(j + 1)
			}
			k := keys.unique(q.text + " / " + s)
			cols = append(cols, Column{Key: k, Label: k})
		}
	}
	return cols, nil
}

func suggestSurveyMonkey(cols []Column) Mapping {
	m := surveyMapping("surveymonkey", "surveymonkey")
	m.ExternalID = FindColumn(cols, "Respondent ID", "RespondentID")
	m.At = FindColumn(cols, "End Date", "EndDate", "Start Date")
	// SurveyMonkey writes 11/02/2026 10:15:32 AM, month first, in the account's time zone.
	m.Time.Layout = "1/2/2006 3:04:05 PM"
	email := FindColumn(cols, "Email Address", "Email")
	surveyCustomer(&m, "", email)
	m.Attributes = surveyAttributes(cols, surveyMonkeyAttributes)
	for _, c := range cols {
		if strings.HasSuffix(c.Label, " / "+surveyMonkeyOpenEnded) {
			m.Text = append(m.Text, c.Key)
		}
	}
	return m
}

// --- Typeform ----------------------------------------------------------------------------

// typeformMeta are Typeform's own columns after the questions; the columns after Network ID
// that are not among them are the form's hidden fields.
var typeformMeta = []string{
	"Response Type", "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags", "Ending",
}

// surveyCustomerAliases name a column that holds the customer's id: a Typeform hidden field,
// a Delighted person property.
var surveyCustomerAliases = []string{"customer_id", "external_id", "user_id", "account_id", "uid"}

func detectTypeform(h Head) int {
	if h.Container != CSV || len(h.Names) == 0 {
		return 0
	}
	n := HasColumns(h.Names, "Start Date (UTC)", "Submit Date (UTC)", "Network ID")
	switch {
	case strings.TrimSpace(h.Names[0]) == "#" && n >= 2:
		return 55 + n
	case n == 3:
		return 50
	}
	return 0
}

func suggestTypeform(cols []Column) Mapping {
	m := surveyMapping("typeform", "typeform")
	if i := slices.IndexFunc(cols, func(c Column) bool { return c.Key == "#" }); i >= 0 {
		m.ExternalID = "#"
	} else {
		m.ExternalID = FindColumn(cols, "Response ID", "Token")
	}
	m.At = FindColumn(cols, "Submit Date (UTC)", "Submitted At")
	m.Time.Zone = "UTC"
	var hidden []Column
	if i := slices.IndexFunc(cols, func(c Column) bool { return NormalizeName(c.Key) == "networkid" }); i >= 0 {
		for _, c := range cols[i+1:] {
			if HasColumns([]string{c.Key}, typeformMeta...) == 0 {
				hidden = append(hidden, c)
			}
		}
	}
	customer := FindColumn(hidden, surveyCustomerAliases...)
	email := FindColumn(hidden, "email")
	surveyCustomer(&m, customer, email)
	for _, c := range hidden {
		if c.Key == customer || c.Key == email || len(m.Attributes) >= feedback.MaxAttributes {
			continue
		}
		if m.Attributes == nil {
			m.Attributes = map[string]string{}
		}
		m.Attributes[c.Key] = c.Key
	}
	if k := FindColumn(cols, "Tags"); k != "" {
		if m.Attributes == nil {
			m.Attributes = map[string]string{}
		}
		m.Attributes["tags"] = k
	}
	return m
}

// --- Delighted ---------------------------------------------------------------------------

// Delighted's CSV export and its API objects name the same fields; the aliases cover both,
// and the JSON keys of a webhook's payload (under event_data).
var (
	delightedID        = []string{"Response ID", "id", "event_data.id"}
	delightedScore     = []string{"Score", "event_data.score"}
	delightedComment   = []string{"Comment", "event_data.comment"}
	delightedType      = []string{"Survey Type", "event_data.survey_type"}
	delightedCreated   = []string{"Response Timestamp", "Created At", "created_at", "Timestamp", "event_data.created_at"}
	delightedEmail     = []string{"Email", "Person Email", "person.email", "event_data.person.email"}
	delightedName      = []string{"Name", "Person Name", "person.name", "event_data.person.name"}
	delightedPersonID  = []string{"Person ID", "person.id", "person", "event_data.person.id", "event_data.person"}
	delightedPermalink = []string{"Permalink", "event_data.permalink"}
	// delightedKnown are the fields a CSV suggestion maps, or leaves out on purpose; the other
	// columns are person properties.
	delightedKnown = slices.Concat(delightedID, delightedScore, delightedComment, delightedType,
		delightedCreated, delightedEmail, delightedName, delightedPersonID, delightedPermalink,
		[]string{"Updated At", "updated_at", "Tags", "Notes", "Additional Answers"})
	// delightedProperties prefix the person properties in JSON.
	delightedProperties = []string{"person_properties.", "event_data.person_properties."}
)

// delightedScores are the derived score columns, one per survey type that has a kind.
var delightedScores = []Column{
	{Key: delightedNPSScore, Label: "Score, where the survey type is nps"},
	{Key: delightedCSATScore, Label: "Score, where the survey type is csat"},
	{Key: delightedCESScore, Label: "Score, where the survey type is ces"},
}

// delightedSplit puts each record's score in the derived column of its own survey type, so
// that an NPS score is NPS because Delighted says so for that record, not because the file's
// first rows were NPS. A score of another type (enps, 5star, smileys, thumbs, pmf) stays in
// Score alone, for a mapping to name with its scale.
func delightedSplit(scoreKeys, typeKeys []string) func(r surveyRow) []string {
	return func(r surveyRow) []string {
		out := make([]string, len(delightedScores))
		score := r.first(scoreKeys...)
		switch strings.ToLower(strings.TrimSpace(r.first(typeKeys...))) {
		case "nps":
			out[0] = score
		case "csat":
			out[1] = score
		case "ces":
			out[2] = score
		}
		return out
	}
}

func detectDelighted(h Head) int {
	if h.Container != CSV || HasColumns(h.Names, "Score") == 0 || HasColumns(h.Names, "Comment") == 0 ||
		HasColumns(h.Names, "Permalink", "Survey Type") == 0 {
		return 0
	}
	return 50 + HasColumns(h.Names, "Response ID", "Email", "Name", "Score", "Comment", "Survey Type",
		"Response Timestamp", "Created At", "Permalink", "Tags", "Notes")
}

func openDelighted(in io.Reader) (Table, error) {
	t, err := surveyCSV(in, CSVOptions{Columns: surveyNamedColumns})
	if err != nil {
		return nil, err
	}
	cols := t.Columns()
	return newSurveyTable(t, delightedScores, delightedSplit(
		[]string{FindColumn(cols, delightedScore...)}, []string{FindColumn(cols, delightedType...)})), nil
}

func suggestDelighted(cols []Column) Mapping {
	m := surveyMapping("delighted", "delighted")
	m.ExternalID = FindColumn(cols, delightedID...)
	m.At = FindColumn(cols, delightedCreated...)
	delightedQuestions(&m, FindColumn(cols, delightedType...) != "")
	if k := FindColumn(cols, delightedComment...); k != "" {
		m.Text = []string{k}
	}
	surveyCustomer(&m, FindColumn(cols, surveyCustomerAliases...), FindColumn(cols, delightedEmail...))
	if k := FindColumn(cols, delightedName...); k != "" && m.CustomerFields != nil {
		m.CustomerFields["name"] = k
	}
	m.Attributes = surveyAttributes(cols, map[string][]string{
		"survey_type": delightedType, "tags": {"Tags"}, "notes": {"Notes"},
	})
	for _, c := range cols {
		if strings.HasPrefix(c.Key, "lodestar:") || HasColumns([]string{c.Key}, delightedKnown...) > 0 ||
			c.Key == m.Customer || len(m.Attributes) >= feedback.MaxAttributes {
			continue
		}
		if m.Attributes == nil {
			m.Attributes = map[string]string{}
		}
		m.Attributes[c.Key] = c.Key
	}
	return m
}

// delightedQuestions names the derived score columns, each with the kind Delighted gave it.
func delightedQuestions(m *Mapping, typed bool) {
	if !typed {
		return
	}
	m.Questions = []QuestionColumn{
		{Column: delightedNPSScore, Question: feedback.NPS},
		{Column: delightedCSATScore, Question: feedback.CSAT},
		{Column: delightedCESScore, Question: feedback.CES},
	}
}

func detectDelightedJSON(h Head) int {
	if h.Container != JSON && h.Container != NDJSON {
		return 0
	}
	has := func(k string) bool { return HasColumns(h.Names, k, "event_data."+k) > 0 }
	if !has("survey_type") || !has("score") || !(has("permalink") || has("comment")) {
		return 0
	}
	return 60 + HasColumns(h.Names, "id", "person.email", "comment", "permalink", "created_at", "person_properties", "tags")
}

func openDelightedJSON(in io.Reader) (Table, error) {
	t, err := surveyJSON(in)
	if err != nil {
		return nil, err
	}
	return newSurveyTable(t, delightedScores, delightedSplit(
		[]string{"score", "event_data.score"}, []string{"survey_type", "event_data.survey_type"})), nil
}

// suggestDelightedJSON reads created_at as Unix seconds, as Delighted's API writes it.
func suggestDelightedJSON(cols []Column) Mapping {
	m := surveyMapping("delighted-json", "delighted")
	m.ExternalID = surveyOr(FindColumn(cols, delightedID[1:]...), "id")
	m.At = surveyOr(FindColumn(cols, "created_at", "event_data.created_at"), "created_at")
	m.Time.Layout = "unix"
	delightedQuestions(&m, true)
	m.Text = []string{surveyOr(FindColumn(cols, "comment", "event_data.comment"), "comment")}
	var customer string
	props := map[string]string{}
	for _, c := range cols {
		for _, p := range delightedProperties {
			if name, ok := strings.CutPrefix(c.Key, p); ok && name != "" {
				if customer == "" && HasColumns([]string{name}, surveyCustomerAliases...) > 0 {
					customer = c.Key
					continue
				}
				if len(props) < feedback.MaxAttributes-2 {
					props[name] = c.Key
				}
			}
		}
	}
	email := surveyOr(FindColumn(cols, "person.email", "event_data.person.email"), "person.email")
	surveyCustomer(&m, customer, email)
	m.CustomerFields["name"] = surveyOr(FindColumn(cols, "person.name", "event_data.person.name"), "person.name")
	m.Attributes = props
	m.Attributes["survey_type"] = surveyOr(FindColumn(cols, "survey_type", "event_data.survey_type"), "survey_type")
	m.Attributes["tags"] = surveyOr(FindColumn(cols, "tags", "event_data.tags"), "tags")
	return m
}

// --- Wootric -----------------------------------------------------------------------------

// Wootric's responses: its API objects (end_user nested), its webhooks (under response, with
// the end user's email and external_id flat), and its CSV export (end_user_email). Wootric
// asks the NPS question, so its score is NPS. Its times are Unix seconds in some API versions
// and "2006-01-02 15:04:05 -0700" in webhooks and exports; the table writes the former as RFC
// 3339 so that one mapping reads both.
var (
	wootricID       = []string{"id", "response.id"}
	wootricScore    = []string{"score", "response.score"}
	wootricText     = []string{"text", "response.text"}
	wootricCreated  = []string{"created_at", "response.created_at"}
	wootricTimes    = []string{"created_at", "updated_at", "response.created_at", "response.updated_at"}
	wootricExcluded = []string{"excluded_from_calculations", "response.excluded_from_calculations"}
	wootricExternal = []string{"end_user.external_id", "end_user_external_id", "external_id", "response.external_id"}
	wootricEmail    = []string{"end_user.email", "end_user_email", "email", "response.email"}
	// wootricProperties prefix the end user's properties.
	wootricProperties = []string{"end_user.properties.", "response.end_user_properties.", "end_user_properties.", "end_user_properties_"}
)

func detectWootric(h Head) int {
	if h.Container != CSV {
		return 0
	}
	return wootricDetect(h)
}

func detectWootricJSON(h Head) int {
	if h.Container != JSON && h.Container != NDJSON {
		return 0
	}
	return wootricDetect(h)
}

func wootricDetect(h Head) int {
	if HasColumns(h.Names, wootricScore...) == 0 || HasColumns(h.Names, wootricExcluded...) == 0 ||
		HasColumns(h.Names, "text", "origin_url", "response.text", "response.origin_url") == 0 {
		return 0
	}
	return 60 + HasColumns(h.Names, "id", "text", "ip_address", "origin_url", "completed", "created_at", "updated_at",
		"end_user.email", "end_user_email", "response.id", "response.created_at")
}

func openWootric(in io.Reader) (Table, error) {
	t, err := surveyCSV(in, CSVOptions{Columns: surveyNamedColumns})
	if err != nil {
		return nil, err
	}
	return newSurveyTable(t, nil, wootricTimesRFC3339), nil
}

func openWootricJSON(in io.Reader) (Table, error) {
	t, err := surveyJSON(in)
	if err != nil {
		return nil, err
	}
	return newSurveyTable(t, nil, wootricTimesRFC3339), nil
}

// wootricTimesRFC3339 rewrites times given as Unix seconds.
func wootricTimesRFC3339(r surveyRow) []string {
	for _, k := range wootricTimes {
		s := strings.TrimSpace(r.get(k))
		if s == "" || strings.TrimFunc(s, unicode.IsDigit) != "" || len(s) > 12 {
			continue
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			r.set(k, time.Unix(n, 0).UTC().Format(time.RFC3339))
		}
	}
	return nil
}

func suggestWootricCSV(cols []Column) Mapping { return suggestWootric("wootric", cols) }

func suggestWootricJSON(cols []Column) Mapping { return suggestWootric("wootric-json", cols) }

func suggestWootric(format string, cols []Column) Mapping {
	m := surveyMapping(format, "wootric")
	m.ExternalID = surveyOr(FindColumn(cols, wootricID...), "id")
	m.At = surveyOr(FindColumn(cols, wootricCreated...), "created_at")
	m.Questions = []QuestionColumn{{Column: surveyOr(FindColumn(cols, wootricScore...), "score"), Question: feedback.NPS}}
	m.Text = []string{surveyOr(FindColumn(cols, wootricText...), "text")}
	m.Excluded = surveyOr(FindColumn(cols, wootricExcluded...), "excluded_from_calculations")
	external, email := FindColumn(cols, wootricExternal...), FindColumn(cols, wootricEmail...)
	if len(cols) == 0 {
		external, email = "end_user.external_id", "end_user.email"
	}
	surveyCustomer(&m, external, email)
	m.Attributes = surveyAttributes(cols, map[string][]string{"origin_url": {"origin_url", "response.origin_url"}})
	for _, c := range cols {
		for _, p := range wootricProperties {
			if name, ok := strings.CutPrefix(c.Key, p); ok && name != "" && len(m.Attributes) < feedback.MaxAttributes {
				if m.Attributes == nil {
					m.Attributes = map[string]string{}
				}
				m.Attributes[name] = c.Key
			}
		}
	}
	return m
}

// --- Google Forms ------------------------------------------------------------------------

// googleFormsTimestamp is the first column's name in the languages Google Forms writes.
var googleFormsTimestamp = []string{
	"Timestamp", "Marca temporal", "Zeitstempel", "Horodateur", "Carimbo de data/hora",
	"Informazioni cronologiche", "Tijdstempel", "Sygnatura czasowa",
}

var googleFormsEmail = []string{
	"Email Address", "Email", "E-mail", "Adresse e-mail", "E-Mail-Adresse", "Dirección de correo electrónico",
	"Endereço de e-mail", "Indirizzo email", "E-mailadres",
}

// detectGoogleForms scores a first column named Timestamp. That is all a Google Forms export
// has of its own, so it scores below any tool whose fixed columns match and above the generic
// formats.
func detectGoogleForms(h Head) int {
	if h.Container != CSV || len(h.Names) < 2 || HasColumns(h.Names[:1], googleFormsTimestamp...) == 0 {
		return 0
	}
	return 40
}

// openGoogleForms adds the response id Google Forms does not have: the Timestamp, then the
// respondent's email when the form collects it (lower case), then " #2", " #3" for the second
// and later records of the file with the same timestamp and email. The same file, or a later
// export that adds rows at the end, gives every response the id it had, so a re-import updates
// rather than duplicates. The trade-offs: an edited response has a new timestamp and becomes a
// new item beside the old one; two responses in the same second without an email are told
// apart only by their order in the file, so sorting the sheet may swap them; and the id is the
// Timestamp's text, so an export in another locale's date format does not match an earlier one.
func openGoogleForms(in io.Reader) (Table, error) {
	t, err := surveyCSV(in, CSVOptions{Columns: surveyNamedColumns})
	if err != nil {
		return nil, err
	}
	cols := t.Columns()
	ts, email := FindColumn(cols, googleFormsTimestamp...), FindColumn(cols, googleFormsEmail...)
	seen := map[string]int{}
	id := func(r surveyRow) []string {
		id := strings.TrimSpace(r.get(ts))
		if id == "" {
			return nil // no time: the mapper reports the id and the time missing
		}
		if e := strings.ToLower(strings.TrimSpace(r.get(email))); email != "" && e != "" {
			id += " " + e
		}
		seen[id]++
		if n := seen[id]; n > 1 {
			id += " #" + strconv.Itoa(n)
		}
		return []string{id}
	}
	derived := []Column{{Key: surveyResponseID, Label: "Response id: the Timestamp and the email address"}}
	return newSurveyTable(t, derived, id), nil
}

// suggestGoogleForms reads the Timestamp in the usual layouts (Google Forms writes
// 2/11/2026 10:15:32 in US sheets); the sheet's time zone is not in the file, so it is UTC
// unless the mapping names one.
func suggestGoogleForms(cols []Column) Mapping {
	m := surveyMapping("google-forms", "google-forms")
	m.ExternalID = surveyResponseID
	m.At = FindColumn(cols, googleFormsTimestamp...)
	surveyCustomer(&m, "", FindColumn(cols, googleFormsEmail...))
	return m
}
