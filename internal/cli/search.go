package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/civil"
	"github.com/lodestar-cx/lodestar/internal/config"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// searchCommand is lodestar search: the full-text search of the API's feedback-search, on
// the database directly.
func searchCommand() *command {
	var source, sourceKind, question, touchpoint, customer, excluded, format, from, to string
	var scoreMin, scoreMax optFloat
	var attrs stringList
	var limit int
	var words []string
	c := roadmapCommand("search", "find feedback by the words of its text, most relevant first, with a snippet around the matches",
		func(fs *flag.FlagSet) {
			fs.StringVar(&source, "source", "", "only the items of this `source`, such as qualtrics")
			fs.StringVar(&sourceKind, "source-kind", "", "only the items of this `kind` of source: survey, ticket, review, interview or social")
			fs.StringVar(&question, "question", "", "only the answers to this `question`: nps, csat or ces")
			fs.Var(&scoreMin, "score-min", "only items with a score of at least this `number`")
			fs.Var(&scoreMax, "score-max", "only items with a score of at most this `number`")
			fs.StringVar(&touchpoint, "touchpoint", "", "only the items about this `touchpoint`")
			fs.StringVar(&from, "from", "", "only items given at or after this `time` (RFC 3339, or a day in the workspace's time zone)")
			fs.StringVar(&to, "to", "", "only items given before this `time` (RFC 3339, or a day in the workspace's time zone)")
			fs.StringVar(&customer, "customer", "", "only the items of this customer, by external `id`")
			fs.Var(&attrs, "attr", "only items whose attribute has this value, as `key:value`; repeatable (values of one key are alternatives)")
			fs.StringVar(&excluded, "excluded", "", "true for only the items excluded from metrics, false for only the others")
			fs.IntVar(&limit, "limit", 20, "the most hits to print")
			fs.StringVar(&format, "format", "table", "table, csv or json")
		},
		func(ctx context.Context, e *env, st *store.Store, ws int64) error {
			if format != "table" && format != "csv" && format != "json" {
				return &usageError{msg: fmt.Sprintf("--format %q: want table, csv or json", format)}
			}
			if limit < 1 || limit > store.MaxSearchHits {
				return &usageError{msg: fmt.Sprintf("--limit must be from 1 to %d", store.MaxSearchHits)}
			}
			q := store.SearchQuery{Text: strings.Join(words, " "), Source: source, SourceKind: feedback.SourceKind(sourceKind),
				Question: feedback.Question(question), ScoreMin: scoreMin.ptr(), ScoreMax: scoreMax.ptr(), Touchpoint: touchpoint, Customer: customer}
			switch excluded {
			case "":
			case "true", "false":
				b := excluded == "true"
				q.Excluded = &b
			default:
				return &usageError{msg: fmt.Sprintf("--excluded %q: want true or false", excluded)}
			}
			for _, kv := range attrs {
				key, value, ok := strings.Cut(kv, ":")
				if !ok || key == "" {
					return &usageError{msg: fmt.Sprintf("--attr %q: want key:value, such as plan:pro", kv)}
				}
				if q.Attributes == nil {
					q.Attributes = map[string][]string{}
				}
				q.Attributes[key] = append(q.Attributes[key], value)
			}
			var err error
			if q.From, err = searchTime(ctx, st, ws, "from", from); err != nil {
				return err
			}
			if q.To, err = searchTime(ctx, st, ws, "to", to); err != nil {
				return err
			}
			if err := q.Validate(); err != nil {
				return searchFlagErrors(err)
			}
			var hits []store.SearchHit
			p := store.Page{Limit: min(limit, store.MaxPageLimit)}
			for len(hits) < limit {
				page, next, err := st.SearchFeedback(ctx, ws, q, p)
				if err != nil {
					return err
				}
				hits = append(hits, page[:min(len(page), limit-len(hits))]...)
				if next == 0 {
					break
				}
				p = store.Page{After: next, Limit: min(limit-len(hits), store.MaxPageLimit)}
			}
			switch format {
			case "json":
				return writeJSON(e.stdout, jsonList(hits))
			case "csv":
				return writeHitsCSV(e.stdout, hits)
			}
			if len(hits) == 0 {
				fmt.Fprintln(e.stdout, "no feedback matches")
				return nil
			}
			return table(e.stdout, "ID\tAT\tSOURCE\tSCORE\tRANK\tSNIPPET", func(tw io.Writer) {
				for _, h := range hits {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", h.Item.ID, h.Item.At.Format(time.DateOnly), h.Item.Source, hitScore(h.Item),
						strconv.FormatFloat(h.Rank, 'g', 3, 64), strings.Join(strings.Fields(markedSnippet(h)), " "))
				}
			})
		})
	// A word to leave out starts with -, like a flag: quote the whole search ("billing -refund")
	// or end the flags with -- before the words.
	c.usage = ` WORDS… (quote a search with -words: "billing -refund")`
	// The words are the command's arguments, which adminCommand refuses: take them first.
	run := c.run
	c.run = func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) == 0 {
			return &usageError{msg: `name the words to search for, such as: lodestar search --workspace 1 billing "page crashed"`}
		}
		words = args
		return run(ctx, e, cfg, nil)
	}
	return c
}

// searchTime reads --from or --to: an RFC 3339 time, or a day, which starts at midnight in
// the workspace's time zone.
func searchTime(ctx context.Context, st *store.Store, ws int64, name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return time.Time{}, &usageError{msg: fmt.Sprintf("--%s %q: want a day such as 2026-03-01 or a time such as 2026-03-01T09:00:00Z", name, s)}
	}
	layout, err := st.MetricLayout(ctx, ws)
	if err != nil {
		return time.Time{}, err
	}
	loc := layout.Location
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc), nil
}

// searchFlagErrors names the flags (or the words) a search's validation found at fault.
func searchFlagErrors(err error) error {
	var inv *fault.InvalidError
	if !errors.As(err, &inv) {
		return err
	}
	parts := make([]string, len(inv.Fields))
	for i, f := range inv.Fields {
		name := "--" + strings.ReplaceAll(f.Field, "_", "-")
		if f.Field == "q" {
			name = "the words to search for"
		}
		parts[i] = name + " " + f.Message
	}
	return &usageError{msg: strings.Join(parts, "; ")}
}

// markedSnippet renders a hit's snippet with its matches between « and », for people to read.
func markedSnippet(h store.SearchHit) string {
	var b strings.Builder
	n, next := 0, 0
	for _, r := range h.Snippet {
		if next < len(h.Highlights) && n == h.Highlights[next].Start {
			b.WriteRune('«')
		}
		b.WriteRune(r)
		n++
		if next < len(h.Highlights) && n == h.Highlights[next].End {
			b.WriteRune('»')
			next++
		}
	}
	return b.String()
}

func hitScore(it feedback.Item) string {
	if it.Score == nil {
		return "-"
	}
	s := num(*it.Score)
	if it.Question != "" {
		s = string(it.Question) + " " + s
	}
	return s
}

func writeHitsCSV(w io.Writer, hits []store.SearchHit) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "at", "source_kind", "source", "external_id", "customer", "question", "score", "rank", "snippet", "text"}); err != nil {
		return err
	}
	for _, h := range hits {
		it := h.Item
		sc := ""
		if it.Score != nil {
			sc = num(*it.Score)
		}
		if err := cw.Write([]string{strconv.FormatInt(it.ID, 10), it.At.Format(time.RFC3339), string(it.SourceKind), it.Source, it.ExternalID,
			it.CustomerExternalID, string(it.Question), sc, strconv.FormatFloat(h.Rank, 'g', -1, 64), h.Snippet, it.Text}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
