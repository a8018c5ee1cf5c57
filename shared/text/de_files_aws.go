package text

// deFilesAWS holds the texts about files uploaded straight to the blob store and
// downloaded from it (AWS).
var deFilesAWS = map[string]string{
	"files.upload_unknown": "Diese hochgeladene Datei gehört nicht zu diesem Eintrag oder wurde von jemand anderem hochgeladen. Bitte laden Sie die Datei noch einmal hoch.",
	"files.upload_gone":    "Die hochgeladene Datei ist nicht mehr da: Hochgeladene Dateien, die nicht innerhalb eines Tages bestätigt werden, werden gelöscht, und jede wird nur einmal übernommen. Bitte laden Sie die Datei noch einmal hoch.",
	"files.scan_pending":   "„%s“ wird noch auf Schadsoftware geprüft. Bitte versuchen Sie es in einer Minute noch einmal.",
	"files.scan_failed":    "„%s“ konnte nicht auf Schadsoftware geprüft werden und wird deshalb nicht ausgeliefert. Bitte wenden Sie sich an die Koordinierungsstelle.",
	"files.blocked":        "„%s“ ist gesperrt: Die Prüfung auf Schadsoftware hat darin eine Bedrohung gefunden.",

	"api.uploads_local": "Dieser Server nimmt Dateien selbst an: Senden Sie sie mit POST an /api/v1/entries/{slug}/files (multipart/form-data).",
	"api.uploads_count": "Bestätigen Sie eine bis %d Dateien auf einmal.",
	"upload.link":       "Dateien hochladen",
	"upload.title":      "Dateien hochladen",
	"upload.for":        "Zum Eintrag",
	"upload.hint":       "Erlaubt sind %s, höchstens %s je Datei. Die Datei geht direkt in den Speicher des Wissensnetzes; danach geben Sie ihr einen Titel und fügen sie dem Eintrag hinzu.",
	"upload.file":       "Datei",
	"upload.file.hint":  "Ohne JavaScript eine Datei je Durchgang, mit JavaScript mehrere. Das Formular gilt 15 Minuten; laden Sie die Seite danach neu.",
	"upload.send":       "Hochladen",

	"upload.js.sending":     "wird hochgeladen …",
	"upload.js.done":        "hochgeladen",
	"upload.js.failed":      "nicht hochgeladen: Die Verbindung brach ab, oder das Formular ist abgelaufen. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.",
	"upload.js.too_large":   "zu groß: Eine Datei darf höchstens %s groß sein.",
	"upload.js.empty":       "leer: Die Datei enthält nichts.",
	"upload.js.some_failed": "Nicht alle Dateien wurden hochgeladen.",
	"upload.js.continue":    "Mit den hochgeladenen Dateien weiter",

	"upload.confirm.title":      "Hochgeladene Dateien hinzufügen",
	"upload.confirm.hint":       "Die Dateien sind hochgeladen. Geben Sie jeder einen Titel (sonst gilt ihr Name) und auf Wunsch eine Beschreibung. Erst mit „Zum Eintrag hinzufügen“ werden sie geprüft und Teil des Eintrags; nicht hinzugefügte Dateien werden nach einem Tag gelöscht.",
	"upload.confirm.file":       "Datei „%s“",
	"upload.confirm.file_n":     "Datei %d",
	"upload.confirm.title_hint": "Wenn Sie nichts eintragen, gilt der Name der Datei.",
	"upload.confirm.comment":    "Kommentar zur Änderung (optional)",
	"upload.confirm.send":       "Zum Eintrag hinzufügen",
}

func init() { addGerman(deFilesAWS) }
