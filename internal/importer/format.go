package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// Container is how a file is laid out at the bottom: what Sniff finds before any format.
type Container string

// The containers.
const (
	CSV    Container = "csv"
	JSON   Container = "json"   // one JSON document: an array, or an object holding one
	NDJSON Container = "ndjson" // one JSON object a line
	XLSX   Container = "xlsx"
)

// Head is what detection sees of a file: its container and the names in its first header row
// (CSV, XLSX) or the keys of its first object (JSON, NDJSON; nested keys as "a.b").
type Head struct {
	Container Container
	Names     []string
}

// Format is one tool's export layout.
type Format struct {
	// Name is the format's id, as `--format` takes it: "qualtrics", "zendesk-json".
	Name string
	// Title is what a person reads: "Qualtrics survey export (CSV)".
	Title string
	// Target is what the file's records become.
	Target Target
	// Container is the file's container; a format reads one.
	Container Container
	// Detect says how sure the format is that a file with this head is its own: 0 for no,
	// up to 100 for sure. Formats with the most specific fixed columns should score highest;
	// the generic formats score 1 so that any tool's format wins over them.
	Detect func(h Head) int
	// Open reads the file, already UTF-8, into a table.
	Open func(in io.Reader) (Table, error)
	// Suggest proposes a mapping for the table's columns. It never guesses which question is
	// NPS from a 0–10 scale: only a format whose tool says so (Delighted's survey_type, a
	// Qualtrics question named NPS by the tool's NPS question type) may set it.
	Suggest func(cols []Column) Mapping
}

// Formats are the formats Lodestar reads, in the order detection breaks ties.
func Formats() []Format {
	var all []Format
	for _, group := range [][]Format{surveyFormats(), supportFormats(), reviewFormats(), genericFormats()} {
		all = append(all, group...)
	}
	return all
}

// FormatByName finds a format.
func FormatByName(name string) (Format, error) {
	for _, f := range Formats() {
		if f.Name == name {
			return f, nil
		}
	}
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	return Format{}, fault.Invalid("format", "%q is not a format Lodestar reads: use one of %s", name, strings.Join(names, ", "))
}

// sniffSize is how much of a file detection reads.
const sniffSize = 256 << 10

// Sniffed is a file whose start has been read for detection; Reader still yields every byte.
type Sniffed struct {
	Reader   io.Reader
	Encoding Encoding
	Head     Head
}

// Sniff decodes in and reads its head without consuming it. An XLSX file is read whole, since
// a zip file keeps its directory at its end.
func Sniff(in io.Reader) (Sniffed, error) {
	// A spreadsheet file's magic comes before any text decoding.
	br := bufio.NewReaderSize(in, sniffSize)
	if magic, _ := br.Peek(len(oleMagic)); bytes.HasPrefix(magic, zipMagic) || bytes.Equal(magic, oleMagic) {
		return sniffWorkbook(br)
	}
	dec, enc, err := Decode(br)
	if err != nil {
		return Sniffed{}, err
	}
	tb := bufio.NewReaderSize(dec, sniffSize)
	head, err := tb.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return Sniffed{}, err
	}
	s := Sniffed{Reader: tb, Encoding: enc}
	trimmed := bytes.TrimLeftFunc(head, unicode.IsSpace)
	switch {
	case len(trimmed) == 0:
		return s, &SyntaxError{Row: 1, Err: errors.New("the file is empty")}
	case trimmed[0] == '[' || trimmed[0] == '{':
		s.Head = jsonHead(trimmed)
	default:
		s.Head = Head{Container: CSV, Names: csvHead(head)}
	}
	return s, nil
}

// csvHead reads the first record of a CSV text, with the separator it seems to use.
func csvHead(head []byte) []string {
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	r := csv.NewReader(bytes.NewReader(head))
	r.Comma = SniffComma(line)
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err != nil {
		return nil
	}
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	return rec
}

// SniffComma picks the separator of a CSV header line: the one of , ; tab | that occurs most
// outside quotes, comma on a tie.
func SniffComma(line []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(line) {
		switch {
		case c == '"':
			quoted = !quoted
		case !quoted && (c == ',' || c == ';' || c == '\t' || c == '|'):
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t', '|'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// Detect picks the format of a file from its head: the one that scores highest, or an error
// that lists what was looked for.
func Detect(h Head) (Format, error) {
	var best Format
	score := 0
	for _, f := range Formats() {
		// An NDJSON format also reads a JSON document (see Open), so it may claim one.
		if (f.Container != h.Container && !(f.Container == NDJSON && h.Container == JSON)) || f.Detect == nil {
			continue
		}
		if s := f.Detect(h); s > score {
			best, score = f, s
		}
	}
	if score == 0 {
		return Format{}, fault.Invalid("format", "the format could not be detected from the %s header; name it with --format", h.Container)
	}
	return best, nil
}

// HasColumns reports how many of want the names hold, matching case- and space-insensitively
// as FORMATS.md asks, so that a detector can require its tool's fixed columns.
func HasColumns(names []string, want ...string) int {
	have := make(map[string]bool, len(names))
	for _, n := range names {
		have[NormalizeName(n)] = true
	}
	n := 0
	for _, w := range want {
		if have[NormalizeName(w)] {
			n++
		}
	}
	return n
}

// NormalizeName folds a column name for matching: lower case, spaces, underscores and
// punctuation dropped, so "Requester ID", "requester_id" and "Requester id" are one.
func NormalizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FindColumn returns the key of the first column whose name matches one of the aliases
// (see NormalizeName), or "".
func FindColumn(cols []Column, aliases ...string) string {
	for _, a := range aliases {
		want := NormalizeName(a)
		if i := slices.IndexFunc(cols, func(c Column) bool { return NormalizeName(c.Key) == want }); i >= 0 {
			return cols[i].Key
		}
	}
	return ""
}

// Open reads a file with the named format, or the detected one when name is empty.
func Open(in io.Reader, name string) (Format, Table, Encoding, error) {
	s, err := Sniff(in)
	if err != nil {
		return Format{}, nil, "", err
	}
	var f Format
	if name != "" {
		f, err = FormatByName(name)
	} else {
		f, err = Detect(s.Head)
	}
	if err != nil {
		return Format{}, nil, s.Encoding, err
	}
	if f.Container != s.Head.Container && !(f.Container == NDJSON && s.Head.Container == JSON) {
		return f, nil, s.Encoding, fault.Invalid("format", "format %s reads %s files, and this file is %s", f.Name, f.Container, s.Head.Container)
	}
	t, err := f.Open(s.Reader)
	if err != nil {
		return f, nil, s.Encoding, fmt.Errorf("%s: %w", f.Name, err)
	}
	return f, t, s.Encoding, nil
}
