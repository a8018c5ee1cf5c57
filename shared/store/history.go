package store

import (
	"slices"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// CompleteRevision returns rev completed from e: its entry id, version and the entry itself.
// Returns EINVALID for a missing revision or one that belongs to another entry or version.
func CompleteRevision(e *wiki.Entry, rev *wiki.Revision) (*wiki.Revision, error) {
	if rev == nil {
		return nil, wiki.E(wiki.EINVALID, "store.check.revision_missing")
	}
	if (rev.EntryID != "" && rev.EntryID != e.ID) || (rev.Version != 0 && rev.Version != e.Version) {
		return nil, wiki.E(wiki.EINVALID, "store.check.revision_mismatch", rev.Version, rev.EntryID, e.ID, e.Version)
	}
	r := *rev
	r.EntryID, r.Version, r.Entry = e.ID, e.Version, *e
	return &r, nil
}

// CompleteHistory returns revs sorted by version, checked to run from 1 to e.Version
// (EINVALID otherwise).
func CompleteHistory(e *wiki.Entry, revs []wiki.Revision) ([]wiki.Revision, error) {
	incomplete := func() error {
		return wiki.E(wiki.EINVALID, "store.check.history_incomplete", e.ID, e.Version)
	}
	if e.Version < 1 || len(revs) != e.Version {
		return nil, incomplete()
	}
	sorted := slices.Clone(revs)
	slices.SortFunc(sorted, func(a, b wiki.Revision) int { return a.Version - b.Version })
	for i := range sorted {
		if sorted[i].Version != i+1 {
			return nil, incomplete()
		}
		if sorted[i].EntryID != "" && sorted[i].EntryID != e.ID {
			return nil, wiki.E(wiki.EINVALID, "store.check.history_foreign", i+1, sorted[i].EntryID, e.ID)
		}
		sorted[i].EntryID = e.ID
	}
	return sorted, nil
}
