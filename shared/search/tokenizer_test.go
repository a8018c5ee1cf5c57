package search

import (
	"bytes"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// terms returns the terms of ts with their byte offsets.
func tokenTerms(ts analysis.TokenStream) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.Term)
	}
	return out
}

// TestWordTokenizerLikeUnicode: on German texts, the words and their offsets and positions
// are those of bleve's unicode tokenizer (UAX #29).
func TestWordTokenizerLikeUnicode(t *testing.T) {
	t.Parallel()
	texts := []string{
		"Das LoRaWAN-Sensornetzwerk misst alle 10 Minuten die Pegel – z.B. am Rhein.",
		"Straße, Bürgerbüro & Öffnungszeiten: Mo.–Fr. 8:00–12:00 Uhr; Kosten 1.250,50 €.",
		"Die E-Akte (OZG) wurde 2023 eingeführt; geht's auch ohne? „Ja“, sagt die Stadt.",
		"5G-Ausbau, A61, Zweibrücken/Pirmasens, ÖPNV-App v2.1, info@stadt.example, https://stadt.example/x",
		"  Mehrere   Leerzeichen\tund\nZeilen\r\nsowie Ünïcödé-Zeichen mit Akzenten: café naïve",
		"Apostroph am Ende' und 'am Anfang, Punkt am Ende. Doppelpunkt: hier.",
	}
	u := unicode.NewUnicodeTokenizer()
	for _, text := range texts {
		want := u.Tokenize([]byte(text))
		got := wordTokenizer{}.Tokenize([]byte(text))
		if !slices.Equal(tokenTerms(got), tokenTerms(want)) {
			t.Errorf("%q:\n got %q\nwant %q", text, tokenTerms(got), tokenTerms(want))
			continue
		}
		for i := range want {
			if got[i].Start != want[i].Start || got[i].End != want[i].End || got[i].Position != want[i].Position {
				t.Errorf("%q: token %q at %d-%d #%d, want %d-%d #%d", text, got[i].Term,
					got[i].Start, got[i].End, got[i].Position, want[i].Start, want[i].End, want[i].Position)
			}
		}
	}
}

func TestWordTokenizerIdeographs(t *testing.T) {
	t.Parallel()
	got := tokenTerms(wordTokenizer{}.Tokenize([]byte("Partnerstadt 東京 ok")))
	want := []string{"Partnerstadt", "東", "京", "ok"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzWordTokenizer: any input gives words that are pieces of it, in order, not
// overlapping, without spaces, at positions 1, 2, 3 ….
func FuzzWordTokenizer(f *testing.F) {
	for _, s := range []string{"", "a", "z.B.", "1.000,5", "geht's", "\xff\xfe", "東京", "a.'b", "ä̈"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		end := 0
		for i, tok := range (wordTokenizer{}).Tokenize([]byte(s)) {
			if tok.Position != i+1 || tok.Start < end || tok.End <= tok.Start || tok.End > len(s) {
				t.Fatalf("%q: token %d %q at %d-%d after %d", s, i, tok.Term, tok.Start, tok.End, end)
			}
			if !bytes.Equal(tok.Term, []byte(s[tok.Start:tok.End])) || bytes.ContainsAny(tok.Term, " \t\n") {
				t.Fatalf("%q: token %q is not the text at %d-%d", s, tok.Term, tok.Start, tok.End)
			}
			if utf8.ValidString(s) && !utf8.Valid(tok.Term) {
				t.Fatalf("%q: token %q cuts a character", s, tok.Term)
			}
			end = tok.End
		}
	})
}
