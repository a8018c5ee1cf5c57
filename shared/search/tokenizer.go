package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// wordTokenizerName names the tokenizer of the text fields and of query texts.
const wordTokenizerName = "wissensnetz_words"

// wordTokenizer cuts a text into words as the word boundaries of Unicode (UAX #29) do for
// the scripts of German texts — letters, digits and combining marks; an apostrophe, a
// full stop or a colon inside a word, and a full stop, comma, semicolon or apostrophe
// inside a number, do not end it ("z.B", "geht's", "1.000,50"); letters and digits
// together are one word ("A61", "5G") — but several times faster than bleve's unicode
// tokenizer, whose general segmenter made up most of the time of analysing a text. Every
// ideograph or kana is a word of its own, as there.
type wordTokenizer struct{}

// Tokenize returns the words of input with their byte offsets and positions (from 1).
func (wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input)/6+1)
	scanWords(input, func(start, end int, kind runeKind) {
		out = append(out, &analysis.Token{
			Term: input[start:end], Start: start, End: end, Position: len(out) + 1, Type: tokenType(kind),
		})
	})
	return out
}

// scanWords calls word with the byte offsets and the kind (letters, digits or both, or
// ideograph) of each word of input, in order.
func scanWords(input []byte, word func(start, end int, kind runeKind)) {
	start := -1
	var kind, last runeKind
	for i := 0; i < len(input); {
		r, size := rune(input[i]), 1
		var k runeKind
		if r < utf8.RuneSelf {
			k = asciiKinds[r]
		} else {
			r, size = utf8.DecodeRune(input[i:])
			k = kindOf(r)
		}
		switch {
		case k == kindIdeo:
			if start >= 0 {
				word(start, i, kind)
			}
			word(i, i+size, kindIdeo)
			start = -1
		case k != 0:
			if start < 0 {
				start, kind = i, 0
			}
			kind |= k
			last = k
		case start >= 0 && joins(r, last, input[i+size:]):
			// inside a word: go on
		case start >= 0:
			word(start, i, kind)
			start = -1
		}
		i += size
	}
	if start >= 0 {
		word(start, len(input), kind)
	}
}

// runeKind says what a rune is to wordTokenizer.
type runeKind uint8

const (
	kindLetter runeKind = 1 << iota // letters, combining marks, the connector _
	kindDigit
	kindIdeo // ideographs and kana: words of their own
)

// asciiKinds are the kinds of the ASCII characters.
var asciiKinds = func() (k [utf8.RuneSelf]runeKind) {
	for r := range k {
		k[r] = kindOf(rune(r))
	}
	return k
}()

func kindOf(r rune) runeKind {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', r == '_':
			return kindLetter
		case '0' <= r && r <= '9':
			return kindDigit
		}
		return 0
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		return kindIdeo
	case unicode.IsLetter(r), unicode.IsMark(r):
		return kindLetter
	case unicode.IsDigit(r):
		return kindDigit
	}
	return 0
}

// joins reports whether the punctuation r, following a rune of kind last, stays inside
// the word because a rune of the same kind follows it in rest.
func joins(r rune, last runeKind, rest []byte) bool {
	var mid bool
	switch last {
	case kindLetter:
		mid = r == '\'' || r == '’' || r == '.' || r == ':' || r == '·'
	case kindDigit:
		mid = r == '\'' || r == '’' || r == '.' || r == ',' || r == ';'
	}
	if !mid {
		return false
	}
	next, _ := utf8.DecodeRune(rest)
	return kindOf(next) == last
}

func tokenType(k runeKind) analysis.TokenType {
	switch k {
	case kindDigit:
		return analysis.Numeric
	case kindIdeo:
		return analysis.Ideographic
	}
	return analysis.AlphaNumeric
}

func init() {
	if err := registry.RegisterTokenizer(wordTokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordTokenizer{}, nil
	}); err != nil {
		panic(err)
	}
}
