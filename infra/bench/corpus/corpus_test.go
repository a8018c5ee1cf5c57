package corpus

import (
	"reflect"
	"strings"
	"testing"
)

func TestEntries(t *testing.T) {
	a, b := Entries(200, 7), Entries(200, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Entries(200, 7) differs between two calls")
	}
	if reflect.DeepEqual(a, Entries(200, 8)) {
		t.Fatal("Entries(200, 8) equals Entries(200, 7)")
	}
	ids := map[string]bool{}
	kinds, years := map[string]bool{}, map[int]bool{}
	for _, d := range a {
		if ids[d.ID] {
			t.Errorf("id %s twice", d.ID)
		}
		ids[d.ID] = true
		if d.Title == "" || d.Slug == "" || d.Summary == "" || d.Municipality == "" || len(d.Topics) == 0 {
			t.Errorf("%s: missing field: %+v", d.ID, d)
		}
		if n := len(strings.Fields(d.Body)); n < 280 || n > 420 {
			t.Errorf("%s: body has %d words, want about 300", d.ID, n)
		}
		if d.Year != 0 && (d.Year < 2015 || d.Year > 2026) {
			t.Errorf("%s: year %d", d.ID, d.Year)
		}
		if d.Updated.Year() < 2019 || d.Updated.Year() > 2026 {
			t.Errorf("%s: updated %v", d.ID, d.Updated)
		}
		kinds[d.Kind] = true
		years[d.Year] = true
	}
	if len(kinds) != 5 || len(years) < 12 {
		t.Errorf("%d kinds and %d years, want all 5 kinds and 2015–2026", len(kinds), len(years))
	}
	if n := len(Queries()); n != 50 {
		t.Errorf("%d queries, want 50", n)
	}
}

func TestFiles(t *testing.T) {
	docs := Entries(500, 1)
	a, b := Files(docs, 1), Files(docs, 1)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Files(docs, 1) differs between two calls")
	}
	with, text := 0, 0
	for i, d := range a {
		files := d.Files
		d.Files = nil
		if !reflect.DeepEqual(d, docs[i]) {
			t.Fatalf("%s: Files changed the entry", d.ID)
		}
		if docs[i].Files != nil {
			t.Fatalf("%s: Files changed its argument", d.ID)
		}
		if len(files) > 0 {
			with++
		}
		for _, f := range files {
			if f.ID == "" || f.Name == "" || f.Title == "" || f.Format == "" || len(f.Parts) == 0 {
				t.Errorf("%s: file %+v", d.ID, f)
			}
			for _, p := range f.Parts {
				text += len(p.Text)
			}
		}
	}
	if with < 150 || with > 250 {
		t.Errorf("%d of 500 entries have files, want about 200", with)
	}
	if per := text / len(a); per < 7000 || per > 16000 {
		t.Errorf("%d bytes of file text per entry, want about 11,000", per)
	}
}
