package roadmapdoc

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lodestar-cx/lodestar/internal/audit"
	"github.com/lodestar-cx/lodestar/internal/journey"
	"github.com/lodestar-cx/lodestar/internal/store"
)

// A journey is known by its key; its stages by their names (a renamed stage is a new one, and
// the touchpoints that name it move to it); its touchpoints and pain points by keys of their
// own within the journey. The store keeps those as journey-key/key, the name the initiatives'
// links use, because a document key is unique in the workspace.

// keyedJourney is a stored journey map with the keys of its touchpoints and pain points.
type keyedJourney struct {
	journey.Map
	key         string
	touchpoints map[string]journey.Touchpoint // by key
	painPoints  map[string]journey.PainPoint  // by key
	tpKey       map[int64]string              // by id
	ppKey       map[int64]string              // by id
}

func (s *snapshot) loadJourneys(ctx context.Context, st *store.Store, ws int64) error {
	js, err := all(func(p store.Page) ([]journey.Journey, int64, error) { return st.Journeys(ctx, ws, p) })
	if err != nil {
		return err
	}
	s.journeys = make([]keyedJourney, len(js))
	for i, j := range js {
		if s.journeys[i].Map, err = st.JourneyMap(ctx, ws, j.ID); err != nil {
			return err
		}
	}
	if s.journeyKeys, err = st.DocKeys(ctx, ws, "journeys"); err != nil {
		return err
	}
	if s.touchpointKeys, err = st.DocKeys(ctx, ws, "touchpoints"); err != nil {
		return err
	}
	if s.painPointKeys, err = st.DocKeys(ctx, ws, "pain_points"); err != nil {
		return err
	}
	if s.touchpointLinks, err = st.TouchpointLinks(ctx, ws); err != nil {
		return err
	}
	if s.painPointLinks, err = st.PainPointLinks(ctx, ws); err != nil {
		return err
	}
	return nil
}

// assignJourneyKeys keys the journeys, and within each its touchpoints and pain points, as
// assignKeys does the other objects: the stored key, else one made from the name, in id order.
func (s *snapshot) assignJourneyKeys() {
	own := make([]string, len(s.journeys))
	for i, j := range s.journeys {
		own[i] = s.journeyKeys[j.ID]
	}
	k := newKeyer(own)
	s.touchpointRef, s.painPointRef = map[int64]string{}, map[int64]string{}
	for i := range s.journeys {
		j := &s.journeys[i]
		j.key = k.key(own[i], j.Name)
		var tps []journey.Touchpoint
		for _, st := range j.Stages {
			tps = append(tps, st.Touchpoints...)
		}
		slices.SortFunc(tps, func(a, b journey.Touchpoint) int { return cmp.Compare(a.ID, b.ID) })
		j.touchpoints, j.tpKey = map[string]journey.Touchpoint{}, map[int64]string{}
		tk := newKeyer(nil)
		ownTP := map[int64]string{}
		for _, tp := range tps {
			if key := s.ownKey(s.touchpointKeys[tp.ID], j.key); key != "" {
				ownTP[tp.ID] = key
				tk.taken[key] = true
			}
		}
		for _, tp := range tps {
			key := tk.key(ownTP[tp.ID], tp.Name)
			j.touchpoints[key], j.tpKey[tp.ID] = tp, key
			s.touchpointRef[tp.ID] = ref(j.key, key)
		}
		j.painPoints, j.ppKey = map[string]journey.PainPoint{}, map[int64]string{}
		pk := newKeyer(nil)
		ownPP := map[int64]string{}
		for _, pp := range j.PainPoints {
			if key := s.ownKey(s.painPointKeys[pp.ID], j.key); key != "" {
				ownPP[pp.ID] = key
				pk.taken[key] = true
			}
		}
		for _, pp := range j.PainPoints { // in id order, as the store lists them
			key := pk.key(ownPP[pp.ID], pp.Title)
			j.painPoints[key], j.ppKey[pp.ID] = pp, key
			s.painPointRef[pp.ID] = ref(j.key, key)
		}
	}
}

// ownKey is the key within its journey that a stored journey-key/key gives a touchpoint or a
// pain point, or "" when it was stored under another journey key.
func (s *snapshot) ownKey(stored, journeyKey string) string {
	key, ok := strings.CutPrefix(stored, journeyKey+"/")
	if !ok || !keyPattern.MatchString(key) {
		return ""
	}
	return key
}

// journeyDocs renders the journeys by key: stages in order, touchpoints by stage and then by
// key, pain points by key.
func (s *snapshot) journeyDocs() []Journey {
	out := []Journey{}
	for _, j := range s.journeys {
		d := Journey{Key: j.key, Name: j.Name, Persona: j.Persona, Owner: s.owner(j.OwnerUserID, j.OwnerTeamID),
			ReviewCadenceDays: j.ReviewCadenceDays}
		for _, st := range j.Stages {
			d.Stages = append(d.Stages, st.Name)
			var tps []Touchpoint
			for _, tp := range st.Touchpoints {
				tps = append(tps, Touchpoint{Key: j.tpKey[tp.ID], Name: tp.Name, Stage: st.Name, Channel: string(tp.Channel),
					Team: s.teamNames[tp.TeamID], Event: tp.EventName})
			}
			slices.SortFunc(tps, func(a, b Touchpoint) int { return cmp.Compare(a.Key, b.Key) })
			d.Touchpoints = append(d.Touchpoints, tps...)
		}
		for _, pp := range j.PainPoints {
			var ev []Evidence
			for _, e := range pp.Evidence {
				ev = append(ev, Evidence{Title: e.Title, URL: e.URL})
			}
			d.PainPoints = append(d.PainPoints, PainPoint{Key: j.ppKey[pp.ID], Title: pp.Title, Description: pp.Description,
				Severity: pp.Severity, Status: string(pp.Status), Touchpoint: j.tpKey[pp.TouchpointID], Evidence: ev})
		}
		slices.SortFunc(d.PainPoints, func(a, b PainPoint) int { return cmp.Compare(a.Key, b.Key) })
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Journey) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// linkRefs names, sorted, the touchpoints and pain points an initiative is linked to.
func (s *snapshot) linkRefs(initiative int64) (touchpoints, painPoints []string) {
	for _, l := range s.touchpointLinks[initiative] {
		touchpoints = append(touchpoints, s.touchpointRef[l.TouchpointID])
	}
	for _, l := range s.painPointLinks[initiative] {
		painPoints = append(painPoints, s.painPointRef[l.PainPointID])
	}
	slices.Sort(touchpoints)
	slices.Sort(painPoints)
	return touchpoints, painPoints
}

// journeyInput is a document journey as the domain's input, validated. A journey without
// stages has none: the domain's default stages are for journeys made without a list.
func (p *plan) journeyInput(j Journey) (journey.JourneyInput, error) {
	days := j.ReviewCadenceDays
	in := journey.JourneyInput{Name: j.Name, Persona: j.Persona, ReviewCadenceDays: &days}
	if len(j.Stages) > 0 {
		in.Stages = slices.Clone(j.Stages) // Validate trims them in place
	}
	if j.Owner != nil {
		in.OwnerUserID, in.OwnerTeamID = p.snap.userIDs[strings.ToLower(j.Owner.User)], p.snap.teamIDs[j.Owner.Team]
	}
	err := in.Validate()
	if len(j.Stages) == 0 {
		in.Stages = []string{}
	}
	return in, err
}

func touchpointInput(t Touchpoint, stage, team int64) journey.TouchpointInput {
	return journey.TouchpointInput{StageID: stage, Name: t.Name, Channel: journey.Channel(t.Channel), TeamID: team, EventName: t.Event}
}

func painPointInput(pp PainPoint, touchpoint int64) journey.PainPointInput {
	ev := make([]journey.Evidence, len(pp.Evidence)) // Validate trims them in place
	for i, e := range pp.Evidence {
		ev[i] = journey.Evidence{Title: e.Title, URL: e.URL}
	}
	return journey.PainPointInput{Title: pp.Title, Description: pp.Description, Severity: pp.Severity,
		Status: journey.PainStatus(pp.Status), TouchpointID: touchpoint, Evidence: ev}
}

// trimmed returns names without surrounding spaces, as the domain stores them.
func trimmed(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.TrimSpace(n)
	}
	return out
}

// checkJourneys checks the document's journeys and returns the touchpoints and pain points
// they hold, as journey-key/key, for the initiatives' links.
func (p *plan) checkJourneys(c *checker) (touchpoints, painPoints map[string]bool) {
	touchpoints, painPoints = map[string]bool{}, map[string]bool{}
	keys := map[string]bool{}
	for i, j := range p.doc.Journeys {
		path := fmt.Sprintf("journeys[%d]", i)
		c.key(path, j.Key, keys)
		if j.Owner != nil {
			p.resolveOwner(c, path+".owner", j.Owner.User, j.Owner.Team)
		}
		in, err := p.journeyInput(j)
		c.nested(path, err)
		tpKeys := map[string]bool{}
		events := map[string]int{}
		for k, t := range j.Touchpoints {
			tp := fmt.Sprintf("%s.touchpoints[%d]", path, k)
			c.key(tp, t.Key, tpKeys)
			if !slices.Contains(in.Stages, strings.TrimSpace(t.Stage)) {
				c.add(tp+".stage", "%q is not a stage of this journey", t.Stage)
			}
			var team int64
			if t.Team != "" {
				if team = p.snap.teamIDs[t.Team]; team == 0 {
					c.add(tp+".team", "%q is not a team of this workspace", t.Team)
				}
			}
			tin := touchpointInput(t, 1, team)
			c.nested(tp, tin.Validate())
			if tin.EventName != "" {
				if first, dup := events[tin.EventName]; dup {
					c.add(tp+".event", "%q is already the event of touchpoints[%d]: each milestone of a journey has its own", tin.EventName, first)
				} else {
					events[tin.EventName] = k
				}
			}
			touchpoints[ref(j.Key, t.Key)] = true
		}
		ppKeys := map[string]bool{}
		for k, pp := range j.PainPoints {
			pth := fmt.Sprintf("%s.painPoints[%d]", path, k)
			c.key(pth, pp.Key, ppKeys)
			if pp.Touchpoint != "" && !tpKeys[pp.Touchpoint] {
				c.add(pth+".touchpoint", "%q is not a touchpoint of this journey", pp.Touchpoint)
			}
			if pp.Status == "" {
				c.add(pth+".status", "is required: open, acknowledged or solved")
			}
			pin := painPointInput(pp, 0)
			c.nested(pth, pin.Validate())
			painPoints[ref(j.Key, pp.Key)] = true
		}
	}
	return touchpoints, painPoints
}

// checkLinks checks the references of an initiative's links at path (its touchpoints or
// painPoints) against what the document holds.
func checkLinks(c *checker, path, what string, refs []string, known map[string]bool) {
	for j, r := range refs {
		lp := fmt.Sprintf("%s[%d]", path, j)
		switch {
		case !known[r]:
			c.add(lp, "%q is not a %s of this document: name it journey-key/%s-key", r, what, strings.ReplaceAll(what, " ", "-"))
		case slices.Index(refs, r) != j:
			c.add(lp, "%q is listed twice", r)
		}
	}
}

// journeyChanges lists the changes to journeys in the order applyJourneys makes them, but
// that a stage which still holds touchpoints goes only once they have moved.
func (p *plan) journeyChanges(cur Document) []Change {
	var out []Change
	curJ := map[string]Journey{}
	for _, j := range cur.Journeys {
		curJ[j.Key] = j
	}
	inDoc := map[string]bool{}
	for _, j := range p.doc.Journeys {
		inDoc[j.Key] = true
		was, ok := curJ[j.Key]
		switch {
		case !ok:
			out = append(out, Change{Op: "create", Kind: "journey", Key: j.Key})
			was = Journey{Stages: trimmed(j.Stages)} // made with its stages
		default:
			if fs := diffFields(was, j, "stages", "touchpoints", "painPoints"); len(fs) > 0 {
				out = append(out, Change{Op: "update", Kind: "journey", Key: j.Key, Fields: fs})
			}
		}
		out = append(out, journeyPartChanges(was, j)...)
	}
	for _, j := range cur.Journeys {
		if !inDoc[j.Key] {
			out = append(out, Change{Op: "delete", Kind: "journey", Key: j.Key})
		}
	}
	return out
}

// journeyPartChanges lists the changes to a journey's stages, touchpoints and pain points.
func journeyPartChanges(was, j Journey) []Change {
	var out []Change
	name := func(key string) string { return ref(j.Key, key) }
	docTP, docPP := map[string]bool{}, map[string]bool{}
	for _, t := range j.Touchpoints {
		docTP[t.Key] = true
	}
	for _, pp := range j.PainPoints {
		docPP[pp.Key] = true
	}
	for _, pp := range was.PainPoints {
		if !docPP[pp.Key] {
			out = append(out, Change{Op: "delete", Kind: "pain point", Key: name(pp.Key)})
		}
	}
	for _, t := range was.Touchpoints {
		if !docTP[t.Key] {
			out = append(out, Change{Op: "delete", Kind: "touchpoint", Key: name(t.Key)})
		}
	}
	stages := trimmed(j.Stages)
	for _, st := range was.Stages {
		if !slices.Contains(stages, st) {
			out = append(out, Change{Op: "delete", Kind: "stage", Key: name(st)})
		}
	}
	for _, st := range stages {
		if !slices.Contains(was.Stages, st) {
			out = append(out, Change{Op: "create", Kind: "stage", Key: name(st)})
		}
	}
	wasTP := map[string]Touchpoint{}
	for _, t := range was.Touchpoints {
		wasTP[t.Key] = t
	}
	for _, t := range j.Touchpoints {
		w, ok := wasTP[t.Key]
		switch {
		case !ok:
			out = append(out, Change{Op: "create", Kind: "touchpoint", Key: name(t.Key)})
		default:
			if fs := diffFields(w, t); len(fs) > 0 {
				out = append(out, Change{Op: "update", Kind: "touchpoint", Key: name(t.Key), Fields: fs})
			}
		}
	}
	wasPP := map[string]PainPoint{}
	for _, pp := range was.PainPoints {
		wasPP[pp.Key] = pp
	}
	for _, pp := range j.PainPoints {
		w, ok := wasPP[pp.Key]
		switch {
		case !ok:
			out = append(out, Change{Op: "create", Kind: "pain point", Key: name(pp.Key)})
		default:
			if fs := diffFields(w, pp); len(fs) > 0 {
				out = append(out, Change{Op: "update", Kind: "pain point", Key: name(pp.Key), Fields: fs})
			}
		}
	}
	if !slices.Equal(stagesAfter(was.Stages, stages), stages) {
		out = append(out, Change{Op: "update", Kind: "stage order", Key: j.Key,
			Fields: []FieldChange{{Field: "stages", From: strings.Join(was.Stages, ", "), To: strings.Join(stages, ", ")}}})
	}
	return out
}

// stagesAfter is the order of a journey's stages once the stages the document drops are
// deleted and the ones it adds are added, at the end, in its order.
func stagesAfter(current, doc []string) []string {
	var out []string
	for _, st := range current {
		if slices.Contains(doc, st) {
			out = append(out, st)
		}
	}
	for _, st := range doc {
		if !slices.Contains(current, st) {
			out = append(out, st)
		}
	}
	return out
}

// journeyIDs are the ids of the document's touchpoints and pain points once applied, by
// journey-key/key.
type journeyIDs struct {
	touchpoints map[string]int64
	painPoints  map[string]int64
}

// applyJourneys makes the journeys of the document through tx: each journey in turn, then
// deletes the journeys the document no longer has (their stages, touchpoints, pain points and
// links go with them).
func (p *plan) applyJourneys(ctx context.Context, tx *store.Store, a audit.Actor, ws int64) (journeyIDs, error) {
	ids := journeyIDs{touchpoints: map[string]int64{}, painPoints: map[string]int64{}}
	stored := map[string]*keyedJourney{}
	for i := range p.snap.journeys {
		stored[p.snap.journeys[i].key] = &p.snap.journeys[i]
	}
	rendered := map[string]Journey{}
	for _, j := range p.snap.journeyDocs() {
		rendered[j.Key] = j
	}
	inDoc := map[string]bool{}
	for _, j := range p.doc.Journeys {
		inDoc[j.Key] = true
		if err := p.applyJourney(ctx, tx, a, ws, j, stored[j.Key], rendered[j.Key], ids); err != nil {
			return ids, fmt.Errorf("journey %s: %w", j.Key, err)
		}
	}
	for _, j := range p.snap.journeys {
		if !inDoc[j.key] {
			if err := tx.DeleteJourney(ctx, a, ws, j.ID, j.Version); err != nil {
				return ids, fmt.Errorf("journey %s: %w", j.key, err)
			}
		}
	}
	return ids, nil
}

// applyJourney makes one journey of the document: was is the stored one (nil when new) and
// cur its rendering. The order follows what the store refuses: a stage goes only once its
// touchpoints have moved out or gone, a milestone's event passes to another touchpoint only
// once the one holding it has let it go, and a pain point names only a touchpoint that exists.
func (p *plan) applyJourney(ctx context.Context, tx *store.Store, a audit.Actor, ws int64, j Journey, was *keyedJourney,
	cur Journey, ids journeyIDs) error {
	in, err := p.journeyInput(j)
	if err != nil {
		return err
	}
	var id int64
	if was == nil {
		m, err := tx.CreateJourney(ctx, a, ws, in)
		if err != nil {
			return err
		}
		id = m.ID
		was = &keyedJourney{Map: m, touchpoints: map[string]journey.Touchpoint{}, painPoints: map[string]journey.PainPoint{}}
		cur = Journey{Stages: in.Stages}
	} else {
		id = was.ID
		if len(diffFields(cur, j, "stages", "touchpoints", "painPoints")) > 0 {
			up := journey.JourneyUpdate{Name: &in.Name, Persona: &in.Persona, OwnerUserID: &in.OwnerUserID,
				OwnerTeamID: &in.OwnerTeamID, ReviewCadenceDays: in.ReviewCadenceDays}
			if _, err := tx.UpdateJourney(ctx, a, ws, id, was.Version, up); err != nil {
				return err
			}
		}
	}
	if err := tx.SetDocKey(ctx, ws, "journeys", id, j.Key); err != nil {
		return err
	}

	// The pain points and touchpoints that go. A touchpoint's pain points are detached
	// with it, which changes their versions.
	docTP, docPP := map[string]Touchpoint{}, map[string]PainPoint{}
	for _, t := range j.Touchpoints {
		docTP[t.Key] = t
	}
	for _, pp := range j.PainPoints {
		docPP[pp.Key] = pp
	}
	for _, key := range sortedKeys(was.painPoints) {
		if _, ok := docPP[key]; !ok {
			pp := was.painPoints[key]
			if err := tx.DeletePainPoint(ctx, a, ws, id, pp.ID, pp.Version); err != nil {
				return fmt.Errorf("pain point %s: %w", key, err)
			}
		}
	}
	deleted := map[int64]bool{}
	for _, key := range sortedKeys(was.touchpoints) {
		if _, ok := docTP[key]; !ok {
			t := was.touchpoints[key]
			if err := tx.DeleteTouchpoint(ctx, a, ws, id, t.ID, t.Version); err != nil {
				return fmt.Errorf("touchpoint %s: %w", key, err)
			}
			deleted[t.ID] = true
		}
	}

	// Stages: the empty ones that go, first, so that the new ones fit under the limit; then
	// the new ones, at the end.
	if err := deleteStages(ctx, tx, a, ws, id, in.Stages, true); err != nil {
		return err
	}
	m, err := tx.JourneyMap(ctx, ws, id)
	if err != nil {
		return err
	}
	stageID := map[string]int64{}
	for _, st := range m.Stages {
		stageID[st.Name] = st.ID
	}
	for _, name := range in.Stages {
		if _, ok := stageID[name]; ok {
			continue
		}
		st, err := tx.CreateStage(ctx, a, ws, id, journey.StageInput{Name: name})
		if err != nil {
			return fmt.Errorf("stage %q: %w", name, err)
		}
		stageID[name] = st.ID
	}

	// Touchpoints. An event that passes from one kept touchpoint to another is let go first.
	curTP := map[string]Touchpoint{}
	for _, t := range cur.Touchpoints {
		curTP[t.Key] = t
	}
	eventOf := map[string]string{} // the touchpoint key that wants each event
	for _, t := range j.Touchpoints {
		if e := strings.TrimSpace(t.Event); e != "" {
			eventOf[e] = t.Key
		}
	}
	version := map[int64]int64{}
	for _, key := range sortedKeys(was.touchpoints) {
		t := was.touchpoints[key]
		version[t.ID] = t.Version
		if _, kept := docTP[key]; !kept || t.EventName == "" {
			continue
		}
		if other, ok := eventOf[t.EventName]; ok && other != key {
			made, err := tx.UpdateTouchpoint(ctx, a, ws, id, t.ID, t.Version, journey.TouchpointUpdate{EventName: ptr("")})
			if err != nil {
				return fmt.Errorf("touchpoint %s: %w", key, err)
			}
			version[t.ID] = made.Version
			curTP[key] = Touchpoint{} // so that the update below sets every field
		}
	}
	for _, t := range j.Touchpoints {
		tin := touchpointInput(t, stageID[strings.TrimSpace(t.Stage)], p.snap.teamIDs[t.Team])
		if err := tin.Validate(); err != nil {
			return err
		}
		w, ok := was.touchpoints[t.Key]
		var tid int64
		switch {
		case !ok:
			made, err := tx.CreateTouchpoint(ctx, a, ws, id, tin)
			if err != nil {
				return fmt.Errorf("touchpoint %s: %w", t.Key, err)
			}
			tid = made.ID
		default:
			tid = w.ID
			if len(diffFields(curTP[t.Key], t)) > 0 {
				up := journey.TouchpointUpdate{StageID: &tin.StageID, Name: &tin.Name, Channel: &tin.Channel, TeamID: &tin.TeamID,
					EventName: &tin.EventName}
				if _, err := tx.UpdateTouchpoint(ctx, a, ws, id, w.ID, version[w.ID], up); err != nil {
					return fmt.Errorf("touchpoint %s: %w", t.Key, err)
				}
			}
		}
		ids.touchpoints[ref(j.Key, t.Key)] = tid
		if err := tx.SetDocKey(ctx, ws, "touchpoints", tid, ref(j.Key, t.Key)); err != nil {
			return err
		}
	}

	// Pain points, now that every touchpoint they may name exists.
	curPP := map[string]PainPoint{}
	for _, pp := range cur.PainPoints {
		curPP[pp.Key] = pp
	}
	for _, pp := range j.PainPoints {
		var tp int64
		if pp.Touchpoint != "" {
			tp = ids.touchpoints[ref(j.Key, pp.Touchpoint)]
		}
		pin := painPointInput(pp, tp)
		if err := pin.Validate(); err != nil {
			return err
		}
		w, ok := was.painPoints[pp.Key]
		var pid int64
		switch {
		case !ok:
			made, err := tx.CreatePainPoint(ctx, a, ws, id, pin)
			if err != nil {
				return fmt.Errorf("pain point %s: %w", pp.Key, err)
			}
			pid = made.ID
		default:
			pid = w.ID
			if len(diffFields(curPP[pp.Key], pp)) > 0 {
				v := w.Version
				if deleted[w.TouchpointID] {
					now, err := tx.PainPoint(ctx, ws, id, w.ID)
					if err != nil {
						return err
					}
					v = now.Version
				}
				up := journey.PainPointUpdate{Title: &pin.Title, Description: &pin.Description, Severity: &pin.Severity,
					Status: &pin.Status, TouchpointID: &pin.TouchpointID, Evidence: &pin.Evidence}
				if _, err := tx.UpdatePainPoint(ctx, a, ws, id, w.ID, v, up); err != nil {
					return fmt.Errorf("pain point %s: %w", pp.Key, err)
				}
			}
		}
		ids.painPoints[ref(j.Key, pp.Key)] = pid
		if err := tx.SetDocKey(ctx, ws, "pain_points", pid, ref(j.Key, pp.Key)); err != nil {
			return err
		}
	}

	// The stages that go, empty now that their touchpoints have moved or gone; then the order.
	if err := deleteStages(ctx, tx, a, ws, id, in.Stages, false); err != nil {
		return err
	}
	if m, err = tx.JourneyMap(ctx, ws, id); err != nil {
		return err
	}
	names := make([]string, len(m.Stages))
	for i, st := range m.Stages {
		names[i] = st.Name
	}
	if !slices.Equal(names, in.Stages) {
		order := make([]int64, len(in.Stages))
		for i, name := range in.Stages {
			order[i] = stageID[name]
		}
		if _, err := tx.ReorderStages(ctx, a, ws, id, order); err != nil {
			return err
		}
	}
	return nil
}

// deleteStages deletes the journey's stages that keep does not name; with onlyEmpty, only
// those without touchpoints. Each deletion moves the stages after it, and so changes their
// versions: the map is read again before each.
func deleteStages(ctx context.Context, tx *store.Store, a audit.Actor, ws, journeyID int64, keep []string, onlyEmpty bool) error {
	for {
		m, err := tx.JourneyMap(ctx, ws, journeyID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(m.Stages, func(st journey.Stage) bool {
			return !slices.Contains(keep, st.Name) && (!onlyEmpty || len(st.Touchpoints) == 0)
		})
		if i < 0 {
			return nil
		}
		if err := tx.DeleteStage(ctx, a, ws, journeyID, m.Stages[i].ID, m.Stages[i].Version); err != nil {
			return fmt.Errorf("stage %q: %w", m.Stages[i].Name, err)
		}
	}
}

// applyLinks links each initiative of the document to the touchpoints and pain points it
// names, and unlinks it from the others. It reads the links through tx, so that those gone
// with a deleted touchpoint, pain point, journey or initiative are not looked for.
func (p *plan) applyLinks(ctx context.Context, tx *store.Store, a audit.Actor, ws int64, initID map[string]int64, ids journeyIDs) error {
	tls, err := tx.TouchpointLinks(ctx, ws)
	if err != nil {
		return err
	}
	pls, err := tx.PainPointLinks(ctx, ws)
	if err != nil {
		return err
	}
	for _, it := range p.doc.Initiatives {
		id := initID[it.Key]
		want := make([]int64, len(it.Touchpoints))
		for i, r := range it.Touchpoints {
			want[i] = ids.touchpoints[r]
		}
		have := make([]int64, len(tls[id]))
		for i, l := range tls[id] {
			have[i] = l.TouchpointID
		}
		if err := relink(have, want,
			func(tp int64) error { return tx.UnlinkTouchpoint(ctx, a, ws, id, tp) },
			func(tp int64) error { _, err := tx.LinkTouchpoint(ctx, a, ws, id, tp); return err }); err != nil {
			return fmt.Errorf("initiative %s touchpoints: %w", it.Key, err)
		}
		want = make([]int64, len(it.PainPoints))
		for i, r := range it.PainPoints {
			want[i] = ids.painPoints[r]
		}
		have = make([]int64, len(pls[id]))
		for i, l := range pls[id] {
			have[i] = l.PainPointID
		}
		if err := relink(have, want,
			func(pp int64) error { return tx.UnlinkPainPoint(ctx, a, ws, id, pp) },
			func(pp int64) error { _, err := tx.LinkPainPoint(ctx, a, ws, id, pp); return err }); err != nil {
			return fmt.Errorf("initiative %s pain points: %w", it.Key, err)
		}
	}
	return nil
}

// relink removes the links in have that want lacks and adds those want has that have lacks.
func relink(have, want []int64, unlink, link func(int64) error) error {
	for _, id := range have {
		if !slices.Contains(want, id) {
			if err := unlink(id); err != nil {
				return err
			}
		}
	}
	for _, id := range want {
		if !slices.Contains(have, id) {
			if err := link(id); err != nil {
				return err
			}
		}
	}
	return nil
}
