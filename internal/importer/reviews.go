package importer

import (
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/feedback"
)

// reviewFormats are the review formats: Trustpilot's review export, Google Play Console's
// monthly review reports and App Store Connect's customer reviews. See Format.
func reviewFormats() []Format {
	return []Format{
		{
			Name:      "trustpilot",
			Title:     "Trustpilot reviews (CSV)",
			Target:    Feedback,
			Container: CSV,
			Detect:    detectTrustpilot,
			Open:      openCSV,
			Suggest:   suggestTrustpilot,
		},
		{
			Name:      "google-play",
			Title:     "Google Play Console review report (CSV)",
			Target:    Feedback,
			Container: CSV,
			Detect:    detectGooglePlay,
			Open:      openGooglePlay,
			Suggest:   suggestGooglePlay,
		},
		{
			Name:      "app-store",
			Title:     "App Store Connect customer reviews (API JSON)",
			Target:    Feedback,
			Container: JSON,
			Detect:    detectAppStore,
			Open:      func(in io.Reader) (Table, error) { return openJSON(in, "data") },
			Suggest:   suggestAppStore,
		},
	}
}

// stars is the 1–5 scale of a star rating. It is no CSAT question: a review site asks for
// stars, not for satisfaction with an interaction.
func stars(col string) QuestionColumn {
	s := feedback.ScaleStars5
	return QuestionColumn{Column: col, Question: feedback.None, Scale: &s}
}

// Trustpilot's review export (Business app > Reviews > Export).
var (
	trustpilotID      = []string{"Review ID", "Review Id", "ReviewId"}
	trustpilotCreated = []string{"Review Created (UTC)", "Review Created", "Review Date (UTC)", "Review Date"}
	trustpilotStars   = []string{"Review Stars", "Stars", "Star Rating"}
	trustpilotTitle   = []string{"Review Title", "Title"}
	trustpilotContent = []string{"Review Content", "Review Text", "Content"}
	// trustpilotCustomer is the reference an invitation carried (an order or customer id), in
	// the exports of businesses that send invitations.
	trustpilotCustomer = []string{"Reference Id", "Reference ID", "Review Reference Id", "Customer Id", "Customer ID"}
	trustpilotEmail    = []string{"Review Email", "Email", "Consumer Email"}
)

var trustpilotAttributes = map[string][]string{
	"reviewer":      {"Review Username", "Username", "Consumer Name"},
	"review_source": {"Source Of Review", "Review Source", "Source"},
	"location":      {"Location Name", "Location"},
	"domain":        {"Domain URL", "Domain"},
	"replied_at":    {"Business Reply Date (UTC)", "Business Reply Date", "Reply Date (UTC)"},
	"language":      {"Review Language", "Language"},
	"country":       {"Review Country", "Country Code", "Country"},
}

func detectTrustpilot(h Head) int {
	return scoreHead(h.Names,
		[][]string{trustpilotID, trustpilotStars},
		[][]string{trustpilotCreated, trustpilotTitle, trustpilotContent, trustpilotAttributes["reviewer"],
			trustpilotAttributes["review_source"], trustpilotAttributes["location"], trustpilotAttributes["domain"],
			trustpilotAttributes["replied_at"]},
		2)
}

func suggestTrustpilot(cols []Column) Mapping {
	m := Mapping{
		Format:     "trustpilot",
		Target:     Feedback,
		Source:     "trustpilot",
		SourceKind: feedback.Review,
		ExternalID: FindColumn(cols, trustpilotID...),
		At:         FindColumn(cols, trustpilotCreated...),
		Customer:   FindColumn(cols, trustpilotCustomer...),
		Text:       findAll(cols, trustpilotTitle, trustpilotContent),
		Attributes: findAttributes(cols, trustpilotAttributes),
	}
	if c := FindColumn(cols, trustpilotStars...); c != "" {
		m.Questions = []QuestionColumn{stars(c)}
	}
	if c := FindColumn(cols, trustpilotEmail...); c != "" && m.Customer != "" {
		m.CustomerFields = map[string]string{"email": c}
	}
	return m
}

// Google Play Console's monthly review reports (reviews_<package>_<yyyymm>.csv, from the
// bucket the console names), UTF-16LE with a byte-order mark: Decode reads them.
var googlePlayColumns = []string{
	"Package Name", "App Version Code", "App Version Name", "Reviewer Language", "Device",
	"Review Submit Date and Time", "Review Submit Millis Since Epoch", "Review Last Update Date and Time",
	"Review Last Update Millis Since Epoch", "Star Rating", "Review Title", "Review Text",
	"Developer Reply Date and Time", "Developer Reply Millis Since Epoch", "Developer Reply Text", "Review Link",
}

var googlePlayAttributes = map[string][]string{
	"package":          {"Package Name"},
	"app_version_code": {"App Version Code"},
	"app_version":      {"App Version Name"},
	"language":         {"Reviewer Language"},
	"device":           {"Device"},
	"updated_at":       {"Review Last Update Date and Time"},
	"replied_at":       {"Developer Reply Date and Time"},
	"developer_reply":  {"Developer Reply Text"},
	"review_link":      {"Review Link"},
}

func detectGooglePlay(h Head) int {
	var others [][]string
	for _, c := range googlePlayColumns {
		others = append(others, []string{c})
	}
	return scoreHead(h.Names, [][]string{{"Package Name"}, {"Star Rating"}}, others, 6)
}

// openGooglePlay adds the review's id. The reports have no id column, but the Review Link
// (shown for reviews with text) carries the review id Google gives the review, which stays when
// the reviewer edits the review; a review without a link is named by its app and the
// millisecond it was submitted, which an edit does not change either. So importing the next
// month's report updates the reviews edited since, rather than adding them again.
func openGooglePlay(in io.Reader) (Table, error) {
	t, err := openCSV(in)
	if err != nil {
		return nil, err
	}
	cols := t.Columns()
	link := FindColumn(cols, "Review Link")
	pkg := FindColumn(cols, "Package Name")
	millis := FindColumn(cols, "Review Submit Millis Since Epoch")
	return newShapedTable(t, []Column{{Key: derivedReviewID, Label: "the review id of the Review Link, else Package Name/Review Submit Millis Since Epoch"}},
		func(v map[string]string) { v[derivedReviewID] = googlePlayReviewID(v[link], v[pkg], v[millis]) })
}

// playReviewID finds the review id in a review link's query (reviewId=gp:…) or, in older
// reports' links, their fragment (#ReviewDetailsPlace:p=…&reviewid=gp:…).
var playReviewID = regexp.MustCompile(`(?i)[?&#:]reviewid=([^&#]+)`)

func googlePlayReviewID(link, pkg, millis string) string {
	link, pkg, millis = strings.TrimSpace(link), strings.TrimSpace(pkg), strings.TrimSpace(millis)
	if link != "" {
		if m := playReviewID.FindStringSubmatch(link); m != nil {
			if id, err := url.QueryUnescape(m[1]); err == nil && id != "" {
				return id
			}
			return m[1]
		}
		return link
	}
	if pkg == "" || millis == "" {
		return "" // the mapper reports the missing id
	}
	return pkg + "/" + millis
}

func suggestGooglePlay(cols []Column) Mapping {
	m := Mapping{
		Format:     "google-play",
		Target:     Feedback,
		Source:     "google-play",
		SourceKind: feedback.Review,
		ExternalID: derivedReviewID,
		Text:       findAll(cols, []string{"Review Title"}, []string{"Review Text"}),
		Attributes: findAttributes(cols, googlePlayAttributes),
	}
	// The millis are exact and zone-free; the date and time text is the fallback.
	if c := FindColumn(cols, "Review Submit Millis Since Epoch"); c != "" {
		m.At, m.Time = c, TimeFormat{Layout: "unix_ms"}
	} else {
		m.At = FindColumn(cols, "Review Submit Date and Time")
	}
	if c := FindColumn(cols, "Star Rating"); c != "" {
		m.Questions = []QuestionColumn{stars(c)}
	}
	return m
}

// App Store Connect's customer reviews (GET /v1/apps/{id}/customerReviews): {"data": [{"type":
// "customerReviews", "id", "attributes": {…}}]}, flattened to attributes.rating and so on.
var appStoreColumns = []string{
	"attributes.rating", "attributes.title", "attributes.body", "attributes.reviewerNickname",
	"attributes.createdDate", "attributes.territory",
}

func detectAppStore(h Head) int {
	var others [][]string
	for _, c := range appStoreColumns[1:] {
		others = append(others, []string{c})
	}
	return scoreHead(h.Names, [][]string{{"id"}, {"attributes.rating"}}, others, 3)
}

func suggestAppStore(cols []Column) Mapping {
	return Mapping{
		Format:     "app-store",
		Target:     Feedback,
		Source:     "app-store",
		SourceKind: feedback.Review,
		ExternalID: "id",
		At:         "attributes.createdDate",
		Questions:  []QuestionColumn{stars("attributes.rating")},
		Text:       []string{"attributes.title", "attributes.body"},
		Attributes: map[string]string{
			"territory": "attributes.territory",
			"reviewer":  "attributes.reviewerNickname",
		},
	}
}
