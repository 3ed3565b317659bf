package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/importer"
	"github.com/lodestar-cx/lodestar/internal/ingest"
	"github.com/lodestar-cx/lodestar/internal/metrics"
)

func importCommand() *command {
	var (
		ws                          int64
		format, mappingFile, report string
		dryRun, skipInvalid, plan   bool
		analyze                     bool
		batch                       int
	)
	c := &command{
		name:    "import",
		summary: "import feedback, customers or events from a tool's export file, resuming an interrupted import of the same file",
		usage:   " FILE",
		flags: func(fs *flag.FlagSet, cfg *config.Config) {
			cfg.RegisterStorage(fs)
			cfg.RegisterLogging(fs)
			fs.Int64Var(&ws, "workspace", 0, "the workspace `id`")
			fs.StringVar(&format, "format", "", "the file's `format` (see --formats); detected from the header when empty")
			fs.StringVar(&mappingFile, "mapping", "", "a JSON `file` saying which column is what (print the suggested one with --plan)")
			fs.BoolVar(&plan, "plan", false, "print the format, the columns and the mapping as JSON, and import nothing")
			fs.BoolVar(&dryRun, "dry-run", false, "check every record and report the problems, writing nothing")
			fs.BoolVar(&analyze, "analyze", true, "tag the imported feedback with the workspace's themes and score its sentiment before returning (lodestar serve does it in the background otherwise)")
			fs.BoolVar(&skipInvalid, "skip-invalid", false, "import the valid records and write the invalid ones to the report file, rather than refuse the file")
			fs.StringVar(&report, "report", "", "with --skip-invalid, the CSV `file` that lists the invalid records (default FILE.problems.csv)")
			fs.IntVar(&batch, "batch", ingest.DefaultBatchSize, "records written per transaction")
		},
	}
	c.run = func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) == 1 && args[0] == "formats" {
			for _, f := range importer.Formats() {
				fmt.Fprintf(e.stdout, "%-18s %-9s %s\n", f.Name, f.Target, f.Title)
			}
			return nil
		}
		if len(args) != 1 {
			return &usageError{msg: "name one file to import (or 'formats' to list the formats)"}
		}
		path := args[0]
		open := func() (io.ReadCloser, error) { return os.Open(path) }
		if _, err := os.Stat(path); err != nil {
			return err
		}
		opts := ingest.Options{Format: format, SkipInvalid: skipInvalid, FileName: path, BatchSize: batch}
		if mappingFile != "" {
			m, err := readMapping(mappingFile)
			if err != nil {
				return err
			}
			opts.Mapping = &m
		}
		if plan {
			p, err := ingest.Inspect(open, opts)
			if err != nil && p.Format == "" {
				return fmt.Errorf("%s: %w", path, err)
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			if encErr := enc.Encode(p); encErr != nil {
				return encErr
			}
			if err != nil {
				return fmt.Errorf("%s: the mapping does not fit the file: %w", path, err)
			}
			return nil
		}
		if ws == 0 {
			return &usageError{msg: "--workspace is required"}
		}
		bar := newProgressBar(e.stderr)
		opts.Progress = bar.update
		var problems *problemReport
		if skipInvalid || dryRun {
			if report == "" {
				report = path + ".problems.csv"
			}
			problems = &problemReport{path: report}
			opts.OnProblem = problems.add
		}
		defer problems.close()
		if dryRun {
			p, total, _, invalid, err := ingest.Check(ctx, open, opts)
			bar.done()
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			fmt.Fprintf(e.stdout, "%s (%s): %d records, %d valid, %d invalid; nothing written\n", path, p.Format, total, total-invalid, invalid)
			if invalid > 0 {
				problems.close()
				fmt.Fprintf(e.stdout, "problems: %s\n", problems.path)
			}
			return problems.err
		}
		st, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
		if err != nil {
			return err
		}
		defer st.Close()
		if _, err := st.Migrate(ctx); err != nil {
			return err
		}
		if _, err := st.Workspace(ctx, ws); err != nil {
			return fmt.Errorf("workspace %d: %w", ws, err)
		}
		started := time.Now()
		im, err := ingest.Run(ctx, st, audit.System, ws, open, opts)
		bar.done()
		var refused *ingest.RefusedError
		if errors.As(err, &refused) {
			printProblems(e.stderr, refused.Import.Problems, refused.Import.Invalid)
			return fmt.Errorf("%s: import %d refused: %d of %d records are invalid and nothing was written; fix them, or import the rest with --skip-invalid",
				path, im.ID, im.Invalid, im.RowsTotal)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		elapsed := time.Since(started)
		if analyze {
			at := time.Now()
			if n, err := st.AnalyzeFeedback(ctx, ws); err != nil {
				fmt.Fprintf(e.stderr, "warning: the feedback was not all tagged and scored (lodestar serve finishes it): %v\n", err)
			} else {
				took := time.Since(at).Round(time.Millisecond)
				defer fmt.Fprintf(e.stdout, "%d feedback items tagged with themes and scored for sentiment in %s\n", n, took)
			}
		}
		if n, err := metrics.RefreshKeyResults(ctx, st, ws, time.Now()); err != nil {
			fmt.Fprintf(e.stderr, "warning: key results bound to metrics were not refreshed: %v\n", err)
		} else if n > 0 {
			defer fmt.Fprintf(e.stdout, "%d key result(s) took a new value from their metric\n", n)
		}
		fmt.Fprintf(e.stdout, "import %d of %s (%s): %d records in %s (%s records/s): %d inserted, %d updated, %d unchanged, %d invalid skipped\n",
			im.ID, path, im.Format, im.RowsTotal, elapsed.Round(time.Millisecond), rate(im.RowsTotal, elapsed),
			im.Inserted, im.Updated, im.Unchanged, im.Invalid)
		if im.Invalid > 0 && problems != nil {
			problems.close()
			fmt.Fprintf(e.stdout, "invalid records: %s\n", problems.path)
			return problems.err
		}
		return nil
	}
	return c
}

func readMapping(path string) (importer.Mapping, error) {
	var m importer.Mapping
	data, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	// A saved plan (--plan) carries its mapping under "mapping"; a bare mapping is the object.
	var wrapper struct {
		Mapping json.RawMessage `json:"mapping"`
	}
	if json.Unmarshal(data, &wrapper) == nil && len(wrapper.Mapping) > 0 && wrapper.Mapping[0] == '{' {
		data = wrapper.Mapping
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("mapping %s: %w", path, err)
	}
	return m, nil
}

func printProblems(w io.Writer, ps []feedback.Problem, total int64) {
	const show = 20
	for i, p := range ps {
		if i == show {
			break
		}
		fmt.Fprintf(w, "  %s\n", p)
	}
	if total > int64(min(len(ps), show)) {
		fmt.Fprintf(w, "  … and more (%d invalid records in all)\n", total)
	}
}

func rate(n int64, d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return strconv.FormatFloat(float64(n)/d.Seconds(), 'f', 0, 64)
}

// problemReport writes every problem of an import to a CSV file, opened on the first one.
type problemReport struct {
	path string
	f    *os.File
	w    *csv.Writer
	err  error
}

func (r *problemReport) add(p feedback.Problem) {
	if r.err != nil {
		return
	}
	if r.f == nil {
		if r.f, r.err = os.Create(r.path); r.err != nil {
			return
		}
		r.w = csv.NewWriter(r.f)
		r.err = r.w.Write([]string{"row", "column", "problem"})
	}
	if r.err == nil {
		r.err = r.w.Write([]string{strconv.Itoa(p.Row), p.Column, p.Message})
	}
}

func (r *problemReport) close() {
	if r == nil || r.f == nil {
		return
	}
	defer func() { r.f = nil }()
	r.w.Flush()
	if err := r.w.Error(); err != nil && r.err == nil {
		r.err = err
	}
	if err := r.f.Close(); err != nil && r.err == nil {
		r.err = err
	}
}

// progressBar shows an import's progress: a bar redrawn in place on a terminal, a line every
// few seconds otherwise.
type progressBar struct {
	w        io.Writer
	tty      bool
	start    time.Time
	last     time.Time
	drawn    bool
	resumed  bool
	phaseRow int64
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	return &progressBar{w: w, tty: ok && term.IsTerminal(int(f.Fd())), start: time.Now()}
}

func (b *progressBar) update(p ingest.Progress) {
	now := time.Now()
	if p.Phase == ingest.Writing && p.Resumed > 0 && !b.resumed {
		b.resumed = true
		fmt.Fprintf(b.w, "%sresuming import %d after record %d\n", b.clear(), p.ImportID, p.Resumed)
	}
	if !b.tty && now.Sub(b.last) < 2*time.Second {
		return
	}
	b.last = now
	elapsed := now.Sub(b.start)
	line := fmt.Sprintf("%s %d records, %s/s", p.Phase, p.Rows, rate(p.Rows-p.Resumed, elapsed))
	if p.Total > 0 {
		frac := float64(p.Rows) / float64(p.Total)
		eta := "-"
		if done := p.Rows - p.Resumed; done > 0 {
			eta = time.Duration(float64(elapsed) / float64(done) * float64(p.Total-p.Rows)).Round(time.Second).String()
		}
		const width = 30
		filled := int(frac * width)
		line = fmt.Sprintf("[%s%s] %3.0f%% %d/%d records, %s/s, ETA %s", strings.Repeat("#", filled),
			strings.Repeat(".", width-filled), frac*100, p.Rows, p.Total, rate(p.Rows-p.Resumed, elapsed), eta)
	}
	if b.tty {
		fmt.Fprintf(b.w, "\r\033[K%s", line)
		b.drawn = true
		return
	}
	fmt.Fprintln(b.w, line)
}

func (b *progressBar) clear() string {
	if b.tty && b.drawn {
		b.drawn = false
		return "\r\033[K"
	}
	return ""
}

func (b *progressBar) done() {
	if b.tty && b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
	}
}
