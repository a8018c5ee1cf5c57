package search

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	stdunicode "unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
)

// German analysis beyond bleve's "de" analyzer: decompounding.
//
// The text fields are analysed as by bleve's "de" analyzer — lower case, German stop words,
// folding and light stemming — and their compounds are split. Folding is bleve's German normalisation (the rule of Lucene's
// GermanNormalizationFilter): ä, ö, ü become a, o, u; ß becomes ss; and ae, oe, ue become
// a, o, u unless the vowel pair is part of a diphthong or follows q ("Queue", "Feuer",
// "Auer" stay as they are). "Straße" and "Strasse", "Bürger" and "Buerger" thus end as the
// same term. A word like "aktuell" becomes "aktull" — the same at index and query time, so
// it still finds itself; two different words only meet if they differ in nothing else.
//
// Compounds are split by the words of lexicon/komposita.txt: a word is split only if it
// is covered completely by components of at least three letters, joined by the usual
// linking elements (s, es, n, en, e, er, ns), the last one perhaps inflected. Of the
// possible splits the one with the fewest parts wins, and parts that are compounds
// themselves are split too, so "Hochwasserfrühwarnsystem" yields hochwasser, hoch, wasser,
// früh, warn and system. Protected words (lexicon/geschuetzt.txt and the municipality
// names of the catalog) are never split. The parts are indexed beside the whole word, in
// the same field and at the same position, as terms marked with partMarker; a query word
// matches a part with a lower weight than a whole word, so that whole word matches rank
// first, while a title still weighs more than a body.

//go:embed lexicon/komposita.txt
var compoundsText string

//go:embed lexicon/geschuetzt.txt
var protectedText string

//go:embed lexicon/synonyme.txt
var synonymsText string

// Names of the analysis components registered with bleve.
const (
	compoundFilterType   = "wissensnetz_compound_parts" // type of compoundFilter
	compoundFilterName   = "wissensnetz_compounds"      // compoundFilter with the protected words of an index
	markFilterName       = "wissensnetz_mark_parts"
	compoundAnalyzerName = "wissensnetz_de"
	wholeAnalyzerName    = "wissensnetz_de_whole" // compounds left whole
)

const (
	minPartLen     = 3 // letters of a component
	minCompoundLen = 6 // letters of a word that is split
	maxPartLen     = 24
)

// linking elements between the parts of a compound, longest first.
var fugen = []string{"ens", "es", "en", "er", "ns", "s", "n", "e"}

// endings the last part of a compound may carry, longest first.
var endings = []string{"ern", "ens", "en", "er", "es", "em", "e", "n", "s"}

// fold lower-cases w and applies the German normalisation of the "de" analyzer.
func fold(w string) string {
	ts := analysis.TokenStream{&analysis.Token{Term: bytes.ToLower([]byte(w))}}
	ts = de.NewGermanNormalizeFilter().Filter(ts)
	return string(ts[0].Term)
}

// wordList reads one word per field of each non-comment line, folded.
func wordList(text string, wholeLines bool) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if wholeLines {
			out = append(out, line)
			continue
		}
		out = append(out, strings.Fields(line)...)
	}
	return out
}

// decompounder splits folded, lower-case German compounds into their parts.
type decompounder struct {
	dict      map[string]bool
	protected map[string]bool

	mu    sync.RWMutex
	cache map[string][]string // of cachedSplit
}

// newDecompounder returns the decompounder of the bundled word list; protected words are
// those of the bundled list and extra (e.g. municipality names; each word of a name of
// several words counts on its own).
func newDecompounder(extra []string) *decompounder {
	d := &decompounder{dict: map[string]bool{}, protected: map[string]bool{}, cache: map[string][]string{}}
	for _, w := range wordList(compoundsText, false) {
		if f := fold(w); utf8.RuneCountInString(f) >= minPartLen {
			d.dict[f] = true
		}
	}
	for _, w := range append(wordList(protectedText, true), extra...) {
		for _, part := range strings.FieldsFunc(w, func(r rune) bool { return !isLetterOrDigit(r) }) {
			d.protected[fold(part)] = true
		}
		d.protected[fold(w)] = true
	}
	return d
}

func isLetterOrDigit(r rune) bool {
	return stdunicode.IsLetter(r) || stdunicode.IsDigit(r)
}

// split returns the parts of the folded word w, or nil if w is no compound of the word list
// or is protected. Parts that are compounds themselves are followed by their parts.
func (d *decompounder) split(w string) []string {
	if d.protected[w] {
		return nil
	}
	r := []rune(w)
	if len(r) < minCompoundLen {
		return nil
	}
	parts := d.segment(r)
	if len(parts) < 2 {
		return nil
	}
	var out []string
	for _, p := range parts {
		out = append(out, p)
		if sub := d.split(p); sub != nil {
			out = append(out, sub...)
		}
	}
	return out
}

// segment returns the split of r into the fewest dictionary words (at least two), nil if
// there is none.
func (d *decompounder) segment(r []rune) []string {
	n := len(r)
	// best[i]: fewest parts covering r[i:]; next[i], word[i]: where the next part starts
	// and the part at i. -1 means r[i:] cannot be covered.
	best := make([]int, n+1)
	next := make([]int, n+1)
	word := make([]string, n+1)
	for i := range best {
		best[i] = -1
	}
	best[n] = 0
	for i := n - minPartLen; i >= 0; i-- {
		for j := min(n, i+maxPartLen); j >= i+minPartLen; j-- {
			w := string(r[i:j])
			if !d.dict[w] {
				continue
			}
			try := func(k int) {
				if best[k] < 0 || (i == 0 && k == n) {
					return // a single part is no split
				}
				if best[i] < 0 || best[k]+1 < best[i] {
					best[i], next[i], word[i] = best[k]+1, k, w
				}
			}
			rest := string(r[j:])
			switch {
			case j == n:
				try(n)
			default:
				// a final part with an inflection ending
				for _, e := range endings {
					if rest == e {
						try(n)
					}
				}
				try(j)
				for _, f := range fugen {
					if strings.HasPrefix(rest, f) && j+utf8.RuneCountInString(f) < n {
						try(j + utf8.RuneCountInString(f))
					}
				}
			}
		}
	}
	if best[0] < 2 {
		return nil
	}
	var out []string
	for i := 0; i < n; i = next[i] {
		out = append(out, word[i])
	}
	return out
}

// partType marks the tokens a compoundFilter adds for the parts of a compound.
const partType analysis.TokenType = 1000

// partMarker starts the terms of parts in the index ("~netzwerk"): a part is a term of its
// own, so that a whole word, which is not marked, can weigh more. No token of the text
// fields contains it.
const partMarker = "~"

// compoundFilter follows every compound by its parts, as tokens of type partType at the
// compound's position and offsets.
type compoundFilter struct{ d *decompounder }

func (f *compoundFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	var out analysis.TokenStream
	for i, t := range input {
		parts := f.d.cachedSplit(t.Term)
		if parts == nil {
			if out != nil {
				out = append(out, t)
			}
			continue
		}
		if out == nil {
			out = make(analysis.TokenStream, i, len(input)+8)
			copy(out, input[:i])
		}
		out = append(out, t)
		for _, p := range parts {
			out = append(out, &analysis.Token{Term: []byte(p), Position: t.Position, Start: t.Start, End: t.End, Type: partType})
		}
	}
	if out == nil {
		return input
	}
	return out
}

// markFilter prefixes the terms of parts with partMarker; it runs after stemming.
type markFilter struct{}

func (markFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, t := range input {
		if t.Type == partType {
			t.Term = append([]byte(partMarker), t.Term...)
		}
	}
	return input
}

// maxCached bounds the words whose split a decompounder remembers.
const maxCached = 200_000

// cachedSplit is split of the folded word w, remembered: texts repeat their words.
func (d *decompounder) cachedSplit(w []byte) []string {
	if utf8.RuneCount(w) < minCompoundLen {
		return nil
	}
	d.mu.RLock()
	parts, ok := d.cache[string(w)]
	d.mu.RUnlock()
	if ok {
		return parts
	}
	parts = d.split(string(w))
	d.mu.Lock()
	if len(d.cache) >= maxCached {
		clear(d.cache)
	}
	d.cache[string(w)] = parts
	d.mu.Unlock()
	return parts
}

// protectedConfig reads the "protected" list of a filter configuration.
func protectedConfig(config map[string]any) []string {
	var out []string
	if l, ok := config["protected"].([]any); ok {
		for _, v := range l {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
	}
	if l, ok := config["protected"].([]string); ok {
		out = append(out, l...)
	}
	return out
}

func init() {
	if err := registry.RegisterTokenFilter(compoundFilterType, func(config map[string]any, _ *registry.Cache) (analysis.TokenFilter, error) {
		return &compoundFilter{d: newDecompounder(protectedConfig(config))}, nil
	}); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenFilter(markFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return markFilter{}, nil
	}); err != nil {
		panic(err)
	}
}

// compoundAnalyzerConfig returns the configuration of the analyzer of the text fields and
// of its decompounding filter, with the protected words given: bleve's "de" analyzer with
// compounds split before stemming.
func compoundAnalyzerConfig(protected []string) (filter, analyzer map[string]any) {
	p := make([]any, 0, len(protected))
	for _, w := range slices.Sorted(slices.Values(protected)) {
		p = append(p, w)
	}
	filter = map[string]any{"type": compoundFilterType, "protected": p}
	analyzer = map[string]any{
		"type":      wordAnalyzerType,
		"tokenizer": wordTokenizerName,
		"token_filters": []any{
			lowercase.Name, de.StopName, de.NormalizeName, compoundFilterName, de.LightStemmerName, markFilterName,
		},
	}
	return filter, analyzer
}

// wholeWordsAnalyzerConfig returns the configuration of the analyzer of the text fields
// that leaves compounds whole: bleve's "de" analyzer.
func wholeWordsAnalyzerConfig() map[string]any {
	return map[string]any{
		"type":          wordAnalyzerType,
		"tokenizer":     wordTokenizerName,
		"token_filters": []any{lowercase.Name, de.StopName, de.NormalizeName, de.LightStemmerName},
	}
}

// queryWord is one word of a query text, analysed: its term and the terms of its parts if
// it is a compound.
type queryWord struct {
	folded string   // lower case and folded, not stemmed: for synonyms
	term   string   // as in the text fields
	parts  []string // stemmed, not marked; nil if the word is no compound
	start  int      // byte offsets of the word in the query text
	end    int
}

// queryAnalyzer analyses query texts as the index does.
type queryAnalyzer struct {
	tokenizer analysis.Tokenizer
	stop      analysis.TokenFilter
	d         *decompounder
}

func newQueryAnalyzer(d *decompounder) (*queryAnalyzer, error) {
	cache := registry.NewCache()
	stop, err := cache.TokenFilterNamed(de.StopName)
	if err != nil {
		return nil, fmt.Errorf("search: analyzer: %w", err)
	}
	return &queryAnalyzer{tokenizer: wordTokenizer{}, stop: stop, d: d}, nil
}

// words returns the analysed words of text, stop words left out.
func (a *queryAnalyzer) words(text string) []queryWord {
	ts := a.tokenizer.Tokenize([]byte(text))
	ts = lowercase.NewLowerCaseFilter().Filter(ts)
	ts = a.stop.Filter(ts)
	ts = de.NewGermanNormalizeFilter().Filter(ts)
	out := make([]queryWord, 0, len(ts))
	for _, t := range ts {
		w := queryWord{folded: string(t.Term), term: stemTerm(string(t.Term)), start: t.Start, end: t.End}
		if w.term == "" {
			continue
		}
		if !a.d.protected[w.folded] && utf8.RuneCountInString(w.folded) >= minCompoundLen {
			for _, p := range a.d.segment([]rune(w.folded)) {
				w.parts = append(w.parts, stemTerm(p))
			}
		}
		out = append(out, w)
	}
	return out
}

// stemTerm applies the light German stemmer to a folded term.
func stemTerm(t string) string {
	ts := de.NewGermanLightStemmerFilter().Filter(analysis.TokenStream{&analysis.Token{Term: []byte(t)}})
	return string(ts[0].Term)
}
