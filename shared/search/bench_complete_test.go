package search_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ikone-ds/wissensnetz/infra/bench/corpus"
	"github.com/ikone-ds/wissensnetz/shared/search"
)

// completionPrefixes returns what people type into a search box on the way to titles of
// docs: the first two to eight letters of a title word, and a whole word followed by the
// start of the next one.
func completionPrefixes(docs []search.Document, n int) []string {
	var out []string
	for i := 0; len(out) < n && i < len(docs); i += 97 {
		words := strings.Fields(docs[i].Title)
		if len(words) == 0 {
			continue
		}
		w := words[i%len(words)]
		for _, l := range []int{2, 3, 5, 8} {
			if utf8.RuneCountInString(w) >= l {
				out = append(out, string([]rune(w)[:l]))
			}
		}
		if len(words) > 1 && utf8.RuneCountInString(words[1]) >= 3 {
			out = append(out, words[0]+" "+string([]rune(words[1])[:3]))
		}
	}
	return out
}

// BenchmarkComplete completes prefixes of the titles of an index of 10,000 entries on disk,
// eight titles each within a visitor's scope, as the search box asks per keystroke, and
// reports the median and 99th percentile latency and the processor time per completion.
func BenchmarkComplete(b *testing.B) {
	ctx := context.Background()
	docs := corpus.Entries(benchEntries, 1)
	ix, err := search.Open(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Rebuild(ctx, 1, scanOf(docs), nil); err != nil {
		b.Fatal(err)
	}
	prefixes := completionPrefixes(docs, 200)
	scope := search.Query{States: []string{"published"}, Visibilities: []string{"public"}}
	for _, p := range prefixes { // warm the caches
		if _, err := ix.Complete(ctx, p, scope, 8); err != nil {
			b.Fatal(err)
		}
	}

	measure(b, func(i int) (int, error) {
		res, err := ix.Complete(ctx, prefixes[i%len(prefixes)], scope, 8)
		return len(res), err
	})
}
