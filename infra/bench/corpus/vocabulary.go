package corpus

// municipality is a member of the synthetic network.
type municipality struct{ ags, name string }

// municipalities are thirty municipalities and districts of Rhineland-Palatinate.
var municipalities = []municipality{
	{"07111000", "Koblenz"}, {"07315000", "Mainz"}, {"07211000", "Trier"},
	{"07312000", "Kaiserslautern"}, {"07314000", "Ludwigshafen am Rhein"}, {"07319000", "Worms"},
	{"07318000", "Speyer"}, {"07313000", "Landau in der Pfalz"}, {"07316000", "Neustadt an der Weinstraße"},
	{"07317000", "Pirmasens"}, {"07320000", "Zweibrücken"}, {"07311000", "Frankenthal (Pfalz)"},
	{"07133006", "Bad Kreuznach"}, {"07134045", "Idar-Oberstein"}, {"07138045", "Neuwied"},
	{"07137003", "Andernach"}, {"07137068", "Mayen"}, {"07339005", "Bingen am Rhein"},
	{"07339030", "Ingelheim am Rhein"}, {"07141075", "Lahnstein"}, {"07137000", "Landkreis Mayen-Koblenz"},
	{"07133000", "Landkreis Bad Kreuznach"}, {"07143000", "Westerwaldkreis"}, {"07140000", "Rhein-Hunsrück-Kreis"},
	{"07336000", "Landkreis Kusel"}, {"07333000", "Donnersbergkreis"}, {"07232000", "Eifelkreis Bitburg-Prüm"},
	{"07235000", "Landkreis Trier-Saarburg"}, {"07231134", "Wittlich"}, {"07135000", "Landkreis Cochem-Zell"},
}

// topic is one topic of the controlled list with the words its entries use.
type topic struct {
	slug, name string
	things     []string // nouns the entries of the topic are about
	tags       []string
}

var topics = []topic{
	{"sensornetzwerke-iot", "Sensornetzwerke & IoT",
		[]string{"Sensornetzwerk", "LoRaWAN-Gateway", "Pegelsensor", "Bodenfeuchtesensor", "Parkraumsensor", "Luftqualitätsmessung", "IoT-Plattform", "Funknetz", "Füllstandsmessung", "Messwerterfassung"},
		[]string{"LoRaWAN", "IoT", "Sensorik", "Funk"}},
	{"krisenmanagement", "Krisenmanagement & Bevölkerungsschutz",
		[]string{"Krisenstab", "Warnsystem", "Sirenennetz", "Lagebild", "Notfallplan", "Starkregenwarnung", "Hochwasserschutz", "Warn-App", "Notstromversorgung", "Katastrophenschutzplan"},
		[]string{"Warnung", "Hochwasser", "Krisenstab", "Bevölkerungsschutz"}},
	{"pandemie", "Digitale Lösungen in der Pandemie",
		[]string{"Kontaktnachverfolgung", "Videokonferenzsystem", "Impfterminvergabe", "Schnellteststelle", "Hygienekonzept", "Gesundheitsamt-Software", "Online-Sprechstunde", "Homeoffice-Ausstattung"},
		[]string{"Pandemie", "Corona", "Videokonferenz"}},
	{"smart-city-strategie", "Smart-City-Strategie & Förderung",
		[]string{"Smart-City-Strategie", "Förderantrag", "Modellprojekt", "Digitalstrategie", "Leitbild", "Fördermittelmanagement", "Strategieprozess", "Maßnahmenkatalog"},
		[]string{"Förderung", "Strategie", "Smart City", "MPSC"}},
	{"verwaltungsdigitalisierung-ozg", "Verwaltungsdigitalisierung & OZG",
		[]string{"E-Akte", "digitaler Bauantrag", "Antragsformular", "Bürgerportal", "Servicekonto", "Formularserver", "Fachverfahren", "E-Rechnung", "Online-Terminvergabe", "Dokumentenmanagementsystem", "Onlinezugangsgesetz"},
		[]string{"OZG", "E-Akte", "Onlinedienst", "EfA"}},
	{"arbeitsorganisation", "Arbeitsorganisation & Personal",
		[]string{"Dienstvereinbarung", "mobiles Arbeiten", "Fortbildungsprogramm", "Digitallotsen", "Kollaborationsplattform", "Wissensmanagement", "Onboarding", "Change-Management"},
		[]string{"Personal", "Fortbildung", "New Work"}},
	{"open-data", "Open Data & urbane Datenplattformen",
		[]string{"Datenplattform", "Open-Data-Portal", "Schnittstelle", "Geodatenportal", "Dashboard", "Datensatz", "Metadatenkatalog", "Urbane Datenplattform", "Datenstrategie"},
		[]string{"Open Data", "API", "Geodaten", "Dashboard"}},
	{"buergerbeteiligung", "Bürgerbeteiligung",
		[]string{"Beteiligungsplattform", "Bürgerhaushalt", "Online-Umfrage", "Mängelmelder", "Bürgerdialog", "Jugendbeteiligung", "Ideenplattform", "Bürgerversammlung"},
		[]string{"Beteiligung", "Mängelmelder", "Dialog"}},
	{"mobilitaet", "Mobilität",
		[]string{"Parkleitsystem", "Radverkehrszählung", "Carsharing-Angebot", "Ladeinfrastruktur", "Mobilitätsstation", "On-Demand-Verkehr", "ÖPNV-Echtzeitdaten", "Verkehrsrechner"},
		[]string{"Mobilität", "Parken", "E-Mobilität", "ÖPNV"}},
	{"klima-umwelt", "Klima & Umwelt",
		[]string{"Hitzeaktionsplan", "Baumkataster", "Energiemonitoring", "Photovoltaikkataster", "Bewässerungssteuerung", "CO2-Bilanz", "Klimaanpassungskonzept", "Starkregengefahrenkarte"},
		[]string{"Klimaschutz", "Energie", "Klimaanpassung"}},
	{"bildung-schule", "Bildung & Schule",
		[]string{"Schul-WLAN", "Lernplattform", "Medienentwicklungsplan", "Tablet-Ausstattung", "Schul-IT-Support", "Digitalpakt-Antrag", "Schulverwaltungssoftware", "Endgeräteverleih"},
		[]string{"Schule", "Digitalpakt", "Tablets"}},
	{"infrastruktur-breitband", "Infrastruktur & Breitband",
		[]string{"Glasfaserausbau", "Breitbandförderung", "Mobilfunkmast", "öffentliches WLAN", "Rechenzentrum", "Leerrohrkataster", "Netzplanung", "Gigabitstrategie"},
		[]string{"Glasfaser", "Breitband", "WLAN"}},
	{"hemmnisse", "Hemmnisse der Digitalisierung",
		[]string{"Vergabeverfahren", "Datenschutzfolgenabschätzung", "Fachkräftemangel", "Haushaltssperre", "IT-Sicherheitskonzept", "Medienbruch", "Zuständigkeitsfrage", "Schnittstellenproblem"},
		[]string{"Datenschutz", "Vergabe", "IT-Sicherheit"}},
}

// Words every entry may use.
var (
	actors = []string{"die Stadtverwaltung", "das Hauptamt", "die IT-Abteilung", "der Fachbereich Bauen", "das Ordnungsamt",
		"die Kreisverwaltung", "das Digitalisierungsteam", "die Stabsstelle Digitalisierung", "der Eigenbetrieb", "die Feuerwehr",
		"das Bürgerbüro", "das Umweltamt", "die Wirtschaftsförderung", "das Schulamt", "der Bauhof"}
	partners = []string{"einem regionalen Dienstleister", "dem kommunalen Rechenzentrum", "einer Hochschule", "den Stadtwerken",
		"einem Start-up", "der Nachbarkommune", "dem Landesbetrieb", "einem Ingenieurbüro"}
	goals = []string{"Wege für die Bürgerinnen und Bürger zu sparen", "Medienbrüche zu vermeiden", "Daten schneller bereitzustellen",
		"die Bearbeitungszeit zu verkürzen", "Personal zu entlasten", "Kosten zu senken", "Entscheidungen auf Daten zu stützen",
		"die Transparenz zu erhöhen", "die Zusammenarbeit zwischen den Ämtern zu verbessern", "Gefahren früher zu erkennen"}
	problems = []string{"die Ausschreibung", "der Datenschutz", "fehlende Schnittstellen", "knappe Haushaltsmittel",
		"die Abstimmung mit dem Personalrat", "die Akzeptanz im Team", "lange Lieferzeiten", "die IT-Sicherheit",
		"unklare Zuständigkeiten", "der Betrieb nach der Förderphase"}
	results = []string{"Die Bearbeitungszeit sank deutlich.", "Die Rückmeldungen der Nutzerinnen und Nutzer waren überwiegend positiv.",
		"Der Betrieb läuft seitdem stabil.", "Die Lösung wird inzwischen von mehreren Ämtern genutzt.",
		"Die Zahl der Rückfragen ging spürbar zurück.", "Die Daten stehen jetzt tagesaktuell zur Verfügung.",
		"Die Kosten blieben im geplanten Rahmen.", "Einige Funktionen werden noch nachgebessert."}
	lessons = []string{"Früh mit dem Personalrat und dem Datenschutz sprechen.", "Klein anfangen und schrittweise erweitern.",
		"Die Anforderungen gemeinsam mit den Fachämtern beschreiben.", "Auf offene Standards und Schnittstellen achten.",
		"Schulungen einplanen, bevor die Lösung live geht.", "Den Betrieb nach dem Projekt von Anfang an mitdenken.",
		"Erfahrungen anderer Kommunen im Netzwerk nutzen.", "Eine verantwortliche Person für das Projekt benennen."}
	transfer = []string{"Die Lösung lässt sich mit geringem Aufwand auf andere Kommunen übertragen.",
		"Die Ausschreibungsunterlagen und Vorlagen stellen wir gern zur Verfügung.",
		"Für kleinere Gemeinden empfiehlt sich eine gemeinsame Beschaffung.",
		"Die Software ist quelloffen und kann nachgenutzt werden.",
		"Eine Übertragung setzt eine vergleichbare IT-Infrastruktur voraus."}
	titlePatterns = []string{"%s in %s", "%s: Erfahrungen aus %s", "Einführung: %s (%s)", "%s für die Verwaltung in %s",
		"Pilotprojekt %s in %s", "%s – Leitfaden aus %s", "%s – Ergebnisse aus %s"}
)
