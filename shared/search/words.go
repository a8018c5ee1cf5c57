package search

import (
	"fmt"
	"maps"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/registry"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// wordAnalyzerType is the type of the analyzer of the text fields: a bleve custom analyzer
// (tokenizer and token filters) whose filters run once per distinct word.
const wordAnalyzerType = "wissensnetz_words"

// wordAnalyzer analyses a text like the custom analyzer it wraps, but remembers what its
// token filters make of each word. They are those of the German analysis — lower case,
// stop words, folding, decompounding, stemming — and look at one word at a time, so a word
// gives the same terms wherever it is; texts repeat their words, and most of the time of
// analysing went into the filters.
//
// It also finds the words of a stored text that make given terms, for snippets: that is
// cheaper than reading term locations back from a large index.
type wordAnalyzer struct {
	filters []analysis.TokenFilter // after the words are cut by wordTokenizer

	// The terms of words, by the word as the tokenizer cut it: known is read without a
	// lock and replaced, never changed; words found since go to recent until there are
	// enough of them to make a new known.
	known  atomic.Pointer[map[string][]wordTerm]
	mu     sync.Mutex // guards recent
	recent map[string][]wordTerm
}

// wordTerm is one term a word makes; a compound makes its whole word and its parts.
type wordTerm struct {
	term []byte
	key  string // term as a string, for maps
	typ  analysis.TokenType
	part bool // a part of a compound (partMarker)
}

// maxWords bounds the words a wordAnalyzer remembers; recentWords are collected before
// they are merged into the known ones.
const (
	maxWords    = 200_000
	recentWords = 2048
)

func newWordAnalyzer(config map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
	c, err := custom.AnalyzerConstructor(config, cache)
	if err != nil {
		return nil, err
	}
	d, ok := c.(*analysis.DefaultAnalyzer)
	if !ok || len(d.CharFilters) > 0 {
		return nil, fmt.Errorf("search: analyzer: unexpected %T", c)
	}
	if _, ok := d.Tokenizer.(wordTokenizer); !ok {
		return nil, fmt.Errorf("search: analyzer: the tokenizer must be %s", wordTokenizerName)
	}
	a := &wordAnalyzer{filters: d.TokenFilters, recent: map[string][]wordTerm{}}
	a.known.Store(&map[string][]wordTerm{})
	return a, nil
}

func init() {
	if err := registry.RegisterAnalyzer(wordAnalyzerType, newWordAnalyzer); err != nil {
		panic(err)
	}
}

// Analyze returns the tokens of text.
func (a *wordAnalyzer) Analyze(text []byte) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(text)/6+1)
	var slab []analysis.Token // the tokens, allocated together
	pos := 0
	scanWords(text, func(start, end int, _ runeKind) {
		pos++
		for _, t := range a.wordTerms(text[start:end]) {
			if len(slab) == cap(slab) {
				slab = make([]analysis.Token, 0, max(16, cap(out)-len(out)))
			}
			slab = append(slab, analysis.Token{Term: t.term, Type: t.typ, Position: pos, Start: start, End: end})
			out = append(out, &slab[len(slab)-1])
		}
	})
	return out
}

// frequencies analyses text as Analyze does, straight into what the index stores of a
// field: the number of terms and the frequency of each. With locations, every term of a
// whole word carries its position, for quoted phrases, but no offsets: snippets find
// their words by analysing the stored text again (see locate). The parts of compounds
// carry no location: a phrase finds a compound by its whole word, and a part's position
// would let "Breitbandausbau der Stadt" find "Glasfaserausbau der Stadt" through the
// shared part "ausbau". It also returns roughly how much memory the frequencies take, for
// the statistics of the index.
func (a *wordAnalyzer) frequencies(text []byte, arrayPositions []uint64, locations bool) (n int, freqs index.TokenFrequencies, size int) {
	freqs = make(index.TokenFrequencies, len(text)/16+1)
	var (
		slab []index.TokenFreq // the frequencies, allocated together
		locs []index.TokenLocation
	)
	if locations {
		locs = make([]index.TokenLocation, 0, len(text)/7+1)
	}
	pos, nlocs := 0, 0
	scanWords(text, func(start, end int, _ runeKind) {
		pos++
		for _, t := range a.wordTerms(text[start:end]) {
			n++
			tf := freqs[t.key]
			if tf == nil {
				if len(slab) == cap(slab) {
					slab = make([]index.TokenFreq, 0, max(16, len(text)/12))
				}
				slab = append(slab, index.TokenFreq{Term: t.term})
				tf = &slab[len(slab)-1]
				freqs[t.key] = tf
			}
			tf.SetFrequency(tf.Frequency() + 1)
			if locations && !t.part {
				if len(locs) == cap(locs) {
					locs = make([]index.TokenLocation, 0, max(16, len(text)/14))
				}
				locs = append(locs, index.TokenLocation{ArrayPositions: arrayPositions, Position: pos})
				tf.Locations = append(tf.Locations, &locs[len(locs)-1])
				nlocs++
			}
		}
	})
	return n, freqs, len(freqs)*(sizeOfTokenFreq+16) + nlocs*sizeOfTokenLocation
}

// Sizes of index.TokenFreq and index.TokenLocation with a pointer to each.
const (
	sizeOfTokenFreq     = int(unsafe.Sizeof(index.TokenFreq{})) + 8
	sizeOfTokenLocation = int(unsafe.Sizeof(index.TokenLocation{})) + 8
)

// textField is a text field of a document analysed by a wordAnalyzer with frequencies.
// bleve's own text field has the analyzer make a token for every term first, and then
// counts them, with a location for every one.
type textField struct {
	*document.TextField
	words  *wordAnalyzer
	length int
	freqs  index.TokenFrequencies
	size   int
}

// withWordFields replaces the text fields of doc that a wordAnalyzer analyses by
// textFields.
func withWordFields(doc *document.Document) {
	for i, f := range doc.Fields {
		if tf, ok := f.(*document.TextField); ok {
			if wa, ok := tf.Analyzer().(*wordAnalyzer); ok {
				doc.Fields[i] = &textField{TextField: tf, words: wa}
			}
		}
	}
}

func (f *textField) Analyze() {
	f.length, f.freqs, f.size = f.words.frequencies(f.Value(), f.ArrayPositions(), f.Options().IncludeTermVectors())
}

func (f *textField) AnalyzedLength() int                              { return f.length }
func (f *textField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

// Size is asked for each document after its analysis, for the index's memory statistics;
// bleve's text field walks every location to answer.
func (f *textField) Size() int { return f.TextField.Size() + f.size }

// wordTerms returns the terms the filters make of word. The terms are shared: callers must
// not change them.
func (a *wordAnalyzer) wordTerms(word []byte) []wordTerm {
	if ts, ok := (*a.known.Load())[string(word)]; ok {
		return ts
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if ts, ok := a.recent[string(word)]; ok {
		return ts
	}
	stream := analysis.TokenStream{{Term: append([]byte(nil), word...), Position: 1, End: len(word), Type: analysis.AlphaNumeric}}
	for _, f := range a.filters {
		stream = f.Filter(stream)
	}
	ts := make([]wordTerm, len(stream))
	for i, t := range stream {
		ts[i] = wordTerm{term: t.Term, key: string(t.Term), typ: t.Type, part: strings.HasPrefix(string(t.Term), partMarker)}
	}
	a.recent[string(word)] = ts
	if len(a.recent) >= recentWords {
		known := *a.known.Load()
		next := make(map[string][]wordTerm, len(known)+len(a.recent))
		if len(known)+len(a.recent) <= maxWords {
			maps.Copy(next, known)
		}
		maps.Copy(next, a.recent)
		a.known.Store(&next)
		clear(a.recent)
	}
	return ts
}

// locate returns where the words of text that make one of terms are. seen remembers, for
// the texts of one result, which of terms a word makes: a small map is quicker to ask than
// the large one of all words.
func (a *wordAnalyzer) locate(text string, terms map[string]bool, seen map[string][]string) bsearch.TermLocationMap {
	// The analysis only shortens words (stems, parts, folding): a word shorter than every
	// term makes none of them.
	shortest := math.MaxInt
	for t := range terms {
		shortest = min(shortest, len(strings.TrimPrefix(t, partMarker)))
	}
	var out bsearch.TermLocationMap
	b := []byte(text)
	pos := 0
	scanWords(b, func(start, end int, _ runeKind) {
		pos++
		if end-start < shortest {
			return
		}
		word := b[start:end]
		matched, ok := seen[string(word)]
		if !ok {
			for _, t := range a.wordTerms(word) {
				if terms[string(t.term)] {
					matched = append(matched, string(t.term))
				}
			}
			seen[string(word)] = matched
		}
		for _, t := range matched {
			if out == nil {
				out = bsearch.TermLocationMap{}
			}
			out[t] = append(out[t], &bsearch.Location{Pos: uint64(pos), Start: uint64(start), End: uint64(end)})
		}
	})
	return out
}
