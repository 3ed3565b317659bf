package themes

import (
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/lodestar-cx/lodestar/internal/text"
)

const (
	batchSize = 256     // documents handed to a worker at once
	bufSize   = 1 << 21 // multi-word phrase occurrences a worker sorts at once (16 MiB)
	// maxQuote is the most of a target document's text the sample keeps, in bytes.
	maxQuote = 400
	// breakBit marks, in a sampled document's word ids, a clause boundary before the word.
	breakBit = 1 << 31
)

// Counter counts documents for discovery, in one pass. Add documents from one goroutine,
// then call Result once; or Close to give up. Counting runs on worker goroutines meanwhile.
type Counter struct {
	opts  Options
	vocab *vocab

	rules      []compiledRule
	ruleKeys   []uint64
	rulePhrase map[uint64]int // packed key → index into ruleKeys

	periodMu    sync.Mutex
	periodIndex map[string]int32
	periodNames []string

	workers []*worker
	free    chan []item
	batch   []item
	next    int
	seq     int64
	wg      sync.WaitGroup
	closed  bool
}

// item is a document with the key its sample hash is drawn from.
type item struct {
	Doc
	hkey uint64
}

// NewCounter returns a counter with opts, or an error wrapping ErrInvalidOptions or
// ErrInvalidRule.
func NewCounter(opts Options) (*Counter, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Counter{opts: opts, vocab: newVocab(opts.Lang), periodIndex: make(map[string]int32)}
	c.rules, c.ruleKeys, err = compileRules(opts.Lang, opts.Rules, c.vocab.intern)
	if err != nil {
		return nil, err
	}
	c.rulePhrase = make(map[uint64]int, len(c.ruleKeys))
	for i, k := range c.ruleKeys {
		c.rulePhrase[k] = i
	}
	c.free = make(chan []item, 4*opts.Workers)
	for range opts.Workers {
		w := newWorker(c)
		c.workers = append(c.workers, w)
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			w.run()
		}()
	}
	c.batch = make([]item, 0, batchSize)
	return c, nil
}

// Add counts d.
func (c *Counter) Add(d Doc) {
	c.seq++
	hk := uint64(d.ID)
	if d.ID == 0 {
		hk = uint64(c.seq) ^ 1<<63
	}
	c.batch = append(c.batch, item{Doc: d, hkey: hk})
	if len(c.batch) == batchSize {
		c.send()
	}
}

// send hands the batch to the next worker in turn, so that which worker counts which
// documents depends on their order alone and results repeat.
func (c *Counter) send() {
	if len(c.batch) == 0 {
		return
	}
	c.workers[c.next].in <- c.batch
	c.next = (c.next + 1) % len(c.workers)
	select {
	case b := <-c.free:
		c.batch = b[:0]
	default:
		c.batch = make([]item, 0, batchSize)
	}
}

func (c *Counter) stop() {
	if c.closed {
		panic("themes: Counter used after Result or Close")
	}
	c.closed = true
	for _, w := range c.workers {
		close(w.in)
	}
	c.wg.Wait()
}

// Close stops the workers without a result.
func (c *Counter) Close() {
	if !c.closed {
		c.stop()
	}
}

// Result finishes counting and ranks the phrases. The counter cannot be used after.
func (c *Counter) Result() *Result {
	c.send()
	c.stop()
	return c.rank()
}

func (c *Counter) period(name string) int32 {
	c.periodMu.Lock()
	defer c.periodMu.Unlock()
	i, ok := c.periodIndex[name]
	if !ok {
		i = int32(len(c.periodNames))
		name = strings.Clone(name)
		c.periodIndex[name] = i
		c.periodNames = append(c.periodNames, name)
	}
	return i
}

// entry is a phrase's count of documents: n[0] in the reference group, n[1] in the target.
type entry struct {
	key uint64
	n   [2]uint32
}

// sampled is a document kept in a group's sample.
type sampled struct {
	id        int64
	hash      uint64
	period    int32
	truncated bool
	words     span // its word ids, breakBit set before a clause
	text      span // target documents only: at most maxQuote bytes of the text
}

// span is a part of an arena.
type span struct{ off, n uint32 }

// sample keeps the documents whose hash falls under 2^(64−level): all of them at level 0,
// half at level 1, and so on, raising the level whenever it holds more than its size. The
// documents kept at a level do not depend on the order they come in, and a merged sample
// is cut down to the highest level of its parts. Their words and texts are kept in arenas,
// so that a sample is a few large allocations without pointers.
type sample struct {
	level uint
	docs  []sampled
	words []uint32
	text  []byte
}

func (s *sample) keeps(h uint64) bool { return s.level == 0 || h>>(64-s.level) == 0 }

func (s *sample) wordsOf(d *sampled) []uint32 { return s.words[d.words.off : d.words.off+d.words.n] }
func (s *sample) textOf(d *sampled) string    { return string(s.text[d.text.off : d.text.off+d.text.n]) }
func (s *sample) textBytes(d *sampled) []byte { return s.text[d.text.off : d.text.off+d.text.n] }

// add adds d with its words and text.
func (s *sample) add(d sampled, words []uint32, text string) { addDoc(s, d, words, text) }

func addDoc[T string | []byte](s *sample, d sampled, words []uint32, text T) {
	d.words = span{uint32(len(s.words)), uint32(len(words))}
	s.words = append(grow(s.words, len(words)), words...)
	d.text = span{uint32(len(s.text)), uint32(len(text))}
	s.text = append(grow(s.text, len(text)), text...)
	s.docs = append(grow(s.docs, 1), d)
}

// grow makes room for n more elements in s, doubling its capacity when short: append's
// own growth, a quarter at a time for large slices, copies an arena too often.
func grow[E any](s []E, n int) []E {
	if len(s)+n <= cap(s) {
		return s
	}
	return slices.Grow(s, max(len(s)+n, 2*cap(s), 1024)-len(s))
}

// raise lifts the level until the sample holds at most size documents.
func (s *sample) raise(size int) {
	if len(s.docs) > size {
		*s = mergeSamples([]*sample{s}, size)
	}
}

// mergeSamples returns the documents of parts at the lowest level, no lower than theirs, at
// which they are at most size.
func mergeSamples(parts []*sample, size int) sample {
	out := sample{}
	for _, p := range parts {
		out.level = max(out.level, p.level)
	}
	var docs, words, text int
	for {
		docs, words, text = 0, 0, 0
		for _, p := range parts {
			for i := range p.docs {
				if d := &p.docs[i]; out.keeps(d.hash) {
					docs, words, text = docs+1, words+int(d.words.n), text+int(d.text.n)
				}
			}
		}
		if docs <= size {
			break
		}
		out.level++
	}
	out.docs = make([]sampled, 0, docs)
	out.words = make([]uint32, 0, words)
	out.text = make([]byte, 0, text)
	for _, p := range parts {
		for i := range p.docs {
			if d := &p.docs[i]; out.keeps(d.hash) {
				addDoc(&out, *d, p.wordsOf(d), p.textBytes(d))
			}
		}
	}
	return out
}

// worker counts the documents of the batches sent to it.
type worker struct {
	c       *Counter
	in      chan []item
	maxN    int
	table   wordTable       // short ASCII words
	cache   map[string]word // the others
	maxKey  uint32          // the largest key id seen
	periods map[string]int32

	// The document being counted.
	g       int  // 1 for the target group
	sampled bool // it goes into the sample
	toks    []tok
	words   []uint32
	seq     uint32 // stamps the unigrams and rule phrases seen in the document
	onRule  func(key uint64, start, n int)
	onWrd   func(w string, brk bool) bool
	onSht   func(k shortWord, raw string, brk bool)
	seen    gramSet

	uni      [2][]uint32 // documents by unigram key id
	stamp    []uint32    // by key id: the seq of the last document it was in
	ruleSeen []uint32    // by rule phrase: the seq of the last document it was in
	ruleHit  bool

	buf, scratch []uint64 // multi-word phrase occurrences: key<<1 | group
	runs         []entry
	counts       []entry // sorted by key
	maxTable     int
	undercount   int

	docs      [2]int
	perPeriod [2][]int
	rules     [][2]int   // documents matching each rule, by group
	rulePer   [][2][]int // and by period
	samples   [2]sample
}

func newWorker(c *Counter) *worker {
	w := &worker{c: c, in: make(chan []item, 2), maxN: c.opts.MaxN, cache: make(map[string]word),
		periods:  make(map[string]int32),
		ruleSeen: make([]uint32, len(c.ruleKeys)), rules: make([][2]int, len(c.rules)),
		rulePer:  make([][2][]int, len(c.rules)),
		maxTable: max(c.opts.MaxPhrases/c.opts.Workers, 1024)}
	w.onRule = w.rule
	w.onWrd = w.word
	w.onSht = w.short
	w.reserve(uint32(len(c.vocab.keyText)))
	return w
}

func (w *worker) run() {
	for b := range w.in {
		for i := range b {
			w.add(&b[i])
			b[i] = item{} // let the text go
		}
		select {
		case w.c.free <- b:
		default:
		}
	}
	w.flush()
	// Only the counts and the sample are needed now.
	w.buf, w.scratch, w.runs, w.toks, w.words = nil, nil, nil, nil, nil
	w.table, w.cache, w.stamp = wordTable{}, nil, nil
}

// reserve makes the arrays by key id hold id.
func (w *worker) reserve(id uint32) {
	if int(id) < len(w.stamp) {
		return
	}
	n := max(int(id)+1, 2*len(w.stamp), 1024)
	w.stamp = slices.Grow(w.stamp, n-len(w.stamp))[:n]
	for g := range w.uni {
		w.uni[g] = slices.Grow(w.uni[g], n-len(w.uni[g]))[:n]
	}
}

// word takes a word from text.Words.
func (w *worker) word(s string, brk bool) bool {
	x, ok := w.cache[s]
	if !ok {
		x = w.miss(s)
		w.cache[strings.Clone(s)] = x
	}
	w.push(x, brk)
	return true
}

// short takes a word from scanASCII.
func (w *worker) short(k shortWord, raw string, brk bool) {
	var x word
	var ok bool
	if k.a != 0 {
		if x, ok = w.table.get(k); !ok {
			x = w.miss(strings.ToLower(raw))
			w.table.put(k, x)
		}
	} else {
		lower := strings.ToLower(raw)
		if x, ok = w.cache[lower]; !ok {
			x = w.miss(lower)
			w.cache[lower] = x
		}
	}
	w.push(x, brk)
}

// miss looks a word up in the shared vocabulary.
func (w *worker) miss(s string) word {
	x := w.c.vocab.lookup(s)
	w.reserve(x.key)
	w.maxKey = max(w.maxKey, x.key)
	return x
}

func (w *worker) push(x word, brk bool) {
	t, id := x.tok, x.id
	if brk {
		t.flags |= fBreak
		id |= breakBit
	}
	w.toks = append(w.toks, t)
	if w.sampled {
		w.words = append(w.words, id)
	}
}

// count counts the phrases of the document in w.toks, forming them as forGrams does
// (TestCountIsForGrams holds it to that), without a call for each phrase.
func (w *worker) count() {
	toks, uni, seq, maxN := w.toks, w.uni[w.g], w.seq, w.maxN
	for i, t := range toks {
		if t.flags&(fStop|fUnknown) != 0 {
			continue
		}
		if w.stamp[t.key] != seq {
			w.stamp[t.key] = seq
			uni[t.key]++
		}
		if maxN < 2 || i+1 >= len(toks) {
			continue
		}
		u := toks[i+1]
		if u.flags&(fBreak|fUnknown) != 0 {
			continue
		}
		if u.flags&fStop == 0 {
			w.addGram(pack(t.key, u.key, 0))
		}
		if maxN < 3 || i+2 >= len(toks) {
			continue
		}
		if v := toks[i+2]; v.flags&(fBreak|fUnknown|fStop) == 0 {
			w.addGram(pack(t.key, u.key, v.key))
		}
	}
}

func (w *worker) addGram(key uint64) {
	if w.seen.add(key, w.seq) {
		w.buf = append(w.buf, key<<1|uint64(w.g))
	}
}

// rule marks the rule phrases the document holds.
func (w *worker) rule(key uint64, _, _ int) {
	if i, ok := w.c.rulePhrase[key]; ok {
		w.ruleSeen[i] = w.seq
		w.ruleHit = true
	}
}

// gramSet remembers the multi-word phrases of one document, so that it counts each once.
// Moving to the next document's stamp clears it. Past 256 phrases in one document (a long
// review) the set is full, and the phrases new to it go to over, to be sorted out.
type gramSet struct {
	keys  [512]uint64
	stamp [512]uint32
	n     int
	at    uint32
	over  []uint64
}

// add reports whether key is new in the document stamped seq and has a place in the set.
func (s *gramSet) add(key uint64, seq uint32) bool {
	if s.at != seq {
		s.at, s.n, s.over = seq, 0, s.over[:0]
	}
	i := (key * 0x9e3779b97f4a7c15) >> 55
	for s.stamp[i] == seq {
		if s.keys[i] == key {
			return false
		}
		i = (i + 1) & uint64(len(s.keys)-1)
	}
	if s.n >= len(s.keys)/2 {
		s.over = append(s.over, key)
		return false
	}
	s.keys[i], s.stamp[i] = key, seq
	s.n++
	return true
}

func (w *worker) add(d *item) {
	w.g = 0
	if d.Target {
		w.g = 1
	}
	w.docs[w.g]++
	if w.seq++; w.seq == 0 {
		// After 2³² documents the stamps start again: forget the old ones.
		clear(w.stamp)
		clear(w.ruleSeen)
		w.seen = gramSet{over: w.seen.over}
		w.seq = 1
	}
	w.toks, w.words, w.ruleHit = w.toks[:0], w.words[:0], false
	h := mix(d.hkey)
	w.sampled = w.samples[w.g].keeps(h) // only a sampled document needs its word ids
	if !scanASCII(d.Text, w.onSht) {
		w.toks, w.words = w.toks[:0], w.words[:0]
		text.Words(d.Text, w.onWrd)
	}
	w.count()
	if len(w.c.rules) > 0 {
		forGrams(w.toks, w.maxN, w.onRule)
	}
	if over := w.seen.over; len(over) > 0 && w.seen.at == w.seq {
		slices.Sort(over)
		for _, k := range slices.Compact(over) {
			w.buf = append(w.buf, k<<1|uint64(w.g))
		}
	}
	if len(w.buf) >= cap(w.buf)-1024 {
		if cap(w.buf) < bufSize {
			// Small inputs need small buffers: double up to the full size.
			w.buf = slices.Grow(w.buf, min(bufSize, max(2*cap(w.buf), 1<<16))-len(w.buf))
		} else {
			w.flush()
		}
	}

	p := int32(-1)
	if d.Period != "" {
		var ok bool
		if p, ok = w.periods[d.Period]; !ok {
			p = w.c.period(d.Period)
			w.periods[strings.Clone(d.Period)] = p
		}
		for int(p) >= len(w.perPeriod[w.g]) {
			w.perPeriod[w.g] = append(w.perPeriod[w.g], 0)
		}
		w.perPeriod[w.g][p]++
	}
	if w.ruleHit {
		has := func(i int) bool { return w.ruleSeen[i] == w.seq }
		for r := range w.c.rules {
			if w.c.rules[r].match(has) {
				w.rules[r][w.g]++
				if p >= 0 {
					per := &w.rulePer[r][w.g]
					for int(p) >= len(*per) {
						*per = append(*per, 0)
					}
					(*per)[p]++
				}
			}
		}
	}

	if w.sampled {
		s := &w.samples[w.g]
		sd := sampled{id: d.ID, hash: h, period: p}
		var q string
		if w.g == 1 {
			q, sd.truncated = quote(d.Text)
		}
		s.add(sd, w.words, q)
		s.raise(w.c.opts.SampleSize)
	}
}

// quote is s cut to at most maxQuote bytes at a word boundary, and whether it was cut.
func quote(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) <= maxQuote {
		return s, false
	}
	cut := maxQuote
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexByte(s[:cut], ' '); i > maxQuote/2 {
		cut = i
	}
	return s[:cut] + "…", true
}

// flush adds the buffered phrase occurrences to the table: sorted, they become a run of
// counts merged into the table in one pass.
func (w *worker) flush() {
	if len(w.buf) == 0 {
		return
	}
	if cap(w.scratch) < len(w.buf) {
		w.scratch = make([]uint64, cap(w.buf))
	}
	if cap(w.runs) < len(w.buf) {
		w.runs = make([]entry, 0, cap(w.buf))
	}
	// Sort on the ids' bits in use only: k bits each rather than idBits, fewer passes.
	k := uint(max(bits.Len32(w.maxKey), 1))
	compact := func(v uint64) uint64 {
		key := v >> 1
		return (key>>(2*idBits)<<(2*k)|(key>>idBits&idMask)<<k|key&idMask)<<1 | v&1
	}
	for i, v := range w.buf {
		w.buf[i] = compact(v)
	}
	sorted := radixSort(w.buf, w.scratch[:len(w.buf)], (3*k+1+7)/8)
	mask := uint64(1)<<k - 1
	run := w.runs[:0]
	for i := 0; i < len(sorted); {
		c := sorted[i] >> 1
		e := entry{key: pack(uint32(c>>(2*k)), uint32(c>>k&mask), uint32(c&mask))}
		for ; i < len(sorted) && sorted[i]>>1 == c; i++ {
			e.n[sorted[i]&1]++
		}
		run = append(run, e)
	}
	if len(w.counts) == 0 {
		w.counts, w.runs = run, w.counts[:0]
	} else {
		w.runs = run
		w.counts = mergeInto(w.counts, run, w.maxTable+bufSize)
	}
	w.buf = w.buf[:0]
	if len(w.counts) > w.maxTable {
		w.undercount += prune(&w.counts, w.maxTable/2)
	}
}

// prune drops the rarest phrases of t until it holds at most keep of them (or only
// phrases in more than 63 documents are left), and returns the count below which it
// dropped: every phrase in at most that many documents is gone.
func prune(t *[]entry, keep int) int {
	var hist [64]int
	for _, e := range *t {
		if n := e.n[0] + e.n[1]; n < 64 {
			hist[n]++
		}
	}
	left, theta := len(*t), 0
	for theta < 63 && left > keep {
		theta++
		left -= hist[theta]
	}
	*t = slices.DeleteFunc(*t, func(e entry) bool { return int(e.n[0]+e.n[1]) <= theta })
	return theta
}

// mergeInto merges the sorted run r into the sorted table t, adding the counts of equal
// keys, in place from the back. A table short of room grows to limit at once (the most it
// holds before pruning, and a run), so that it is copied once.
func mergeInto(t, r []entry, limit int) []entry {
	n := len(t)
	if n+len(r) > cap(t) {
		t = slices.Grow(t, max(n+len(r), limit)-n)
	}
	t = t[:n+len(r)]
	i, j, k := n-1, len(r)-1, n+len(r)-1
	for j >= 0 {
		switch {
		case i >= 0 && t[i].key > r[j].key:
			t[k] = t[i]
			i--
		case i >= 0 && t[i].key == r[j].key:
			t[k] = entry{key: r[j].key, n: [2]uint32{t[i].n[0] + r[j].n[0], t[i].n[1] + r[j].n[1]}}
			i--
			j--
		default:
			t[k] = r[j]
			j--
		}
		k--
	}
	if gap := k - i; gap > 0 {
		copy(t[i+1:], t[k+1:])
		t = t[:len(t)-gap]
	}
	return t
}

// mergeCounts calls fn with each key of the sorted tables, in order, with its counts
// summed over the tables.
func mergeCounts(tables [][]entry, fn func(entry)) {
	heads := make([]int, len(tables))
	for {
		found := false
		var e entry
		for i, t := range tables {
			if h := heads[i]; h < len(t) && (!found || t[h].key < e.key) {
				e.key, found = t[h].key, true
			}
		}
		if !found {
			return
		}
		for i, t := range tables {
			if h := heads[i]; h < len(t) && t[h].key == e.key {
				e.n[0] += t[h].n[0]
				e.n[1] += t[h].n[1]
				heads[i]++
			}
		}
		fn(e)
	}
}

// radixSort sorts a on its low bytes bytes, using tmp (as long) as scratch, and returns
// whichever of the two holds the result. Large inputs are first split on their top 11 bits
// into buckets small enough to sort in cache; each bucket, and a small input, is sorted by
// lsdSort.
func radixSort(a, tmp []uint64, bytes uint) []uint64 {
	const topBits = 11
	bits := 8 * min(bytes, 8)
	if len(a) < 1<<14 || bits <= topBits+11 {
		return lsdSort(a, tmp, bits)
	}
	shift := bits - topBits
	var counts [1 << topBits]int
	for _, v := range a {
		counts[v>>shift&(1<<topBits-1)]++
	}
	var starts [1<<topBits + 1]int
	sum := 0
	for i, n := range counts {
		starts[i] = sum
		counts[i] = sum
		sum += n
	}
	starts[1<<topBits] = sum
	for _, v := range a {
		b := v >> shift & (1<<topBits - 1)
		tmp[counts[b]] = v
		counts[b]++
	}
	for b := range 1 << topBits {
		lo, hi := starts[b], starts[b+1]
		if hi-lo < 2 {
			continue
		}
		if r := lsdSort(tmp[lo:hi], a[lo:hi], shift); &r[0] != &tmp[lo] {
			copy(tmp[lo:hi], r)
		}
	}
	return tmp
}

// lsdSort sorts a on its low bits bits, a digit at a time from the lowest (of at most 11
// bits, 8 for short inputs, whose counts must be cleared at every pass), using tmp (as long)
// as scratch, and returns whichever of the two holds the result. It skips a digit all keys
// share, and leaves a few keys to slices.Sort.
func lsdSort(a, tmp []uint64, bits uint) []uint64 {
	if len(a) <= 32 {
		slices.Sort(a)
		return a
	}
	maxWidth := uint(11)
	if len(a) < 1<<12 {
		maxWidth = 8
	}
	passes := (bits + maxWidth - 1) / maxWidth
	width := (bits + passes - 1) / passes
	mask := uint64(1)<<width - 1
	var counts [1 << 11]uint32
	src, dst := a, tmp
	for d := range passes {
		shift := d * width
		c := counts[:mask+1]
		clear(c)
		for _, v := range src {
			c[v>>shift&mask]++
		}
		if int(c[src[0]>>shift&mask]) == len(src) {
			continue
		}
		var sum uint32
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, v := range src {
			b := v >> shift & mask
			dst[c[b]] = v
			c[b]++
		}
		src, dst = dst, src
	}
	return src
}

// mix is SplitMix64's finalizer: the hash that draws the sample.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
