package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// wordLists is what the App knows about the coordinators' word lists.
type wordLists struct {
	mu      sync.Mutex     // serialises applying lists and protected words to the index
	applied wiki.WordLists // the lists the index uses; guarded by mu
}

// loadWordLists reads the stored word lists and gives their synonyms to the index. Their
// protected words take effect with the next protectWords.
func (a *App) loadWordLists(ctx context.Context) error {
	w, err := a.stores.WordLists.WordLists(ctx)
	if err != nil {
		return fmt.Errorf("load word lists: %w", err)
	}
	a.words.mu.Lock()
	defer a.words.mu.Unlock()
	a.words.applied = *w
	a.index.SetSynonyms(w.Synonyms)
	return nil
}

// protectedWordsLocked returns the words the index never splits besides its bundled list:
// the names of the catalog's municipalities ("Zweibrücken" is not about "Brücken") and
// the coordinators' protected words. The caller holds a.words.mu.
func (a *App) protectedWordsLocked() []string {
	var words []string
	for _, m := range a.cat.municipalities() {
		words = append(words, m.Name)
	}
	return append(words, a.words.applied.ProtectedWords()...)
}

// protectWords tells the index the protected words (protectedWordsLocked). If they changed
// since the index was built, the index reports NeedsRebuild.
func (a *App) protectWords() error {
	a.words.mu.Lock()
	defer a.words.mu.Unlock()
	return a.index.SetProtected(a.protectedWordsLocked())
}

// applyProtected tells the index the protected words and rebuilds it if they changed since
// it was built: after the catalog's municipalities or the coordinators' list changed.
func (a *App) applyProtected(ctx context.Context) error {
	a.words.mu.Lock()
	defer a.words.mu.Unlock()
	return a.applyProtectedLocked(ctx)
}

func (a *App) applyProtectedLocked(ctx context.Context) error {
	if err := a.index.SetProtected(a.protectedWordsLocked()); err != nil {
		return err
	}
	if !a.index.NeedsRebuild() || a.cloud != nil {
		return nil // on AWS the indexer rebuilds and publishes the index
	}
	start := time.Now()
	if err := a.Reindex(ctx, nil); err != nil {
		return fmt.Errorf("rebuild index for new protected words: %w", err)
	}
	a.log.Info("search index rebuilt for new protected words", "ms", time.Since(start).Milliseconds())
	return nil
}

// applyWordLists makes the index use w: its synonyms at once, its protected words by a
// rebuild of the index if they changed. Lists older than those applied are ignored.
func (a *App) applyWordLists(ctx context.Context, w *wiki.WordLists) error {
	a.words.mu.Lock()
	defer a.words.mu.Unlock()
	old := a.words.applied
	if w.Version < old.Version {
		return nil
	}
	a.words.applied = *w
	if w.Synonyms != old.Synonyms {
		a.index.SetSynonyms(w.Synonyms)
	}
	if slices.Equal(w.ProtectedWords(), old.ProtectedWords()) {
		return nil
	}
	return a.applyProtectedLocked(ctx)
}

// WordLists returns the coordinators' word lists as stored, read afresh. Only
// coordinators.
func (a *App) WordLists(ctx context.Context, v auth.Viewer) (*wiki.WordLists, error) {
	if err := auth.Require(v, auth.ManageSearchWords, nil); err != nil {
		return nil, err
	}
	w, err := a.stores.WordLists.WordLists(ctx)
	if err != nil {
		return nil, err
	}
	a.words.mu.Lock()
	stale := w.Version > a.words.applied.Version
	a.words.mu.Unlock()
	if stale { // saved through another instance: use it here too
		if err := a.applyWordLists(ctx, w); err != nil {
			a.log.Error("apply word lists", "version", w.Version, "err", err)
		}
	}
	return w, nil
}

// SaveWordLists stores the coordinators' word lists w, edited from version base, and
// applies them at once: the synonyms to queries, new protected words by rebuilding the
// search index (synchronously; searches keep using the previous index meanwhile). Only
// coordinators. Returns EINVALID with a message per list ("synonyms", "protected") that
// names the faulty line, and ECONFLICT if someone saved another version since base; then
// nothing is stored. Saving unchanged lists stores nothing.
func (a *App) SaveWordLists(ctx context.Context, v auth.Viewer, w wiki.WordLists, base int) (*wiki.WordLists, error) {
	if err := auth.Require(v, auth.ManageSearchWords, nil); err != nil {
		return nil, err
	}
	if err := a.writable(); err != nil {
		return nil, err
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	if err := a.checkSynonyms(w.Synonyms); err != nil {
		return nil, err
	}
	stored, err := a.stores.WordLists.WordLists(ctx)
	if err != nil {
		return nil, err
	}
	if stored.Version != base {
		return nil, errWordListsStale(stored)
	}
	if stored.SameContent(&w) {
		return stored, nil
	}
	w.Version, w.UpdatedAt, w.UpdatedBy = base+1, a.clock(), v.User.Name
	if err := a.stores.WordLists.PutWordLists(ctx, &w); err != nil {
		if wiki.ErrorCode(err) == wiki.ECONFLICT {
			if now, rerr := a.stores.WordLists.WordLists(ctx); rerr == nil {
				return nil, errWordListsStale(now)
			}
		}
		return nil, err
	}
	a.audit(ctx, v, "searchwords.changed", written.Text("audit.detail.version", w.Version), wordListsChange(stored, &w))
	if err := a.applyWordLists(ctx, &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// errWordListsStale is the conflict of a save on an old version; stored is what is stored
// now.
func errWordListsStale(stored *wiki.WordLists) error {
	if stored.UpdatedBy != "" {
		return wiki.E(wiki.ECONFLICT, "searchwords.stale_by", stored.UpdatedBy)
	}
	return wiki.E(wiki.ECONFLICT, "searchwords.stale")
}

// checkSynonyms refuses groups with members that search would leave out (stop words only),
// naming the first such line.
func (a *App) checkSynonyms(synonyms string) error {
	bad := a.index.UnusableSynonyms(synonyms)
	if len(bad) == 0 {
		return nil
	}
	return &wiki.Error{Code: wiki.EINVALID, Message: text.M("validate.check_fields"),
		Fields: map[string]text.Message{"synonyms": text.M("searchwords.stop_words_only", bad[0].Line, bad[0].Member)}}
}

// wordListsChange describes for the audit log what changed from old to w: lines added and
// removed per list.
func wordListsChange(old, w *wiki.WordLists) string {
	diff := func(label, before, after string) text.Message {
		b, c := contentLines(before), contentLines(after)
		added, removed := 0, 0
		for l := range c {
			if !b[l] {
				added++
			}
		}
		for l := range b {
			if !c[l] {
				removed++
			}
		}
		return text.M("audit.detail.wordlist_changed", text.M(label), added, removed)
	}
	return written.Text("audit.detail.wordlists", diff("audit.detail.synonyms", old.Synonyms, w.Synonyms), diff("audit.detail.protected", old.Protected, w.Protected))
}

// contentLines returns the set of lines of text that are not blank or comments.
func contentLines(text string) map[string]bool {
	set := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			set[l] = true
		}
	}
	return set
}

// WordListsRebuiltElsewhere reports whether a change of the protected words takes effect
// only when the index writer has rebuilt and published the index (AWS), rather than at
// once on saving (local mode).
func (a *App) WordListsRebuiltElsewhere() bool { return a.cloud != nil }
