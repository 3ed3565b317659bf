package importer

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// xlsxCell is a cell of a test workbook: a value and, when set, the number format it shows in
// (a built-in format's id, or a custom format's code).
type xlsxCell struct {
	value  any
	numFmt int
	custom string
}

// buildXLSX writes a workbook whose first sheet holds rows, row i+1 from rows[i]; a nil row
// is left out of the sheet, as Excel leaves out a blank row. edit, when not nil, changes the
// workbook before it is written.
func buildXLSX(t testing.TB, rows [][]xlsxCell, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if edit != nil {
		edit(f)
	}
	sheet := f.GetSheetList()[0]
	for r, row := range rows {
		for c, cell := range row {
			ref, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				t.Fatal(err)
			}
			if cell.value != nil {
				if err := f.SetCellValue(sheet, ref, cell.value); err != nil {
					t.Fatal(err)
				}
			}
			if cell.numFmt == 0 && cell.custom == "" {
				continue
			}
			style := &excelize.Style{NumFmt: cell.numFmt}
			if cell.custom != "" {
				style.CustomNumFmt = &cell.custom
			}
			id, err := f.NewStyle(style)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStyle(sheet, ref, ref, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cells makes a row of cells in the General format.
func cells(values ...any) []xlsxCell {
	row := make([]xlsxCell, len(values))
	for i, v := range values {
		row[i] = xlsxCell{value: v}
	}
	return row
}

// surveyXLSX is a small survey export as a spreadsheet tool writes one: a header with a blank
// trailing name, strings, integers, a 0 score, a blank cell, dates in three formats, a row
// left out of the sheet, a row of blank but formatted cells, and a value past the header.
func surveyXLSX(t testing.TB) []byte {
	return buildXLSX(t, [][]xlsxCell{
		cells("id", "created_at", "score", "comment", "plan", "  "),
		{{value: "r1"}, {value: time.Date(2026, 3, 1, 14, 30, 0, 0, time.UTC), custom: "dd/mm/yyyy hh:mm"},
			{value: 9}, {value: "Great"}, {value: "pro"}, {value: "past the header"}},
		{{value: "r2"}, {value: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), numFmt: 14},
			{value: 0}, {}, {value: "free"}},
		nil,
		{{value: 1003}, {value: time.Date(2026, 3, 3, 9, 5, 7, 0, time.UTC), numFmt: 22},
			{value: 10}, {value: "Fine"}},
		{{numFmt: 14}, {custom: "0.00"}},
	}, nil)
}

// xlsxSurveyCSV holds the rows of surveyXLSX as a CSV file, its dates in a layout ParseTime
// reads and its blank line where the sheet leaves row 4 out.
const xlsxSurveyCSV = "id,created_at,score,comment,plan,\n" +
	"r1,2026-03-01 14:30:00,9,Great,pro,past the header\n" +
	"r2,2026-03-02,0,,free,\n" +
	"\n" +
	"1003,2026-03-03 09:05:07,10,Fine,,\n"

// readAll reads a table to its end.
func readAll(t *testing.T, tab Table) []Record {
	t.Helper()
	var recs []Record
	for {
		rec, err := tab.Next()
		if err == io.EOF {
			return recs
		}
		if err != nil {
			t.Fatalf("Next() = %v, want a record or io.EOF", err)
		}
		recs = append(recs, rec)
	}
}

func TestXLSXTable(t *testing.T) {
	tab, err := NewXLSXTable(bytes.NewReader(surveyXLSX(t)))
	if err != nil {
		t.Fatalf("NewXLSXTable = %v", err)
	}
	wantCols := []Column{
		{Key: "id", Label: "id"}, {Key: "created_at", Label: "created_at"}, {Key: "score", Label: "score"},
		{Key: "comment", Label: "comment"}, {Key: "plan", Label: "plan"},
	}
	if diff := cmp.Diff(wantCols, tab.Columns()); diff != "" {
		t.Errorf("Columns() (-want +got):\n%s", diff)
	}
	want := []Record{
		{Row: 2, Values: []string{"r1", "2026-03-01 14:30:00", "9", "Great", "pro"}},
		{Row: 3, Values: []string{"r2", "2026-03-02 00:00:00", "0", "", "free"}},
		{Row: 5, Values: []string{"1003", "2026-03-03 09:05:07", "10", "Fine"}},
	}
	if diff := cmp.Diff(want, readAll(t, tab)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if _, err := tab.Next(); err != io.EOF {
		t.Errorf("Next() after the last record = %v, want io.EOF", err)
	}
	if err := tab.(io.Closer).Close(); err != nil {
		t.Errorf("Close() after the last record = %v, want nil", err)
	}
}

// TestXLSXValues checks that cells come as the sheet shows them, but for dates, which come in
// one layout that ParseTime reads, with the time of day their format may hide.
func TestXLSXValues(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	at := day.Add(14*time.Hour + 30*time.Minute)
	tests := []struct {
		name string
		cell xlsxCell
		want string
		// date1904 writes the workbook in the 1904 date system of old Mac workbooks.
		date1904 bool
		// time, when set, is what ParseTime must read want as.
		time time.Time
	}{
		{name: "string", cell: xlsxCell{value: "Loved it, mostly"}, want: "Loved it, mostly"},
		{name: "integer", cell: xlsxCell{value: 9}, want: "9"},
		{name: "zero", cell: xlsxCell{value: 0}, want: "0"},
		{name: "negative", cell: xlsxCell{value: -3}, want: "-3"},
		{name: "decimal", cell: xlsxCell{value: 4.6}, want: "4.6"},
		{name: "float noise", cell: xlsxCell{value: 0.1 + 0.2}, want: "0.3"},
		{name: "long integer id", cell: xlsxCell{value: int64(123456789012)}, want: "123456789012"},
		{name: "integer as text", cell: xlsxCell{value: "007"}, want: "007"},
		{name: "boolean", cell: xlsxCell{value: true}, want: "TRUE"},
		{name: "two decimals", cell: xlsxCell{value: 9, numFmt: 2}, want: "9.00"},
		{name: "zero two decimals", cell: xlsxCell{value: 0, numFmt: 2}, want: "0.00"},
		{name: "thousands, without grouping", cell: xlsxCell{value: 1234, numFmt: 3}, want: "1234"},
		{name: "thousands and decimals, without grouping", cell: xlsxCell{value: 1234567.5, numFmt: 4}, want: "1234567.50"},
		{name: "custom grouping dropped", cell: xlsxCell{value: 98765, custom: "#,##0"}, want: "98765"},
		{name: "zero padding kept", cell: xlsxCell{value: 42, custom: "00000"}, want: "00042"},
		{name: "percent", cell: xlsxCell{value: 0.5, numFmt: 9}, want: "50%"},
		{name: "built-in date", cell: xlsxCell{value: day, numFmt: 14}, want: "2026-03-01 00:00:00", time: day},
		{name: "built-in d-mmm-yy", cell: xlsxCell{value: day, numFmt: 15}, want: "2026-03-01 00:00:00", time: day},
		{name: "time the date format hides", cell: xlsxCell{value: at, numFmt: 14}, want: "2026-03-01 14:30:00", time: at},
		{name: "built-in date and time", cell: xlsxCell{value: at, numFmt: 22}, want: "2026-03-01 14:30:00", time: at},
		{name: "seconds the format hides", cell: xlsxCell{value: at.Add(59 * time.Second), numFmt: 22}, want: "2026-03-01 14:30:59", time: at.Add(59 * time.Second)},
		{name: "rounded to the second", cell: xlsxCell{value: at.Add(-time.Millisecond), numFmt: 22}, want: "2026-03-01 14:30:00", time: at},
		{name: "day first", cell: xlsxCell{value: day, custom: "dd/mm/yyyy"}, want: "2026-03-01 00:00:00", time: day},
		{name: "day first with time", cell: xlsxCell{value: at, custom: "dd/mm/yyyy hh:mm"}, want: "2026-03-01 14:30:00", time: at},
		{name: "long date with locale", cell: xlsxCell{value: day, custom: "[$-409]mmmm d, yyyy;@"}, want: "2026-03-01 00:00:00", time: day},
		{name: "month and year", cell: xlsxCell{value: day, custom: "mmm yyyy"}, want: "2026-03-01 00:00:00", time: day},
		{name: "12-hour clock", cell: xlsxCell{value: at, custom: "m/d/yyyy h:mm AM/PM"}, want: "2026-03-01 14:30:00", time: at},
		{name: "date serial as number", cell: xlsxCell{value: 46082.5, numFmt: 22}, want: "2026-03-01 12:00:00", time: day.Add(12 * time.Hour)},
		{name: "1904 date system", cell: xlsxCell{value: 44620.5, numFmt: 22}, date1904: true, want: "2026-03-01 12:00:00", time: day.Add(12 * time.Hour)},
		{name: "time of day", cell: xlsxCell{value: 0.6041666666666666, custom: "h:mm"}, want: "14:30"},
		{name: "duration", cell: xlsxCell{value: 1.5, custom: "[h]:mm"}, want: "36:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var edit func(f *excelize.File)
			if tt.date1904 {
				edit = func(f *excelize.File) {
					yes := true
					if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
						t.Fatal(err)
					}
				}
			}
			data := buildXLSX(t, [][]xlsxCell{cells("v"), {tt.cell}}, edit)
			tab, err := NewXLSXTable(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("NewXLSXTable = %v", err)
			}
			recs := readAll(t, tab)
			if len(recs) != 1 {
				t.Fatalf("records = %v, want one", recs)
			}
			if got := recs[0].Value(0); got != tt.want {
				t.Errorf("value of %v = %q, want %q", tt.cell.value, got, tt.want)
			}
			if tt.time.IsZero() {
				return
			}
			if got, err := ParseTime(recs[0].Value(0), TimeFormat{}, nil); err != nil || !got.Equal(tt.time) {
				t.Errorf("ParseTime(%q) = %v, %v, want %v", recs[0].Value(0), got, err, tt.time)
			}
		})
	}
}

func TestDateFormat(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"yyyy-mm-dd", true},
		{"d-mmm-yy", true},
		{"mmm", true},
		{"dd/mm/yyyy hh:mm", true},
		{"m/d/yyyy h:mm AM/PM", true},
		{`[$-409]mmmm d, yyyy;@`, true},
		{`yyyy"年"m"月"d"日"`, true},
		{"h:mm", false},
		{"mm:ss", false},
		{"h:mm AM/PM", false},
		{"[h]:mm:ss", false},
		{"[mm]:ss", false},
		{"General", false},
		{"0.00", false},
		{"#,##0;[Red]-#,##0", false},
		{`0 "days"`, false},
		{`\d0`, false},
		{"0.00E+00", false},
		{`_("$"* #,##0.00_)`, false},
		{"[Red][<=100]0;[Blue]0", false},
		{"0;dd/mm/yyyy", false},
		{"@", false},
	}
	for _, tt := range tests {
		if got := dateFormat(tt.code); got != tt.want {
			t.Errorf("dateFormat(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
}

// TestXLSXDetect checks that an XLSX file's header is read for detection as a CSV file's is,
// and that no format for CSV files claims one.
func TestXLSXDetect(t *testing.T) {
	zendesk := "Id,Requester,Requester id,Requester external id,Subject,Description,Status,Created at,Updated at,Satisfaction Score,Satisfaction Comment"
	tests := []struct {
		name string
		head string // a CSV header line: the sheet's first row
	}{
		{"generic", "id,created_at,score,comment,plan"},
		{"zendesk's columns", zendesk},
		{"qualtrics's columns", "StartDate,EndDate,Status,RecordedDate,ResponseId,ExternalReference,DistributionChannel,UserLanguage,Q1,Q2"},
		{"google forms's columns", "Timestamp,How satisfied are you?,Comments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names := strings.Split(tt.head, ",")
			var header []xlsxCell
			for _, n := range names {
				header = append(header, xlsxCell{value: n})
			}
			s, err := Sniff(bytes.NewReader(buildXLSX(t, [][]xlsxCell{header, cells("1")}, nil)))
			if err != nil {
				t.Fatalf("Sniff = %v", err)
			}
			if diff := cmp.Diff(Head{Container: XLSX, Names: names}, s.Head); diff != "" {
				t.Errorf("Sniff head (-want +got):\n%s", diff)
			}
			csv, err := Sniff(strings.NewReader(tt.head + "\n1\n"))
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(csv.Head.Names, s.Head.Names) {
				t.Errorf("names of the XLSX file = %q, of the CSV file %q: want the same", s.Head.Names, csv.Head.Names)
			}
			f, err := Detect(s.Head)
			if err != nil || f.Name != "xlsx" {
				t.Errorf("Detect(%v) = %q, %v, want xlsx", s.Head, f.Name, err)
			}
		})
	}
}

// TestXLSXOpen reads a workbook as `lodestar import --plan` does, through Open, and checks that
// it gives what the same data as a CSV file gives.
func TestXLSXOpen(t *testing.T) {
	xf, xtab, enc, err := Open(bytes.NewReader(surveyXLSX(t)), "")
	if err != nil {
		t.Fatalf("Open(xlsx) = %v", err)
	}
	if xf.Name != "xlsx" || xf.Container != XLSX || enc != "" {
		t.Errorf("Open(xlsx) = format %q (%s), encoding %q, want xlsx (xlsx), no encoding", xf.Name, xf.Container, enc)
	}
	wantMapping := Mapping{Format: "xlsx", Target: Feedback, Source: "xlsx", SourceKind: feedback.Survey,
		ExternalID: "id", At: "created_at", Text: []string{"comment"}}
	if diff := cmp.Diff(wantMapping, xf.Suggest(xtab.Columns())); diff != "" {
		t.Errorf("Suggest (-want +got):\n%s", diff)
	}

	cf, ctab, _, err := Open(strings.NewReader(xlsxSurveyCSV), "")
	if err != nil || cf.Name != "csv" {
		t.Fatalf("Open(csv) = %q, %v, want csv", cf.Name, err)
	}
	// Which question is NPS is said, never guessed; the source is the user's to name.
	m := xf.Suggest(xtab.Columns())
	m.Source = "spreadsheet"
	m.Questions = []QuestionColumn{{Column: "score", Question: feedback.NPS}}
	m.Attributes = map[string]string{"plan": "plan"}
	mapAll := func(tab Table) []Row {
		mp, err := NewMapper(tab, m)
		if err != nil {
			t.Fatalf("NewMapper = %v", err)
		}
		var rows []Row
		for _, rec := range readAll(t, tab) {
			rows = append(rows, mp.Map(rec))
		}
		return rows
	}
	got := mapAll(xtab)
	if diff := cmp.Diff(mapAll(ctab), got); diff != "" {
		t.Errorf("rows of the CSV file (-) and the XLSX file (+) differ:\n%s", diff)
	}
	item := func(id, at string, score float64, text, plan string) feedback.Item {
		it := feedback.Item{SourceKind: feedback.Survey, Source: "spreadsheet", ExternalID: id, At: utc(at),
			Question: feedback.NPS, Score: num(score), Text: text}
		if plan != "" {
			it.Attributes = map[string]string{"plan": plan}
		}
		it.Normalize()
		return it
	}
	want := []feedback.Item{
		item("r1", "2026-03-01T14:30:00Z", 9, "Great", "pro"),
		item("r2", "2026-03-02T00:00:00Z", 0, "", "free"),
		item("1003", "2026-03-03T09:05:07Z", 10, "Fine", ""),
	}
	if diff := cmp.Diff(want, itemsOf(t, got)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if rows := []int{got[0].Row, got[1].Row, got[2].Row}; !cmp.Equal(rows, []int{2, 3, 5}) {
		t.Errorf("rows = %v, want [2 3 5]", rows)
	}
}

func TestXLSXSheet(t *testing.T) {
	data := buildXLSX(t, [][]xlsxCell{cells("hidden"), cells("x")}, func(f *excelize.File) {
		i, err := f.NewSheet("Responses")
		if err != nil {
			t.Fatal(err)
		}
		f.SetActiveSheet(i) // excelize hides no active sheet
		for ref, v := range map[string]any{"A3": "id", "B3": "score", "A4": "r1", "B4": 7} {
			if err := f.SetCellValue("Responses", ref, v); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SetSheetVisible("Sheet1", false); err != nil {
			t.Fatal(err)
		}
	})
	tab, err := NewXLSXTable(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("NewXLSXTable = %v", err)
	}
	if diff := cmp.Diff([]Column{{Key: "id", Label: "id"}, {Key: "score", Label: "score"}}, tab.Columns()); diff != "" {
		t.Errorf("Columns() of the first visible sheet, whose header is its row 3 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Record{{Row: 4, Values: []string{"r1", "7"}}}, readAll(t, tab)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

func TestXLSXErrors(t *testing.T) {
	good := surveyXLSX(t)
	encrypted := func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		var buf bytes.Buffer
		if err := f.Write(&buf, excelize.Options{Password: "secret"}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	notWorkbook := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.Create("responses.csv")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(w, "id,score\n1,9\n")
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	tests := []struct {
		name   string
		file   []byte
		format string
		// want is in the error's text; syntax says where a *SyntaxError points (row, column).
		want   string
		syntax [2]int
	}{
		{name: "truncated", file: good[:len(good)/2], want: "the file is damaged or is not an XLSX workbook"},
		{name: "entry claiming gigabytes", file: claimSize(t, good, "xl/theme/theme1.xml", 3<<30), want: "the file is damaged or is not an XLSX workbook"},
		{name: "zip of a CSV file", file: notWorkbook, want: "the file is damaged or is not an XLSX workbook"},
		{name: "password", file: encrypted, want: "the workbook is protected by a password"},
		{name: "password with --format", file: encrypted, format: "xlsx", want: "the workbook is protected by a password"},
		{name: "excel 97", file: legacyXLS(t, encrypted), want: "Excel 97–2003 workbook (.xls)"},
		{name: "other compound file", file: append(bytes.Clone(oleMagic), make([]byte, 100)...), want: "an Office document but not an XLSX workbook"},
		{name: "empty sheet", file: buildXLSX(t, nil, nil), want: `the sheet "Sheet1" is empty`, syntax: [2]int{1, 0}},
		{name: "repeated name", file: buildXLSX(t, [][]xlsxCell{cells("id", "id")}, nil), want: `column name "id" repeats column 1`, syntax: [2]int{1, 2}},
		{name: "empty name", file: buildXLSX(t, [][]xlsxCell{nil, cells("id", nil, "score")}, nil), want: "the header has an empty column name", syntax: [2]int{2, 2}},
		{name: "csv format", file: good, format: "csv", want: "format csv reads csv files, and this file is xlsx"},
		{name: "xlsx format for a CSV file", file: []byte(xlsxSurveyCSV), format: "xlsx", want: "format xlsx reads xlsx files, and this file is csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, tab, _, err := Open(bytes.NewReader(tt.file), tt.format)
			if err == nil {
				t.Fatalf("Open = table of %v, want an error", tab.Columns())
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open = %v, want an error that says %q", err, tt.want)
			}
			var se *SyntaxError
			var inv *fault.InvalidError
			switch {
			case tt.syntax != [2]int{}:
				if !errors.As(err, &se) || se.Row != tt.syntax[0] || se.Column != tt.syntax[1] {
					t.Errorf("Open = %#v, want a *SyntaxError at row %d, column %d", err, tt.syntax[0], tt.syntax[1])
				}
			case !errors.As(err, &inv):
				t.Errorf("Open = %#v, want a *fault.InvalidError", err)
			}
		})
	}
}

// claimSize makes a zip file's directory say that the named entry unzips to size bytes, as a
// damaged or hostile file may.
func claimSize(t *testing.T, data []byte, name string, size uint32) []byte {
	t.Helper()
	data = bytes.Clone(data)
	// A central directory header: its signature, the uncompressed size at byte 24, the name at 46.
	for i := 0; ; i++ {
		j := bytes.Index(data[i:], []byte("PK\x01\x02"))
		if j < 0 {
			t.Fatalf("no entry %s in the zip directory", name)
		}
		i += j
		if bytes.HasPrefix(data[i+46:], []byte(name)) {
			binary.LittleEndian.PutUint32(data[i+24:], size)
			return data
		}
	}
}

// legacyXLS turns a password-protected workbook into a compound file like an Excel 97–2003
// workbook, by renaming its encrypted package stream "Workbook" in the file's directory.
func legacyXLS(t *testing.T, encrypted []byte) []byte {
	t.Helper()
	utf16 := func(s string) []byte {
		b := make([]byte, 0, 2*len(s))
		for _, r := range s {
			b = append(b, byte(r), 0)
		}
		return b
	}
	data := bytes.Clone(encrypted)
	// Directory entries are 128 bytes each, in 512-byte sectors after a 512-byte header.
	i := 0
	for {
		j := bytes.Index(data[i:], utf16("EncryptedPackage\x00"))
		if j < 0 {
			t.Fatal("no EncryptedPackage stream in the encrypted workbook")
		}
		if i += j; i%128 == 0 {
			break
		}
		i++
	}
	// A directory entry's name takes 64 bytes, then its length in bytes with the final NUL.
	name := append(utf16("Workbook"), make([]byte, 64-len(utf16("Workbook")))...)
	copy(data[i:i+64], name)
	data[i+64], data[i+65] = byte(len(utf16("Workbook"))+2), 0
	return data
}

func TestXLSXClose(t *testing.T) {
	tab, err := NewXLSXTable(bytes.NewReader(surveyXLSX(t)))
	if err != nil {
		t.Fatalf("NewXLSXTable = %v", err)
	}
	if _, err := tab.Next(); err != nil {
		t.Fatalf("Next() = %v", err)
	}
	c := tab.(io.Closer)
	if err := c.Close(); err != nil {
		t.Errorf("Close() = %v, want nil", err)
	}
	if rec, err := tab.Next(); err == nil || err == io.EOF {
		t.Errorf("Next() after Close = %v, %v, want an error", rec, err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
}

// TestXLSXLargeSheet reads a sheet large enough that excelize unzips it to a temporary file,
// and checks that the table removes the file after the last record, and when closed early.
func TestXLSXLargeSheet(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 20 MB sheet")
	}
	const n = 200_000
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"id", "score", "comment"}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= n+1; i++ {
		if err := sw.SetRow(fmt.Sprintf("A%d", i), []any{fmt.Sprintf("r%d", i), i % 11, "a comment long enough to make the sheet large"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where excelize unzips a large sheet
	temporary := func() []string {
		t.Helper()
		entries, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}

	_, tab, _, err := Open(bytes.NewReader(data), "")
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	if len(temporary()) == 0 {
		t.Fatal("no temporary file while reading: the sheet is too small to test this")
	}
	recs := 0
	var last Record
	for {
		rec, err := tab.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next() = %v", err)
		}
		recs, last = recs+1, rec
	}
	if want := (Record{Row: n + 1, Values: []string{fmt.Sprintf("r%d", n+1), fmt.Sprint((n + 1) % 11), "a comment long enough to make the sheet large"}}); recs != n || !cmp.Equal(last, want) {
		t.Errorf("read %d records, the last %v, want %d, the last %v", recs, last, n, want)
	}
	if left := temporary(); len(left) != 0 {
		t.Errorf("temporary files after the last record: %q, want none", left)
	}

	_, tab, _, err = Open(bytes.NewReader(data), "")
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	if _, err := tab.Next(); err != nil {
		t.Fatalf("Next() = %v", err)
	}
	if err := tab.(io.Closer).Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if left := temporary(); len(left) != 0 {
		t.Errorf("temporary files after Close: %q, want none", left)
	}
}

// FuzzXLSX reads arbitrary bytes as the generic formats do: errors are fine, panics are not.
func FuzzXLSX(f *testing.F) {
	f.Add(surveyXLSX(f))
	f.Add([]byte(xlsxSurveyCSV))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"", "xlsx"} {
			fm, tab, _, err := Open(bytes.NewReader(data), name)
			if err != nil {
				continue
			}
			mp, _ := NewMapper(tab, fm.Suggest(tab.Columns()))
			for range 10_000 {
				rec, err := tab.Next()
				if err != nil {
					break
				}
				if mp != nil {
					mp.Map(rec)
				}
			}
			if c, ok := tab.(io.Closer); ok {
				c.Close()
			}
		}
	})
}
