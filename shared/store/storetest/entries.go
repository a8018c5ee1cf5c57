package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

type openEntries = func(t *testing.T) store.Entries

func runEntries(t *testing.T, open openEntries) {
	tests := []struct {
		name string
		run  func(t *testing.T, open openEntries)
	}{
		{"CreateAndGet", testCreateAndGet},
		{"NotFound", testEntriesNotFound},
		{"CreateConflict", testCreateConflict},
		{"CreateVersionNotOne", testCreateVersionNotOne},
		{"Update", testUpdate},
		{"UpdateStale", testUpdateStale},
		{"UpdateSlugChange", testUpdateSlugChange},
		{"UpdateConcurrent", testUpdateConcurrent},
		{"Revisions", testRevisions},
		{"EntriesByID", testEntriesByID},
		{"ScanOrder", testScanOrder},
		{"ScanStops", testScanStops},
		{"ScanEmpty", testScanEmpty},
		{"ScanWhileWriting", testScanWhileWriting},
		{"Restore", testRestore},
		{"RestoreIncomplete", testRestoreIncomplete},
		{"RestoreConflict", testRestoreConflict},
		{"Delete", testDelete},
		{"DeleteStale", testDeleteStale},
		{"DeleteMissing", testDeleteMissing},
		{"ReturnsCopies", testEntriesReturnCopies},
		{"TimesUTC", testEntryTimes},
		{"GermanText", testGermanText},
		{"Files", testEntryFiles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open) })
	}
}

// entryID returns a sortable id in the shape of a ULID; ids sort by n.
func entryID(n int) string { return fmt.Sprintf("01HRZ8Q3K9V1X4M2N7P5T6%04d", n) }

// firstRevision returns the revision that goes with a new entry.
func firstRevision(e *wiki.Entry) *wiki.Revision {
	return &wiki.Revision{
		EntryID: e.ID,
		Version: e.Version,
		Author:  e.CreatedBy,
		At:      e.CreatedAt,
		Comment: "Erste Fassung",
		Entry:   *e.Clone(),
	}
}

// edit returns the next version of e as saved by author a day later, changed by change,
// together with its revision.
func edit(e *wiki.Entry, author, comment string, change func(*wiki.Entry)) (*wiki.Entry, *wiki.Revision) {
	next := e.Clone()
	next.Version++
	next.UpdatedAt = e.UpdatedAt.Add(24*time.Hour + 17*time.Millisecond)
	next.UpdatedBy = author
	if change != nil {
		change(next)
	}
	return next, &wiki.Revision{
		EntryID: next.ID,
		Version: next.Version,
		Author:  author,
		At:      next.UpdatedAt,
		Comment: comment,
		Entry:   *next.Clone(),
	}
}

// create stores e as a new entry and returns its first revision.
func create(t *testing.T, s store.Entries, e *wiki.Entry) *wiki.Revision {
	t.Helper()
	rev := firstRevision(e)
	mustOK(t, fmt.Sprintf("CreateEntry(%s)", e.ID), s.CreateEntry(t.Context(), e.Clone(), cloneRevision(rev)))
	return rev
}

// update saves e with rev and fails the test on an error.
func update(t *testing.T, s store.Entries, e *wiki.Entry, rev *wiki.Revision) {
	t.Helper()
	mustOK(t, fmt.Sprintf("UpdateEntry(%s, version %d)", e.ID, e.Version), s.UpdateEntry(t.Context(), e.Clone(), cloneRevision(rev)))
}

func cloneRevision(r *wiki.Revision) *wiki.Revision {
	c := *r
	c.Entry = *r.Entry.Clone()
	return &c
}

// wantStored checks that the entry under e.ID and e.Slug is e.
func wantStored(t *testing.T, s store.Entries, e *wiki.Entry) {
	t.Helper()
	got, err := s.Entry(t.Context(), e.ID)
	if err != nil {
		t.Errorf("Entry(%s): got error %v, want the entry", e.ID, err)
	} else {
		wantSame(t, fmt.Sprintf("Entry(%s)", e.ID), got, e)
	}
	got, err = s.EntryBySlug(t.Context(), e.Slug)
	if err != nil {
		t.Errorf("EntryBySlug(%s): got error %v, want the entry", e.Slug, err)
	} else {
		wantSame(t, fmt.Sprintf("EntryBySlug(%s)", e.Slug), got, e)
	}
}

// wantRevisions checks that the revisions of id are want, newest first.
func wantRevisions(t *testing.T, s store.Entries, id string, want ...*wiki.Revision) {
	t.Helper()
	got, err := s.Revisions(t.Context(), id)
	if err != nil {
		t.Errorf("Revisions(%s): got error %v, want %d revisions", id, err, len(want))
		return
	}
	if len(got) != len(want) {
		var versions []int
		for _, r := range got {
			versions = append(versions, r.Version)
		}
		t.Errorf("Revisions(%s): got %d revisions (versions %v), want %d", id, len(got), versions, len(want))
		return
	}
	for i := range want {
		wantSame(t, fmt.Sprintf("Revisions(%s)[%d]", id, i), &got[i], want[i])
	}
}

// wantAbsent checks that neither id nor slug lead to an entry.
func wantAbsent(t *testing.T, s store.Entries, id, slug string) {
	t.Helper()
	if id != "" {
		_, err := s.Entry(t.Context(), id)
		wantCode(t, fmt.Sprintf("Entry(%s)", id), err, wiki.ENOTFOUND)
		_, err = s.Revisions(t.Context(), id)
		wantCode(t, fmt.Sprintf("Revisions(%s)", id), err, wiki.ENOTFOUND)
	}
	if slug != "" {
		_, err := s.EntryBySlug(t.Context(), slug)
		wantCode(t, fmt.Sprintf("EntryBySlug(%s)", slug), err, wiki.ENOTFOUND)
	}
}

func testCreateAndGet(t *testing.T, open openEntries) {
	s := open(t)
	e := NewEntry(entryID(1), "lorawan-sensornetz")
	rev := create(t, s, e)
	wantStored(t, s, e)
	wantRevisions(t, s, e.ID, rev)

	got, err := s.Revision(t.Context(), e.ID, 1)
	mustOK(t, "Revision(1)", err)
	wantSame(t, "Revision(1)", got, rev)
}

func testEntriesByID(t *testing.T, open openEntries) {
	s := open(t)
	a := NewEntry(entryID(1), "lorawan-sensornetz")
	b := NewEntry(entryID(2), "buergerportal")
	create(t, s, a)
	create(t, s, b)
	b2, rev := edit(b, "u2", "Titel", func(e *wiki.Entry) { e.Title = "Bürgerportal, zweite Fassung" })
	update(t, s, b2, rev)

	got, err := s.EntriesByID(t.Context(), []string{b.ID, entryID(9), a.ID, b.ID, ""})
	mustOK(t, "EntriesByID", err)
	if len(got) != 2 {
		t.Fatalf("EntriesByID returned %d entries, want 2 (b, a)", len(got))
	}
	wantSame(t, "EntriesByID[0]", got[0], b2)
	wantSame(t, "EntriesByID[1]", got[1], a)

	none, err := s.EntriesByID(t.Context(), nil)
	mustOK(t, "EntriesByID(nil)", err)
	if len(none) != 0 {
		t.Errorf("EntriesByID(nil) = %d entries, want none", len(none))
	}
	many := make([]string, store.MaxEntriesByID+1)
	for i := range many {
		many[i] = entryID(i)
	}
	if _, err := s.EntriesByID(t.Context(), many); wiki.ErrorCode(err) != wiki.EINVALID {
		t.Errorf("EntriesByID(%d ids) = %v, want EINVALID", len(many), err)
	}
}

func testEntriesNotFound(t *testing.T, open openEntries) {
	s := open(t)
	e := NewEntry(entryID(1), "lorawan-sensornetz")
	create(t, s, e)
	ctx := t.Context()
	missing, missingRev := edit(NewEntry(entryID(2), "gibt-es-nicht"), "Anna Schäfer", "", nil)
	tests := []struct {
		name string
		call func() error
	}{
		{"Entry", func() error { _, err := s.Entry(ctx, entryID(2)); return err }},
		{"EntryBySlug", func() error { _, err := s.EntryBySlug(ctx, "gibt-es-nicht"); return err }},
		{"Revisions", func() error { _, err := s.Revisions(ctx, entryID(2)); return err }},
		{"Revision of missing entry", func() error { _, err := s.Revision(ctx, entryID(2), 1); return err }},
		{"Revision 2 of version 1", func() error { _, err := s.Revision(ctx, e.ID, 2); return err }},
		{"Revision 0", func() error { _, err := s.Revision(ctx, e.ID, 0); return err }},
		{"UpdateEntry of missing entry", func() error { return s.UpdateEntry(ctx, missing, missingRev) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.name, tt.call(), wiki.ENOTFOUND) })
	}
	wantAbsent(t, s, entryID(2), "gibt-es-nicht")
}

func testCreateConflict(t *testing.T, open openEntries) {
	tests := []struct {
		name  string
		other *wiki.Entry
		free  func(other *wiki.Entry) (id, slug string) // keys of other that must stay free
	}{
		{"taken id", NewEntry(entryID(1), "andere-kurzadresse"), func(o *wiki.Entry) (string, string) { return "", o.Slug }},
		{"taken slug", NewEntry(entryID(2), "lorawan-sensornetz"), func(o *wiki.Entry) (string, string) { return o.ID, "" }},
		{"both taken", NewEntry(entryID(1), "lorawan-sensornetz"), func(*wiki.Entry) (string, string) { return "", "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			e := NewEntry(entryID(1), "lorawan-sensornetz")
			rev := create(t, s, e)

			tt.other.Title = "Ein ganz anderer Eintrag"
			tt.other.Body = "Dieser Text darf nirgends gespeichert sein."
			otherRev := firstRevision(tt.other)
			otherRev.Comment = "Zweiter Versuch"
			err := s.CreateEntry(t.Context(), tt.other, otherRev)
			wantCode(t, "CreateEntry", err, wiki.ECONFLICT)

			wantStored(t, s, e)
			wantRevisions(t, s, e.ID, rev)
			id, slug := tt.free(tt.other)
			wantAbsent(t, s, id, slug)
		})
	}
}

func testCreateVersionNotOne(t *testing.T, open openEntries) {
	for _, version := range []int{0, 2, -1} {
		t.Run(fmt.Sprintf("version %d", version), func(t *testing.T) {
			s := open(t)
			e := NewEntry(entryID(1), "lorawan-sensornetz")
			e.Version = version
			rev := firstRevision(e)
			wantCode(t, "CreateEntry", s.CreateEntry(t.Context(), e, rev), wiki.EINVALID)
			wantAbsent(t, s, e.ID, e.Slug)
		})
	}
}

func testUpdate(t *testing.T, open openEntries) {
	s := open(t)
	e := NewEntry(entryID(1), "lorawan-sensornetz")
	rev1 := create(t, s, e)
	e2, rev2 := edit(e, "Anna Schäfer", "Ergebnisse 2024 ergänzt", func(x *wiki.Entry) {
		x.Body += "\n\n## Nachtrag 2024\n\nWeitere 40 Sensoren im Stadtpark."
		x.Tags = append(x.Tags, "Stadtpark")
		x.State = wiki.StatePublished
		x.Visibility = wiki.Public
		x.Featured = true
	})
	update(t, s, e2, rev2)
	wantStored(t, s, e2)
	wantRevisions(t, s, e.ID, rev2, rev1)
}

func testUpdateStale(t *testing.T, open openEntries) {
	for _, version := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("version %d over stored 2", version), func(t *testing.T) {
			s := open(t)
			e := NewEntry(entryID(1), "lorawan-sensornetz")
			rev1 := create(t, s, e)
			e2, rev2 := edit(e, "Anna Schäfer", "Kosten aktualisiert", func(x *wiki.Entry) { x.Costs = "ca. 200.000 €" })
			update(t, s, e2, rev2)

			stale, staleRev := edit(e, "Bernd Köhler", "Veraltete Fassung", func(x *wiki.Entry) { x.Title = "Veraltete Fassung des Sensornetzes" })
			stale.Version, staleRev.Version, staleRev.Entry.Version = version, version, version
			wantCode(t, "UpdateEntry", s.UpdateEntry(t.Context(), stale, staleRev), wiki.ECONFLICT)

			wantStored(t, s, e2)
			wantRevisions(t, s, e.ID, rev2, rev1)
		})
	}
}

// testUpdateSlugChange holds the promise that a slug belongs to its entry for good.
func testUpdateSlugChange(t *testing.T, open openEntries) {
	s := open(t)
	e := NewEntry(entryID(1), "lorawan-sensornetz")
	rev1 := create(t, s, e)
	e2, rev2 := edit(e, "Anna Schäfer", "Neue Kurzadresse", func(x *wiki.Entry) { x.Slug = "sensornetz-neu" })
	wantCode(t, "UpdateEntry with a new slug", s.UpdateEntry(t.Context(), e2, rev2), wiki.EINVALID)
	wantStored(t, s, e)
	wantRevisions(t, s, e.ID, rev1)
	wantAbsent(t, s, "", "sensornetz-neu")
}

func testUpdateConcurrent(t *testing.T, open openEntries) {
	s := open(t)
	e := NewEntry(entryID(1), "lorawan-sensornetz")
	revs := []*wiki.Revision{create(t, s, e)}
	const rounds, editors = 5, 8
	for round := range rounds {
		entries := make([]*wiki.Entry, editors)
		rev := make([]*wiki.Revision, editors)
		for i := range editors {
			entries[i], rev[i] = edit(e, fmt.Sprintf("Bearbeiter:in %d", i), fmt.Sprintf("Runde %d", round), func(x *wiki.Entry) {
				x.Title = fmt.Sprintf("Sensornetz, Fassung %d-%d", round, i)
			})
		}
		start := make(chan struct{})
		errs := make([]error, editors)
		var wg sync.WaitGroup
		for i := range editors {
			wg.Go(func() {
				<-start
				errs[i] = s.UpdateEntry(t.Context(), entries[i], rev[i])
			})
		}
		close(start)
		wg.Wait()

		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: editors %d and %d both saved version %d, want exactly one", round, winner, i, e.Version+1)
			case err == nil:
				winner = i
			default:
				wantCode(t, fmt.Sprintf("round %d: UpdateEntry of editor %d", round, i), err, wiki.ECONFLICT)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no editor saved version %d, want exactly one: %v", round, e.Version+1, errs)
		}
		e = entries[winner]
		revs = append([]*wiki.Revision{rev[winner]}, revs...)
		wantStored(t, s, e)
	}
	wantRevisions(t, s, e.ID, revs...)
}

func testRevisions(t *testing.T, open openEntries) {
	s := open(t)
	e1 := NewEntry(entryID(1), "lorawan-sensornetz")
	rev1 := create(t, s, e1)
	e2, rev2 := edit(e1, "Anna Schäfer", "Lessons Learned ergänzt", func(x *wiki.Entry) {
		x.Body += "\n\n- Gateways brauchen Blitzschutz."
	})
	update(t, s, e2, rev2)
	e3, rev3 := edit(e2, "Koordination IKONE DS", "", func(x *wiki.Entry) {
		x.State = wiki.StatePublished
		x.Related = nil
		x.Links = append(x.Links, wiki.Link{Title: "Abschlussbericht", URL: "https://www.kommune.example/bericht.pdf"})
	})
	update(t, s, e3, rev3)

	wantRevisions(t, s, e1.ID, rev3, rev2, rev1)
	for _, want := range []*wiki.Revision{rev1, rev2, rev3} {
		got, err := s.Revision(t.Context(), e1.ID, want.Version)
		if err != nil {
			t.Errorf("Revision(%d): got error %v, want the revision", want.Version, err)
			continue
		}
		wantSame(t, fmt.Sprintf("Revision(%d)", want.Version), got, want)
	}
	// Revisions of one entry are not mixed up with those of another.
	other := NewEntry(entryID(2), "offene-datenplattform")
	otherRev := create(t, s, other)
	wantRevisions(t, s, other.ID, otherRev)
	wantRevisions(t, s, e1.ID, rev3, rev2, rev1)
}

// scanAll collects the entries ScanEntries visits.
func scanAll(t *testing.T, s store.Entries) []*wiki.Entry {
	t.Helper()
	var got []*wiki.Entry
	mustOK(t, "ScanEntries", s.ScanEntries(t.Context(), func(e *wiki.Entry) error {
		got = append(got, e)
		return nil
	}))
	return got
}

func testScanOrder(t *testing.T, open openEntries) {
	s := open(t)
	const n = 70
	want := make([]*wiki.Entry, n)
	for i := range n {
		want[i] = NewEntry(entryID(i+1), fmt.Sprintf("eintrag-%d", i+1))
		want[i].Title = fmt.Sprintf("Eintrag Nummer %d", i+1)
	}
	// Store them out of order; the scan must sort by id.
	for i := range n {
		create(t, s, want[(i*37)%n])
	}
	updated, rev := edit(want[4], "Anna Schäfer", "", func(x *wiki.Entry) { x.Title = "Eintrag fünf, überarbeitet" })
	update(t, s, updated, rev)
	want[4] = updated

	got := scanAll(t, s)
	var gotIDs, wantIDs []string
	for _, e := range got {
		gotIDs = append(gotIDs, e.ID)
	}
	for _, e := range want {
		wantIDs = append(wantIDs, e.ID)
	}
	if !slices.Equal(gotIDs, wantIDs) {
		t.Fatalf("ScanEntries visited ids\n\t%v\nwant\n\t%v", gotIDs, wantIDs)
	}
	for i := range want {
		wantSame(t, fmt.Sprintf("ScanEntries entry %d", i), got[i], want[i])
	}
}

func testScanStops(t *testing.T, open openEntries) {
	s := open(t)
	for i := range 5 {
		create(t, s, NewEntry(entryID(i+1), fmt.Sprintf("eintrag-%d", i+1)))
	}
	errStop := errors.New("genug gesehen")
	var seen []string
	err := s.ScanEntries(t.Context(), func(e *wiki.Entry) error {
		seen = append(seen, e.ID)
		if len(seen) == 2 {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) {
		t.Errorf("ScanEntries: got error %v, want the callback's error %v", err, errStop)
	}
	if want := []string{entryID(1), entryID(2)}; !slices.Equal(seen, want) {
		t.Errorf("ScanEntries visited %v, want %v and then stop", seen, want)
	}
}

func testScanEmpty(t *testing.T, open openEntries) {
	if got := scanAll(t, open(t)); len(got) != 0 {
		t.Errorf("ScanEntries on an empty store visited %d entries, want 0", len(got))
	}
}

// testScanWhileWriting saves every entry from inside the callback, as a migration does.
func testScanWhileWriting(t *testing.T, open openEntries) {
	s := open(t)
	const n = 5
	for i := range n {
		create(t, s, NewEntry(entryID(i+1), fmt.Sprintf("eintrag-%d", i+1)))
	}
	var seen []string
	err := s.ScanEntries(t.Context(), func(e *wiki.Entry) error {
		seen = append(seen, e.ID)
		next, rev := edit(e, "Migration", "Schlagwort ergänzt", func(x *wiki.Entry) { x.Tags = append(x.Tags, "migriert") })
		return s.UpdateEntry(t.Context(), next, rev)
	})
	mustOK(t, "ScanEntries with UpdateEntry in the callback", err)
	if len(seen) != n {
		t.Errorf("ScanEntries visited %v, want each of the %d entries once", seen, n)
	}
	for _, e := range scanAll(t, s) {
		if e.Version != 2 || !slices.Contains(e.Tags, "migriert") {
			t.Errorf("entry %s after the migration: got version %d, tags %v, want version 2 with tag migriert", e.ID, e.Version, e.Tags)
		}
	}
}

// history returns versions 1 to n of an entry with their revisions.
func history(id, slug string, n int) ([]*wiki.Entry, []wiki.Revision) {
	e := NewEntry(id, slug)
	entries := []*wiki.Entry{e}
	revs := []wiki.Revision{*firstRevision(e)}
	for v := 2; v <= n; v++ {
		next, rev := edit(entries[len(entries)-1], fmt.Sprintf("Bearbeiter:in %d", v), fmt.Sprintf("Änderung Nr. %d", v), func(x *wiki.Entry) {
			x.Summary = fmt.Sprintf("Fassung %d: %s", v, x.Summary)
		})
		entries = append(entries, next)
		revs = append(revs, *rev)
	}
	return entries, revs
}

func newestFirst(revs []wiki.Revision) []*wiki.Revision {
	out := make([]*wiki.Revision, len(revs))
	for i := range revs {
		out[len(revs)-1-i] = &revs[i]
	}
	return out
}

func testRestore(t *testing.T, open openEntries) {
	s := open(t)
	entries, revs := history(entryID(1), "lorawan-sensornetz", 3)
	e := entries[2]
	mustOK(t, "RestoreEntry", s.RestoreEntry(t.Context(), e.Clone(), slices.Clone(revs)))
	wantStored(t, s, e)
	wantRevisions(t, s, e.ID, newestFirst(revs)...)

	// Editing goes on from the restored version.
	e4, rev4 := edit(e, "Anna Schäfer", "Nach dem Import bearbeitet", nil)
	update(t, s, e4, rev4)
	wantStored(t, s, e4)
	wantRevisions(t, s, e.ID, append([]*wiki.Revision{rev4}, newestFirst(revs)...)...)

	// A one-version history is complete as well.
	single, singleRevs := history(entryID(2), "offene-datenplattform", 1)
	mustOK(t, "RestoreEntry of version 1", s.RestoreEntry(t.Context(), single[0], singleRevs))
	wantStored(t, s, single[0])
	wantRevisions(t, s, single[0].ID, &singleRevs[0])
}

func testRestoreIncomplete(t *testing.T, open openEntries) {
	entries, revs := history(entryID(1), "lorawan-sensornetz", 4)
	tests := []struct {
		name     string
		version  int // of the entry
		versions []int
	}{
		{"gap", 3, []int{1, 3}},
		{"newest missing", 3, []int{1, 2}},
		{"first missing", 3, []int{2, 3}},
		{"beyond the entry", 3, []int{1, 2, 3, 4}},
		{"duplicate", 3, []int{1, 2, 2, 3}},
		{"no revisions", 3, nil},
		{"entry version 0", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			var e *wiki.Entry
			if tt.version > 0 {
				e = entries[tt.version-1].Clone()
			} else {
				e = entries[0].Clone()
				e.Version = 0
			}
			var picked []wiki.Revision
			for _, v := range tt.versions {
				picked = append(picked, revs[v-1])
			}
			wantCode(t, fmt.Sprintf("RestoreEntry(version %d, revisions %v)", tt.version, tt.versions), s.RestoreEntry(t.Context(), e, picked), wiki.EINVALID)
			wantAbsent(t, s, e.ID, e.Slug)
		})
	}
}

func testRestoreConflict(t *testing.T, open openEntries) {
	tests := []struct{ name, id, slug string }{
		{"taken id", entryID(1), "andere-kurzadresse"},
		{"taken slug", entryID(2), "lorawan-sensornetz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			e := NewEntry(entryID(1), "lorawan-sensornetz")
			rev := create(t, s, e)

			entries, revs := history(tt.id, tt.slug, 2)
			wantCode(t, "RestoreEntry", s.RestoreEntry(t.Context(), entries[1], revs), wiki.ECONFLICT)

			wantStored(t, s, e)
			wantRevisions(t, s, e.ID, rev)
			if tt.id != e.ID {
				wantAbsent(t, s, tt.id, "")
			}
			if tt.slug != e.Slug {
				wantAbsent(t, s, "", tt.slug)
			}
		})
	}
}

func testDelete(t *testing.T, open openEntries) {
	s := open(t)
	other := NewEntry(entryID(1), "offene-datenplattform")
	otherRev := create(t, s, other)
	entries, revs := history(entryID(2), "lorawan-sensornetz", 3)
	mustOK(t, "RestoreEntry", s.RestoreEntry(t.Context(), entries[2], revs))

	mustOK(t, "DeleteEntry", s.DeleteEntry(t.Context(), entryID(2), 3))
	wantAbsent(t, s, entryID(2), "lorawan-sensornetz")
	for v := 1; v <= 3; v++ {
		_, err := s.Revision(t.Context(), entryID(2), v)
		wantCode(t, fmt.Sprintf("Revision(%d) after delete", v), err, wiki.ENOTFOUND)
	}
	if got := scanAll(t, s); len(got) != 1 || got[0].ID != other.ID {
		t.Errorf("ScanEntries after delete: got %d entries, want only %s", len(got), other.ID)
	}
	wantStored(t, s, other)
	wantRevisions(t, s, other.ID, otherRev)

	// The id and the slug are free again: the same entry can be restored once more.
	mustOK(t, "RestoreEntry after delete", s.RestoreEntry(t.Context(), entries[2], revs))
	wantStored(t, s, entries[2])
	wantRevisions(t, s, entryID(2), newestFirst(revs)...)
}

func testDeleteStale(t *testing.T, open openEntries) {
	s := open(t)
	e := NewEntry(entryID(1), "lorawan-sensornetz")
	rev := create(t, s, e)
	e2, rev2 := edit(e, "karla", "Ergebnisse ergänzt", nil)
	update(t, s, e2, rev2)

	wantCode(t, "DeleteEntry of version 1", s.DeleteEntry(t.Context(), e.ID, 1), wiki.ECONFLICT)
	wantStored(t, s, e2)
	wantRevisions(t, s, e.ID, rev2, rev)
}

func testDeleteMissing(t *testing.T, open openEntries) {
	s := open(t)
	e := NewEntry(entryID(1), "lorawan-sensornetz")
	create(t, s, e)
	wantCode(t, "DeleteEntry of a missing entry", s.DeleteEntry(t.Context(), entryID(2), 1), wiki.ENOTFOUND)
	wantStored(t, s, e)
}

// scribble changes every kind of field of e in place.
func scribble(e *wiki.Entry) {
	e.Title = "Gekritzel"
	e.Version = 99
	e.Tags[0] = "gekritzel"
	e.Topics = append(e.Topics, "gekritzel")
	e.Links[0].URL = "https://gekritzel.example"
	e.Contact.Name = "Gekritzel"
	e.UpdatedAt = e.UpdatedAt.Add(time.Hour)
}

func testEntriesReturnCopies(t *testing.T, open openEntries) {
	s := open(t)
	ctx := t.Context()
	e := NewEntry(entryID(1), "lorawan-sensornetz")
	want := e.Clone()
	rev := firstRevision(e)
	wantRev := cloneRevision(rev)
	mustOK(t, "CreateEntry", s.CreateEntry(ctx, e, rev))
	scribble(e)
	scribble(&rev.Entry)
	rev.Comment = "Gekritzel"
	wantStored(t, s, want)

	mutations := []struct {
		name string
		get  func() (*wiki.Entry, error)
	}{
		{"Entry", func() (*wiki.Entry, error) { return s.Entry(ctx, want.ID) }},
		{"EntryBySlug", func() (*wiki.Entry, error) { return s.EntryBySlug(ctx, want.Slug) }},
		{"Revisions", func() (*wiki.Entry, error) {
			revs, err := s.Revisions(ctx, want.ID)
			if err != nil || len(revs) == 0 {
				return nil, fmt.Errorf("got %d revisions, error %v", len(revs), err)
			}
			revs[0].Comment = "Gekritzel"
			return &revs[0].Entry, nil
		}},
		{"Revision", func() (*wiki.Entry, error) {
			r, err := s.Revision(ctx, want.ID, 1)
			if err != nil {
				return nil, err
			}
			r.Comment = "Gekritzel"
			return &r.Entry, nil
		}},
		{"ScanEntries", func() (*wiki.Entry, error) {
			var got *wiki.Entry
			err := s.ScanEntries(ctx, func(e *wiki.Entry) error { got = e; scribble(e); return nil })
			if got == nil && err == nil {
				err = errors.New("no entry visited")
			}
			return got, err
		}},
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			got, err := m.get()
			mustOK(t, m.name, err)
			scribble(got)
			wantStored(t, s, want)
			wantRevisions(t, s, want.ID, wantRev)
		})
	}
}

func testEntryTimes(t *testing.T, open openEntries) {
	s := open(t)
	summer := time.FixedZone("MESZ", 2*60*60)
	winter := time.FixedZone("MEZ", 60*60)
	e := NewEntry(entryID(1), "lorawan-sensornetz")
	e.CreatedAt = time.Date(2024, time.October, 27, 2, 59, 59, 987_654_321, summer)
	e.UpdatedAt = time.Date(2024, time.October, 27, 2, 0, 0, 1_999_999, winter)
	rev := firstRevision(e)
	rev.At = time.Date(2025, time.January, 1, 0, 0, 0, 999_999_999, winter)
	mustOK(t, "CreateEntry", s.CreateEntry(t.Context(), e, rev))

	got, err := s.Entry(t.Context(), e.ID)
	mustOK(t, "Entry", err)
	gotRev, err := s.Revision(t.Context(), e.ID, 1)
	mustOK(t, "Revision", err)
	times := []struct {
		name      string
		got, want time.Time
	}{
		{"CreatedAt", got.CreatedAt, e.CreatedAt},
		{"UpdatedAt", got.UpdatedAt, e.UpdatedAt},
		{"Revision.At", gotRev.At, rev.At},
		{"Revision.Entry.CreatedAt", gotRev.Entry.CreatedAt, e.CreatedAt},
	}
	for _, tt := range times {
		if d := tt.got.Sub(tt.want).Abs(); d >= time.Millisecond {
			t.Errorf("%s: got %s, want %s (off by %s)", tt.name, tt.got.Format(time.RFC3339Nano), tt.want.Format(time.RFC3339Nano), d)
		}
		if tt.got.Location() != time.UTC {
			t.Errorf("%s: got zone %s, want UTC", tt.name, tt.got.Location())
		}
	}
}

// longMarkdown returns a Markdown body of at least size bytes with German text, tables,
// code, quotes and characters that need escaping in JSON or HTML.
func longMarkdown(size int) string {
	var b strings.Builder
	for i := 1; b.Len() < size; i++ {
		fmt.Fprintf(&b, "## Abschnitt %d: Übertragbarkeit für Gemeinden\n\n", i)
		b.WriteString("Die Straßenbeleuchtung in Zweibrücken, Bad Dürkheim und Lützelsachsen wird über „intelligente“ Knoten gesteuert – Größenordnung: 1.200 Leuchten à 35 € Wartung/Jahr.\n\n")
		b.WriteString("| Kommune | Einwohner | Maßnahme |\n|---|---:|---|\n| Kusel | 5.700 | Füllstandssensoren |\n| Speyer | 50.000 | Öffentliches WLAN |\n\n")
		b.WriteString("```yaml\ngerät: \"Sensor\\\\Außen\"\nintervall: 15\t# Minuten\n```\n\n")
		b.WriteString("> <script>alert('ä')</script> & \"Anführung\" 'einfach' \\ Backslash · Café (e\u0301) · ẞ · 🚲🌳\n\n")
	}
	return b.String()
}

func testGermanText(t *testing.T, open openEntries) {
	s := open(t)
	e := NewEntry(entryID(1), "aerger-ueber-oeffnungszeiten")
	e.Title = "Ärger über Öffnungszeiten: Straßenverkehrsbehörde im Überblick"
	e.Summary = "Bürgerinnen und Bürger in Größenordnungen von über 10.000 Anfragen – „schnell“ und günstig beantwortet."
	e.Body = longMarkdown(90 * 1024)
	e.Tags = []string{"Bürgerbeteiligung", "Öffnungszeiten", "Straße"}
	e.ExternalPartners = []string{"Ingenieurbüro Müller & Söhne GmbH"}
	e.Contact = wiki.Contact{Name: "Dörte Süßmann", Role: "Sachgebietsleiterin Bürgerdienste", Email: "buergerdienste@kommune.example"}
	e.Costs = "≈ 12.500 € netto"
	rev := create(t, s, e)
	e2, rev2 := edit(e, "Jürgen Weiß", "Überschrift geändert, Tippfehler „Strasse“ → „Straße“ korrigiert", func(x *wiki.Entry) {
		x.Body = strings.Replace(x.Body, "Abschnitt 1:", "Abschnitt Eins:", 1)
	})
	update(t, s, e2, rev2)

	got, err := s.Entry(t.Context(), e.ID)
	mustOK(t, "Entry", err)
	if len(got.Body) != len(e2.Body) || got.Body != e2.Body {
		t.Errorf("Body: got %d bytes, want the same %d bytes (first difference at byte %d)", len(got.Body), len(e2.Body), firstDiff(got.Body, e2.Body))
	}
	wantStored(t, s, e2)
	wantRevisions(t, s, e.ID, rev2, rev)
}

// testEntryFiles stores an entry whose files change between versions: every revision
// keeps the files it had, times and sizes exact.
func testEntryFiles(t *testing.T, open openEntries) {
	s := open(t)
	e := NewEntry(entryID(1), "mit-dateien")
	report := wiki.Attachment{ID: "01HRZ8Q3K9V1X4M2N7P5T6F001", Name: "Abschlussbericht – Übersicht.pdf", Title: "Abschlussbericht",
		Description: "Zweite Fassung\nmit Anhang", Format: "pdf", Size: 104857600, SHA256: strings.Repeat("ab", 32),
		UploadedAt: time.Date(2026, 12, 5, 9, 30, 15, 123e6, time.UTC), UploadedBy: "Max Muster"}
	e.Attachments = []wiki.Attachment{report}
	rev1 := create(t, s, e)
	guide := report
	guide.ID, guide.Name, guide.Title, guide.Description, guide.Format, guide.Size = "01HRZ8Q3K9V1X4M2N7P5T6F002", "Leitfaden.docx", "Leitfaden", "", "docx", 1
	e2, rev2 := edit(e, "Max Muster", "Datei ersetzt", func(e *wiki.Entry) { e.Attachments = []wiki.Attachment{guide} })
	update(t, s, e2, rev2)
	wantStored(t, s, e2)
	wantRevisions(t, s, e.ID, rev2, rev1)
}
