package storetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func runWordLists(t *testing.T, open func(t *testing.T) store.WordLists) {
	tests := []struct {
		name string
		run  func(t *testing.T, s store.WordLists)
	}{
		{"Empty", testWordListsEmpty},
		{"PutAndGet", testWordListsPutAndGet},
		{"Conflict", testWordListsConflict},
		{"Invalid", testWordListsInvalid},
		{"Concurrent", testWordListsConcurrent},
		{"Large", testWordListsLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

// wordLists returns sample lists of the given version, with every field set.
func wordLists(version int) *wiki.WordLists {
	return &wiki.WordLists{
		Synonyms:  "# Abkürzungen der Verwaltung\nÖPNV = Nahverkehr = öffentlicher Verkehr\nKI = künstliche Intelligenz\nStraßenbeleuchtung = Laternen " + fmt.Sprint(version),
		Protected: "Kaiserslautern\nZweibrücken\nIdar-Oberstein\nWeißenthurm",
		Version:   version,
		UpdatedAt: time.Date(2025, time.May, 6, 14, 3, 27, 125_000_000, time.UTC).Add(time.Duration(version) * time.Hour),
		UpdatedBy: "Jürgen Weiß",
	}
}

func wantWordLists(t *testing.T, s store.WordLists, what string, want *wiki.WordLists) {
	t.Helper()
	got, err := s.WordLists(t.Context())
	mustOK(t, what, err)
	wantSame(t, what, got, want)
}

func testWordListsEmpty(t *testing.T, s store.WordLists) {
	wantWordLists(t, s, "WordLists of an empty store", &wiki.WordLists{})
}

func testWordListsPutAndGet(t *testing.T, s store.WordLists) {
	if zero := zeroFields(wordLists(1)); len(zero) > 0 {
		t.Fatalf("sample word lists leave fields unset: %v", zero)
	}
	mustOK(t, "PutWordLists(version 1)", s.PutWordLists(t.Context(), wordLists(1)))
	wantWordLists(t, s, "WordLists after version 1", wordLists(1))
	mustOK(t, "PutWordLists(version 2)", s.PutWordLists(t.Context(), wordLists(2)))
	wantWordLists(t, s, "WordLists after version 2", wordLists(2))
	empty := &wiki.WordLists{Version: 3, UpdatedAt: wordLists(3).UpdatedAt, UpdatedBy: "Anna Schäfer"}
	mustOK(t, "PutWordLists(version 3, emptied)", s.PutWordLists(t.Context(), empty))
	wantWordLists(t, s, "WordLists after emptying", empty)
}

func testWordListsConflict(t *testing.T, s store.WordLists) {
	wantCode(t, "PutWordLists(version 2) with nothing stored", s.PutWordLists(t.Context(), wordLists(2)), wiki.ECONFLICT)
	wantWordLists(t, s, "WordLists after a refused first save", &wiki.WordLists{})
	mustOK(t, "PutWordLists(version 1)", s.PutWordLists(t.Context(), wordLists(1)))
	other := wordLists(1)
	other.Synonyms = "OZG = Onlinezugangsgesetz"
	wantCode(t, "PutWordLists(version 1) again", s.PutWordLists(t.Context(), other), wiki.ECONFLICT)
	wantCode(t, "PutWordLists(version 3) skipping one", s.PutWordLists(t.Context(), wordLists(3)), wiki.ECONFLICT)
	wantWordLists(t, s, "WordLists after refused saves", wordLists(1))
}

func testWordListsInvalid(t *testing.T, s store.WordLists) {
	wantCode(t, "PutWordLists(version 0)", s.PutWordLists(t.Context(), wordLists(0)), wiki.EINVALID)
	wantWordLists(t, s, "WordLists after an invalid save", &wiki.WordLists{})
}

// testWordListsConcurrent lets several coordinators save on the same version: exactly one
// wins.
func testWordListsConcurrent(t *testing.T, s store.WordLists) {
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			w := wordLists(1)
			w.UpdatedBy = fmt.Sprintf("Koordination %d", i)
			errs[i] = s.PutWordLists(t.Context(), w)
		})
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch wiki.ErrorCode(err) {
		case "":
			if won >= 0 {
				t.Errorf("PutWordLists(version 1): saves %d and %d both succeeded, want one", won, i)
			}
			won = i
		case wiki.ECONFLICT:
		default:
			t.Errorf("PutWordLists(version 1) %d: got %v, want success or ECONFLICT", i, err)
		}
	}
	if won < 0 {
		t.Fatal("PutWordLists(version 1): no concurrent save succeeded, want one")
	}
	got, err := s.WordLists(t.Context())
	mustOK(t, "WordLists", err)
	if want := fmt.Sprintf("Koordination %d", won); got.UpdatedBy != want || got.Version != 1 {
		t.Errorf("WordLists after the race: by %q version %d, want by %q version 1", got.UpdatedBy, got.Version, want)
	}
}

// testWordListsLarge stores lists of the largest size the app accepts.
func testWordListsLarge(t *testing.T, s store.WordLists) {
	w := wordLists(1)
	line := "Straßenbeleuchtung = Laternen = öffentliche Beleuchtung\n"
	w.Synonyms = strings.TrimSuffix(strings.Repeat(line, wiki.MaxWordListChars/len([]rune(line))), "\n")
	w.Protected = strings.TrimSuffix(strings.Repeat("Weißenthurm-Kettig\n", wiki.MaxProtectedLines), "\n")
	mustOK(t, "PutWordLists(large)", s.PutWordLists(t.Context(), w))
	wantWordLists(t, s, "WordLists(large)", w)
}
