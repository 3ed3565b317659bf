package themes

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func zipfKeys(n int, k uint) []uint64 {
	r := rand.New(rand.NewPCG(1, 2))
	z := rand.NewZipf(r, 1.05, 3, 1<<k-2)
	out := make([]uint64, n)
	for i := range out {
		a, b, c := z.Uint64()+1, z.Uint64()+1, z.Uint64()+1
		if r.IntN(2) == 0 {
			c = 0
		}
		out[i] = (a<<(2*k)|b<<k|c)<<1 | uint64(r.IntN(2))
	}
	return out
}

func TestRadixSort(t *testing.T) {
	for _, n := range []int{0, 1, 5, 1000, 100_000} {
		a := zipfKeys(n, 13)
		want := slices.Clone(a)
		slices.Sort(want)
		got := radixSort(a, make([]uint64, n), 5)
		if !slices.Equal(got, want) {
			t.Fatalf("radixSort of %d keys: not sorted", n)
		}
	}
}

func BenchmarkRadixSort(b *testing.B) {
	keys := zipfKeys(2_000_000, 13)
	a, tmp := make([]uint64, len(keys)), make([]uint64, len(keys))
	for b.Loop() {
		copy(a, keys)
		radixSort(a, tmp, 5)
	}
}
