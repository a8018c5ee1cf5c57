package text

// deFilesAWS holds the texts about files uploaded straight to the blob store and
// downloaded from it (AWS).
var deFilesAWS = map[string]string{
	"files.upload_unknown": "Diese hochgeladene Datei gehört nicht zu diesem Eintrag oder wurde von jemand anderem hochgeladen. Bitte laden Sie die Datei noch einmal hoch.",
	"files.upload_gone":    "Die hochgeladene Datei ist nicht mehr da: Hochgeladene Dateien, die nicht innerhalb eines Tages bestätigt werden, werden gelöscht, und jede wird nur einmal übernommen. Bitte laden Sie die Datei noch einmal hoch.",
	"files.scan_pending":   "„%s“ wird noch auf Schadsoftware geprüft. Bitte versuchen Sie es in einer Minute noch einmal.",
	"files.scan_failed":    "„%s“ konnte nicht auf Schadsoftware geprüft werden und wird deshalb nicht ausgeliefert. Bitte wenden Sie sich an die Koordinierungsstelle.",
	"files.blocked":        "„%s“ ist gesperrt: Die Prüfung auf Schadsoftware hat darin eine Bedrohung gefunden.",
}

func init() { addGerman(deFilesAWS) }
