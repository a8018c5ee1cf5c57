package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

type catalog struct{}

func (catalog) HasMunicipality(ags string) bool { return ags == "07312000" || ags == "07111000" }
func (catalog) HasTopic(slug string) bool {
	return slug == "sensornetzwerke-iot" || slug == "klima-umwelt"
}

func TestNewEntryIsValid(t *testing.T) {
	e := NewEntry("01HRZ8Q3K9V1X4M2N7P5T60001", "lorawan-sensornetz")
	if err := e.Validate(catalog{}); err != nil {
		t.Fatalf("Validate: got %v %v, want no error", err, wiki.FieldMessages(err))
	}
	if e.ID != "01HRZ8Q3K9V1X4M2N7P5T60001" || e.Slug != "lorawan-sensornetz" || e.Version != 1 {
		t.Errorf("NewEntry: got id %q, slug %q, version %d", e.ID, e.Slug, e.Version)
	}
	if !wiki.ValidSlug(e.Slug) || e.CreatedAt.Location() != time.UTC || e.CreatedAt.Nanosecond()%int(time.Millisecond) != 0 {
		t.Errorf("NewEntry: got slug %q, created %s; want whole milliseconds in UTC", e.Slug, e.CreatedAt)
	}
	if e2 := NewEntry("x", "y"); &e2.Tags[0] == &e.Tags[0] {
		t.Error("NewEntry shares slices between calls")
	}
}

func TestDifferences(t *testing.T) {
	base := NewEntry("01HRZ8Q3K9V1X4M2N7P5T60001", "lorawan-sensornetz")
	base.Related = nil
	tests := []struct {
		name   string
		change func(e *wiki.Entry)
		want   []string // fields reported, in order; nil for equal
	}{
		{"equal", func(*wiki.Entry) {}, nil},
		{"empty list for nil", func(e *wiki.Entry) { e.Related = []string{} }, nil},
		{"same instant in another zone", func(e *wiki.Entry) { e.CreatedAt = e.CreatedAt.In(time.FixedZone("MEZ", 3600)) }, nil},
		{"below a millisecond", func(e *wiki.Entry) { e.UpdatedAt = e.UpdatedAt.Add(999 * time.Microsecond) }, nil},
		{"a millisecond", func(e *wiki.Entry) { e.UpdatedAt = e.UpdatedAt.Add(time.Millisecond) }, []string{"UpdatedAt"}},
		{"title and version", func(e *wiki.Entry) { e.Title += "!"; e.Version = 2 }, []string{"Title", "Version"}},
		{"list item", func(e *wiki.Entry) { e.Tags[1] = "Bodenfeuchtigkeit" }, []string{"Tags[1]"}},
		{"list length", func(e *wiki.Entry) { e.Topics = e.Topics[:1] }, []string{"Topics"}},
		{"nested", func(e *wiki.Entry) { e.Contact.Email = ""; e.Links[0].URL += "/" }, []string{"Contact.Email", "Links[0].URL"}},
		{"long body at the end", func(e *wiki.Entry) { e.Body = strings.Repeat("ä", 50_000) + "x" }, []string{"Body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := base.Clone()
			tt.change(got)
			d := differences(got, base)
			if len(d) != len(tt.want) {
				t.Fatalf("differences: got %d %q, want fields %v", len(d), d, tt.want)
			}
			for i, field := range tt.want {
				if !strings.HasPrefix(d[i], field+":") {
					t.Errorf("difference %d: got %q, want it about %s", i, d[i], field)
				}
				if len(d[i]) > 600 {
					t.Errorf("difference %d is %d bytes long, want it shortened", i, len(d[i]))
				}
			}
		})
	}
}

func TestMissingPorts(t *testing.T) {
	all := []string{"Entries", "Municipalities", "Topics", "Blobs", "Users", "Sessions", "Tokens", "Audit", "WordLists"}
	if got := missingPorts(store.Stores{}); !slices.Equal(got, all) {
		t.Errorf("missingPorts of empty Stores: got %v, want %v", got, all)
	}
	var sessions struct{ store.Sessions }
	if got := missingPorts(store.Stores{Sessions: sessions}); slices.Contains(got, "Sessions") || len(got) != len(all)-1 {
		t.Errorf("missingPorts with Sessions set: got %v, want all but Sessions", got)
	}
}

func TestFullUserSetsEveryField(t *testing.T) {
	if zero := zeroFields(fullUser()); len(zero) > 0 {
		t.Errorf("fullUser leaves fields %v unset", zero)
	}
}
