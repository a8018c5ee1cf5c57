package app

import (
	"reflect"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func TestWorkflow(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, coord := users(t, a)
	e, err := a.CreateEntry(ctx, member, newEntry(), "", true)
	if err != nil {
		t.Fatal(err)
	}
	q, err := a.ReviewQueue(ctx, coord, ReviewFilter{})
	if err != nil || q.Total != 1 || len(q.Items) != 1 || q.Items[0].Entry.Slug != e.Slug {
		t.Fatalf("review queue = %+v, %v; want the submitted entry", q, err)
	}
	if got, want := q.Items[0], (ReviewItem{Entry: q.Items[0].Entry, MunicipalityName: a.Names().MunicipalityName("07312000"),
		SubmittedBy: "Max Muster", Topics: []string{a.Names().TopicName("buergerbeteiligung")}}); !reflect.DeepEqual(got, want) {
		t.Errorf("review item = %+v, want %+v", got, want)
	}
	if _, err := a.ReviewQueue(ctx, member, ReviewFilter{}); wiki.ErrorCode(err) != wiki.EFORBIDDEN {
		t.Errorf("member opening review queue: %v, want EFORBIDDEN", err)
	}
	d, err := a.Dashboard(ctx, coord)
	if err != nil || d.Review != 1 || d.Changes != 0 || d.People != 2 || !d.Outbox ||
		d.Municipalities != len(a.Municipalities()) || d.Topics != len(a.Topics()) {
		t.Errorf("dashboard = %+v, %v; want 1 to review, 2 people, the outbox and the catalog's sizes", d, err)
	}
	if _, err := a.Dashboard(ctx, member); wiki.ErrorCode(err) != wiki.EFORBIDDEN {
		t.Errorf("member opening the dashboard: %v, want EFORBIDDEN", err)
	}
	if _, err := a.Transition(ctx, member, e.Slug, 0, wiki.StatePublished, ""); wiki.ErrorCode(err) != wiki.EFORBIDDEN {
		t.Errorf("member publishing: %v, want EFORBIDDEN", err)
	}
	if _, err := a.Transition(ctx, coord, e.Slug, 0, wiki.StateChangesRequested, " "); wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("changes requested without comment: %v, want EINVALID", err)
	}
	e, err = a.Transition(ctx, coord, e.Slug, e.Version, wiki.StateChangesRequested, "Bitte Kosten ergänzen.")
	if err != nil || e.State != wiki.StateChangesRequested || e.StateComment != "Bitte Kosten ergänzen." {
		t.Fatalf("request changes: %+v, %v", e, err)
	}
	if _, err := a.Transition(ctx, coord, e.Slug, e.Version-1, wiki.StatePublished, ""); wiki.ErrorCode(err) != wiki.ECONFLICT {
		t.Errorf("decision on a stale version: %v, want ECONFLICT", err)
	}
	fix := e.Clone()
	fix.Costs = "ca. 12.000 €"
	if e, err = a.UpdateEntry(ctx, member, e.Slug, fix, "Kosten ergänzt"); err != nil {
		t.Fatal(err)
	}
	if e, err = a.Transition(ctx, member, e.Slug, e.Version, wiki.StateSubmitted, ""); err != nil {
		t.Fatal(err)
	}
	if e, err = a.Transition(ctx, coord, e.Slug, e.Version, wiki.StatePublished, ""); err != nil || e.State != wiki.StatePublished {
		t.Fatalf("publish: %v", err)
	}
	if res, _ := a.Search(ctx, auth.Visitor, search.Query{Text: "Mängelmelder"}, false); res.Total != 1 {
		t.Errorf("visitor finds %d published public entries, want 1", res.Total)
	}

	// A member's edit of a published entry goes live and waits for a check.
	live := e.Clone()
	live.Summary = "Jetzt auch mit Fotos."
	if e, err = a.UpdateEntry(ctx, member, e.Slug, live, "Fotos"); err != nil {
		t.Fatal(err)
	}
	changes, total, err := a.RecentChanges(ctx, coord, 1)
	if err != nil || total != 1 || len(changes) != 1 || changes[0].Entry.Slug != e.Slug || len(changes[0].Changes) != 1 {
		t.Fatalf("recent changes = %d %+v, %v; want the edited entry with its one change", total, changes, err)
	}
	if _, err := a.MarkChecked(ctx, coord, e.Slug, e.Version); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := a.RecentChanges(ctx, coord, 1); total != 0 {
		t.Errorf("recent changes after check = %d, want 0", total)
	}
	if e, err = a.SetFeatured(ctx, coord, e.Slug, 0, true); err != nil || !e.Featured {
		t.Fatalf("feature: %v", err)
	}
	if res, _ := a.Search(ctx, auth.Visitor, search.Query{Featured: true}, false); res.Total != 1 {
		t.Errorf("featured entries = %d, want 1", res.Total)
	}
	if e, err = a.Transition(ctx, coord, e.Slug, 0, wiki.StateArchived, "veraltet"); err != nil || e.Featured {
		t.Fatalf("archive: %v, featured %v", err, e.Featured)
	}
	if res, _ := a.Search(ctx, member, search.Query{Text: "Mängelmelder"}, false); res.Total != 0 {
		t.Errorf("archived entry in default search: %d", res.Total)
	}
	if res, _ := a.Search(ctx, member, search.Query{Text: "Mängelmelder"}, true); res.Total != 1 {
		t.Errorf("archived entry with archive option: %d, want 1", res.Total)
	}
	if _, err := a.Entry(ctx, auth.Visitor, e.Slug); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("visitor reading archived entry: %v, want ENOTFOUND", err)
	}
	msgs, err := a.Outbox(coord, 10)
	if err != nil || len(msgs) < 3 {
		t.Fatalf("outbox: %d messages, %v; want submission and decision mails", len(msgs), err)
	}
	var toMember int
	for _, m := range msgs {
		if m.To == "max@beispiel-kommune.de" {
			toMember++
		}
	}
	if toMember != 3 { // changes requested, published, archived
		t.Errorf("mails to the submitter = %d, want 3", toMember)
	}
	log, err := a.AuditLog(ctx, coord, "", 100)
	if err != nil || len(log) < 6 {
		t.Errorf("audit log = %d events, %v", len(log), err)
	}
}
