package wiki

import (
	"slices"
	"strings"
	"testing"
)

func TestWordListsValidate(t *testing.T) {
	tests := []struct {
		name      string
		lists     WordLists
		synonyms  string // start of the message at the field; "" for none
		protected string
	}{
		{"empty", WordLists{}, "", ""},
		{"good", WordLists{Synonyms: "# Abkürzungen\nÖPNV = Nahverkehr = öffentlicher Verkehr\n\nIoT = Internet der Dinge", Protected: "Kaiserslautern\n# Orte\nIdar-Oberstein\nB2B"}, "", ""},
		{"one member", WordLists{Synonyms: "OZG = Onlinezugangsgesetz\nNahverkehr"}, "Zeile 2: Eine Gruppe braucht mindestens zwei Begriffe", ""},
		{"empty member", WordLists{Synonyms: "KI = AI ="}, "Zeile 1: Vor oder nach einem „=“ fehlt ein Begriff.", ""},
		{"same member twice", WordLists{Synonyms: "KI = künstliche  Intelligenz = Künstliche Intelligenz"}, "Zeile 1: „Künstliche Intelligenz“ steht zweimal", ""},
		{"member without letters", WordLists{Synonyms: "KI = ?!"}, "Zeile 1: „?!“ enthält keine Buchstaben oder Ziffern.", ""},
		{"too many words", WordLists{Synonyms: "A = eins zwei drei vier fünf sechs"}, "Zeile 1: „eins zwei drei vier fünf sechs“ hat zu viele Wörter", ""},
		{"tab", WordLists{Synonyms: "A =\tB"}, "Zeile 1: Die Zeile enthält Steuerzeichen", ""},
		{"too many members", WordLists{Synonyms: strings.Repeat("a = ", 10) + "b"}, "Zeile 1: Höchstens 10 Begriffe je Gruppe, jetzt 11.", ""},
		{"long line", WordLists{Synonyms: "A = " + strings.Repeat("b", 200)}, "Zeile 1: Die Zeile ist zu lang", ""},
		{"two faulty lines", WordLists{Synonyms: "A\nB = C\nD"}, "Zeile 1: Eine Gruppe braucht mindestens zwei Begriffe, getrennt durch „=“, z. B. „ÖPNV = Nahverkehr“. Auch Zeile 3 ist fehlerhaft.", ""},
		{"too many lines", WordLists{Synonyms: strings.Repeat("a = b\n", MaxSynonymLines+1)}, "Die Liste ist zu lang: höchstens 500 Zeilen, jetzt 501.", ""},
		{"space in protected", WordLists{Protected: "Bad Kreuznach"}, "", "Zeile 1: Bitte nur ein Wort je Zeile"},
		{"punctuation in protected", WordLists{Protected: "Mainz\nSt. Goar"}, "", "Zeile 2: Bitte nur ein Wort je Zeile"},
		{"dot in protected", WordLists{Protected: "Goar."}, "", "Zeile 1: „Goar.“ darf nur Buchstaben, Ziffern und Bindestriche enthalten."},
		{"digits only", WordLists{Protected: "2024"}, "", "Zeile 1: „2024“ enthält keine Buchstaben."},
		{"protected too short", WordLists{Protected: "A"}, "", "Zeile 1: „A“ ist zu kurz"},
		{"protected too long", WordLists{Protected: strings.Repeat("x", MaxProtectedLen+1)}, "", "Zeile 1: „xxxxxxxx"},
		{"too long", WordLists{Protected: strings.Repeat("ä", MaxWordListChars+1)}, "", "Die Liste ist zu lang: höchstens 20000 Zeichen, jetzt 20001."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := tt.lists
			err := w.Validate()
			fields := germanFields(err)
			if tt.synonyms == "" && tt.protected == "" {
				if err != nil {
					t.Fatalf("Validate: got %v %v, want no error", err, fields)
				}
				return
			}
			if ErrorCode(err) != EINVALID {
				t.Fatalf("Validate: got %v, want EINVALID", err)
			}
			for field, want := range map[string]string{"synonyms": tt.synonyms, "protected": tt.protected} {
				got := fields[field]
				if (want == "") != (got == "") || !strings.HasPrefix(got, want) {
					t.Errorf("message at %s = %q, want it to start with %q", field, got, want)
				}
			}
		})
	}
}

func TestWordListsNormalize(t *testing.T) {
	w := WordLists{Synonyms: "KI = AI  \r\n\r\nOZG = Onlinezugangsgesetz\t\r\n\r\n", Protected: "Mainz\rTrier\n\n"}
	w.Normalize()
	if w.Synonyms != "KI = AI\n\nOZG = Onlinezugangsgesetz" || w.Protected != "Mainz\nTrier" {
		t.Errorf("Normalize: got %q and %q", w.Synonyms, w.Protected)
	}
	if !w.SameContent(&WordLists{Synonyms: "KI = AI\r\n\r\nOZG = Onlinezugangsgesetz\n", Protected: "Mainz\nTrier "}) {
		t.Error("SameContent: lists that differ in line ends and trailing spaces differ")
	}
	if w.SameContent(&WordLists{Synonyms: "KI = AI", Protected: "Mainz\nTrier"}) {
		t.Error("SameContent: different lists are the same")
	}
}

func TestWordListsProtectedWords(t *testing.T) {
	w := WordLists{Protected: "# Orte\nKaiserslautern\n\n  Idar-Oberstein \n#Speyer"}
	if got, want := w.ProtectedWords(), []string{"Kaiserslautern", "Idar-Oberstein"}; !slices.Equal(got, want) {
		t.Errorf("ProtectedWords = %q, want %q", got, want)
	}
}
