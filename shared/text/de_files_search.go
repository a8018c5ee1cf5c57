package text

// deFilesSearch holds the texts of the search in the files of entries: where a hit's
// words were found, and the filters by files.
var deFilesSearch = map[string]string{
	"search.file.found":    "Gefunden in %s",
	"search.file.found_at": "Gefunden in %s, %s",
	"search.file.titled":   "„%s“ (%s)",
	"search.file.sheet":    "Tabellenblatt „%s“",

	"search.filter.files":        "Dateien",
	"search.filter.with_files":   "mit Dateien",
	"search.filter.file_format":  "Dateityp",
	"search.unknown_file_format": "Unbekannter Dateityp „%s“.",
}

func init() { addGerman(deFilesSearch) }
