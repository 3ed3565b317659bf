package importer

import (
	"bufio"
	"bytes"
	"io"

	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// genericFormats are the formats of no tool in particular: any CSV file or XLSX workbook with
// a header row, read with a mapping.
func genericFormats() []Format {
	return []Format{{
		Name:      "csv",
		Title:     "Any CSV file, with a mapping",
		Target:    Feedback,
		Container: CSV,
		Detect:    func(Head) int { return 1 },
		Open:      openGenericCSV,
		Suggest:   suggestGeneric("csv"),
	}, {
		Name:      "xlsx",
		Title:     "Any XLSX workbook (its first sheet), with a mapping",
		Target:    Feedback,
		Container: XLSX,
		Detect:    func(Head) int { return 1 },
		Open:      NewXLSXTable,
		Suggest:   suggestGeneric("xlsx"),
	}}
}

// suggestGeneric proposes the mapping of a generic format, from the usual column names.
func suggestGeneric(format string) func(cols []Column) Mapping {
	return func(cols []Column) Mapping {
		return Mapping{Format: format, Target: Feedback, Source: format, SourceKind: feedback.Survey,
			ExternalID: FindColumn(cols, "id", "response id", "external id", "record id"),
			At:         FindColumn(cols, "created at", "submitted at", "timestamp", "date", "time"),
			Customer:   FindColumn(cols, "customer id", "customer", "user id", "account id", "email"),
			Text:       nonEmpty(FindColumn(cols, "comment", "feedback", "text", "body", "review", "message")),
		}
	}
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// openGenericCSV reads a CSV file whose separator it sniffs from the header line.
func openGenericCSV(in io.Reader) (Table, error) {
	br := bufio.NewReaderSize(in, 64<<10)
	line, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return NewCSVTable(br, CSVOptions{Comma: SniffComma(line)})
}
