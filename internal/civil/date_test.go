package civil

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDateText(t *testing.T) {
	d := Date{2026, time.March, 31}
	b, err := json.Marshal(struct {
		D Date `json:"d"`
		Z Date `json:"z"`
	}{D: d})
	if err != nil || string(b) != `{"d":"2026-03-31","z":""}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back struct{ D, Z Date }
	if err := json.Unmarshal([]byte(`{"D":"2026-03-31","Z":""}`), &back); err != nil || back.D != d || !back.Z.IsZero() {
		t.Errorf("Unmarshal = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"31/03/2026"}`), &back); err == nil {
		t.Error("Unmarshal of 31/03/2026 succeeded")
	}
}

func TestDateArithmetic(t *testing.T) {
	d := Date{2026, time.February, 27}
	if got := d.AddDays(2); got != (Date{2026, time.March, 1}) {
		t.Errorf("AddDays(2) = %v", got)
	}
	if got := (Date{2026, time.March, 29}).DaysSince(d); got != 30 {
		t.Errorf("DaysSince = %d, want 30 (across a DST change in many zones, which dates ignore)", got)
	}
}

func TestDateScan(t *testing.T) {
	want := Date{2026, time.March, 31}
	for _, v := range []any{"2026-03-31", []byte("2026-03-31"), "2026-03-31 00:00:00+00:00",
		time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)} {
		var d Date
		if err := d.Scan(v); err != nil || d != want {
			t.Errorf("Scan(%v) = %v, %v; want %v", v, d, err, want)
		}
	}
	var d Date
	if err := d.Scan(nil); err != nil || !d.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", d, err)
	}
	if v, _ := (Date{}).Value(); v != nil {
		t.Errorf("zero Date stores %v, want NULL", v)
	}
}
