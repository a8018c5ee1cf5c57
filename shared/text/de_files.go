package text

// deFiles holds the texts about files on entries: their fields, limits and checks.
var deFiles = map[string]string{
	"field.files":            "Dateien",
	"field.file_title":       "Titel der Datei",
	"field.file_description": "Beschreibung der Datei",

	"validate.files.too_many": "Höchstens %d Dateien je Eintrag.",
	"validate.files.id":       "Eine Datei ist doppelt oder ohne Kennung angegeben.",

	"files.unknown":      "Diese Datei gehört nicht (mehr) zum Eintrag. Bitte laden Sie die Seite neu.",
	"files.entry_total":  "Die Dateien eines Eintrags dürfen zusammen höchstens %s groß sein.",
	"files.too_large":    "„%s“ ist zu groß: Eine Datei darf höchstens %s groß sein.",
	"files.refused":      "„%s“ wurde nicht angenommen: %s",
	"files.scanner_down": "„%s“ konnte nicht auf Schadsoftware geprüft werden, weil die Prüfung gerade nicht erreichbar ist. Bitte versuchen Sie es in einigen Minuten noch einmal.",
	"files.malware":      "„%s“ wurde nicht angenommen: Die Prüfung auf Schadsoftware hat „%s“ gefunden.",
	"files.not_found":    "Diese Datei gibt es nicht, oder Sie dürfen sie nicht sehen.",
	"limit.files":        "Sie haben in der letzten Stunde %d Dateien hochgeladen",
}

func init() { addGerman(deFiles) }

// addGerman adds texts kept in a file of their own to the German catalogue. A key that is
// there already is a mistake of this package: it panics, so every test finds it.
func addGerman(texts map[string]string) {
	for k, v := range texts {
		if _, dup := de[k]; dup {
			panic("text: key " + k + " is in the German catalogue twice")
		}
		de[k] = v
	}
}
