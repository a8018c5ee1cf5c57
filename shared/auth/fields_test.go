package auth

import (
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// TestEntryFor checks, field by field, what each role sees of an entry of municipality A.
func TestEntryFor(t *testing.T) {
	memberB := Viewer{&wiki.User{Role: wiki.RoleMember, Municipality: agsB}}
	full := func(state wiki.State) *wiki.Entry {
		return &wiki.Entry{ID: "01J0000000000000000000000A", Slug: "pegel", Title: "Pegel", Kind: wiki.KindSolution,
			Municipality: agsA, Partners: []string{agsB}, ExternalPartners: []string{"Firma"},
			Contact: wiki.Contact{Name: "Anna", Role: "Leitung", Email: "anna@a.de"},
			Summary: "kurz", Body: "lang", Topics: []string{"mobilitaet"}, Tags: []string{"x"}, ProjectStatus: wiki.StatusRunning,
			Costs: "1 €", Funding: "Land", Software: []string{"Go"}, Links: []wiki.Link{{Title: "l", URL: "https://a.de"}}, Related: []string{"b"},
			Visibility: wiki.Public, State: state, StateComment: "Bitte Kosten ergänzen.", SubmittedBy: "01J00000000000000000000USR",
			Featured: true, PatrolledVersion: 2, Version: 3, CreatedAt: time.Unix(1, 0), CreatedBy: "Anna", UpdatedAt: time.Unix(2, 0), UpdatedBy: "Ben"}
	}
	type seen struct{ contact, stateComment, submittedBy, patrolled bool }
	tests := []struct {
		name   string
		viewer Viewer
		state  wiki.State
		want   seen
	}{
		{"visitor", visitor, wiki.StatePublished, seen{}},
		{"disabled member", disabledA, wiki.StatePublished, seen{}},
		{"member of another municipality", memberB, wiki.StatePublished, seen{contact: true}},
		{"member of the owning municipality", memberA, wiki.StatePublished, seen{contact: true, stateComment: true}},
		{"member of the owning municipality, changes requested", memberA, wiki.StateChangesRequested, seen{contact: true, stateComment: true}},
		{"coordinator", coordinator, wiki.StateSubmitted, seen{contact: true, stateComment: true, submittedBy: true, patrolled: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := full(tt.state)
			got := EntryFor(tt.viewer, e)
			if got == e {
				t.Fatal("EntryFor returned the stored entry itself, want a copy")
			}
			check := func(field string, present, want bool) {
				if present != want {
					t.Errorf("%s shown = %v, want %v", field, present, want)
				}
			}
			check("contact", !got.Contact.IsZero(), tt.want.contact)
			check("state_comment", got.StateComment != "", tt.want.stateComment)
			check("submitted_by", got.SubmittedBy != "", tt.want.submittedBy)
			check("patrolled_version", got.PatrolledVersion != 0, tt.want.patrolled)
			// The content and the other control fields are everyone's who may read the entry.
			if got.Title != e.Title || got.Body != e.Body || got.Costs != e.Costs || len(got.Links) != 1 || len(got.Related) != 1 ||
				got.State != e.State || got.Version != e.Version || got.UpdatedBy != e.UpdatedBy || !got.Featured || got.Visibility != e.Visibility {
				t.Errorf("content changed: %+v", got)
			}
			if e.StateComment == "" || e.Contact.IsZero() || e.SubmittedBy == "" {
				t.Error("EntryFor changed the stored entry")
			}
		})
	}
}
