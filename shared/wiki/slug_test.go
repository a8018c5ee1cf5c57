package wiki

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"LoRaWAN-Sensornetz in Kaiserslautern", "lorawan-sensornetz-in-kaiserslautern"},
		{"Straßenbeleuchtung: Öffentliche Übersicht", "strassenbeleuchtung-oeffentliche-uebersicht"},
		{"Café für Senioren – digital!", "cafe-fuer-senioren-digital"},
		{"  --OZG 2.0--  ", "ozg-2-0"},
		{"Ärger", "aerger"},
		{"!!!", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Slugify(tt.in); got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSlugifyLong(t *testing.T) {
	title := strings.Repeat("Digitalisierung der Verwaltung ", 10)
	got := Slugify(title)
	if len(got) > MaxSlugLen || !ValidSlug(got) {
		t.Fatalf("Slugify(long) = %q (%d bytes), want a valid slug of at most %d bytes", got, len(got), MaxSlugLen)
	}
	if strings.HasSuffix(got, "-") || strings.HasSuffix(got, "digitalisi") {
		t.Errorf("Slugify(long) = %q, want a cut at a word boundary", got)
	}
}

func TestValidSlug(t *testing.T) {
	for _, s := range []string{"a", "ozg-2-0", "sensor-netz"} {
		if !ValidSlug(s) {
			t.Errorf("ValidSlug(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"", "-a", "a-", "a--b", "A", "ä", "a b", "../etc", strings.Repeat("a", MaxSlugLen+1)} {
		if ValidSlug(s) {
			t.Errorf("ValidSlug(%q) = true, want false", s)
		}
	}
}

func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Straße", "Öffentlicher Nahverkehr 2.0", "ẞ", "\x00\xff", strings.Repeat("ä", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		got := Slugify(title)
		if got != "" && !ValidSlug(got) {
			t.Fatalf("Slugify(%q) = %q, not a valid slug", title, got)
		}
		if !utf8.ValidString(got) || Slugify(got) != got {
			t.Fatalf("Slugify not idempotent: %q -> %q -> %q", title, got, Slugify(got))
		}
	})
}
