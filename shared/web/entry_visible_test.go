package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// TestRelatedEntries checks that an entry's related entries are shown by title to whoever
// may read them, and left out for everyone else, on the page and in the API — except for
// those who may edit the entry, who get the list as stored.
func TestRelatedEntries(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	const (
		slug     = "lorawan-sensornetz-fuer-pegelstaende" // public, of Kaiserslautern
		public   = "bodenfeuchte-fuer-stadtbaeume"
		internal = "buergerhaushalt-online"
	)
	coord := auth.Viewer{User: &wiki.User{Role: wiki.RoleCoordinator, Name: "Karla Koordination"}}
	e, err := a.Entry(t.Context(), coord, slug)
	if err != nil {
		t.Fatal(err)
	}
	e.Related = []string{public, internal, "gibt-es-nicht"}
	if _, err := a.UpdateEntry(t.Context(), coord, slug, e, "Verwandte Einträge"); err != nil {
		t.Fatal(err)
	}
	_, owner := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	_, other := apiUser(t, a, "zoe@beispiel-zweibruecken.de", wiki.RoleMember, "07320000")
	member := newClient(t, ts)
	member.signIn(a, "zora@beispiel-zweibruecken.de", wiki.RoleMember, "07320000")

	tests := []struct {
		name  string
		token string
		want  []string
	}{
		{"visitor", "", []string{public}},
		{"member of another municipality", other, []string{public, internal}},
		{"member who may edit", owner, []string{public, internal, "gibt-es-nicht"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/entries/" + slug, token: tt.token})
			var got wiki.Entry
			if err := json.Unmarshal([]byte(resp.raw), &got); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Related, tt.want) {
				t.Errorf("related = %v, want %v", got.Related, tt.want)
			}
		})
	}

	_, page := get(t, ts, "/eintraege/"+slug)
	if !strings.Contains(page, `<a href="/eintraege/`+public+`">Bodenfeuchte für Stadtbäume</a>`) || strings.Contains(page, `href="/eintraege/gibt-es-nicht"`) ||
		strings.Contains(page, "Bürgerhaushalt online") {
		t.Error("visitor's page: want the public related entry by title, and neither the internal nor the missing one")
	}
	_, page = member.get("/eintraege/" + slug)
	if !strings.Contains(page, `<a href="/eintraege/`+internal+`">Bürgerhaushalt online</a>`) {
		t.Error("member's page lacks the internal related entry")
	}
}

// TestAPIHidesWorkflowFields checks that the API gives the coordinator's comment and the
// submitter's id only to those the policy lets see them (auth.EntryFor).
func TestAPIHidesWorkflowFields(t *testing.T) {
	t.Parallel()
	ts, a := newTestServer(t)
	member, owner := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	coord, coordToken := apiUser(t, a, "karla@beispiel-kommune.de", wiki.RoleCoordinator, "")
	_, other := apiUser(t, a, "zoe@beispiel-zweibruecken.de", wiki.RoleMember, "07320000")
	in := &wiki.Entry{Title: "Digitaler Mängelmelder", Kind: wiki.KindSolution, Municipality: "07312000",
		Summary: "Bürgerinnen melden Schäden per App.", Topics: []string{"buergerbeteiligung"},
		ProjectStatus: wiki.StatusRunning, Visibility: wiki.Public}
	e, err := a.CreateEntry(t.Context(), member, in, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if e, err = a.Transition(t.Context(), coord, e.Slug, e.Version, wiki.StatePublished, "Danke, intern: Kosten prüfen."); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, token        string
		comment, submitter bool
	}{
		{"visitor", "", false, false},
		{"member of another municipality", other, false, false},
		{"member of the owning municipality", owner, true, false},
		{"coordinator", coordToken, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := callAPI(t, ts, nil, apiRequest{method: "GET", path: "/api/v1/entries/" + e.Slug, token: tt.token})
			if got := strings.Contains(resp.raw, `"state_comment"`); got != tt.comment {
				t.Errorf("state_comment in the answer = %v, want %v\n%s", got, tt.comment, resp.raw)
			}
			if got := strings.Contains(resp.raw, `"submitted_by"`); got != tt.submitter {
				t.Errorf("submitted_by in the answer = %v, want %v", got, tt.submitter)
			}
		})
	}
}
