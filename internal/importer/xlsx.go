package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"

	"github.com/lodestar-cx/lodestar/internal/fault"
)

// The magic numbers of the files a spreadsheet tool saves: an XLSX workbook is a zip file; a
// password-protected one, like an Excel 97–2003 .xls, is an OLE compound file.
var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// xlsxDateTime is the format every date cell is read in: ParseTime reads it, and it keeps the
// time of day that a format showing the date alone hides (a column formatted as dates often
// holds timestamps, and an event's time is part of its key).
const xlsxDateTime = "yyyy-mm-dd hh:mm:ss"

// sniffWorkbook reads a spreadsheet file for Sniff. It reads the whole file, since a zip
// file's directory is at its end, and the header of the sheet a table would read. A file that
// is no workbook Lodestar reads is an error here, whatever format is asked for; a header that a
// table refuses is left for Open to report, as Sniff leaves a CSV file's.
func sniffWorkbook(in io.Reader) (Sniffed, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return Sniffed{}, err
	}
	s := Sniffed{Reader: bytes.NewReader(data), Head: Head{Container: XLSX}}
	f, err := openWorkbook(data)
	if err != nil {
		return s, err
	}
	t, err := newXLSXTable(f)
	if err != nil {
		return s, nil
	}
	defer t.Close()
	for _, c := range t.cols {
		s.Head.Names = append(s.Head.Names, c.Key)
	}
	return s, nil
}

// maxDeflateRatio is how many times its size deflate can expand data to, at most.
const maxDeflateRatio = 1032

// openWorkbook opens an XLSX file, or says why it cannot.
func openWorkbook(data []byte) (*excelize.File, error) {
	if bytes.HasPrefix(data, oleMagic) {
		return nil, compoundFileError(data)
	}
	// excelize allocates what a zip entry says it unzips to before reading it, so a few bytes
	// could ask for gigabytes: a workbook may unzip to no more than deflate can make of it.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: max(maxDeflateRatio*int64(len(data)), excelize.StreamChunkSize),
	})
	if err != nil {
		return nil, fault.Invalid("file", "the file is damaged or is not an XLSX workbook (%v): if Excel opens it, save it again as .xlsx", err)
	}
	if err := isoDates(f); err != nil {
		f.Close()
		return nil, fault.Invalid("file", "the workbook's cell styles cannot be read (%v)", err)
	}
	ungroupNumbers(f)
	return f, nil
}

// compoundFileError says what an OLE compound file is, since Excel writes two kinds that a
// user could take for an XLSX file and each needs its own fix.
func compoundFileError(data []byte) error {
	if doc, err := mscfb.New(bytes.NewReader(data)); err == nil {
		for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
			switch entry.Name {
			case "EncryptedPackage":
				return fault.Invalid("file", "the workbook is protected by a password: remove the password in Excel, save it, and import it again")
			case "Workbook", "Book":
				return fault.Invalid("file", "the file is an Excel 97–2003 workbook (.xls), which Lodestar does not read: save it in Excel as .xlsx or CSV")
			}
		}
	}
	return fault.Invalid("file", "the file is an Office document but not an XLSX workbook, or it is damaged")
}

// isoDates makes the workbook show every date in xlsxDateTime. Excel stores a date as a serial
// number that only the cell's number format marks as a date, and the row iterator returns a
// cell's text without its style: rewriting the workbook's date formats (in memory; it is never
// saved) is the one way to know a date while streaming. Times of day and durations keep their
// format, as a date would misstate them.
func isoDates(f *excelize.File) error {
	ss := f.Styles
	if ss == nil || ss.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if ss.NumFmts != nil {
		for _, nf := range ss.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			custom[nf.NumFmtID] = nf.FormatCode
			if nf.FormatCode16 != "" {
				custom[nf.NumFmtID] = nf.FormatCode16
			}
		}
	}
	var iso *int // the id of xlsxDateTime, once added
	for i := range len(ss.CellXfs.Xf) {
		id := ss.CellXfs.Xf[i].NumFmtID
		if id == nil {
			continue
		}
		code, ok := custom[*id]
		if ok && !dateFormat(code) || !ok && !builtInDateFormat(*id) {
			continue
		}
		if iso == nil {
			// excelize adds a number format only with a style, whose format id is the one
			// wanted; the style itself is never used.
			code := xlsxDateTime
			style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
			if err != nil {
				return err
			}
			n := *ss.CellXfs.Xf[style].NumFmtID
			iso = &n
		}
		ss.CellXfs.Xf[i].NumFmtID = iso
	}
	return nil
}

// builtInDateFormat reports whether one of Excel's built-in number formats, which a workbook
// names by id alone, shows a date. The East Asian ones (27–36, 50–58) depend on the reader's
// language; only those that show a date in every language are dates here, and 34, 35, 55 and
// 56 (a date in Japanese, a time in Chinese) keep their format.
func builtInDateFormat(id int) bool {
	return 14 <= id && id <= 17 || id == 22 || 27 <= id && id <= 31 || id == 36 ||
		50 <= id && id <= 54 || id == 57 || id == 58
}

// dateFormat reports whether a custom number format code shows a date: a day, month or year.
// It reads the first section only, the one positive numbers, and so every date, use; text in
// quotes, escaped and fill characters, and bracketed colours, conditions and locales are not
// format letters. An "m" is a month unless the code shows hours or seconds, when it is minutes;
// elapsed times ([h], [mm]) are durations, not dates.
func dateFormat(code string) bool {
	var day, month, clock bool
scan:
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case ';':
			break scan
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				break scan
			}
			i += j + 1
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				break scan
			}
			if inner := strings.ToLower(code[i+1 : i+1+j]); inner != "" && strings.Trim(inner, "hms") == "" {
				return false
			}
			i += j + 1
		case 'd', 'D', 'y', 'Y':
			day = true
		case 'm', 'M':
			month = true
		case 'h', 'H', 's', 'S':
			clock = true
		}
	}
	return day || month && !clock
}

// xlsxTable reads the first visible sheet of an XLSX workbook as a table.
type xlsxTable struct {
	wb      *workbook
	cleanup runtime.Cleanup
	cols    []Column
	width   int
	row     int   // the sheet row last read, as the sheet numbers it
	err     error // what ended the table: io.EOF after the last record
}

// workbook is what a table holds open: the file (which keeps a large sheet's XML in a
// temporary file) and the iterator over its sheet.
type workbook struct {
	file *excelize.File
	rows *excelize.Rows
}

func (wb *workbook) close() error {
	if wb.rows != nil {
		// It closes a read-only temporary file, and repeats the iterator's own error.
		_ = wb.rows.Close()
	}
	return wb.file.Close()
}

// NewXLSXTable reads the first visible sheet of an XLSX workbook as a table. Its first row
// that is not blank is the header (see NamedColumns); blank rows are skipped, and a record's
// Row is the row number the sheet shows. Values are the text the sheet displays, except that
// dates come as "2006-01-02 15:04:05", time of day included, whatever their display format, so
// that ParseTime reads them. A corrupt, password-protected or .xls file is an error that says
// so.
//
// The rows are streamed: the workbook is held unzipped in memory, but for a large sheet, which
// is unzipped to a temporary file. The table closes it after the last record or an error; a
// reader that stops before should call Close (the table is an io.Closer), and otherwise the
// garbage collector closes it when the table is dropped.
func NewXLSXTable(in io.Reader) (Table, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, err
	}
	f, err := openWorkbook(data)
	if err != nil {
		return nil, err
	}
	return newXLSXTable(f)
}

// newXLSXTable reads the header of the workbook's sheet. It owns f: an error closes it.
func newXLSXTable(f *excelize.File) (*xlsxTable, error) {
	wb := &workbook{file: f}
	sheet, err := firstSheet(f)
	if err == nil {
		wb.rows, err = f.Rows(sheet)
	}
	if err != nil {
		wb.close()
		return nil, fault.Invalid("file", "the workbook's sheet cannot be read (%v)", err)
	}
	t := &xlsxTable{wb: wb}
	// Table has no Close: a reader that stops early (a plan reads five records) would leave a
	// large sheet's temporary file behind for as long as the process runs.
	t.cleanup = runtime.AddCleanup(t, func(wb *workbook) { wb.close() }, wb)
	header, err := t.nextRow()
	if err == io.EOF {
		err = &SyntaxError{Row: 1, Err: fmt.Errorf("the sheet %q is empty", sheet)}
	}
	if err == nil {
		t.cols, err = NamedColumns(header)
		// NamedColumns counts the header as row 1; here it is the sheet's first row that is
		// not blank.
		var se *SyntaxError
		if errors.As(err, &se) {
			se.Row = t.row
		}
	}
	if err != nil {
		t.Close()
		return nil, err
	}
	t.width = len(t.cols)
	return t, nil
}

// firstSheet names the sheet a table reads: the first visible one, as Excel opens a workbook
// on a visible sheet; the first when none is.
func firstSheet(f *excelize.File) (string, error) {
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return "", errors.New("the workbook has no sheets")
	}
	for _, s := range sheets {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			return s, nil
		}
	}
	return sheets[0], nil
}

func (t *xlsxTable) Columns() []Column { return t.cols }

func (t *xlsxTable) Next() (Record, error) {
	if t.err != nil {
		return Record{}, t.err
	}
	vals, err := t.nextRow()
	if err != nil {
		t.err = err
		t.Close()
		return Record{}, err
	}
	if len(vals) > t.width {
		vals = vals[:t.width]
	}
	return Record{Row: t.row, Values: vals}, nil
}

// nextRow returns the values of the next row that is not blank, or io.EOF.
func (t *xlsxTable) nextRow() ([]string, error) {
	rows := t.wb.rows
	// The iterator stops at every row number, those the sheet leaves out (blank rows)
	// included, so counting its steps numbers the rows as the sheet does.
	for rows.Next() {
		t.row++
		vals, err := rows.Columns()
		if err != nil {
			return nil, &SyntaxError{Row: t.row, Err: err}
		}
		for _, v := range vals {
			if v != "" {
				return vals, nil
			}
		}
	}
	if err := rows.Error(); err != nil {
		return nil, &SyntaxError{Row: t.row + 1, Err: err}
	}
	return nil, io.EOF
}

// Close releases the workbook. It may be called more than once, and after the last record.
func (t *xlsxTable) Close() error {
	t.cleanup.Stop()
	if t.err == nil {
		t.err = errors.New("the table is closed")
	}
	return t.wb.close()
}

// ungroupNumbers makes the workbook show numbers without grouping separators: "#,##0" would
// show 1234 as "1,234", which reads as well as a decimal comma. Built-in grouped formats take
// their plain twin; a custom format loses its grouping commas (in memory, never saved), so that
// zero padding and decimals stay as the workbook shows them.
func ungroupNumbers(f *excelize.File) {
	ss := f.Styles
	if ss == nil || ss.CellXfs == nil {
		return
	}
	plain := map[int]int{3: 1, 4: 2, 37: 1, 38: 1, 39: 2, 40: 2}
	if ss.NumFmts != nil {
		for _, nf := range ss.NumFmts.NumFmt {
			if nf != nil && !dateFormat(nf.FormatCode) && strings.Contains(nf.FormatCode, "#,#") {
				nf.FormatCode = strings.ReplaceAll(nf.FormatCode, "#,#", "#")
				nf.FormatCode16 = ""
			}
		}
	}
	for i := range ss.CellXfs.Xf {
		if id := ss.CellXfs.Xf[i].NumFmtID; id != nil {
			if to, ok := plain[*id]; ok {
				ss.CellXfs.Xf[i].NumFmtID = &to
			}
		}
	}
}
