// Package importer reads the export files of the tools Lodestar's users already have (survey
// tools, help desks, review sites, spreadsheets) and turns them into feedback items, customers
// and customer events, one row at a time, with every bad value reported by row and column.
//
// A file goes through three steps. Decode turns its bytes into UTF-8 whatever its encoding.
// A Format reads its layout into a Table: named columns and a stream of records, so that a
// Qualtrics file with three header rows and a Zendesk JSON export look alike. A Mapping then says
// which column is the score, the text, the customer, the time, and the Mapper applies it. The
// format is detected from the header when not named, and proposes a mapping that a user can
// inspect, change, save and reuse.
//
// Nothing here touches the database: package store writes what the importer yields, and the
// import job (see Run) ties the two together in resumable batches.
package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Column is one column of a table. Key is what a mapping names it by: the header text for most
// files, a stable id where the tool has one (a Qualtrics ImportId, a JSON path). Label is what a
// person reads: the header, or the question's text.
type Column struct {
	Key   string `json:"key"`
	Label string `json:"label,omitempty"`
	// Zone is the IANA time zone the file says the column's times are in (Qualtrics writes it
	// in its third header row); empty when the file does not say.
	Zone string `json:"zone,omitempty"`
}

// Record is one data record of a table.
type Record struct {
	// Row is the record's place in the file as a person counts it: the line of a CSV file
	// (header rows included, from 1), the element of a JSON array (from 1), the row of a sheet.
	Row int
	// Values hold the record's values aligned with the table's Columns at the time the record
	// was read; a column the record lacks is "" (or missing when the slice is shorter).
	Values []string
}

// Value returns the record's value in column i, or "" when it has none.
func (r Record) Value(i int) string {
	if i < 0 || i >= len(r.Values) {
		return ""
	}
	return r.Values[i]
}

// Table is a file read as columns and records, in order. A table that holds more than its
// reader (an XLSX table keeps a large sheet in a temporary file) is also an io.Closer: it
// releases what it holds after its last record or an error, and a reader that stops before
// should close it.
type Table interface {
	// Columns lists the columns known so far. For a CSV file they are fixed by the header; a
	// JSON reader may learn more as it reads, and appends them (never reorders).
	Columns() []Column
	// Next returns the next record, or io.EOF after the last one. An error that is not io.EOF
	// ends the table: the file cannot be read past it. It should say where (row, and column
	// when known) with a *SyntaxError.
	Next() (Record, error)
}

// SyntaxError is a file that cannot be read on: a broken CSV quote, invalid JSON.
type SyntaxError struct {
	Row    int
	Column int // 1-based; 0 when unknown
	Err    error
}

func (e *SyntaxError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("row %d, column %d: %v", e.Row, e.Column, e.Err)
	}
	return fmt.Sprintf("row %d: %v", e.Row, e.Err)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// CSVOptions describe a CSV layout.
type CSVOptions struct {
	// HeaderRows is how many rows the header takes (Qualtrics: 3, SurveyMonkey: 2); 1 when 0.
	HeaderRows int
	// Comma is the field separator; ',' when 0. Sniff finds ; and tab.
	Comma rune
	// Columns turns the header rows into columns; nil means the first row's names as keys.
	Columns func(header [][]string) ([]Column, error)
	// Skip reports whether a data record is not a response but more header (Qualtrics
	// repeats a header row in some exports); nil skips nothing.
	Skip func(values []string) bool
}

// csvTable reads a CSV file as a Table.
type csvTable struct {
	r     *csv.Reader
	cols  []Column
	opts  CSVOptions
	width int // values a record holds, after dropping a trailing empty header column
}

// NewCSVTable reads a CSV file's header and returns it as a table. The input must already be
// UTF-8 (see Decode). Records may be shorter or longer than the header (a trailing comma, a
// missing last field); values past the last column are dropped.
func NewCSVTable(in io.Reader, opts CSVOptions) (Table, error) {
	if opts.HeaderRows <= 0 {
		opts.HeaderRows = 1
	}
	r := csv.NewReader(in)
	if opts.Comma != 0 {
		r.Comma = opts.Comma
	}
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	r.ReuseRecord = false
	header := make([][]string, 0, opts.HeaderRows)
	for range opts.HeaderRows {
		rec, err := r.Read()
		if err == io.EOF {
			if len(header) == 0 {
				return nil, &SyntaxError{Row: 1, Err: errors.New("the file is empty")}
			}
			return nil, &SyntaxError{Row: len(header) + 1, Err: fmt.Errorf("the header needs %d rows; the file ends after %d", opts.HeaderRows, len(header))}
		}
		if err != nil {
			return nil, csvError(err)
		}
		header = append(header, rec)
	}
	t := &csvTable{r: r, opts: opts}
	var err error
	if opts.Columns != nil {
		t.cols, err = opts.Columns(header)
	} else {
		t.cols, err = NamedColumns(header[0])
	}
	if err != nil {
		return nil, err
	}
	t.width = len(t.cols)
	return t, nil
}

// NamedColumns makes columns of a header row: each name, trimmed, is key and label. A trailing
// empty name (the legacy exports' trailing comma) is dropped; other empty or repeated names are
// errors, since a mapping could not tell them apart.
func NamedColumns(names []string) ([]Column, error) {
	for len(names) > 0 && strings.TrimSpace(names[len(names)-1]) == "" {
		names = names[:len(names)-1]
	}
	if len(names) == 0 {
		return nil, &SyntaxError{Row: 1, Err: errors.New("the header has no column names")}
	}
	cols := make([]Column, len(names))
	seen := make(map[string]int, len(names))
	for i, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			return nil, &SyntaxError{Row: 1, Column: i + 1, Err: errors.New("the header has an empty column name")}
		}
		if j, dup := seen[n]; dup {
			return nil, &SyntaxError{Row: 1, Column: i + 1, Err: fmt.Errorf("column name %q repeats column %d", n, j+1)}
		}
		seen[n] = i
		cols[i] = Column{Key: n, Label: n}
	}
	return cols, nil
}

func (t *csvTable) Columns() []Column { return t.cols }

func (t *csvTable) Next() (Record, error) {
	for {
		rec, err := t.r.Read()
		if err == io.EOF {
			return Record{}, io.EOF
		}
		if err != nil {
			return Record{}, csvError(err)
		}
		line, _ := t.r.FieldPos(0)
		if len(rec) == 1 && rec[0] == "" {
			continue // a blank line inside quotes-free data
		}
		if t.opts.Skip != nil && t.opts.Skip(rec) {
			continue
		}
		if len(rec) > t.width {
			rec = rec[:t.width]
		}
		return Record{Row: line, Values: rec}, nil
	}
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &SyntaxError{Row: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return err
}
