package text

// deFilesWeb holds the texts of the pages and the API about the files of entries: the
// form, the entry page, the downloads, the upload script.
var deFilesWeb = map[string]string{
	"form.section.files":      "Dateien",
	"form.files.hint":         "Berichte, Ausschreibungen, Präsentationen, Tabellen, Bilder. Erlaubt sind %s; höchstens %s je Datei und %s für alle Dateien des Eintrags zusammen.",
	"form.files.new":          "Neue Datei %d",
	"form.files.file":         "Datei",
	"form.files.title":        "Dateititel",
	"form.files.title.hint":   "Ohne Titel wird der Dateiname angezeigt.",
	"form.files.description":  "Dateibeschreibung (freiwillig)",
	"form.files.remove":       "Datei entfernen",
	"form.files.remove.hint":  "Frühere Versionen des Eintrags behalten die Datei.",
	"form.files.rechoose":     "Die gewählten Dateien sind nicht gespeichert. Bitte wählen Sie sie noch einmal aus: %s.",
	"form.files.direct_new":   "Dateien fügen Sie hinzu, sobald der Eintrag gespeichert ist: auf seiner Seite unter „Dateien hochladen“.",
	"form.files.full":         "Der Eintrag hat schon die höchste Zahl an Dateien. Um eine neue hinzuzufügen, entfernen Sie zuerst eine.",
	"upload.progress":         "Dateien werden hochgeladen",
	"upload.file_progress":    "Hochladen: {name}",
	"upload.percent":          "{percent} % hochgeladen",
	"upload.checking":         "Hochgeladen. Die Dateien werden geprüft und gespeichert …",
	"upload.failed":           "Das Hochladen ist abgebrochen. Bitte prüfen Sie die Verbindung und speichern Sie noch einmal.",
	"entry.files":             "Dateien",
	"entry.files.pending":     "Der Text der Datei wird noch ausgelesen; bis dahin findet die Suche ihn nicht.",
	"entry.files.note":        "Hinweis für Bearbeitende:",
	"history.files":           "Dateien",
	"coord.scanner":           "Hochgeladene Dateien prüft: %s.",
	"coord.scanner.none":      "Hochgeladene Dateien werden nicht auf Schadsoftware geprüft: Es ist kein Virenscanner eingerichtet.",
	"coord.scanner.none.hint": "Zum Einrichten betreiben Sie einen ClamAV-Dienst (clamd) und nennen dem Server beim Start seine Adresse in der Umgebungsvariablen WISSENSNETZ_CLAMD=host:port, z. B. WISSENSNETZ_CLAMD=localhost:3310.",

	"api.multipart_content_type": "Bitte senden Sie die Datei als multipart/form-data: die Datei im Feld „file“, dazu „title“, „description“ und „comment“ nach Wunsch und die Version in If-Match oder im Feld „version“.",
	"api.file_missing":           "Die Anfrage enthält keine Datei im Feld „file“.",
	"api.file_field":             "Die Datei gehört in das Feld „file“.",
	"api.file_one":               "Bitte senden Sie eine Datei je Anfrage.",
	"api.file_version_required":  "Änderungen der Dateien brauchen die Version, auf der sie beruhen: in der Kopfzeile If-Match (z. B. If-Match: \"3\", der ETag der letzten Antwort) oder im Feld „version“.",
	"api.version_bad":            "Die Version ist eine positive ganze Zahl, z. B. 3.",
	"api.versions_differ":        "If-Match und das Feld „version“ nennen verschiedene Versionen.",
}

func init() { addGerman(deFilesWeb) }
