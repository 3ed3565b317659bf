package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"html"
	"io"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// supportFormats are the support formats: Zendesk tickets (CSV and JSON) and Intercom
// conversations (API JSON and the reporting CSV). See Format.
func supportFormats() []Format {
	return []Format{
		{
			Name:      "zendesk",
			Title:     "Zendesk ticket export (CSV)",
			Target:    Feedback,
			Container: CSV,
			Detect:    detectZendeskCSV,
			Open:      openZendeskCSV,
			Suggest:   suggestZendeskCSV,
		},
		{
			Name:  "zendesk-json",
			Title: "Zendesk ticket export (JSON or NDJSON)",
			// NDJSON, since Zendesk's JSON export and incremental export write a ticket a line;
			// an NDJSON format also reads a JSON array or {"tickets":[…]} (see Open, Detect).
			Target:    Feedback,
			Container: NDJSON,
			Detect:    detectZendeskJSON,
			Open:      openZendeskJSON,
			Suggest:   suggestZendeskJSON,
		},
		{
			Name:      "intercom",
			Title:     "Intercom conversations (API JSON)",
			Target:    Feedback,
			Container: JSON,
			Detect:    detectIntercomJSON,
			Open:      openIntercomJSON,
			Suggest:   suggestIntercomJSON,
		},
		{
			Name:      "intercom-csv",
			Title:     "Intercom conversations (CSV)",
			Target:    Feedback,
			Container: CSV,
			Detect:    detectIntercomCSV,
			Open:      openIntercomCSV,
			Suggest:   suggestIntercomCSV,
		},
	}
}

// Derived columns are added by a format's reader where the file keeps a value in a shape a
// mapping cannot name (the first of a list, one column or else another). Their keys start with
// "lodestar:" so that they never meet a tool's own column.
const (
	derivedCustomer      = "lodestar:customer"
	derivedCustomerEmail = "lodestar:customer_email"
	derivedReviewID      = "lodestar:review_id"
)

// Zendesk's ticket CSV (the legacy full export, and the later layouts that name the time
// columns "… (min)"). Every list holds one column's aliases.
var (
	zendeskID           = []string{"Id", "Ticket ID", "Ticket Id"}
	zendeskCreated      = []string{"Created at", "Ticket created", "Created", "Created at (UTC)"}
	zendeskSubject      = []string{"Subject", "Ticket subject"}
	zendeskDescription  = []string{"Description", "Ticket description"}
	zendeskSatisfaction = []string{"Satisfaction Score", "Satisfaction rating", "Ticket satisfaction rating", "Satisfaction"}
	zendeskSatComment   = []string{"Satisfaction Comment", "Satisfaction rating comment", "Ticket satisfaction comment"}
	zendeskRequesterID  = []string{"Requester id", "Requester ID", "Ticket requester ID"}
	zendeskRequesterExt = []string{"Requester external id", "Requester external ID", "Ticket requester external ID"}
	zendeskRequester    = []string{"Requester", "Requester name", "Ticket requester name"}
	zendeskRequesterEm  = []string{"Requester email", "Ticket requester email"}
)

// zendeskAttributes name the attributes of a Zendesk CSV ticket and their columns' aliases.
var zendeskAttributes = map[string][]string{
	"via":             {"Via", "Ticket channel", "Channel"},
	"group":           {"Group", "Ticket group"},
	"priority":        {"Priority", "Ticket priority"},
	"ticket_type":     {"Ticket type", "Type"},
	"tags":            {"Tags", "Ticket tags"},
	"status":          {"Status", "Ticket status"},
	"organization":    {"Organization", "Ticket organization name"},
	"assignee":        {"Assignee", "Assignee name"},
	"brand":           {"Brand", "Ticket brand"},
	"form":            {"Ticket form", "Form"},
	"solved_at":       {"Solved at", "Ticket solved"},
	"resolution_time": {"Resolution time"},
	"reopens":         {"Reopens"},
	"replies":         {"Replies"},
}

// zendeskDurations are the Zendesk CSV's time metrics, each written "X in minutes" in the
// legacy layout and "X (min)" in later ones, with a "within business hours" twin.
var zendeskDurations = map[string]string{
	"first_reply":      "First reply time",
	"first_resolution": "First resolution time",
	"full_resolution":  "Full resolution time",
	"agent_wait":       "Agent wait time",
	"requester_wait":   "Requester wait time",
	"on_hold":          "On hold time",
}

func durationAliases(base string, business bool) []string {
	if business {
		return []string{
			base + " in minutes within business hours",
			base + " (min) within business hours",
			base + " within business hours (min)",
			base + " within business hours (minutes)",
			base + " (minutes) within business hours",
			base + " in business hours (min)",
		}
	}
	return []string{base + " in minutes", base + " (min)", base + " (minutes)"}
}

func detectZendeskCSV(h Head) int {
	return scoreHead(h.Names,
		[][]string{zendeskID, zendeskSubject, zendeskCreated},
		[][]string{zendeskRequester, zendeskRequesterID, zendeskRequesterExt, zendeskRequesterEm,
			zendeskSatisfaction, {"Via"}, {"Ticket type"}, {"Submitter"}, {"Assignee"}, {"Group"},
			{"Requester domain"}, {"Assigned at"}, {"Initially assigned at"}, {"Group stations"},
			{"Assignee stations"}, {"Reopens"}, {"Replies"}, durationAliases("First reply time", false),
			durationAliases("Full resolution time", false)},
		4)
}

func openZendeskCSV(in io.Reader) (Table, error) {
	t, err := openCSV(in)
	if err != nil {
		return nil, err
	}
	ext, id := FindColumn(t.Columns(), zendeskRequesterExt...), FindColumn(t.Columns(), zendeskRequesterID...)
	if ext == "" && id == "" {
		return t, nil
	}
	return newShapedTable(t, []Column{{Key: derivedCustomer, Label: "Requester external id, else Requester id"}},
		func(v map[string]string) { v[derivedCustomer] = firstOf(v, ext, id) })
}

func suggestZendeskCSV(cols []Column) Mapping {
	m := Mapping{
		Format:     "zendesk",
		Target:     Feedback,
		Source:     "zendesk",
		SourceKind: feedback.Ticket,
		ExternalID: FindColumn(cols, zendeskID...),
		At:         FindColumn(cols, zendeskCreated...),
		Text:       findAll(cols, zendeskSubject, zendeskDescription, zendeskSatComment),
		Attributes: findAttributes(cols, zendeskAttributes),
	}
	if c := FindColumn(cols, zendeskSatisfaction...); c != "" {
		m.Questions = []QuestionColumn{zendeskSatisfactionQuestion(c)}
	}
	if FindColumn(cols, derivedCustomer) != "" {
		m.Customer = derivedCustomer
		m.CustomerFields = findAttributes(cols, map[string][]string{"name": zendeskRequester, "email": zendeskRequesterEm})
	}
	for name, base := range zendeskDurations {
		if c := FindColumn(cols, durationAliases(base, false)...); c != "" {
			m.Attributes[name+"_minutes"] = c
		}
		if c := FindColumn(cols, durationAliases(base, true)...); c != "" {
			m.Attributes[name+"_minutes_business"] = c
		}
	}
	// Custom ticket fields are written with their type in brackets: "Ticket Category [list]".
	for _, c := range cols {
		if name, ok := customFieldName(c.Key); ok {
			if _, taken := m.Attributes[name]; taken {
				name = "custom_" + name
			}
			m.Attributes[name] = c.Key
		}
	}
	return m
}

// zendeskSatisfactionQuestion is Zendesk's satisfaction rating: good or bad, and offered or
// unoffered when the customer did not answer.
func zendeskSatisfactionQuestion(col string) QuestionColumn {
	scale := feedback.ScaleGoodBad
	return QuestionColumn{
		Column:   col,
		Question: feedback.CSAT,
		Scale:    &scale,
		Labels:   map[string]float64{"good": 1, "bad": 0},
		Blank:    []string{"offered", "unoffered"},
	}
}

var customFieldSuffix = regexp.MustCompile(`\s*\[[A-Za-z]+\]$`)

// customFieldName turns "Ticket Category [list]" into "ticket_category".
func customFieldName(col string) (string, bool) {
	loc := customFieldSuffix.FindStringIndex(col)
	if loc == nil || loc[0] == 0 {
		return "", false
	}
	name := snakeName(col[:loc[0]])
	return name, name != ""
}

// snakeName writes a name in lower case with underscores between its words.
func snakeName(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			gap = false
		} else {
			gap = true
		}
	}
	return b.String()
}

// Zendesk's JSON ticket objects, as the API, the JSON export and the incremental export write
// them: flattened, so via.channel and satisfaction_rating.score.
func detectZendeskJSON(h Head) int {
	return scoreHead(h.Names,
		[][]string{{"id"}, {"created_at"}, {"subject", "raw_subject"}},
		[][]string{{"requester_id"}, {"submitter_id"}, {"assignee_id"}, {"via.channel"}, {"description"},
			{"satisfaction_rating", "satisfaction_rating.score"}, {"custom_fields"}, {"ticket_form_id"},
			{"brand_id"}, {"group_id"}, {"organization_id"}, {"has_incidents"}, {"collaborator_ids"},
			{"is_public"}, {"recipient"}, {"status"}},
		4)
}

func openZendeskJSON(in io.Reader) (Table, error) {
	t, err := openJSON(in, "tickets", "results")
	if err != nil {
		return nil, err
	}
	return newShapedTable(t, []Column{{Key: derivedCustomer, Label: "requester.external_id, else requester_id"}}, shapeZendeskJSON)
}

// shapeZendeskJSON spreads custom_fields, an array of {id, value}, into a column a field.
func shapeZendeskJSON(v map[string]string) {
	v[derivedCustomer] = firstOf(v, "requester.external_id", "requester_id")
	raw, ok := v["custom_fields"]
	if !ok || !strings.HasPrefix(raw, "[") {
		return
	}
	fields, ok := jsonObjects(raw)
	if !ok {
		return // kept as it is: a value the mapping may still name
	}
	delete(v, "custom_fields")
	for _, f := range fields {
		id := scalar(f["id"])
		if id == "" {
			continue
		}
		var val string
		switch x := f["value"].(type) {
		case []any:
			val = joinArray(x)
		default:
			val = scalar(x)
		}
		v["custom_fields."+id] = val
	}
}

func suggestZendeskJSON(cols []Column) Mapping {
	m := Mapping{
		Format:     "zendesk-json",
		Target:     Feedback,
		Source:     "zendesk",
		SourceKind: feedback.Ticket,
		ExternalID: "id",
		At:         "created_at",
		Customer:   derivedCustomer,
		Questions:  []QuestionColumn{zendeskSatisfactionQuestion("satisfaction_rating.score")},
		Text:       []string{pick(cols, "subject", "raw_subject"), "description", "satisfaction_rating.comment"},
		Attributes: map[string]string{
			"via":          "via.channel",
			"status":       "status",
			"priority":     "priority",
			"ticket_type":  "type",
			"tags":         "tags",
			"group":        "group_id",
			"organization": "organization_id",
			"brand":        "brand_id",
			"form":         "ticket_form_id",
		},
	}
	// The incremental export sideloads metric sets with include=metric_sets.
	for name, key := range map[string]string{
		"first_reply":      "reply_time_in_minutes",
		"first_resolution": "first_resolution_time_in_minutes",
		"full_resolution":  "full_resolution_time_in_minutes",
		"agent_wait":       "agent_wait_time_in_minutes",
		"requester_wait":   "requester_wait_time_in_minutes",
		"on_hold":          "on_hold_time_in_minutes",
	} {
		for suffix, twin := range map[string]string{"calendar": "", "business": "_business"} {
			if c := FindColumn(cols, "metric_set."+key+"."+suffix); c != "" {
				m.Attributes[name+"_minutes"+twin] = c
			}
		}
	}
	if FindColumn(cols, "requester.email") != "" {
		m.CustomerFields = map[string]string{"email": "requester.email"}
		if FindColumn(cols, "requester.name") != "" {
			m.CustomerFields["name"] = "requester.name"
		}
	}
	// Custom fields have only ids in the JSON: their names are in the account's ticket fields.
	for _, c := range cols {
		if id, ok := strings.CutPrefix(c.Key, "custom_fields."); ok {
			m.Attributes["custom_field_"+id] = c.Key
		}
	}
	return m
}

// Intercom conversations as the REST API lists them (GET /conversations, the search endpoint)
// and as tools that save its pages write them: an array, or {"conversations": […]} or
// {"data": […]}.
func detectIntercomJSON(h Head) int {
	return scoreHead(h.Names,
		[][]string{{"id"}, {"created_at"}, {"state", "open"}},
		[][]string{{"updated_at"}, {"waiting_since"}, {"snoozed_until"}, {"read"}, {"priority"},
			{"conversation_rating", "conversation_rating.rating"}, {"conversation_rating.remark"},
			{"statistics", "statistics.time_to_assignment"}, {"statistics.median_time_to_reply"},
			{"source.body"}, {"source.author.type"}, {"source.delivered_as"}, {"contacts.contacts", "contacts"},
			{"tags.tags"}, {"teammates", "teammates.admins"}, {"admin_assignee_id"}, {"team_assignee_id"}},
		4)
}

func openIntercomJSON(in io.Reader) (Table, error) {
	t, err := openJSON(in, "conversations", "data")
	if err != nil {
		return nil, err
	}
	return newShapedTable(t, []Column{
		{Key: derivedCustomer, Label: "the first contact's external_id, else its id, else the author's id"},
		{Key: derivedCustomerEmail, Label: "the email of the customer who wrote the first message"},
	}, shapeIntercomJSON)
}

// shapeIntercomJSON takes the customer from the conversation's contacts, the tag names from
// the tag list, and the first message as text rather than HTML.
func shapeIntercomJSON(v map[string]string) {
	customer := ""
	for _, key := range []string{"contacts.contacts", "contacts", "customers"} {
		if first := firstObject(v[key]); first != nil {
			customer = firstNonEmpty(scalar(first["external_id"]), scalar(first["id"]))
			if customer != "" {
				break
			}
		}
	}
	authorType := strings.ToLower(v["source.author.type"])
	byCustomer := authorType == "user" || authorType == "lead" || authorType == "contact"
	if customer == "" && byCustomer {
		customer = v["source.author.id"]
	}
	v[derivedCustomer] = customer
	v[derivedCustomerEmail] = ""
	if byCustomer {
		v[derivedCustomerEmail] = v["source.author.email"]
	}
	if raw, ok := v["tags.tags"]; ok {
		if tags, ok := jsonObjects(raw); ok {
			names := make([]string, 0, len(tags))
			for _, t := range tags {
				if n := scalar(t["name"]); n != "" {
					names = append(names, n)
				}
			}
			v["tags"] = strings.Join(names, ", ")
			delete(v, "tags.tags")
			delete(v, "tags.type")
		}
	}
	if body, ok := v["source.body"]; ok {
		v["source.body"] = htmlText(body)
	}
}

func suggestIntercomJSON(cols []Column) Mapping {
	m := Mapping{
		Format:     "intercom",
		Target:     Feedback,
		Source:     "intercom",
		SourceKind: feedback.Ticket,
		ExternalID: "id",
		At:         "created_at",
		Time:       TimeFormat{Layout: "unix"},
		Customer:   derivedCustomer,
		// CSAT on Intercom's 1–5 scale, the standard CSAT scale.
		Questions:      []QuestionColumn{{Column: "conversation_rating.rating", Question: feedback.CSAT}},
		Text:           []string{"conversation_rating.remark", "source.body"},
		CustomerFields: map[string]string{"email": derivedCustomerEmail},
		Attributes: map[string]string{
			"state":                "state",
			"priority":             "priority",
			"tags":                 "tags",
			"channel":              "source.type",
			"delivered_as":         "source.delivered_as",
			"time_to_assignment":   "statistics.time_to_assignment",
			"time_to_admin_reply":  "statistics.time_to_admin_reply",
			"time_to_first_close":  "statistics.time_to_first_close",
			"median_time_to_reply": "statistics.median_time_to_reply",
			"count_reopens":        "statistics.count_reopens",
		},
	}
	if FindColumn(cols, "title") != "" {
		m.Attributes["title"] = "title"
	}
	return m
}

// The Intercom CSV. Intercom documents no fixed CSV layout for conversations: its reporting
// export (Reports > Conversations dataset) names columns for people ("Conversation ID",
// "Conversation started at", "Conversation rating", "Conversation rating remark"), and tools
// that flatten the API objects write their paths ("id", "created_at",
// "conversation_rating.rating"). We assume one row a conversation holding its id, a creation
// time (text, in UTC unless the mapping names a zone, or Unix seconds), a 1–5 rating and its
// remark; everything else is optional and matched by the aliases below.
var (
	intercomID      = []string{"Conversation ID", "conversation_id", "Conversation Id", "id"}
	intercomCreated = []string{"Conversation started at", "Conversation created at", "Created at", "Created at (UTC)", "created_at", "conversation_created_at"}
	intercomRating  = []string{"Conversation rating", "Rating", "conversation_rating.rating", "Conversation rating score", "CSAT rating"}
	intercomRemark  = []string{"Conversation rating remark", "Rating remark", "conversation_rating.remark", "Remark"}
	intercomBody    = []string{"Conversation first message", "First message", "Initial message", "source.body", "Message"}
	intercomUser    = []string{"User ID", "Contact external ID", "User external ID", "External ID", "contacts.external_id", "Contact ID", "Contact id"}
	intercomEmail   = []string{"User email", "Contact email", "Email", "source.author.email"}
)

var intercomCSVAttributes = map[string][]string{
	"state":                {"Conversation state", "State", "state"},
	"priority":             {"Priority", "Conversation priority", "priority"},
	"tags":                 {"Conversation tags", "Tags", "tags"},
	"channel":              {"Channel", "Conversation channel", "source.type"},
	"assignee":             {"Teammate assigned", "Assignee", "Current teammate assigned"},
	"team":                 {"Team assigned", "Team", "Current team assigned"},
	"time_to_assignment":   {"Time to first assignment", "Time to assignment", "statistics.time_to_assignment"},
	"time_to_admin_reply":  {"First response time", "Time to first response", "Time to admin reply", "statistics.time_to_admin_reply"},
	"time_to_first_close":  {"Time to first close", "Time to close", "statistics.time_to_first_close"},
	"median_time_to_reply": {"Median response time", "Median time to reply", "statistics.median_time_to_reply"},
}

func detectIntercomCSV(h Head) int {
	// "id", "created_at" and "Rating" are every tool's names: the head must hold a name only
	// Intercom uses as well.
	if HasColumns(h.Names, "Conversation ID", "conversation_id", "Conversation rating", "Conversation rating remark",
		"conversation_rating.rating", "conversation_rating.remark", "Conversation started at") == 0 {
		return 0
	}
	return scoreHead(h.Names,
		[][]string{intercomID, intercomCreated},
		[][]string{intercomRating, intercomRemark, intercomBody, intercomUser, intercomEmail,
			intercomCSVAttributes["state"], intercomCSVAttributes["tags"], intercomCSVAttributes["channel"],
			intercomCSVAttributes["assignee"], intercomCSVAttributes["time_to_admin_reply"]},
		2)
}

func openIntercomCSV(in io.Reader) (Table, error) {
	t, err := openCSV(in)
	if err != nil {
		return nil, err
	}
	at := FindColumn(t.Columns(), intercomCreated...)
	if at == "" {
		return t, nil
	}
	// A flattened API export keeps Unix seconds; a reporting export writes dates. One mapping
	// reads both once the seconds are written as RFC 3339.
	return newShapedTable(t, nil, func(v map[string]string) {
		if s := strings.TrimSpace(v[at]); s != "" && isDigits(s) && len(s) <= 12 {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				v[at] = time.Unix(n, 0).UTC().Format(time.RFC3339)
			}
		}
	})
}

func suggestIntercomCSV(cols []Column) Mapping {
	m := Mapping{
		Format:     "intercom-csv",
		Target:     Feedback,
		Source:     "intercom",
		SourceKind: feedback.Ticket,
		ExternalID: FindColumn(cols, intercomID...),
		At:         FindColumn(cols, intercomCreated...),
		Customer:   FindColumn(cols, intercomUser...),
		Text:       findAll(cols, intercomRemark, intercomBody),
		Attributes: findAttributes(cols, intercomCSVAttributes),
	}
	if c := FindColumn(cols, intercomRating...); c != "" {
		m.Questions = []QuestionColumn{{Column: c, Question: feedback.CSAT}}
	}
	if c := FindColumn(cols, intercomEmail...); c != "" && m.Customer != "" {
		m.CustomerFields = map[string]string{"email": c}
	}
	return m
}

// scoreHead scores a head by a tool's fixed columns, each given as its aliases. A head that
// lacks a required column, or holds fewer than min of the others, scores 0; otherwise the score
// rises from 50 to 95 with the share of the others it holds.
func scoreHead(names []string, required, others [][]string, min int) int {
	for _, r := range required {
		if HasColumns(names, r...) == 0 {
			return 0
		}
	}
	n := 0
	for _, o := range others {
		if HasColumns(names, o...) > 0 {
			n++
		}
	}
	if n < min || len(others) == 0 {
		return 0
	}
	return 50 + 45*n/len(others)
}

// findAll returns the key of each column found, one a list of aliases, in order.
func findAll(cols []Column, aliases ...[]string) []string {
	var keys []string
	for _, a := range aliases {
		if k := FindColumn(cols, a...); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// findAttributes maps each name to the column its aliases find; names without one are left out.
func findAttributes(cols []Column, aliases map[string][]string) map[string]string {
	out := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(aliases)) {
		if k := FindColumn(cols, aliases[name]...); k != "" {
			out[name] = k
		}
	}
	return out
}

// pick finds a JSON member by its aliases among the columns known so far, or names the first
// alias: a JSON table learns its columns as it reads, and a mapping may name one not yet seen.
func pick(cols []Column, aliases ...string) string {
	if k := FindColumn(cols, aliases...); k != "" {
		return k
	}
	return aliases[0]
}

func firstOf(v map[string]string, keys ...string) string {
	for _, k := range keys {
		if s := strings.TrimSpace(v[k]); s != "" {
			return s
		}
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			return x
		}
	}
	return ""
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// jsonObjects reads a JSON array of objects as the JSON table keeps one: as text. Numbers
// stay as written, so that an id such as 360005001 is not turned into 3.60005001e+08.
func jsonObjects(raw string) ([]map[string]any, bool) {
	if !strings.HasPrefix(raw, "[") {
		return nil, false
	}
	var list []map[string]any
	d := json.NewDecoder(strings.NewReader(raw))
	d.UseNumber()
	if d.Decode(&list) != nil {
		return nil, false
	}
	return list, true
}

// firstObject is the first object of a JSON array of objects kept as text, or nil.
func firstObject(raw string) map[string]any {
	if list, _ := jsonObjects(raw); len(list) > 0 {
		return list[0]
	}
	return nil
}

var (
	htmlBreak = regexp.MustCompile(`(?i)<br\s*/?>|</(p|div|li|h[1-6]|blockquote|tr)>`)
	htmlTag   = regexp.MustCompile(`<[^>]*>`)
	blankRun  = regexp.MustCompile(`\n{3,}`)
)

// htmlText turns the HTML of a message (Intercom writes "<p>Hi</p><p>…</p>") into plain text:
// a line break for each paragraph, tags dropped, entities decoded.
func htmlText(s string) string {
	if !strings.Contains(s, "<") && !strings.Contains(s, "&") {
		return s
	}
	s = htmlBreak.ReplaceAllString(s, "\n")
	s = htmlTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.TrimSpace(blankRun.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}

// openCSV reads a CSV file with the separator its header line uses.
func openCSV(in io.Reader) (Table, error) {
	br := bufio.NewReaderSize(in, 64<<10)
	head, _ := br.Peek(64 << 10)
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	return NewCSVTable(br, CSVOptions{Comma: SniffComma(line)})
}

// openJSON reads a JSON array, an object holding one under a member named by arrays, or NDJSON,
// telling them apart from the file's start as Sniff does.
func openJSON(in io.Reader, arrays ...string) (Table, error) {
	br := bufio.NewReaderSize(in, sniffSize)
	head, _ := br.Peek(sniffSize)
	trimmed := bytes.TrimLeftFunc(head, unicode.IsSpace)
	lines := false
	if len(trimmed) > 0 && trimmed[0] == '{' {
		h := jsonHead(trimmed)
		// One object a line, or a single record that holds no array of records.
		lines = h.Container == NDJSON || !slices.ContainsFunc(arrays, func(a string) bool { return slices.Contains(h.Names, a) })
	}
	return NewJSONTable(br, JSONOptions{Arrays: arrays, Lines: lines})
}

// shapedTable is a table whose records a format reshapes before a mapping sees them: values
// rewritten, lists spread into columns, derived columns added. It reads the first record when
// made, so that a JSON file's columns are known before Suggest looks at them.
type shapedTable struct {
	in    Table
	shape func(values map[string]string)
	cols  []Column
	idx   map[string]int

	first    Record
	firstErr error
	peeked   bool
}

// newShapedTable wraps in. derived are the columns shape adds to every record.
func newShapedTable(in Table, derived []Column, shape func(values map[string]string)) (Table, error) {
	t := &shapedTable{in: in, shape: shape, idx: map[string]int{}}
	for _, c := range slices.Concat(in.Columns(), derived) {
		t.add(c)
	}
	t.first, t.firstErr = t.read()
	t.peeked = true
	return t, nil
}

func (t *shapedTable) add(c Column) {
	if _, ok := t.idx[c.Key]; !ok {
		t.idx[c.Key] = len(t.cols)
		t.cols = append(t.cols, c)
	}
}

func (t *shapedTable) Columns() []Column { return t.cols }

// Dynamic marks the table as one whose columns grow when the table it wraps does.
func (t *shapedTable) Dynamic() bool {
	_, ok := t.in.(interface{ Dynamic() bool })
	return ok
}

func (t *shapedTable) Next() (Record, error) {
	if t.peeked {
		t.peeked = false
		return t.first, t.firstErr
	}
	return t.read()
}

func (t *shapedTable) read() (Record, error) {
	rec, err := t.in.Next()
	if err != nil {
		return Record{}, err
	}
	inCols := t.in.Columns()
	v := make(map[string]string, len(inCols))
	for i, c := range inCols {
		if i < len(rec.Values) {
			v[c.Key] = rec.Values[i]
		}
	}
	t.shape(v)
	for _, c := range inCols {
		if _, ok := v[c.Key]; ok {
			t.add(c)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(v)) {
		t.add(Column{Key: k, Label: k})
	}
	vals := make([]string, len(t.cols))
	for k, s := range v {
		vals[t.idx[k]] = s
	}
	return Record{Row: rec.Row, Values: vals}, nil
}
