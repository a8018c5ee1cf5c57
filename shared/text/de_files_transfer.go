package text

// deFilesTransfer holds the texts about files in exports and imports.
var deFilesTransfer = map[string]string{
	"import.archive.damaged":     "Das ZIP-Archiv ist beschädigt oder unvollständig (%v)",
	"import.archive.twice":       "%s steht zweimal im ZIP-Archiv",
	"import.archive.no_records":  "Im ZIP-Archiv fehlt %s mit den Datensätzen",
	"import.files.no_archive":    "Eintrag %q: hat Dateien, die nur ein ZIP-Archiv mitbringen kann; bitte das ZIP-Archiv des Exports importieren",
	"import.files.differ":        "Eintrag %q: Datei %q steht in den Versionen mit verschiedenem Inhalt",
	"import.files.bad_id":        "Eintrag %q: Datei %q hat eine ungültige Kennung %q",
	"import.files.bad_format":    "Eintrag %q: Datei %q hat ein unbekanntes Format %q",
	"import.files.bad_sum":       "Eintrag %q: Datei %q ohne gültige Größe oder Prüfsumme (SHA-256)",
	"import.files.missing":       "Eintrag %q: Datei %q fehlt im Archiv (%s)",
	"import.files.tampered":      "Eintrag %q: Datei %q stimmt nicht mit ihrer Prüfsumme überein, sie wurde verändert oder ist beschädigt (%s)",
	"import.files.unreadable":    "Eintrag %q: Datei %q ist im Archiv beschädigt und nicht lesbar (%s)",
	"import.files.too_large":     "Eintrag %q: Datei %q ist größer als %s",
	"import.files.entry_total":   "Eintrag %q: Die Dateien sind zusammen größer als %s",
	"import.files.refused":       "Eintrag %q: Datei %q wurde nicht angenommen: %s",
	"import.files.wrong_format":  "Eintrag %q: Datei %q ist laut Datensatz %s, ihr Inhalt aber %s",
	"import.files.malware":       "Eintrag %q: Datei %q wurde nicht angenommen: Die Prüfung auf Schadsoftware hat „%s“ gefunden",
	"import.files.scanner_down":  "Eintrag %q: Datei %q konnte nicht auf Schadsoftware geprüft werden, weil die Prüfung nicht erreichbar ist; bitte den Import später wiederholen",
	"import.files.unused":        "%s im Archiv gehört zu keinem Eintrag",
	"import.failed.files":        "die Dateien von Eintrag „%s“ ließen sich nicht speichern",
	"import.failed.file_changed": "Datei „%s“ von Eintrag „%s“ hat sich während des Imports verändert",
	"import.left.file":           "Datei „%s“ von Eintrag „%s“ (%s)",

	"export.file.missing": "Export abgebrochen: Die Datei „%s“ von Eintrag „%s“ fehlt im Speicher (%s).",
	"export.file.damaged": "Export abgebrochen: Die Datei „%s“ von Eintrag „%s“ stimmt nicht mehr mit ihrer Prüfsumme überein (%s).",
}

func init() { addGerman(deFilesTransfer) }
