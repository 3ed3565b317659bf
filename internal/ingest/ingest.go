// Package ingest runs imports: it reads a file with its format and mapping (package importer)
// and writes what it yields into a workspace (package store) as a recorded, resumable job.
//
// An import reads its file twice. The first pass checks every record and writes nothing, so
// that a file with a bad record is refused whole (unless the caller asked to skip invalid
// records). The second pass writes the records in batches, each in one transaction together
// with the job's progress marker. A process killed at any point leaves whole batches and a
// marker that says how far they go; running the same file again finds the unfinished job and
// goes on after the marker. Every object is upserted by its natural key, so a file imported
// twice changes nothing the second time.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/importer"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// Opener opens the file to import, from its start, each time it is called.
type Opener func() (io.ReadCloser, error)

// Options tune an import.
type Options struct {
	// Format names the format; empty detects it from the header.
	Format string
	// Mapping says how columns become objects; nil takes the format's suggestion.
	Mapping *importer.Mapping
	// SkipInvalid imports the valid records and reports the rest, rather than refusing the
	// whole file.
	SkipInvalid bool
	// FileName is recorded with the job, for people.
	FileName string
	// BatchSize is how many records one transaction writes; DefaultBatchSize when 0.
	BatchSize int
	// Progress, when set, hears how far the import is, at most every ProgressEvery records.
	Progress func(Progress)
	// OnProblem, when set, hears every problem found, not only the first ones the job keeps.
	OnProblem func(feedback.Problem)
	// Started, when set, hears the job once it is recorded (created, or found to resume),
	// before any record is checked.
	Started func(feedback.Import)
}

// DefaultBatchSize is the records one transaction writes: large enough that the per-commit
// cost fades, small enough that a crash loses little work and a batch holds little memory.
const DefaultBatchSize = 5000

// ProgressEvery is how often, in records, Progress is called within a pass.
const ProgressEvery = 5000

// Phase is the pass an import is in.
type Phase string

// The phases.
const (
	Checking Phase = "checking"
	Writing  Phase = "writing"
)

// Progress is how far an import is.
type Progress struct {
	ImportID int64
	Phase    Phase
	// Rows is the records read in this phase so far; Total is the records in the file, known
	// in the writing phase.
	Rows, Total int64
	// Resumed is the record the writing phase started from, when it went on after a crash.
	Resumed int64
}

// Plan is what an import will do, shown before it runs: the format found, the file's columns,
// the mapping, and the first records as they will be written.
type Plan struct {
	Format   string             `json:"format"`
	Title    string             `json:"title"`
	Encoding importer.Encoding  `json:"encoding"`
	Columns  []importer.Column  `json:"columns"`
	Mapping  importer.Mapping   `json:"mapping"`
	Sample   []importer.Row     `json:"sample"`
	Unmapped []string           `json:"unmapped" jsonschema_description:"Columns the mapping does not use."`
	Problems []feedback.Problem `json:"problems" jsonschema_description:"Problems of the sample records."`

	table  importer.Table
	mapper *importer.Mapper
	closer io.Closer
	first  []importer.Record
}

// closeAll closes each of its closers, returning the first error.
type closeAll []io.Closer

func (c closeAll) Close() error {
	var first error
	for _, x := range c {
		if err := x.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// SampleSize is how many records a plan shows.
const SampleSize = 5

// Inspect reads the head of a file and says how it would be imported.
func Inspect(open Opener, opts Options) (Plan, error) {
	p, err := plan(open, opts)
	if p.closer != nil {
		p.closer.Close()
	}
	return p, err
}

func plan(open Opener, opts Options) (Plan, error) {
	rc, err := open()
	if err != nil {
		return Plan{}, err
	}
	f, t, enc, err := importer.Open(rc, opts.Format)
	if err != nil {
		rc.Close()
		return Plan{}, err
	}
	// A table that holds resources of its own (an XLSX workbook's temporary files) is closed
	// with the file.
	var closer io.Closer = rc
	if tc, ok := t.(io.Closer); ok {
		closer = closeAll{tc, rc}
	}
	p := Plan{Format: f.Name, Title: f.Title, Encoding: enc, table: t, closer: closer,
		Sample: []importer.Row{}, Problems: []feedback.Problem{}, Unmapped: []string{}}
	if opts.Mapping != nil {
		p.Mapping = *opts.Mapping
	} else {
		p.Mapping = f.Suggest(t.Columns())
	}
	if p.Mapping.Format == "" {
		p.Mapping.Format = f.Name
	}
	if p.Mapping.Target == "" {
		p.Mapping.Target = f.Target
	}
	// Read the sample before the mapper checks columns: a JSON table learns them as it reads.
	for len(p.first) < SampleSize {
		rec, err := t.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return p, err
		}
		p.first = append(p.first, rec)
	}
	p.Columns = t.Columns()
	if p.mapper, err = importer.NewMapper(t, p.Mapping); err != nil {
		return p, err
	}
	for _, rec := range p.first {
		row := p.mapper.Map(rec)
		p.Sample = append(p.Sample, row)
		p.Problems = append(p.Problems, row.Problems...)
	}
	used := usedColumns(p.Mapping)
	for _, c := range p.Columns {
		if !used[c.Key] {
			p.Unmapped = append(p.Unmapped, c.Key)
		}
	}
	return p, nil
}

func usedColumns(m importer.Mapping) map[string]bool {
	used := map[string]bool{}
	for _, k := range []string{m.ExternalID, m.Customer, m.At, m.Touchpoint, m.Excluded, m.Event, m.Value} {
		used[k] = true
	}
	for _, q := range m.Questions {
		used[q.Column] = true
	}
	for _, k := range m.Text {
		used[k] = true
	}
	for _, set := range []map[string]string{m.Attributes, m.CustomerFields, m.CustomerAttributes} {
		for _, k := range set {
			used[k] = true
		}
	}
	return used
}

// records yields a plan's records: the sample it read, then the rest of the table.
func (p *Plan) next(i int) (importer.Record, error) {
	if i < len(p.first) {
		return p.first[i], nil
	}
	return p.table.Next()
}

// Fingerprint hashes a file, so that a new run of the same file finds its unfinished job.
func Fingerprint(open Opener) (sum string, size int64, err error) {
	rc, err := open()
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	size, err = io.Copy(h, rc)
	if err != nil {
		return "", 0, fmt.Errorf("read file: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// RefusedError is an import refused because some records are invalid; Import says which.
type RefusedError struct {
	Import feedback.Import
}

func (e *RefusedError) Error() string {
	msg := fmt.Sprintf("%d of %d records are invalid, so nothing was imported (skip them with --skip-invalid)", e.Import.Invalid, e.Import.RowsTotal)
	if len(e.Import.Problems) > 0 {
		msg += "; first: " + e.Import.Problems[0].String()
	}
	return msg
}

// Check reads the whole file and reports its problems, writing nothing: a dry run.
func Check(ctx context.Context, open Opener, opts Options) (Plan, int64, []feedback.Problem, int64, error) {
	p, err := plan(open, opts)
	if p.closer != nil {
		defer p.closer.Close()
	}
	if err != nil {
		return p, 0, nil, 0, err
	}
	total, invalid, problems, err := check(ctx, &p, opts, 0)
	return p, total, problems, invalid, err
}

// check reads every record of the plan's table.
func check(ctx context.Context, p *Plan, opts Options, importID int64) (total, invalid int64, problems []feedback.Problem, err error) {
	for i := 0; ; i++ {
		rec, err := p.next(i)
		if err == io.EOF {
			break
		}
		if err != nil {
			return total, invalid, problems, err
		}
		total++
		row := p.mapper.Map(rec)
		if len(row.Problems) > 0 {
			invalid++
			for _, pr := range row.Problems {
				if len(problems) < feedback.MaxProblems {
					problems = append(problems, pr)
				}
				if opts.OnProblem != nil {
					opts.OnProblem(pr)
				}
			}
		}
		if total%ProgressEvery == 0 {
			if err := ctx.Err(); err != nil {
				return total, invalid, problems, err
			}
			if opts.Progress != nil {
				opts.Progress(Progress{ImportID: importID, Phase: Checking, Rows: total})
			}
		}
	}
	return total, invalid, problems, nil
}

// Run imports a file into the workspace, or resumes the unfinished import of the same file,
// target and mapping. It returns the finished job. A file refused for its invalid records
// returns the job with a *RefusedError.
func Run(ctx context.Context, st *store.Store, a audit.Actor, ws int64, open Opener, opts Options) (feedback.Import, error) {
	sum, size, err := Fingerprint(open)
	if err != nil {
		return feedback.Import{}, err
	}
	p, err := plan(open, opts)
	if p.closer != nil {
		defer func() { p.closer.Close() }()
	}
	if err != nil {
		return feedback.Import{}, err
	}
	mapping, err := json.Marshal(p.Mapping)
	if err != nil {
		return feedback.Import{}, err
	}
	im, err := st.UnfinishedImport(ctx, ws, sum, string(p.Mapping.Target), mapping)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		im, err = st.CreateImport(ctx, a, ws, feedback.Import{Target: string(p.Mapping.Target), Format: p.Format,
			FileName: opts.FileName, FileSHA256: sum, FileSize: size, Mapping: mapping, SkipInvalid: opts.SkipInvalid})
		if err != nil {
			return im, err
		}
	case err != nil:
		return im, err
	}
	// A resumed import keeps the policy it started with.
	opts.SkipInvalid = im.SkipInvalid
	if opts.Started != nil {
		opts.Started(im)
	}

	total, invalid, problems := im.RowsTotal, im.Invalid, im.Problems
	if im.Status == feedback.ImportValidating {
		total, invalid, problems, err = check(ctx, &p, opts, im.ID)
		if err != nil {
			return fail(ctx, st, a, ws, im, total, invalid, problems, err)
		}
		if invalid > 0 && !opts.SkipInvalid {
			im, err = st.FinishImport(ctx, a, ws, im.ID, feedback.ImportRefused, total, invalid, problems, "")
			if err != nil {
				return im, err
			}
			return im, &RefusedError{Import: im}
		}
		if err := st.StartImportWrites(ctx, ws, im.ID, total, invalid, problems); err != nil {
			return im, err
		}
		// The second pass starts from the top of the file.
		p.closer.Close()
		if p, err = plan(open, opts); err != nil {
			return fail(ctx, st, a, ws, im, total, invalid, problems, err)
		}
	}
	if err := write(ctx, st, ws, im, &p, total, opts); err != nil {
		var ce *fault.ConflictError
		if errors.As(err, &ce) || ctx.Err() != nil {
			// Another process has the import, or we were asked to stop: leave it to resume.
			return im, err
		}
		return fail(ctx, st, a, ws, im, total, invalid, problems, err)
	}
	return st.FinishImport(ctx, a, ws, im.ID, feedback.ImportDone, total, invalid, problems, "")
}

// fail ends an import that cannot go on (a file that breaks off, an unreadable record),
// unless the context ended, which leaves it to resume.
func fail(ctx context.Context, st *store.Store, a audit.Actor, ws int64, im feedback.Import, total, invalid int64,
	problems []feedback.Problem, cause error) (feedback.Import, error) {
	if ctx.Err() != nil {
		return im, cause
	}
	done, err := st.FinishImport(context.WithoutCancel(ctx), a, ws, im.ID, feedback.ImportFailed, total, invalid, problems, cause.Error())
	if err != nil {
		return im, errors.Join(cause, err)
	}
	return done, cause
}

// write runs the writing pass from the import's marker.
func write(ctx context.Context, st *store.Store, ws int64, im feedback.Import, p *Plan, total int64, opts Options) error {
	size := opts.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	done := im.RowsDone
	// Skip what earlier runs wrote: the table yields records in the same order every time.
	i := 0
	for ; int64(i) < done; i++ {
		if _, err := p.next(i); err != nil {
			if err == io.EOF {
				return fmt.Errorf("the file has %d records, and the import had written %d: it is not the same file", i, done)
			}
			return err
		}
	}
	var b store.Batch
	from, n := done, done
	flush := func() error {
		if n == from {
			return nil
		}
		if _, err := st.CommitImportBatch(ctx, ws, im.ID, from, n, &b); err != nil {
			return err
		}
		b.Reset()
		from = n
		if opts.Progress != nil {
			opts.Progress(Progress{ImportID: im.ID, Phase: Writing, Rows: n, Total: total, Resumed: done})
		}
		return nil
	}
	for ; ; i++ {
		rec, err := p.next(i)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		row := p.mapper.Map(rec)
		n++
		if len(row.Problems) == 0 {
			b.Items = append(b.Items, row.Items...)
			if row.Customer != nil {
				b.Customers = append(b.Customers, *row.Customer)
			}
			if row.Event != nil {
				b.Events = append(b.Events, *row.Event)
			}
		}
		if n-from >= int64(size) {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
