package schedule_test

import (
	"errors"
	"fmt"
	"github.com/lodestar-cx/lodestar/internal/civil"

	"github.com/lodestar-cx/lodestar/internal/schedule"
)

func Example() {
	day := func(s string) civil.Date {
		d, err := civil.Parse(s)
		if err != nil {
			panic(err)
		}
		return d
	}
	// Research, then design, then build; the build also waits for an undated hiring task.
	g, err := schedule.New(
		[]schedule.Task{
			{ID: 1, Start: day("2026-03-02"), Due: day("2026-03-06")},
			{ID: 2, Start: day("2026-03-09"), Due: day("2026-03-13")},
			{ID: 3, Start: day("2026-03-16"), Due: day("2026-03-27")},
			{ID: 4},
		},
		[]schedule.Dependency{{Prerequisite: 1, Dependent: 2}, {Prerequisite: 2, Dependent: 3}, {Prerequisite: 4, Dependent: 3}},
	)
	if err != nil {
		panic(err)
	}
	cp := g.CriticalPath()
	fmt.Println("critical:", cp.IDs, cp.Start, "to", cp.End, "slack of 1:", cp.Slack[1])

	// Research runs a week late. Days are calendar days: the weekends between the tasks absorb
	// part of the slip.
	shifts, err := g.Reschedule(schedule.Change{ID: 1, Due: day("2026-03-13")})
	if err != nil {
		panic(err)
	}
	for _, s := range shifts {
		fmt.Printf("%d: %v–%v → %v–%v (%+d days)\n", s.ID, s.OldStart, s.OldDue, s.NewStart, s.NewDue, s.Days)
	}
	if err := g.Apply(shifts); err != nil {
		panic(err)
	}

	// The build cannot also come before research.
	err = g.AddDependency(schedule.Dependency{Prerequisite: 3, Dependent: 1})
	var ce *schedule.CycleError
	if errors.As(err, &ce) {
		fmt.Println("refused:", ce.String())
	}
	// Output:
	// critical: [1 2 3] 2026-03-02 to 2026-03-27 slack of 1: 4
	// 1: 2026-03-02–2026-03-06 → 2026-03-02–2026-03-13 (+7 days)
	// 2: 2026-03-09–2026-03-13 → 2026-03-14–2026-03-18 (+5 days)
	// 3: 2026-03-16–2026-03-27 → 2026-03-19–2026-03-30 (+3 days)
	// refused: 3 → 1 → 2 → 3
}
