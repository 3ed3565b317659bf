package importer

import (
	"bufio"
	"bytes"
	"io"

	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// genericFormats are the formats of no tool in particular: any CSV file, read with a mapping.
func genericFormats() []Format {
	return []Format{{
		Name:      "csv",
		Title:     "Any CSV file, with a mapping",
		Target:    Feedback,
		Container: CSV,
		Detect:    func(Head) int { return 1 },
		Open:      openGenericCSV,
		Suggest: func(cols []Column) Mapping {
			return Mapping{Format: "csv", Target: Feedback, Source: "csv", SourceKind: feedback.Survey,
				ExternalID: FindColumn(cols, "id", "response id", "external id", "record id"),
				At:         FindColumn(cols, "created at", "submitted at", "timestamp", "date", "time"),
				Customer:   FindColumn(cols, "customer id", "customer", "user id", "account id", "email"),
				Text:       nonEmpty(FindColumn(cols, "comment", "feedback", "text", "body", "review", "message")),
			}
		},
	}}
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
