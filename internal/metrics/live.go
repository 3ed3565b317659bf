package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/goals"
)

// LiveStore is what keeping key results live needs: the queries of Reader, the bound key
// results, their metrics, and a way to record a value.
type LiveStore interface {
	Reader
	MetricKeyResults(ctx context.Context, ws int64) ([]goals.KeyResult, error)
	Metric(ctx context.Context, ws, id int64) (Definition, error)
	RecordMetricValue(ctx context.Context, ws, id int64, v Value, note string) (bool, error)
	WorkspacesWithMetricKeyResults(ctx context.Context) ([]int64, error)
}

// CurrentValue is the value of definition d today: over its window of days up to and
// including today, in the workspace's time zone.
func CurrentValue(ctx context.Context, st Reader, ws int64, d Definition, now time.Time) (Value, error) {
	layout, err := st.MetricLayout(ctx, ws)
	if err != nil {
		return Value{}, err
	}
	to := layout.Day(now).AddDays(1)
	q := QueryOf(d, to.AddDays(-d.Window), to)
	q.Every = ""
	q.Now = now
	res, err := Run(ctx, st, ws, q)
	if err != nil {
		return Value{}, err
	}
	return res.Total, nil
}

// RefreshKeyResults gives every key result of the workspace bound to a metric the metric's
// current value, recording it in the key result's history with its n and interval when it
// changed. It returns how many it recorded. A key result whose metric is gone, or has no
// answers in its window, keeps its value.
func RefreshKeyResults(ctx context.Context, st LiveStore, ws int64, now time.Time) (int, error) {
	krs, err := st.MetricKeyResults(ctx, ws)
	if err != nil {
		return 0, err
	}
	recorded := 0
	for _, k := range krs {
		d, err := st.Metric(ctx, ws, k.MetricID)
		if errors.Is(err, fault.ErrNotFound) {
			continue
		}
		if err != nil {
			return recorded, err
		}
		v, err := CurrentValue(ctx, st, ws, d, now)
		if err != nil {
			return recorded, fmt.Errorf("key result %d: metric %d: %w", k.ID, d.ID, err)
		}
		if !v.Sample.Defined() {
			continue
		}
		note := fmt.Sprintf("%s over the %d days to %s", d.Name, d.Window, now.Format(time.DateOnly))
		ok, err := st.RecordMetricValue(ctx, ws, k.ID, v, note)
		if err != nil {
			return recorded, err
		}
		if ok {
			recorded++
		}
	}
	return recorded, nil
}

// RefreshEvery refreshes the bound key results of every workspace that has any, now and then
// every interval, until ctx ends: the schedule that catches what the refreshes after each
// write do not (the window moving on as days pass, writes made by another process). Errors
// are logged, and the next round tries again.
func RefreshEvery(ctx context.Context, st LiveStore, every time.Duration, now func() time.Time, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		wss, err := st.WorkspacesWithMetricKeyResults(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("refresh key results", "err", err)
		}
		for _, ws := range wss {
			if n, err := RefreshKeyResults(ctx, st, ws, now()); err != nil {
				if ctx.Err() != nil {
					return
				}
				log.Error("refresh key results", "workspace", ws, "err", err)
			} else if n > 0 {
				log.Info("key results refreshed from their metrics", "workspace", ws, "recorded", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
