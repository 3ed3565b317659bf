package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/unicode"

	"github.com/lodestar-cx/lodestar/internal/feedback"
)

func TestReviewFormats(t *testing.T) {
	stars := scale(feedback.ScaleStars5)
	link := "http://play.google.com/console/developers/5552223334/app/4974422110/user-feedback/review-details?reviewId=gp%3AAOqpTOGj1k2xQ9&corpus=PUBLIC_REVIEWS"
	tests := []struct {
		path    string
		format  string
		wantEnc Encoding
		want    []feedback.Item
	}{
		{
			path:    "trustpilot/reviews.csv",
			format:  "trustpilot",
			wantEnc: UTF8,
			want: []feedback.Item{
				{
					SourceKind: feedback.Review, Source: "trustpilot", ExternalID: "65e1f0c2a1b2c3d4e5f60718",
					CustomerExternalID: "ORD-1009", At: utc("2026-03-01T14:02:11Z"), Score: num(5), Scale: stars,
					Text: "Finally, a roadmap tool that listens\n\nWe moved from spreadsheets, and the NPS view alone\nsaved us a day a month.",
					Attributes: map[string]string{
						"domain": "www.lodestar.example", "language": "en", "replied_at": "2026-03-02 09:00:00",
						"review_source": "Invitation", "reviewer": "Ana S.",
					},
				},
				{
					SourceKind: feedback.Review, Source: "trustpilot", ExternalID: "65e1f0c2a1b2c3d4e5f60719",
					At: utc("2026-03-02T08:30:00Z"), Score: num(2), Scale: stars,
					Text: "Slow, \"but\" improving\n\nExports take forever.",
					Attributes: map[string]string{
						"domain": "www.lodestar.example", "language": "de", "location": "Berlin office",
						"review_source": "Organic", "reviewer": "jonas_b",
					},
				},
				{
					// Stars only: no title, no text.
					SourceKind: feedback.Review, Source: "trustpilot", ExternalID: "65e1f0c2a1b2c3d4e5f60720",
					At: utc("2026-03-03T19:45:59Z"), Score: num(1), Scale: stars,
					Attributes: map[string]string{"domain": "www.lodestar.example", "review_source": "Organic", "reviewer": "anon"},
				},
			},
		},
		{
			path:    "google-play/reviews_app.lodestar.android_202603.csv",
			format:  "google-play",
			wantEnc: UTF16LE,
			want: []feedback.Item{
				{
					SourceKind: feedback.Review, Source: "google-play", ExternalID: "gp:AOqpTOGj1k2xQ9",
					At: utc("2026-03-01T08:15:42Z"), Score: num(5), Scale: stars,
					Text: "Great app, love the roadmap view 🚀",
					Attributes: map[string]string{
						"app_version": "2.4.1", "app_version_code": "142", "developer_reply": "Thanks Ana!", "device": "a52q",
						"language": "en", "package": "app.lodestar.android", "replied_at": "2026-03-01T10:00:00Z",
						"review_link": link, "updated_at": "2026-03-01T08:15:42Z",
					},
				},
				{
					// An older report's link keeps the id in its fragment.
					SourceKind: feedback.Review, Source: "google-play", ExternalID: "gp:AOqpTOFz77Lm0a",
					At: utc("2026-03-02T19:03:10.123Z"), Score: num(2), Scale: stars,
					Text: "Lento\n\nO aplicativo é lento,\nmas útil.",
					Attributes: map[string]string{
						"app_version": "2.4.1", "app_version_code": "142", "device": "OnePlus8", "language": "pt",
						"package": "app.lodestar.android", "updated_at": "2026-03-05T07:00:00Z",
						"review_link": "https://play.google.com/apps/publish?account=5552223334#ReviewDetailsPlace:p=app.lodestar.android&reviewid=gp:AOqpTOFz77Lm0a",
					},
				},
				{
					// A rating without text has no link: the app and the submit time name it.
					SourceKind: feedback.Review, Source: "google-play", ExternalID: "app.lodestar.android/1772499600000",
					At: utc("2026-03-03T01:00:00Z"), Score: num(4), Scale: stars,
					Attributes: map[string]string{
						"app_version": "2.4.0", "app_version_code": "141", "device": "SO-52C", "language": "ja",
						"package": "app.lodestar.android", "updated_at": "2026-03-03T01:00:00Z",
					},
				},
			},
		},
		{
			path:    "app-store/customer_reviews.json",
			format:  "app-store",
			wantEnc: UTF8,
			want: []feedback.Item{
				{
					SourceKind: feedback.Review, Source: "app-store", ExternalID: "00000042-aaaa-bbbb-cccc-000000000001",
					At: utc("2026-03-01T19:00:00Z"), Score: num(5), Scale: stars,
					Text:       "Love it\n\nThe roadmap widget is exactly what our team needed.",
					Attributes: map[string]string{"reviewer": "pm_ana", "territory": "USA"},
				},
				{
					SourceKind: feedback.Review, Source: "app-store", ExternalID: "00000042-aaaa-bbbb-cccc-000000000002",
					At: utc("2026-03-02T00:30:00Z"), Score: num(3), Scale: stars,
					Text:       "Crashes on iPad\n\nOpens, then\ncloses on iPadOS 19.",
					Attributes: map[string]string{"reviewer": "たなか", "territory": "JPN"},
				},
				{
					SourceKind: feedback.Review, Source: "app-store", ExternalID: "00000042-aaaa-bbbb-cccc-000000000003",
					At: utc("2026-03-02T23:59:59Z"), Score: num(1), Scale: stars, Text: "Nope",
					Attributes: map[string]string{"reviewer": "x", "territory": "GBR"},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, enc, rows := mapFile(t, openTestdata(t, tt.path), "")
			if f.Name != tt.format || enc != tt.wantEnc {
				t.Errorf("Open(%s) = %s, %s, want %s, %s", tt.path, f.Name, enc, tt.format, tt.wantEnc)
			}
			if diff := cmp.Diff(tt.want, itemsOf(t, rows)); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
		})
	}
}

// utf16le encodes s as Google Play writes its reports: UTF-16 little-endian with a BOM.
func utf16le(t *testing.T, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGooglePlayUTF16(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "google-play", "reviews_app.lodestar.android_202603.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte{0xFF, 0xFE, 'P', 0}) {
		t.Fatalf("testdata report starts % x, want the UTF-16LE BOM FF FE and \"P\\x00\"", raw[:4])
	}

	// A report made here with the encoder: non-ASCII text, a quoted newline, a reply.
	report := strings.Join(googlePlayColumns, ",") + "\r\n" +
		"com.example.app,7,1.0,de,herolte,2026-03-09T22:10:00Z,1773094200000,2026-03-09T22:10:00Z,1773094200000,3,Geht so,\"Schön, aber\r\nlangsam – 日本語 😐\",,,,\r\n"
	f, enc, rows := mapFile(t, bytes.NewReader(utf16le(t, report)), "")
	if f.Name != "google-play" || enc != UTF16LE {
		t.Fatalf("Open(UTF-16LE report) = %s, %s, want google-play, %s", f.Name, enc, UTF16LE)
	}
	items := itemsOf(t, rows)
	want := []feedback.Item{{
		SourceKind: feedback.Review, Source: "google-play", ExternalID: "com.example.app/1773094200000",
		At: utc("2026-03-09T22:10:00Z"), Score: num(3), Scale: scale(feedback.ScaleStars5),
		Text: "Geht so\n\nSchön, aber\nlangsam – 日本語 😐",
		Attributes: map[string]string{
			"app_version": "1.0", "app_version_code": "7", "device": "herolte", "language": "de",
			"package": "com.example.app", "updated_at": "2026-03-09T22:10:00Z",
		},
	}}
	if diff := cmp.Diff(want, items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

func TestGooglePlayReviewID(t *testing.T) {
	tests := []struct{ link, pkg, millis, want string }{
		{"https://play.google.com/console/developers/1/app/2/user-feedback/review-details?reviewId=gp%3AAOqp123&corpus=PUBLIC_REVIEWS", "p", "1", "gp:AOqp123"},
		{"https://play.google.com/console/u/0/developers/1/app/2/user-feedback/review-details?corpus=PUBLIC_REVIEWS&reviewId=abc-def", "p", "1", "abc-def"},
		{"https://play.google.com/apps/publish?account=1#ReviewDetailsPlace:p=com.x&reviewid=gp:AOqpX", "com.x", "1", "gp:AOqpX"},
		{"https://play.google.com/some/other/link", "p", "1", "https://play.google.com/some/other/link"},
		{"", "com.x", "1772499600000", "com.x/1772499600000"},
		{" ", "com.x", "", ""},
	}
	for _, tt := range tests {
		if got := googlePlayReviewID(tt.link, tt.pkg, tt.millis); got != tt.want {
			t.Errorf("googlePlayReviewID(%q, %q, %q) = %q, want %q", tt.link, tt.pkg, tt.millis, got, tt.want)
		}
	}
}

func TestReviewProblems(t *testing.T) {
	tests := []struct {
		name   string
		format string
		file   []byte
		want   []Problem
	}{
		{
			name:   "trustpilot",
			format: "trustpilot",
			file: []byte("Review ID,Review Created (UTC),Review Stars,Review Title,Review Content\n" +
				"a1,2026-03-01 10:00:00,6,Too many,stars\n" +
				"a2,01.03.2026,4,Dotted,date\n" +
				"a3,2026-03-01 10:00:00,four,Word,stars\n"),
			want: []Problem{
				{Row: 2, Column: "Review Stars", Message: "6 is outside the scale 1 to 5"},
				{Row: 3, Column: "Review Created (UTC)", Message: `"01.03.2026" is not a date and time this importer reads (such as 2026-03-01 14:30:00 or an RFC 3339 time)`},
				{Row: 4, Column: "Review Stars", Message: `"four" is not a number`},
			},
		},
		{
			name:   "google-play",
			format: "google-play",
			file: utf16le(t, strings.Join(googlePlayColumns, ",")+"\n"+
				"com.x,1,1.0,en,d,2026-03-01T10:00:00Z,17723592x0000,,,5,,ok,,,,\n"+
				"com.x,1,1.0,en,d,2026-03-01T10:00:00Z,1772359200000,,,0,,zero stars,,,,\n"+
				",1,1.0,en,d,,,,,3,,no id,,,,\n"),
			want: []Problem{
				{Row: 2, Column: "Review Submit Millis Since Epoch", Message: `"17723592x0000" is not a Unix time`},
				{Row: 3, Column: "Star Rating", Message: "0 is outside the scale 1 to 5"},
				{Row: 4, Column: derivedReviewID, Message: "the id is missing: without it a re-import could not find this record"},
				{Row: 4, Column: "Review Submit Millis Since Epoch", Message: "the time is missing"},
			},
		},
		{
			name:   "app-store",
			format: "app-store",
			file: []byte(`{"data":[{"type":"customerReviews","id":"r1","attributes":{"rating":"five","createdDate":"2026-03-01T12:00:00-07:00"}},` +
				`{"type":"customerReviews","id":"r2","attributes":{"rating":4,"createdDate":"2026-03-01 12:00 PST"}}]}`),
			want: []Problem{
				{Row: 1, Column: "attributes.rating", Message: `"five" is not a number`},
				{Row: 2, Column: "attributes.createdDate", Message: `"2026-03-01 12:00 PST" is not a date and time this importer reads (such as 2026-03-01 14:30:00 or an RFC 3339 time)`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, rows := mapFile(t, bytes.NewReader(tt.file), tt.format)
			if diff := cmp.Diff(tt.want, problemsOf(rows)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzReviewFormats(f *testing.F) {
	fuzzFormats(f, []string{"trustpilot", "google-play", "app-store"})
}
