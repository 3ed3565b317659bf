package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// JSONOptions describe where a JSON file keeps its records.
type JSONOptions struct {
	// Arrays name the member of a top-level object that holds the records, tried in order
	// ("tickets", "data"). A file that is itself an array needs none; NDJSON ignores them.
	Arrays []string
	// Lines reads one object a line (NDJSON) rather than one document.
	Lines bool
}

// jsonTable streams the objects of a JSON array (or of NDJSON lines) as records. Each object is
// flattened: nested members become "a.b" columns, arrays of scalars are joined with ", ", and
// arrays of objects are kept as JSON text. Columns are learned as objects reveal them.
type jsonTable struct {
	dec  *json.Decoder
	opts JSONOptions
	cols []Column
	idx  map[string]int
	n    int // records read
	done bool
}

// NewJSONTable reads a JSON array, an object holding one under a member opts.Arrays names, or
// NDJSON, as a table. The input must be UTF-8.
func NewJSONTable(in io.Reader, opts JSONOptions) (Table, error) {
	t := &jsonTable{dec: json.NewDecoder(in), opts: opts, idx: map[string]int{}}
	t.dec.UseNumber()
	if opts.Lines {
		return t, nil
	}
	tok, err := t.dec.Token()
	if err != nil {
		return nil, t.syntax(err)
	}
	switch tok {
	case json.Delim('['):
		return t, nil
	case json.Delim('{'):
		for t.dec.More() {
			key, err := t.dec.Token()
			if err != nil {
				return nil, t.syntax(err)
			}
			if name, _ := key.(string); slices.Contains(opts.Arrays, name) {
				tok, err := t.dec.Token()
				if err != nil {
					return nil, t.syntax(err)
				}
				if tok != json.Delim('[') {
					return nil, &SyntaxError{Row: 1, Err: fmt.Errorf("member %q is not an array", name)}
				}
				return t, nil
			}
			var skip json.RawMessage
			if err := t.dec.Decode(&skip); err != nil {
				return nil, t.syntax(err)
			}
		}
		if len(opts.Arrays) == 0 {
			return nil, &SyntaxError{Row: 1, Err: errors.New("the file is an object; an array of records was expected")}
		}
		return nil, &SyntaxError{Row: 1, Err: fmt.Errorf("the object has no member %s holding the records", strings.Join(opts.Arrays, " or "))}
	}
	return nil, &SyntaxError{Row: 1, Err: errors.New("the file is not a JSON array or object")}
}

// Dynamic marks a table whose columns grow as it reads.
func (t *jsonTable) Dynamic() bool { return true }

func (t *jsonTable) Columns() []Column { return t.cols }

func (t *jsonTable) syntax(err error) error {
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return &SyntaxError{Row: t.n + 1, Err: errors.New("the file ends in the middle of a JSON value")}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &SyntaxError{Row: t.n + 1, Err: fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, se)}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &SyntaxError{Row: t.n + 1, Err: fmt.Errorf("a record must be a JSON object, not %s", te.Value)}
	}
	return &SyntaxError{Row: t.n + 1, Err: err}
}

func (t *jsonTable) Next() (Record, error) {
	if t.done {
		return Record{}, io.EOF
	}
	if !t.opts.Lines && !t.dec.More() {
		t.done = true
		if _, err := t.dec.Token(); err != nil { // the closing ]
			return Record{}, t.syntax(err)
		}
		return Record{}, io.EOF
	}
	var obj map[string]any
	if err := t.dec.Decode(&obj); err != nil {
		if err == io.EOF && t.opts.Lines {
			t.done = true
			return Record{}, io.EOF
		}
		return Record{}, t.syntax(err)
	}
	t.n++
	if obj == nil {
		return Record{}, &SyntaxError{Row: t.n, Err: errors.New("a record must be a JSON object, not null")}
	}
	flat := map[string]string{}
	flatten("", obj, flat)
	for _, k := range slices.Sorted(maps.Keys(flat)) {
		if _, ok := t.idx[k]; !ok {
			t.idx[k] = len(t.cols)
			t.cols = append(t.cols, Column{Key: k, Label: k})
		}
	}
	vals := make([]string, len(t.cols))
	for k, v := range flat {
		vals[t.idx[k]] = v
	}
	return Record{Row: t.n, Values: vals}, nil
}

// flatten writes obj's members into out with dotted keys.
func flatten(prefix string, obj map[string]any, out map[string]string) {
	for k, v := range obj {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := v.(type) {
		case map[string]any:
			flatten(key, v, out)
		case []any:
			out[key] = joinArray(v)
		default:
			out[key] = scalar(v)
		}
	}
}

func joinArray(a []any) string {
	parts := make([]string, 0, len(a))
	for _, e := range a {
		switch e.(type) {
		case map[string]any, []any:
			b, _ := json.Marshal(a)
			return string(b)
		}
		parts = append(parts, scalar(e))
	}
	return strings.Join(parts, ", ")
}

func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}

// jsonHead reads the keys of a JSON text's first record for detection: the first element of a
// top-level array, the first object of NDJSON, or, for an object, its own keys followed by the
// keys of the first object in its first array member.
func jsonHead(b []byte) Head {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if b[0] == '[' {
		if _, err := dec.Token(); err != nil {
			return Head{Container: JSON}
		}
		var obj map[string]any
		if dec.More() && dec.Decode(&obj) == nil {
			return Head{Container: JSON, Names: flatKeys(obj)}
		}
		return Head{Container: JSON}
	}
	var obj map[string]any
	if err := dec.Decode(&obj); err == nil {
		rest := bytes.TrimLeft(b[dec.InputOffset():], " \t\r\n")
		if len(rest) > 0 && rest[0] == '{' {
			return Head{Container: NDJSON, Names: flatKeys(obj)}
		}
		names := slices.Sorted(maps.Keys(obj))
		for _, k := range names {
			if arr, ok := obj[k].([]any); ok && len(arr) > 0 {
				if first, ok := arr[0].(map[string]any); ok {
					return Head{Container: JSON, Names: append(names, flatKeys(first)...)}
				}
			}
		}
		return Head{Container: JSON, Names: names}
	}
	// Too long to read whole: walk the tokens to the first array member's first object.
	dec = json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return Head{Container: JSON}
	}
	var names []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			break
		}
		name, _ := key.(string)
		names = append(names, name)
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if tok == json.Delim('[') {
			var first map[string]any
			if dec.More() && dec.Decode(&first) == nil {
				return Head{Container: JSON, Names: append(names, flatKeys(first)...)}
			}
			break
		}
		if d, ok := tok.(json.Delim); ok && d == '{' {
			depth := 1
			for depth > 0 {
				t, err := dec.Token()
				if err != nil {
					return Head{Container: JSON, Names: names}
				}
				if d, ok := t.(json.Delim); ok {
					if d == '{' || d == '[' {
						depth++
					} else {
						depth--
					}
				}
			}
		}
	}
	return Head{Container: JSON, Names: names}
}

func flatKeys(obj map[string]any) []string {
	flat := map[string]string{}
	flatten("", obj, flat)
	return slices.Sorted(maps.Keys(flat))
}
