package app

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func TestCreateAndUpdateEntry(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, coord := users(t, a)
	e, err := a.CreateEntry(ctx, member, newEntry(), "neu", false)
	if err != nil {
		t.Fatalf("CreateEntry: %v", err)
	}
	if e.Slug != "digitaler-maengelmelder" || e.Version != 1 || e.State != wiki.StateDraft || e.CreatedBy != "Max Muster" {
		t.Errorf("created slug %q v%d state %q by %q, want digitaler-maengelmelder v1 draft by Max Muster", e.Slug, e.Version, e.State, e.CreatedBy)
	}
	second, err := a.CreateEntry(ctx, member, newEntry(), "", true)
	if err != nil {
		t.Fatal(err)
	}
	if !suffixedSlug("digitaler-maengelmelder").MatchString(second.Slug) || second.State != wiki.StateSubmitted {
		t.Errorf("second: %q %q, want digitaler-maengelmelder-<suffix> submitted", second.Slug, second.State)
	}
	other := newEntry()
	other.Municipality = "07320000"
	if _, err := a.CreateEntry(ctx, member, other, "", false); wiki.ErrorCode(err) != wiki.EFORBIDDEN {
		t.Errorf("member creating for another municipality: %v, want EFORBIDDEN", err)
	}
	if _, err := a.CreateEntry(ctx, auth.Visitor, newEntry(), "", false); wiki.ErrorCode(err) != wiki.EUNAUTHORIZED {
		t.Errorf("visitor creating: %v, want EUNAUTHORIZED", err)
	}

	edit := e.Clone()
	edit.Summary = "Bürgerinnen und Bürger melden Schäden per App und Web."
	edit.State = wiki.StateArchived // not editable through the form: must be kept
	edit.Municipality = "07320000"  // members cannot give an entry away
	updated, err := a.UpdateEntry(ctx, coord, e.Slug, edit, "Web ergänzt")
	if err != nil {
		t.Fatalf("UpdateEntry: %v", err)
	}
	if updated.Version != 2 || updated.State != wiki.StateDraft || updated.CreatedBy != "Max Muster" || updated.UpdatedBy != "Karla Koordination" || updated.Municipality != "07320000" {
		t.Errorf("updated = v%d %q created by %q updated by %q in %s", updated.Version, updated.State, updated.CreatedBy, updated.UpdatedBy, updated.Municipality)
	}

	// An editor who started from version 1 must not overwrite version 2.
	stale := e.Clone()
	stale.Summary = "Überholt"
	if _, err := a.UpdateEntry(ctx, coord, e.Slug, stale, ""); wiki.ErrorCode(err) != wiki.ECONFLICT {
		t.Fatalf("stale update: err = %v, want ECONFLICT", err)
	}
	cur, _ := a.Entry(ctx, coord, e.Slug)
	if cur.Summary != edit.Summary || cur.Version != 2 {
		t.Errorf("after stale update: v%d %q, want v2 %q", cur.Version, cur.Summary, edit.Summary)
	}
	// The entry now belongs to Zweibrücken: the Kaiserslautern member may no longer see
	// the draft, let alone edit it.
	if _, err := a.UpdateEntry(ctx, member, e.Slug, cur, ""); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("member editing another municipality's draft: %v, want ENOTFOUND", err)
	}

	_, revs, err := a.History(ctx, coord, e.Slug)
	if err != nil || len(revs) != 2 || revs[0].Comment != "Web ergänzt" || revs[1].Author != "Max Muster" {
		t.Fatalf("History = %+v, %v; want 2 revisions newest first", revs, err)
	}
	c, err := a.Compare(ctx, coord, e.Slug, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Changes) != 2 || c.Changes[1].Label != "Kurzbeschreibung" || c.From.Version != 1 {
		t.Errorf("Compare = %+v, want Kommune and Kurzbeschreibung from v1", c.Changes)
	}
	if _, err := a.Compare(ctx, coord, e.Slug, 1, 3); wiki.ErrorCode(err) != wiki.ENOTFOUND {
		t.Errorf("Compare with missing version: err = %v, want ENOTFOUND", err)
	}
}

func TestCreateEntryInvalid(t *testing.T) {
	a, _ := openFixture(t)
	in := newEntry()
	in.Title = "  "
	in.Topics = []string{"gibt-es-nicht"}
	in.Municipality = "07999999"
	_, coord := users(t, a)
	_, err := a.CreateEntry(t.Context(), coord, in, "", false)
	if wiki.ErrorCode(err) != wiki.EINVALID {
		t.Fatalf("err = %v, want EINVALID", err)
	}
	fields := wiki.FieldTexts(text.German, err)
	for _, f := range []string{"title", "topics", "municipality"} {
		if fields[f] == "" {
			t.Errorf("no message for field %q in %v", f, fields)
		}
	}
	res, _ := a.Search(t.Context(), everything, search.Query{}, true)
	if res.Total != 3 {
		t.Errorf("entries after invalid create = %d, want 3", res.Total)
	}
}

// suffixedSlug matches base with the random suffix added on a clash.
func suffixedSlug(base string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.QuoteMeta(base) + "-[0-9a-z]{6}$")
}

// A member of another municipality creating an entry titled like three hidden drafts
// must not learn from the slug how many there are.
func TestSlugTellsNothingOfHiddenEntries(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, _ := users(t, a)
	for range 3 {
		in := newEntry()
		in.Title, in.Visibility = "Geheime Planung", wiki.Internal
		if _, err := a.CreateEntry(ctx, member, in, "", false); err != nil {
			t.Fatal(err)
		}
	}
	u, err := a.CreateUser(ctx, auth.Visitor, NewUser{Email: "zora@zweibruecken.de", Name: "Zora", Role: wiki.RoleMember, Municipality: "07320000", Password: "Pegelstand-2024!"})
	if err != nil {
		t.Fatal(err)
	}
	other := auth.Viewer{User: u}
	in := newEntry()
	in.Title, in.Municipality = "Geheime Planung", "07320000"
	e, err := a.CreateEntry(ctx, other, in, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if !suffixedSlug("geheime-planung").MatchString(e.Slug) || strings.HasSuffix(e.Slug, "-4") {
		t.Errorf("slug %q, want geheime-planung-<random suffix>, not a count of hidden entries", e.Slug)
	}
}

// A title without Latin letters gets a slug made from the entry's id; invisible characters
// are refused at the title.
func TestCreateEntryAnyScript(t *testing.T) {
	a, _ := openFixture(t)
	ctx := t.Context()
	member, _ := users(t, a)
	in := newEntry()
	in.Title = "日本語のタイトル"
	e, err := a.CreateEntry(ctx, member, in, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if want := "eintrag-" + strings.ToLower(e.ID); e.Slug != want || !wiki.ValidSlug(e.Slug) {
		t.Errorf("slug = %q, want %q", e.Slug, want)
	}
	if got, err := a.Entry(ctx, member, e.Slug); err != nil || got.Title != in.Title {
		t.Errorf("Entry(%q) = %v, %v", e.Slug, got, err)
	}
	in.Title = "Mängel\u202emelder"
	if _, err := a.CreateEntry(ctx, member, in, "", false); !strings.Contains(wiki.FieldTexts(text.German, err)["title"], "unsichtbare Steuerzeichen") {
		t.Errorf("title with U+202E: err = %v, want a message at the title", err)
	}
}
