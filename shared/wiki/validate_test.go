package wiki

import (
	"strings"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/text"
)

// germanFields returns the field messages of err in German.
func germanFields(err error) map[string]string { return FieldTexts(text.German, err) }

// testCatalog knows one municipality and one topic.
type testCatalog struct{}

func (testCatalog) HasMunicipality(ags string) bool { return ags == "07312000" || ags == "07320000" }
func (testCatalog) HasTopic(slug string) bool       { return slug == "mobilitaet" }

func validEntry() *Entry {
	return &Entry{Title: "Digitaler Mängelmelder", Kind: KindSolution, Municipality: "07312000",
		Summary: "Bürgerinnen melden Schäden per App.", Topics: []string{"mobilitaet"},
		ProjectStatus: StatusRunning, Visibility: Public, State: StateDraft}
}

// invisibles are characters that change how text shows without being seen.
var invisibles = map[string]string{
	"right-to-left override":     "\u202e",
	"left-to-right embedding":    "\u202a",
	"pop directional":            "\u202c",
	"first strong isolate":       "\u2068",
	"pop directional isolate":    "\u2069",
	"left-to-right mark":         "\u200e",
	"right-to-left mark":         "\u200f",
	"arabic letter mark":         "\u061c",
	"zero width space":           "\u200b",
	"zero width non-joiner":      "\u200c",
	"zero width joiner":          "\u200d",
	"word joiner":                "\u2060",
	"byte order mark":            "\ufeff",
	"soft hyphen":                "\u00ad",
	"invisible times (Cf)":       "\u2062",
	"interlinear annotation":     "\ufff9",
	"tag character (Cf, 4-byte)": "\U000e0041",
}

func TestInvisibleCharactersRefused(t *testing.T) {
	for name, c := range invisibles {
		t.Run(name, func(t *testing.T) {
			fields := map[string]func(e *Entry){
				"title":             func(e *Entry) { e.Title = "Mängel" + c + "melder digital" },
				"contact_name":      func(e *Entry) { e.Contact.Name = "Anna" + c + " Beispiel" },
				"contact_role":      func(e *Entry) { e.Contact.Role = c + "Leitung" },
				"costs":             func(e *Entry) { e.Costs = "12.000" + c + " Euro" },
				"funding":           func(e *Entry) { e.Funding = "Modellprojekte" + c },
				"tags":              func(e *Entry) { e.Tags = []string{"App", "Schä" + c + "den"} },
				"software":          func(e *Entry) { e.Software = []string{"Open" + c + "Source"} },
				"external_partners": func(e *Entry) { e.ExternalPartners = []string{"Firma" + c + " GmbH"} },
				"links":             func(e *Entry) { e.Links = []Link{{Title: "Seite" + c, URL: "https://example.org/"}} },
			}
			for field, set := range fields {
				e := validEntry()
				set(e)
				e.Normalize()
				msg := germanFields(e.Validate(testCatalog{}))[field]
				if !strings.Contains(msg, "unsichtbare Steuerzeichen") {
					t.Errorf("%s with %U: message %q, want one about invisible control characters", field, []rune(c)[0], msg)
				}
			}
			if err := ValidateRevisionNote("Anna"+c+" Beispiel", "ok"); !strings.Contains(germanFields(err)["author"], "unsichtbare Steuerzeichen") {
				t.Errorf("revision author with %U accepted: %v", []rune(c)[0], err)
			}
			if err := ValidateRevisionNote("Anna Beispiel", "Tippfehler"+c); !strings.Contains(germanFields(err)["comment"], "unsichtbare Steuerzeichen") {
				t.Errorf("revision comment with %U accepted: %v", []rune(c)[0], err)
			}
			u := &User{Email: "anna@beispiel.de", Name: "Anna" + c, Role: RoleCoordinator}
			if err := u.Validate(testCatalog{}); !strings.Contains(germanFields(err)["name"], "unsichtbare Steuerzeichen") {
				t.Errorf("user name with %U accepted: %v", []rune(c)[0], err)
			}
			m := &Municipality{AGS: "07312000", Name: "Kaisers" + c + "lautern", Type: "Stadt"}
			if err := m.Validate(); !strings.Contains(germanFields(err)["name"], "unsichtbare Steuerzeichen") {
				t.Errorf("municipality name with %U accepted: %v", []rune(c)[0], err)
			}
			m = &Municipality{AGS: "07312000", Name: "Kaiserslautern", Type: "Kreisfreie" + c + " Stadt"}
			if err := m.Validate(); !strings.Contains(germanFields(err)["type"], "unsichtbare Steuerzeichen") {
				t.Errorf("municipality type with %U accepted: %v", []rune(c)[0], err)
			}
			tp := &Topic{Slug: "mobilitaet", Name: "Mobi" + c + "lität"}
			if err := tp.Validate(); !strings.Contains(germanFields(err)["name"], "unsichtbare Steuerzeichen") {
				t.Errorf("topic name with %U accepted: %v", []rune(c)[0], err)
			}
		})
	}
}

// Titles in any script are fine; emoji with variation selectors are not invisible.
func TestTitlesInAnyScript(t *testing.T) {
	for _, title := range []string{"日本語のタイトル", "Цифровая администрация", "مشروع المدينة الذكية", "Ελληνικά έργα", "Sensor 🌧️ Netz"} {
		e := validEntry()
		e.Title = title
		if err := e.Validate(testCatalog{}); err != nil {
			t.Errorf("title %q: %v", title, err)
		}
	}
	for _, title := range []string{"!!!!!", "— — —", "🌧️🌧️🌧️🌧️🌧️"} {
		e := validEntry()
		e.Title = title
		if msg := germanFields(e.Validate(testCatalog{}))["title"]; msg == "" {
			t.Errorf("title %q without letters or digits accepted", title)
		}
	}
}

func TestVisibleText(t *testing.T) {
	if got := VisibleText("Zur Prüfung: Mängel\u202emelder\u200b\u00ad\r\n"); got != "Zur Prüfung: Mängelmelder" {
		t.Errorf("VisibleText = %q", got)
	}
}
