package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/lodestar-cx/lodestar/internal/auth"
	"github.com/lodestar-cx/lodestar/internal/fault"
	"github.com/lodestar-cx/lodestar/internal/feedback"
	"github.com/lodestar-cx/lodestar/internal/importer"
	"github.com/lodestar-cx/lodestar/internal/ingest"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// MaxBatch is the most objects one POST of feedback, customers or events may carry.
const MaxBatch = 1000

// MaxUpload bounds an uploaded import file.
const MaxUpload = 2 << 30

func (a *API) feedbackRoutes() []*Route {
	const tag = "feedback"
	ws := "/workspaces/{workspace}"
	return []*Route{
		op(Route{ID: "postFeedback", Method: http.MethodPost, Path: ws + "/feedback", Tag: tag, Perm: auth.PermEdit,
			Summary:   "Add or update feedback items, one or up to 1,000 at once, as a survey tool's webhook pushes them; an item with a known source and external id is updated",
			BodyLimit: 16 << 20}, a.postFeedback),
		op(Route{ID: "listFeedback", Method: http.MethodGet, Path: ws + "/feedback", Tag: tag, Perm: auth.PermView,
			Summary: "List feedback items, oldest first", Paged: true, Query: []QueryParam{
				{Name: "source", Description: "Only the items of this source, such as qualtrics."},
				{Name: "question", Description: "Only the answers to this question: nps, csat or ces."},
				{Name: "customer", Description: "Only the items of this customer, by external id."},
				{Name: "from", Description: "Only items given at or after this time.", Format: "date-time"},
				{Name: "to", Description: "Only items given before this time.", Format: "date-time"},
			}}, a.listFeedback),
		op(Route{ID: "getFeedback", Method: http.MethodGet, Path: ws + "/feedback/{item}", Tag: tag, Perm: auth.PermView,
			Summary: "Get a feedback item"}, a.getFeedback),
		op(Route{ID: "updateFeedback", Method: http.MethodPatch, Path: ws + "/feedback/{item}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Change a feedback item by hand: exclude it from metrics, set its touchpoint or attributes; the aggregates follow in the same transaction", Conditional: true}, a.updateFeedback),
		op(Route{ID: "deleteFeedback", Method: http.MethodDelete, Path: ws + "/feedback/{item}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete a feedback item, and take it out of every metric", Conditional: true}, a.deleteFeedback),
		op(Route{ID: "postCustomers", Method: http.MethodPost, Path: ws + "/customers", Tag: tag, Perm: auth.PermEdit,
			Summary:   "Add or update customers by external id, up to 1,000 at once; fields left empty keep their stored value",
			BodyLimit: 16 << 20}, a.postCustomers),
		op(Route{ID: "listCustomers", Method: http.MethodGet, Path: ws + "/customers", Tag: tag, Perm: auth.PermView,
			Summary: "List customers", Paged: true}, a.listCustomers),
		op(Route{ID: "postCustomerEvents", Method: http.MethodPost, Path: ws + "/customer-events", Tag: tag, Perm: auth.PermEdit,
			Summary:   "Record customer events (signed up, renewed, churned, a product milestone), up to 1,000 at once; the same event twice is kept once",
			BodyLimit: 16 << 20}, a.postEvents),
		op(Route{ID: "listCustomerEvents", Method: http.MethodGet, Path: ws + "/customer-events", Tag: tag, Perm: auth.PermView,
			Summary: "List customer events", Paged: true, Query: []QueryParam{
				{Name: "customer", Description: "Only the events of this customer, by external id."},
			}}, a.listEvents),

		upload(Route{ID: "planImport", Method: http.MethodPost, Path: ws + "/import-plans", Tag: tag, Perm: auth.PermEdit,
			Summary: "Upload a file to see how it would be imported: the format found, its columns, the suggested mapping and the first records as they would be written; nothing is written",
			Query:   importQuery}, a.planImport),
		upload(Route{ID: "createImport", Method: http.MethodPost, Path: ws + "/imports", Tag: tag, Perm: auth.PermEdit,
			Summary: "Upload a file to import; the import runs in the background (follow it with GET or the events stream). Uploading the same file again resumes its unfinished import, or re-imports it without duplicating",
			Status:  http.StatusAccepted, Query: importQuery}, a.createImport),
		op(Route{ID: "listImports", Method: http.MethodGet, Path: ws + "/imports", Tag: tag, Perm: auth.PermView,
			Summary: "List import jobs, newest first", Paged: true}, a.listImports),
		op(Route{ID: "getImport", Method: http.MethodGet, Path: ws + "/imports/{import}", Tag: tag, Perm: auth.PermView,
			Summary: "Get an import job: its status, progress and problems"}, a.getImport),
		op(Route{ID: "listImportMappings", Method: http.MethodGet, Path: ws + "/import-mappings", Tag: tag, Perm: auth.PermView,
			Summary: "List the saved import mappings", Paged: true}, a.listMappings),
		op(Route{ID: "createImportMapping", Method: http.MethodPost, Path: ws + "/import-mappings", Tag: tag, Perm: auth.PermEdit,
			Summary: "Save a mapping under a name, to import the next file of the same layout with ?mapping=NAME", Status: http.StatusCreated}, a.createMapping),
		op(Route{ID: "getImportMapping", Method: http.MethodGet, Path: ws + "/import-mappings/{name}", Tag: tag, Perm: auth.PermView,
			Summary: "Get a saved mapping"}, a.getMapping),
		op(Route{ID: "replaceImportMapping", Method: http.MethodPut, Path: ws + "/import-mappings/{name}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Replace a saved mapping", Conditional: true}, a.replaceMapping),
		op(Route{ID: "deleteImportMapping", Method: http.MethodDelete, Path: ws + "/import-mappings/{name}", Tag: tag, Perm: auth.PermEdit,
			Summary: "Delete a saved mapping", Conditional: true}, a.deleteMapping),
		stream(Route{ID: "streamImport", Method: http.MethodGet, Path: ws + "/imports/{import}/events", Tag: tag, Perm: auth.PermView,
			Summary: "Follow an import as server-sent events: a progress event each time it moves, and a done event when it finishes"}, a.streamImport),
	}
}

var importQuery = []QueryParam{
	{Name: "format", Description: "The file's format (such as qualtrics, zendesk, csv); detected from the header when absent."},
	{Name: "mapping", Description: "The name of a saved mapping to read the file with; the format's suggestion when absent."},
	{Name: "skip_invalid", Description: "true to import the valid records and report the others, rather than refuse the file."},
	{Name: "file_name", Description: "The file's name, recorded with the import."},
}

// ItemInput is a feedback item as a client sends it.
type ItemInput struct {
	SourceKind         feedback.SourceKind `json:"source_kind" jsonschema:"enum=survey,enum=ticket,enum=review,enum=interview,enum=social"`
	Source             string              `json:"source"`
	ExternalID         string              `json:"external_id"`
	CustomerExternalID string              `json:"customer_external_id,omitempty"`
	At                 time.Time           `json:"at"`
	Question           feedback.Question   `json:"question,omitempty" jsonschema:"enum=,enum=nps,enum=csat,enum=ces"`
	Score              *float64            `json:"score,omitempty"`
	Scale              *feedback.Scale     `json:"scale,omitempty"`
	Text               string              `json:"text,omitempty"`
	Attributes         map[string]string   `json:"attributes,omitempty"`
	Touchpoint         string              `json:"touchpoint,omitempty"`
	Excluded           bool                `json:"excluded,omitempty"`
}

// FeedbackInput is a batch of feedback items.
type FeedbackInput struct {
	Items []ItemInput `json:"items" jsonschema:"minItems=1,maxItems=1000"`
	items []feedback.Item
}

// Validate checks every item, naming each field by its place: items[3].score.
func (in *FeedbackInput) Validate() error {
	var all []fault.FieldError
	if len(in.Items) == 0 || len(in.Items) > MaxBatch {
		return fault.Invalid("items", "must hold 1 to %d items", MaxBatch)
	}
	in.items = make([]feedback.Item, len(in.Items))
	for i, x := range in.Items {
		it := feedback.Item{SourceKind: x.SourceKind, Source: x.Source, ExternalID: x.ExternalID, CustomerExternalID: x.CustomerExternalID,
			At: x.At, Question: x.Question, Score: x.Score, Scale: x.Scale, Text: x.Text, Attributes: x.Attributes,
			Touchpoint: x.Touchpoint, Excluded: x.Excluded}
		it.Normalize()
		all = appendFields(all, it.Validate(fmt.Sprintf("items[%d].", i)))
		in.items[i] = it
	}
	if len(all) > 0 {
		return &fault.InvalidError{Fields: all}
	}
	return nil
}

func appendFields(all []fault.FieldError, err error) []fault.FieldError {
	var inv *fault.InvalidError
	if errors.As(err, &inv) {
		all = append(all, inv.Fields...)
	}
	return all
}

// WriteResult says what a batch did.
type WriteResult struct {
	store.Counts
}

func (a *API) postFeedback(r *Request, in FeedbackInput) (WriteResult, error) {
	c, err := a.store.WriteFeedback(r.Context(), r.Workspace, &store.Batch{Items: in.items})
	if err == nil {
		a.feedbackChanged(r.Context(), r.Workspace)
	}
	return WriteResult{c}, err
}

func timeParam(r *Request, name string) (time.Time, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fieldError(http.StatusBadRequest, "invalid-parameter", name, name+" must be an RFC 3339 time such as 2026-03-01T00:00:00Z.")
	}
	return t, nil
}

func (a *API) listFeedback(r *Request, _ Empty) (List[feedback.Item], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[feedback.Item]{}, err
	}
	q := r.URL.Query()
	f := store.FeedbackFilter{Source: q.Get("source"), Question: feedback.Question(q.Get("question")), Customer: q.Get("customer")}
	if f.Question != "" && f.Question != feedback.NPS && f.Question != feedback.CSAT && f.Question != feedback.CES {
		return List[feedback.Item]{}, fieldError(http.StatusBadRequest, "invalid-parameter", "question", "question must be nps, csat or ces.")
	}
	if f.From, err = timeParam(r, "from"); err != nil {
		return List[feedback.Item]{}, err
	}
	if f.To, err = timeParam(r, "to"); err != nil {
		return List[feedback.Item]{}, err
	}
	items, next, err := a.store.FeedbackItems(r.Context(), r.Workspace, f, p)
	return listOf(items, next), err
}

func (a *API) getFeedback(r *Request, _ Empty) (feedback.Item, error) {
	id, err := r.PathID("item")
	if err != nil {
		return feedback.Item{}, err
	}
	return a.store.FeedbackItem(r.Context(), r.Workspace, id)
}

// CustomerInput is a customer as a client sends it.
type CustomerInput struct {
	ExternalID string            `json:"external_id"`
	Name       string            `json:"name,omitempty"`
	Email      string            `json:"email,omitempty"`
	Plan       string            `json:"plan,omitempty"`
	Region     string            `json:"region,omitempty"`
	SignupAt   time.Time         `json:"signup_at,omitzero"`
	Revenue    *float64          `json:"revenue,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// CustomersInput is a batch of customers.
type CustomersInput struct {
	Customers []CustomerInput `json:"customers" jsonschema:"minItems=1,maxItems=1000"`
	out       []feedback.Customer
}

// Validate checks every customer.
func (in *CustomersInput) Validate() error {
	if len(in.Customers) == 0 || len(in.Customers) > MaxBatch {
		return fault.Invalid("customers", "must hold 1 to %d customers", MaxBatch)
	}
	var all []fault.FieldError
	in.out = make([]feedback.Customer, len(in.Customers))
	for i, x := range in.Customers {
		c := feedback.Customer{ExternalID: x.ExternalID, Name: x.Name, Email: x.Email, Plan: x.Plan, Region: x.Region,
			SignupAt: x.SignupAt, Revenue: x.Revenue, Attributes: x.Attributes}
		c.Normalize()
		all = appendFields(all, c.Validate(fmt.Sprintf("customers[%d].", i)))
		in.out[i] = c
	}
	if len(all) > 0 {
		return &fault.InvalidError{Fields: all}
	}
	return nil
}

func (a *API) postCustomers(r *Request, in CustomersInput) (WriteResult, error) {
	c, err := a.store.WriteFeedback(r.Context(), r.Workspace, &store.Batch{Customers: in.out})
	return WriteResult{c}, err
}

func (a *API) listCustomers(r *Request, _ Empty) (List[feedback.Customer], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[feedback.Customer]{}, err
	}
	items, next, err := a.store.Customers(r.Context(), r.Workspace, p)
	return listOf(items, next), err
}

// EventInput is a customer event as a client sends it.
type EventInput struct {
	CustomerExternalID string            `json:"customer_external_id"`
	Name               string            `json:"name"`
	At                 time.Time         `json:"at"`
	Value              *float64          `json:"value,omitempty"`
	Attributes         map[string]string `json:"attributes,omitempty"`
}

// EventsInput is a batch of customer events.
type EventsInput struct {
	Events []EventInput `json:"events" jsonschema:"minItems=1,maxItems=1000"`
	out    []feedback.Event
}

// Validate checks every event.
func (in *EventsInput) Validate() error {
	if len(in.Events) == 0 || len(in.Events) > MaxBatch {
		return fault.Invalid("events", "must hold 1 to %d events", MaxBatch)
	}
	var all []fault.FieldError
	in.out = make([]feedback.Event, len(in.Events))
	for i, x := range in.Events {
		e := feedback.Event{CustomerExternalID: x.CustomerExternalID, Name: x.Name, At: x.At, Value: x.Value, Attributes: x.Attributes}
		e.Normalize()
		all = appendFields(all, e.Validate(fmt.Sprintf("events[%d].", i)))
		in.out[i] = e
	}
	if len(all) > 0 {
		return &fault.InvalidError{Fields: all}
	}
	return nil
}

func (a *API) postEvents(r *Request, in EventsInput) (WriteResult, error) {
	c, err := a.store.WriteFeedback(r.Context(), r.Workspace, &store.Batch{Events: in.out})
	return WriteResult{c}, err
}

func (a *API) listEvents(r *Request, _ Empty) (List[feedback.Event], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[feedback.Event]{}, err
	}
	items, next, err := a.store.CustomerEvents(r.Context(), r.Workspace, r.URL.Query().Get("customer"), p)
	return listOf(items, next), err
}

func (a *API) listImports(r *Request, _ Empty) (List[feedback.Import], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[feedback.Import]{}, err
	}
	items, next, err := a.store.Imports(r.Context(), r.Workspace, p)
	return listOf(items, next), err
}

func (a *API) getImport(r *Request, _ Empty) (feedback.Import, error) {
	id, err := r.PathID("import")
	if err != nil {
		return feedback.Import{}, err
	}
	return a.store.Import(r.Context(), r.Workspace, id)
}

// spool copies an uploaded file to a temporary file, which the import reads twice; the caller
// removes it.
func spool(w http.ResponseWriter, r *Request) (string, error) {
	f, err := os.CreateTemp("", "lodestar-upload-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, http.MaxBytesReader(w, r.Body, MaxUpload))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return "", newError(http.StatusRequestEntityTooLarge, "body-too-large", fmt.Sprintf("The file exceeds the limit of %d bytes.", int64(MaxUpload)))
		}
		return "", fmt.Errorf("read upload: %w", err)
	}
	return f.Name(), nil
}

func (a *API) importOptions(r *Request) (ingest.Options, error) {
	q := r.URL.Query()
	opts := ingest.Options{Format: q.Get("format"), FileName: q.Get("file_name")}
	switch s := q.Get("skip_invalid"); s {
	case "", "false":
	case "true":
		opts.SkipInvalid = true
	default:
		return opts, fieldError(http.StatusBadRequest, "invalid-parameter", "skip_invalid", "skip_invalid must be true or false.")
	}
	if name := q.Get("mapping"); name != "" {
		saved, err := a.store.SavedMappingNamed(r.Context(), r.Workspace, name)
		if errors.Is(err, fault.ErrNotFound) {
			return opts, fieldError(http.StatusBadRequest, "invalid-parameter", "mapping", fmt.Sprintf("There is no saved mapping named %q.", name))
		}
		if err != nil {
			return opts, err
		}
		var m importer.Mapping
		if err := json.Unmarshal(saved.Mapping, &m); err != nil {
			return opts, fmt.Errorf("saved mapping %q: %w", name, err)
		}
		opts.Mapping = &m
	}
	return opts, nil
}

func (a *API) planImport(w http.ResponseWriter, r *Request) (ingest.Plan, error) {
	opts, err := a.importOptions(r)
	if err != nil {
		return ingest.Plan{}, err
	}
	path, err := spool(w, r)
	if err != nil {
		return ingest.Plan{}, err
	}
	defer os.Remove(path)
	p, err := ingest.Inspect(func() (io.ReadCloser, error) { return os.Open(path) }, opts)
	return p, importError(err)
}

// importError turns a file the importer cannot read into a 422 that says where.
func importError(err error) error {
	var se *importer.SyntaxError
	if errors.As(err, &se) {
		return fault.Invalid("file", "%v", se)
	}
	return err
}

func (a *API) createImport(w http.ResponseWriter, r *Request) (feedback.Import, error) {
	opts, err := a.importOptions(r)
	if err != nil {
		return feedback.Import{}, err
	}
	path, err := spool(w, r)
	if err != nil {
		return feedback.Import{}, err
	}
	started := make(chan feedback.Import, 1)
	failed := make(chan error, 1)
	opts.Started = func(im feedback.Import) { started <- im }
	actor, ws := r.Actor(), r.Workspace
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		defer os.Remove(path)
		_, err := ingest.Run(a.jobCtx, a.store, actor, ws, func() (io.ReadCloser, error) { return os.Open(path) }, opts)
		if err == nil {
			a.feedbackChanged(a.jobCtx, ws)
		}
		var refused *ingest.RefusedError
		if err != nil && !errors.As(err, &refused) {
			a.log.Warn("import", "workspace", ws, "error", err)
		}
		failed <- err
	}()
	select {
	case im := <-started:
		return im, nil
	case err := <-failed:
		// It ended before it was recorded: the file could not be read or the mapping does
		// not fit it.
		return feedback.Import{}, importError(err)
	case <-r.Context().Done():
		return feedback.Import{}, r.Context().Err()
	}
}

// streamImport sends an import's progress as server-sent events until it finishes. It reads
// the database, so it follows an import that any process runs.
func (a *API) streamImport(w http.ResponseWriter, r *Request) error {
	id, err := r.PathID("import")
	if err != nil {
		return err
	}
	im, err := a.store.Import(r.Context(), r.Workspace, id)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	tick := time.NewTicker(a.streamEvery)
	defer tick.Stop()
	var last int64 = -1
	for n := 0; ; n++ {
		_ = rc.SetWriteDeadline(time.Now().Add(time.Minute))
		event := "progress"
		if im.Status.Finished() {
			event = "done"
		}
		if im.RowsDone != last || event == "done" || im.Status == feedback.ImportValidating && n == 0 {
			if err := writeEvent(w, event, strconv.FormatInt(im.ID, 10)+"-"+strconv.Itoa(n), im); err != nil {
				return nil // the client went away
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
			last = im.RowsDone
		}
		if event == "done" {
			return nil
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-a.jobCtx.Done():
			return nil
		case <-tick.C:
		}
		if im, err = a.store.Import(r.Context(), r.Workspace, id); err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			a.log.Warn("import stream", "import", id, "error", err)
			return nil
		}
	}
}

// MappingInput names a mapping to save.
type MappingInput struct {
	Name    string           `json:"name"`
	Mapping importer.Mapping `json:"mapping"`
}

// Validate checks the name and the parts of the mapping that need no file.
func (in *MappingInput) Validate() error {
	var v fault.Validation
	v.Check(in.Name != "" && len(in.Name) <= 100 && !strings.ContainsAny(in.Name, "/?#"), "name", "must be 1 to 100 characters without / ? or #")
	v.Check(in.Mapping.Format == "" || formatKnown(in.Mapping.Format), "mapping.format", "is not a format Lodestar reads")
	return v.Err()
}

func formatKnown(name string) bool {
	_, err := importer.FormatByName(name)
	return err == nil
}

// MappingReplace is a saved mapping's new content.
type MappingReplace struct {
	Mapping importer.Mapping `json:"mapping"`
}

func (a *API) createMapping(r *Request, in MappingInput) (store.SavedMapping, error) {
	b, err := json.Marshal(in.Mapping)
	if err != nil {
		return store.SavedMapping{}, err
	}
	return a.store.SaveMapping(r.Context(), r.Actor(), r.Workspace, in.Name, b)
}

func (a *API) getMapping(r *Request, _ Empty) (store.SavedMapping, error) {
	return a.store.SavedMappingNamed(r.Context(), r.Workspace, r.PathValue("name"))
}

func (a *API) replaceMapping(r *Request, in MappingReplace) (store.SavedMapping, error) {
	b, err := json.Marshal(in.Mapping)
	if err != nil {
		return store.SavedMapping{}, err
	}
	return a.store.ReplaceMapping(r.Context(), r.Actor(), r.Workspace, r.PathValue("name"), r.IfMatch, b)
}

func (a *API) deleteMapping(r *Request, _ Empty) (Empty, error) {
	return Empty{}, a.store.DeleteMapping(r.Context(), r.Actor(), r.Workspace, r.PathValue("name"), r.IfMatch)
}

func (a *API) listMappings(r *Request, _ Empty) (List[store.SavedMapping], error) {
	p, err := parsePage(r.Request)
	if err != nil {
		return List[store.SavedMapping]{}, err
	}
	items, next, err := a.store.SavedMappings(r.Context(), r.Workspace, p)
	return listOf(items, next), err
}
