// Command themes measures theme discovery (internal/themes) over generated comments, beside
// a plain word count of the same texts in the same run, and checks what it found against
// the themes the generator planted.
//
//	go run ./bench/themes -n 1000000
//
// The comments are generated into memory first (bench/themes/gen, not timed). Then, -runs
// times in turn: the plain count (strings.Fields and a map[string]int, one goroutine), the
// same count split over GOMAXPROCS goroutines with their maps merged, and discovery
// (themes.Discover: detractors against everyone else, with periods). It prints the median
// wall-clock times, words per second, the ratio of discovery's speed to the plain counts',
// the same for CPU time (user and system, all threads: what each costs whatever else the
// machine is doing), the peak heap discovery used beyond the texts (in one more run, with
// garbage collected as soon as the heap grows by 5%), and the top themes matched to the
// planted ones.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/lodestar-cx/lodestar/internal/themes"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "themes:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("themes", flag.ContinueOnError)
	n := fs.Int("n", 1_000_000, "how many comments to generate")
	seed := fs.Uint64("seed", 1, "the generator's seed")
	runs := fs.Int("runs", 3, "how many times to time each of the three")
	top := fs.Int("top", 10, "how many discovered themes to match to the planted ones")
	eval := fs.Bool("eval", true, "tag the detractors' comments with the top themes and match them to the planted ones")
	maxPhrases := fs.Int("maxphrases", 0, "themes.Options.MaxPhrases (0: the default)")
	sampleSize := fs.Int("sample", 0, "themes.Options.SampleSize (0: the default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *runs < 1 {
		return fmt.Errorf("-n and -runs must be at least 1")
	}

	start := time.Now()
	c := generate(*n, *seed)
	texts := make([]string, len(c.comments))
	bytes := 0
	for i := range c.comments {
		texts[i] = c.comments[i].Text
		bytes += len(texts[i])
	}
	fmt.Fprintf(stdout, "generated %d comments (%.0f MB of text) in %.2fs; GOMAXPROCS %d\n",
		*n, float64(bytes)/1e6, time.Since(start).Seconds(), runtime.GOMAXPROCS(0))

	opts := themes.Options{TopN: *top, MaxPhrases: *maxPhrases, SampleSize: *sampleSize}
	var wall, cpu [3][]float64 // plain, parallel, discovery
	var words, distinct int
	var res *themes.Result
	var peak uint64
	for r := range *runs {
		var err error
		timed := func(i int, fn func()) {
			runtime.GC()
			t, c := time.Now(), cpuTime()
			fn()
			wall[i] = append(wall[i], time.Since(t).Seconds())
			cpu[i] = append(cpu[i], cpuTime()-c)
		}
		timed(0, func() { words, distinct = countWords(texts) })
		var pw int
		timed(1, func() { pw, _ = countWordsParallel(texts) })
		if pw != words {
			return fmt.Errorf("parallel count found %d words, plain %d", pw, words)
		}
		timed(2, func() { res, err = c.discover(ctx, opts) })
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "run %d: plain %.3fs (cpu %.3fs), plain parallel %.3fs (cpu %.3fs), discovery %.3fs (cpu %.3fs)\n",
			r+1, wall[0][r], cpu[0][r], wall[1][r], cpu[1][r], wall[2][r], cpu[2][r])
	}
	// The memory discovery needs: one more run, untimed, collecting garbage as soon as the
	// heap grows by 5%, so that the heap's peak is what discovery holds, not what it dropped.
	gc := debug.SetGCPercent(5)
	runtime.GC()
	stop := watchHeap()
	if _, err := c.discover(ctx, opts); err != nil {
		return err
	}
	peak = stop()
	debug.SetGCPercent(gc)

	var mw, mc [3]float64
	for i := range 3 {
		mw[i], mc[i] = median(wall[i]), median(cpu[i])
	}
	fmt.Fprintf(stdout, "\n%d comments, %d words (%.1f per comment), %d distinct words (strings.Fields); medians of %d runs\n\n",
		*n, words, float64(words)/float64(*n), distinct, *runs)
	fmt.Fprintf(stdout, "| what | wall s | words/s | discovery's speed ÷ its speed | CPU s | discovery's CPU speed ÷ its CPU speed |\n|---|---:|---:|---:|---:|---:|\n")
	for i, name := range []string{"plain word count, 1 goroutine", fmt.Sprintf("plain word count, %d goroutines", runtime.GOMAXPROCS(0)), "theme discovery"} {
		fmt.Fprintf(stdout, "| %s | %.3f | %.2fM | %.2f× | %.3f | %.2f× |\n", name, mw[i], float64(words)/mw[i]/1e6, mw[i]/mw[2], mc[i], mc[i]/mc[2])
	}
	fmt.Fprintf(stdout, "\ndiscovery: peak heap %.0f MB beyond the texts (GOGC=5); %d detractors, %d others; %d phrases tested, min z %.2f; "+
		"samples %d and %d documents; undercount %d\n",
		float64(peak)/1e6, res.Target, res.Reference, res.Tested, res.MinZ, res.TargetSample, res.ReferenceSample, res.Undercount)

	if *eval {
		ev, err := c.evaluate(res, *top)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nrecall of the %d planted themes in the top %d: %.2f; decoys in the top %d: %d\n\n%s",
			len(ev.Found), *top, ev.Recall, *top, ev.Decoys, report(res, ev))
	}
	return nil
}

// countWords is the plain word count: strings.Fields and a map, in one goroutine. It
// returns the words and the distinct words.
func countWords(texts []string) (int, int) {
	m := make(map[string]int)
	for _, s := range texts {
		for _, w := range strings.Fields(s) {
			m[w]++
		}
	}
	total := 0
	for _, n := range m {
		total += n
	}
	return total, len(m)
}

// countWordsParallel is countWords over GOMAXPROCS goroutines, each with a map of its own,
// merged at the end.
func countWordsParallel(texts []string) (int, int) {
	p := runtime.GOMAXPROCS(0)
	maps := make([]map[string]int, p)
	var wg sync.WaitGroup
	for i := range p {
		wg.Go(func() {
			m := make(map[string]int)
			for _, s := range texts[i*len(texts)/p : (i+1)*len(texts)/p] {
				for _, w := range strings.Fields(s) {
					m[w]++
				}
			}
			maps[i] = m
		})
	}
	wg.Wait()
	all := maps[0]
	for _, m := range maps[1:] {
		for w, n := range m {
			all[w] += n
		}
	}
	total := 0
	for _, n := range all {
		total += n
	}
	return total, len(all)
}

// watchHeap samples the heap every 10 ms until the function it returns is called, which
// returns the peak above the heap when it started.
func watchHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if h := read(); h > base && h-base > peak.Load() {
					peak.Store(h - base)
				}
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// cpuTime is the CPU time, user and system, the process has used, in seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.SortFunc(s, cmp.Compare)
	return s[len(s)/2]
}
