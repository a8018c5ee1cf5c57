package search

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Limits of Complete.
const (
	// MaxCompleteLength is the number of characters a prefix may have.
	MaxCompleteLength = 100
	// MinCompleteLength is the number of letters a prefix needs to complete anything.
	MinCompleteLength = 2
	// MaxCompletions is the number of titles Complete returns at most.
	MaxCompletions = 20
	// completeWords is the number of words of a prefix that are used; the rest is ignored.
	completeWords = 8
	// completeCandidates is the number of matching entries, the newest, that are ranked.
	completeCandidates = 64
)

// Complete returns up to n entries whose titles begin words with the words of prefix, as
// typed into a search box: every word of prefix must begin a word of the title ("Sensorn
// Pege" finds "LoRaWAN-Sensornetz für Pegelstände"; umlauts and ß may be written ae/oe/ue/ss,
// a word typed in full finds its inflected forms), stop words are left out. Only whole title
// words count, not the parts of compounds.
//
// The filters and restrictions of q (States and Visibilities: the viewer's scope) apply, its
// text, sort and page are ignored. Of the newest matching entries, those whose title begins
// with the first word come first, then those where it begins an earlier word; ties keep the
// newest first. Neither which entries are chosen nor their order depends on entries outside
// the scope of q.
//
// A prefix shorter than MinCompleteLength letters or of stop words only completes nothing.
// Returns EINVALID if prefix is longer than MaxCompleteLength characters. Hits carry ID, Slug
// and Title only.
func (ix *Index) Complete(ctx context.Context, prefix string, q Query, n int) ([]Hit, error) {
	if utf8.RuneCountInString(prefix) > MaxCompleteLength {
		return nil, wiki.E(wiki.EINVALID, "search.complete.too_long", MaxCompleteLength)
	}
	n = min(max(n, 1), MaxCompletions)
	q.Text, q.Sort, q.Page, q.PerPage = "", "", 1, 1
	if err := q.normalize(); err != nil {
		return nil, err
	}
	words := completionWords(prefix)
	if len(words) == 0 {
		return []Hit{}, nil
	}
	clauses := make([]*expr, 0, len(words))
	for _, w := range words {
		alts := []*expr{{kind: exprPrefix, field: fieldTitle, term: w.folded, boost: 1}}
		if w.stem != "" && !strings.HasPrefix(w.stem, w.folded) {
			// A word typed in full may be longer than its stem in the index ("digitale" is
			// indexed as "digital").
			alts = append(alts, termExpr(fieldTitle, w.stem, 1))
		}
		clauses = append(clauses, anyExpr(1, alts...))
	}
	// Newest first rather than by score: a score depends on statistics of the whole index,
	// entries outside the scope included.
	q.Sort, q.PerPage = SortNewest, completeCandidates

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return nil, errClosed
	}
	res, err := ix.run(ctx, &q, allExpr(1, clauses...), nil, false)
	if err != nil {
		return nil, fmt.Errorf("search: complete: %w", err)
	}

	type ranked struct {
		hit  Hit
		rank int // the position of the first title word the first prefix word begins
	}
	out := make([]ranked, 0, len(res.Hits))
	for _, dm := range res.Hits {
		h := Hit{ID: dm.ID, Slug: dm.Slug, Title: dm.Title}
		rank := completeCandidates // the first word matched only through its stem
		for i, t := range completionTokens(h.Title) {
			if strings.HasPrefix(t, words[0].folded) {
				rank = i
				break
			}
		}
		out = append(out, ranked{h, rank})
	}
	slices.SortStableFunc(out, func(a, b ranked) int { return cmp.Compare(a.rank, b.rank) })
	hits := make([]Hit, 0, min(n, len(out)))
	for _, r := range out[:min(n, len(out))] {
		hits = append(hits, r.hit)
	}
	return hits, nil
}

// Completes reports whether prefix, read as Complete reads it, completes to text: whether
// every word of prefix begins a word of text, or is typed in full with the same stem as one.
// It is how Complete matches titles, for short lists outside the index such as topic names.
func Completes(prefix, text string) bool {
	if utf8.RuneCountInString(prefix) > MaxCompleteLength {
		return false
	}
	words := completionWords(prefix)
	if len(words) == 0 {
		return false
	}
	toks := completionTokens(text)
	for _, w := range words {
		if !slices.ContainsFunc(toks, func(t string) bool {
			return strings.HasPrefix(t, w.folded) || (w.stem != "" && completionStem(t) == w.stem)
		}) {
			return false
		}
	}
	return true
}

// Words returns the words of text as the index holds them in titles: lower case, folded,
// stemmed, each once, German stop words left out, in the order of their first occurrence.
func Words(text string) []string {
	var out []string
	for _, tok := range completionTokenizer.Tokenize([]byte(text)) {
		lower := bytes.ToLower(tok.Term)
		if completionIsStop(lower) {
			continue
		}
		if w := completionStem(completionFold(lower)); !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// completionWord is one word of a prefix: lower case and folded as the index folds (ä as a,
// ß as ss), and stemmed as the index stems.
type completionWord struct {
	folded, stem string
}

// completionWords returns the words of prefix to look for, at most completeWords. Stop words
// are left out, unless prefix is a single word being typed: "an" may become "Antrag".
func completionWords(prefix string) []completionWord {
	toks := completionTokenizer.Tokenize([]byte(prefix))
	var out []completionWord
	for i, tok := range toks {
		lower := bytes.ToLower(tok.Term)
		last := i == len(toks)-1 && tok.End == len(prefix) // still being typed
		if completionIsStop(lower) && !(last && len(toks) == 1) {
			continue
		}
		folded := completionFold(lower)
		w := completionWord{folded: folded}
		if !completionIsStop(lower) {
			w.stem = completionStem(folded)
		}
		out = append(out, w)
		if len(out) == completeWords {
			break
		}
	}
	if len(out) == 1 && utf8.RuneCountInString(out[0].folded) < MinCompleteLength {
		return nil
	}
	return out
}

// completionTokens returns the words of a title, lower case and folded.
func completionTokens(title string) []string {
	toks := completionTokenizer.Tokenize([]byte(title))
	out := make([]string, len(toks))
	for i, tok := range toks {
		out[i] = completionFold(bytes.ToLower(tok.Term))
	}
	return out
}

// completionTokenizer splits text into words as the index does.
var completionTokenizer = wordTokenizer{}

// completionStopFilter is the German stop word filter of the index, nil if bleve lacks it.
var completionStopFilter = sync.OnceValue(func() analysis.TokenFilter {
	f, err := registry.NewCache().TokenFilterNamed(de.StopName)
	if err != nil {
		return nil
	}
	return f
})

// completionIsStop reports whether the lower-case word w is a German stop word, which the index
// leaves out.
func completionIsStop(w []byte) bool {
	f := completionStopFilter()
	if f == nil {
		return false
	}
	return len(f.Filter(analysis.TokenStream{&analysis.Token{Term: slices.Clone(w)}})) == 0
}

// completionFold applies bleve's German normalisation to a lower-case word.
func completionFold(w []byte) string {
	ts := de.NewGermanNormalizeFilter().Filter(analysis.TokenStream{&analysis.Token{Term: slices.Clone(w)}})
	return string(ts[0].Term)
}

// completionStem applies bleve's light German stemmer to a folded word.
func completionStem(w string) string {
	ts := de.NewGermanLightStemmerFilter().Filter(analysis.TokenStream{&analysis.Token{Term: []byte(w)}})
	return string(ts[0].Term)
}
