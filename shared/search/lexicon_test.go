package search

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Tables for the word lists of lexicon/: compounds of each area that must split into the
// expected parts, words that must stay whole, the municipalities of the demo catalog, and
// the form of komposita.txt itself. A component added to the list that splits an ordinary
// word, or a protected word that goes missing, makes one of them fail.

// lexiconCompounds are compounds with all the parts their split yields: the parts of the
// compound and, after each part that is a compound itself, its parts. Parts are written as
// in the word; the test folds and stems them as the index does.
var lexiconCompounds = []struct{ word, parts string }{
	// Administration, council, budget
	{"Verwaltungsmodernisierung", "verwaltungs modernisierung"},
	{"Haushaltssatzung", "haushalt satzung"},
	{"Stellenausschreibung", "stellen ausschreibung"},
	{"Ratssitzung", "rat sitzung"},
	{"Gemeinderatssitzung", "gemeinderat gemeinde rat sitzung"},
	{"Bürgermeisterwahl", "bürgermeister wahl"},
	{"Personalratsvorsitz", "personalrat personal rat vorsitz"},
	{"Dienstvereinbarung", "dienst vereinbarung"},
	{"Beschlussvorlage", "beschluss vorlage"},
	{"Ausschusssitzung", "ausschuss sitzung"},
	{"Kreistagsbeschluss", "kreistag kreis tag beschluss"},
	{"Aktenvermerk", "akten vermerk"},
	{"Amtsblatt", "amt blatt"},
	{"Zuständigkeitsbereich", "zuständigkeit bereich"},
	{"Verwaltungsvorschrift", "verwaltungs vorschrift"},
	{"Satzungsänderung", "satzung änderung"},
	{"Gebührenbescheid", "gebühren bescheid"},
	{"Haushaltsplan", "haushalt plan"},
	{"Nachtragshaushalt", "nachtrag haushalt"},
	{"Jahresabschluss", "jahre abschluss"},
	{"Rechnungsprüfungsamt", "rechnungsprüfung rechnung prüfung amt"},
	{"Fördermittelbescheid", "fördermittel förder mittel bescheid"},
	{"Zuwendungsbescheid", "zuwendung bescheid"},
	{"Tagesordnungspunkt", "tagesordnung tage ordnung punkt"},
	{"Sitzungsprotokoll", "sitzungs protokoll"},
	{"Wahlhelfer", "wahl helfer"},
	{"Personalentwicklung", "personal entwicklung"},
	{"Stadtverwaltung", "stadt verwaltung"},
	{"Kreisverwaltung", "kreis verwaltung"},
	{"Organisationsentwicklung", "organisation entwicklung"},
	// Citizen services, public order
	{"Personalausweisantrag", "personalausweis personal ausweis antrag"},
	{"Meldebescheinigung", "melde bescheinigung"},
	{"Wohnsitzanmeldung", "wohnsitz wohn sitz anmeldung"},
	{"Geburtsurkunde", "geburt urkunde"},
	{"Gewerbeanmeldung", "gewerbe anmeldung"},
	{"Fundbüro", "fund büro"},
	{"Hundesteuerbescheid", "hundesteuer hunde steuer bescheid"},
	{"Parkausweis", "park ausweis"},
	{"Anwohnerparkausweis", "anwohner parkausweis park ausweis"},
	{"Bußgeldbescheid", "bußgeld bescheid"},
	{"Terminvereinbarung", "termin vereinbarung"},
	{"Reisepassantrag", "reisepass reise pass antrag"},
	{"Zulassungsstelle", "zulassung stelle"},
	{"Standesamtstermin", "standesamt stand amt termin"},
	{"Ordnungsamt", "ordnungs amt"},
	{"Bürgerbüro", "bürger büro"},
	{"Wartezeiten", "warte zeiten"},
	{"Einwohnermeldeamt", "einwohner melde amt"},
	{"Führungszeugnis", "führung zeugnis"},
	{"Fahrerlaubnis", "fahr erlaubnis"},
	// Building, planning, property
	{"Bauantragsverfahren", "bauantrag bau antrag verfahren"},
	{"Baugenehmigung", "bau genehmigung"},
	{"Bebauungsplanverfahren", "bebauungsplan bebauung plan verfahren"},
	{"Flächennutzungsplan", "flächen nutzung plan"},
	{"Denkmalschutzbehörde", "denkmalschutz denkmal schutz behörde"},
	{"Bauaufsichtsbehörde", "bauaufsicht bau aufsicht behörde"},
	{"Gebäudesanierung", "gebäude sanierung"},
	{"Schulbausanierung", "schulbau schul bau sanierung"},
	{"Dachbegrünung", "dach begrünung"},
	{"Wärmedämmung", "wärme dämmung"},
	{"Neubaugebiet", "neubau neu bau gebiet"},
	{"Baulückenkataster", "baulücke bau lücke kataster"},
	{"Hausmeisterdienst", "hausmeister dienst"},
	{"Dorferneuerungsprogramm", "dorferneuerung programm"},
	{"Grundstücksverkauf", "grundstück verkauf"},
	{"Kaufpreissammlung", "kaufpreis kauf preis sammlung"},
	{"Bodenrichtwertkarte", "bodenrichtwert boden richtwert richt wert karte"},
	{"Vermessungsamt", "vermessung amt"},
	{"Stadtumbaugebiet", "stadtumbau stadt umbau gebiet"},
	{"Baustellenkoordination", "baustellen bau stellen koordination"},
	// Traffic, mobility
	{"Straßenbeleuchtung", "straßen beleuchtung"},
	{"Parkraumbewirtschaftung", "parkraum park raum bewirtschaftung"},
	{"Radverkehrskonzept", "radverkehr rad verkehr konzept"},
	{"Bushaltestelle", "bus haltestelle"},
	{"Ladesäulennetz", "ladesäulen netz"},
	{"Ladeinfrastruktur", "lade infrastruktur"},
	{"Verkehrszählung", "verkehrs zählung"},
	{"Fahrgastinformationssystem", "fahrgast fahr gast informations system"},
	{"Mobilitätsstation", "mobilität station"},
	{"Schülerbeförderung", "schüler beförderung"},
	{"Ampelsteuerung", "ampel steuerung"},
	{"Parkleitsystem", "park leitsystem"},
	{"Radschnellweg", "rad schnell weg"},
	{"Fahrradabstellanlage", "fahrrad fahr rad abstellanlage"},
	{"Nahverkehrsplan", "nahverkehr nah verkehr plan"},
	{"Rufbussystem", "rufbus ruf bus system"},
	{"Lastenradverleih", "lastenrad last rad verleih"},
	{"Straßensanierung", "straßen sanierung"},
	{"Gehwegsanierung", "gehweg sanierung"},
	{"Verkehrsberuhigung", "verkehrs beruhigung"},
	{"Parkplatzsensor", "parkplatz park platz sensor"},
	{"Haltestellenanzeige", "haltestellen anzeige"},
	// Water, sewage, waste, energy
	{"Abwasserbeseitigung", "abwasser beseitigung"},
	{"Klärschlammentsorgung", "klärschlamm klär schlamm entsorgung"},
	{"Trinkwasserversorgung", "trinkwasser trink wasser versorgung"},
	{"Wasserzählerablesung", "wasser zählerablesung zähler ablesung"},
	{"Kanalsanierung", "kanal sanierung"},
	{"Regenüberlaufbecken", "regenüberlauf regen überlauf becken"},
	{"Wertstoffhof", "wertstoff wert stoff hof"},
	{"Sperrmüllabholung", "sperrmüll sperr müll abholung"},
	{"Abfallkalender", "abfall kalender"},
	{"Biotonne", "bio tonne"},
	{"Restmülltonne", "restmüll rest müll tonne"},
	{"Altglascontainer", "altglas alt glas container"},
	{"Füllstandssensor", "füllstand füll stand sensor"},
	{"Stromnetzausbau", "stromnetz strom netz ausbau"},
	{"Fernwärmenetz", "fernwärme fern wärme netz"},
	{"Wärmepumpe", "wärme pumpe"},
	{"Blockheizkraftwerk", "block heiz kraftwerk"},
	{"Energieverbrauch", "energie verbrauch"},
	{"Straßenreinigung", "straßen reinigung"},
	{"Müllabfuhr", "müll abfuhr"},
	{"Klärwerksbetrieb", "klärwerk betrieb"},
	// Environment, climate
	{"Klimaschutzkonzept", "klimaschutz klima schutz konzept"},
	{"Klimaanpassungskonzept", "klimaanpassung klima anpassung konzept"},
	{"Hitzeaktionsplan", "hitze aktion plan"},
	{"Starkregenvorsorge", "starkregen stark regen vorsorge"},
	{"Hochwasserschutz", "hochwasser hoch wasser schutz"},
	{"Baumkataster", "baum kataster"},
	{"Stadtbaumpflege", "stadtbaum stadt baum pflege"},
	{"Grünflächenpflege", "grünfläche grün fläche pflege"},
	{"Streuobstwiese", "streu obstwiese"},
	{"Naturschutzgebiet", "naturschutz natur schutz gebiet"},
	{"Luftqualitätsmessung", "luftqualität luft qualität messung"},
	{"Lärmaktionsplan", "lärm aktion plan"},
	{"Photovoltaikanlage", "photovoltaik anlage"},
	{"Windkraftanlage", "windkraft wind kraft anlage"},
	{"Regenwassernutzung", "regenwasser regen wasser nutzung"},
	{"Bodenfeuchtesensor", "bodenfeuchte boden feuchte sensor"},
	{"Waldbrandgefahr", "waldbrand wald brand gefahr"},
	{"Umweltbildung", "umwelt bildung"},
	{"Wetterstation", "wetter station"},
	{"Hochwasserfrühwarnsystem", "hochwasser hoch wasser frühwarnsystem früh warnsystem warn system"},
	// Fire brigade, rescue, crises
	{"Feuerwehrbedarfsplan", "feuerwehr feuer wehr bedarfs plan"},
	{"Feuerwehrhaus", "feuerwehr feuer wehr haus"},
	{"Rettungsdienst", "rettungs dienst"},
	{"Katastrophenschutzplan", "katastrophenschutz katastrophe schutz plan"},
	{"Krisenstab", "krisen stab"},
	{"Lagebild", "lage bild"},
	{"Sirenenalarm", "sirenen alarm"},
	{"Warnmeldung", "warn meldung"},
	{"Einsatzleitung", "einsatz leitung"},
	{"Brandschutzbedarfsplan", "brandschutz brand schutz bedarfs plan"},
	{"Notstromaggregat", "notstrom not strom aggregat"},
	{"Evakuierungsplan", "evakuierung plan"},
	{"Bevölkerungsschutz", "bevölkerung schutz"},
	{"Rauchmelder", "rauch melder"},
	{"Löschwasserversorgung", "löschwasser lösch wasser versorgung"},
	{"Rettungswache", "rettungs wache"},
	{"Notfallplan", "notfall not fall plan"},
	{"Gefahrenabwehr", "gefahren abwehr"},
	{"Stromausfall", "strom ausfall"},
	{"Feuerwehrgerätehaus", "feuerwehr feuer wehr gerätehaus geräte haus"},
	// School, day care, youth
	{"Schulträger", "schul träger"},
	{"Schulentwicklungsplan", "schulentwicklung schul entwicklung plan"},
	{"Ganztagsschule", "ganztag ganz tag schule"},
	{"Kitaplatz", "kita platz"},
	{"Kindertagesstätte", "kinder tagesstätte tage stätte"},
	{"Medienentwicklungsplan", "medien entwicklung plan"},
	{"Lernplattformbetreiber", "lernplattform betreiber"},
	{"Schulsozialarbeit", "schul sozialarbeit sozial arbeit"},
	{"Elternbeirat", "eltern beirat"},
	{"Digitalpaktmittel", "digitalpakt mittel"},
	{"Lehrerfortbildung", "lehrer fortbildung"},
	{"Klassenzimmer", "klassen zimmer"},
	{"Schulhof", "schul hof"},
	{"Mittagsbetreuung", "mittag betreuung"},
	{"Hausaufgabenbetreuung", "hausaufgaben haus aufgaben betreuung"},
	{"Jugendzentrum", "jugend zentrum"},
	{"Jugendparlament", "jugend parlament"},
	{"Volkshochschulkurs", "volk hoch schul kurs"},
	{"Bibliotheksausweis", "bibliothek ausweis"},
	{"Schulcloud", "schul cloud"},
	{"Schulserver", "schul server"},
	{"Notbetreuung", "not betreuung"},
	{"Turnhalle", "turn halle"},
	{"Schulnoten", "schul noten"},
	// Social services, health
	{"Pflegestützpunkt", "pflege stützpunkt"},
	{"Seniorenbeirat", "senioren beirat"},
	{"Sozialhilfe", "sozial hilfe"},
	{"Grundsicherung", "grund sicherung"},
	{"Wohngeldantrag", "wohngeld wohn geld antrag"},
	{"Kinderschutz", "kinder schutz"},
	{"Jugendhilfe", "jugend hilfe"},
	{"Eingliederungshilfe", "eingliederung hilfe"},
	{"Flüchtlingsunterkunft", "flüchtling unterkunft"},
	{"Integrationskurs", "integration kurs"},
	{"Schuldnerberatung", "schuldner beratung"},
	{"Nachbarschaftshilfe", "nachbarschaft hilfe"},
	{"Gesundheitsamt", "gesundheit amt"},
	{"Hausarztpraxis", "hausarzt haus arzt praxis"},
	{"Impfzentrum", "impf zentrum"},
	{"Kontaktnachverfolgung", "kontakt nachverfolgung"},
	{"Quarantänebescheid", "quarantäne bescheid"},
	{"Pflegeheimplatz", "pflegeheim pflege heim platz"},
	{"Frauenhaus", "frauen haus"},
	{"Behindertenbeauftragte", "behinderte beauftragte"},
	// Culture, sport, cemeteries
	{"Stadtbibliothek", "stadt bibliothek"},
	{"Museumspädagogik", "museum pädagogik"},
	{"Friedhofsverwaltung", "friedhof verwaltung"},
	{"Friedhofsgebühren", "friedhof gebühren"},
	{"Urnengrab", "urne grab"},
	{"Grabpflege", "grab pflege"},
	{"Sporthalle", "sport halle"},
	{"Schwimmbadsanierung", "schwimmbad schwimm bad sanierung"},
	{"Freibad", "frei bad"},
	{"Kulturförderung", "kultur förderung"},
	{"Vereinsförderung", "verein förderung"},
	{"Stadtfest", "stadt fest"},
	{"Weihnachtsmarkt", "weihnacht markt"},
	{"Wanderwegenetz", "wanderwege wander wege netz"},
	{"Touristinformation", "tourist information"},
	{"Veranstaltungskalender", "veranstaltung kalender"},
	{"Heimatmuseum", "heimat museum"},
	{"Dorfgemeinschaftshaus", "dorf gemeinschaft haus"},
	{"Spielplatzsanierung", "spielplatz spiel platz sanierung"},
	{"Sportverein", "sport verein"},
	// Economy, procurement
	{"Vergabeverfahren", "vergabe verfahren"},
	{"Ausschreibungsunterlagen", "ausschreibung unterlagen"},
	{"Rahmenvertrag", "rahmen vertrag"},
	{"Leistungsbeschreibung", "leistung beschreibung"},
	{"Zuschlagskriterien", "zuschlag kriterien"},
	{"Angebotsfrist", "angebot frist"},
	{"Vergabevermerk", "vergabe vermerk"},
	{"Wirtschaftsförderung", "wirtschafts förderung"},
	{"Gewerbegebiet", "gewerbe gebiet"},
	{"Leerstandsmanagement", "leerstand leer stand management"},
	{"Innenstadtmanagement", "innenstadt management"},
	{"Lizenzvertrag", "lizenz vertrag"},
	{"Wartungsvertrag", "wartung vertrag"},
	{"Softwarebeschaffung", "software beschaffung"},
	{"Beschaffungsstelle", "beschaffung stelle"},
	{"Lieferantenauswahl", "lieferanten auswahl"},
	{"Vertragslaufzeit", "vertrag laufzeit lauf zeit"},
	{"Kostenschätzung", "kosten schätzung"},
	{"Markterkundung", "markt erkundung"},
	{"Gründerzentrum", "gründer zentrum"},
	// Digital services, IT, networks
	{"Datenschutzbeauftragte", "datenschutz daten schutz beauftragte"},
	{"Datenschutzfolgenabschätzung", "datenschutz daten schutz folgen abschätzung"},
	{"Informationssicherheit", "informations sicherheit"},
	{"Schnittstellenbeschreibung", "schnittstellen beschreibung"},
	{"Serverraum", "server raum"},
	{"Rechenzentrumsbetrieb", "rechenzentrum rechen zentrum betrieb"},
	{"Cloudspeicher", "cloud speicher"},
	{"Glasfaserausbau", "glasfaser ausbau"},
	{"Breitbandförderung", "breitband förderung"},
	{"Mobilfunkmast", "mobilfunk mobil funk mast"},
	{"Funkloch", "funk loch"},
	{"Sensornetzwerk", "sensor netzwerk"},
	{"Pegelsensor", "pegel sensor"},
	{"Datenplattform", "daten plattform"},
	{"Bürgerportal", "bürger portal"},
	{"Onlinezugangsgesetz", "onlinezugang online zugang gesetz"},
	{"Videokonferenzsystem", "videokonferenz video konferenz system"},
	{"Ticketsystem", "ticket system"},
	{"Passwortrichtlinie", "passwort pass wort richtlinie richt linie"},
	{"Softwarelizenz", "software lizenz"},
	{"Netzwerkkabel", "netzwerk kabel"},
	{"Tabletausleihe", "tablet ausleihe"},
	{"Dokumentenmanagementsystem", "dokumentenmanagement dokumenten management system"},
	{"Benutzerkonto", "benutzer konto"},
	{"Authentifizierungsverfahren", "authentifizierung verfahren"},
	{"Barrierefreiheitserklärung", "barrierefreiheit erklärung"},
	{"Datenrate", "daten rate"},
	{"Gatewaystandort", "gateway standort stand ort"},
	// Participation, communication
	{"Bürgerbeteiligung", "bürger beteiligung"},
	{"Beteiligungsplattform", "beteiligung plattform"},
	{"Bürgerversammlung", "bürger versammlung"},
	{"Einwohnerfragestunde", "einwohner fragestunde frage stunde"},
	{"Pressemitteilung", "presse mitteilung"},
	{"Öffentlichkeitsarbeit", "öffentlichkeit arbeit"},
	{"Ideenwettbewerb", "ideen wettbewerb"},
	{"Umfrageergebnis", "umfrage ergebnis"},
	{"Zukunftswerkstatt", "zukunft werkstatt"},
	{"Newsletteranmeldung", "newsletter anmeldung"},
	{"Mängelmelder", "mängel melder"},
	{"Informationsveranstaltung", "informations veranstaltung"},
	{"Erfahrungsbericht", "erfahrung bericht"},
	{"Praxisbeispiel", "praxis beispiel"},
	{"Wissensaustausch", "wissen austausch"},
	{"Netzwerktreffen", "netzwerk treffen"},
	{"Fragebogen", "frage bogen"},
	// Everyday vocabulary
	{"Wochenmarkt", "woche markt"},
	{"Zeitplan", "zeit plan"},
	{"Jahresbericht", "jahre bericht"},
	{"Arbeitszeit", "arbeits zeit"},
	{"Telefonnummer", "telefon nummer"},
	{"Zeitraum", "zeit raum"},
	{"Mittelpunkt", "mittel punkt"},
	{"Rathaus", "rat haus"},
	{"Hochschule", "hoch schule"},
	{"Landkarte", "land karte"},
	{"Freizeitangebot", "freizeit frei zeit angebot"},
	{"Kurzbericht", "kurz bericht"},
	{"Schnelltest", "schnell test"},
	{"Nachbarort", "nachbar ort"},
	{"Feierabend", "feier abend"},
	{"Tagesordnung", "tage ordnung"},
	{"Arbeitsplatz", "arbeits platz"},
	{"Sprechstunde", "sprech stunde"},
	{"Bürgersprechstunde", "bürger sprechstunde sprech stunde"},
}

// lexiconWhole are words that must not be split: ordinary words that happen to consist of
// components, inflected forms and derivations whose ending looks like a word, words of
// geschuetzt.txt, family names and place names.
var lexiconWhole = []string{
	// Words made of components that are no compounds
	"Verein", "Vereine", "Vereinen", "Beamer", "Bestand", "Bestände", "Gemeinde", "Gemeinden",
	"Verwaltung", "Verwaltungen", "Beispiel", "Bericht", "Gericht", "Verkehr", "Vertrag", "Antrag",
	"Auftrag", "Beitrag", "Ergebnis", "Erfahrung", "Erfahrungen", "Gefahr", "Gefahren", "Verfahren",
	"Unternehmen", "Wirtschaft", "Gesellschaft", "Gemeinschaft", "Wissenschaft", "Landschaft",
	"Mannschaft", "Bereitschaft", "Partnerschaft", "Botschaft", "Eigenschaft", "Nachricht",
	"Unterricht", "Einrichtung", "Richtung", "Ordnung", "Rechnung", "Zeitung", "Wohnung", "Werbung",
	"Meinung", "Bildung", "Stiftung", "Leistung", "Haltung", "Beratung", "Betreuung", "Förderung",
	"Lösung", "Planung", "Prüfung", "Nutzung", "Stellung", "Teilnahme", "Ausnahme", "Maßnahme",
	"Einnahme", "Zusammenarbeit", "Verständnis", "Ereignis", "Zeugnis", "Kenntnis", "Erlaubnis",
	"Bedürfnis", "Verhältnis", "Geheimnis", "Zukunft", "Herkunft", "Auskunft", "Ankunft", "Unterlagen",
	"Anlage", "Auflage", "Niederlage", "Beilage", "Transport", "Export", "Antwort", "Komfort", "Monat",
	"Apparat", "Heirat", "Vorrat", "Referat", "Senat", "Strategie", "Demokratie", "Sekretariat",
	"Integration", "Talent", "Metall", "Kapital", "Portal", "Natur", "Kultur", "Struktur", "Literatur",
	"Temperatur", "Reparatur", "Architektur", "Agentur", "Abitur", "Hoffnung", "Gasse", "Gastronomie",
	"Business", "Badminton", "Anzug", "Bezug", "Auszug", "Einzug", "Vorzug", "Umzug", "Zugang",
	"Ausland", "England", "Deutschland", "Holland", "Rheinland", "Haushalt", "Umwelt", "Handel",
	"Handlung", "Verhandlung", "Handy", "Umfeld", "Vorfeld", "Ablauf", "Verlauf", "Umlauf", "Versuch",
	"Besuch", "Anfrage", "Umfrage", "Nachfrage", "Verkauf", "Einkauf", "Gewohnheit", "Einwohner",
	"Bewohner", "Vermieter", "Austausch", "Bestellung", "Darstellung", "Vorstellung", "Herstellung",
	"Ausstellung", "Kontrolle", "Protokoll", "Beruf", "Anruf", "Aufruf", "Erwartung", "Gewerbe",
	"Mitwirkung", "Auswirkung", "Benutzer", "Ergänzung", "Entfernung", "Realität", "Aktivität",
	"Verstärkung", "Schnelligkeit", "Vertrauen", "Grund", "Runde", "Freiheit", "Festung",
	"Vollständigkeit", "Mitteilung", "Mittel", "Inhalt", "Gestalt", "Gehalt", "Anwalt", "Unterhalt",
	"Verhalten", "Erde", "Beschwerde", "Idee", "Seele", "Kaffee", "Alltag", "Montag", "Dienstag",
	"Donnerstag", "Samstag", "Sonntag", "Nachmittag", "Vormittag",
	// Inflected forms and derivations whose ending looks like a word
	"vereinfachen", "Vereinfachung", "passenden", "umzugehen", "einzugehen", "zugehen", "zugewiesen",
	"zugegangen", "Händlern", "Sportlern", "Künstlern", "Wissenschaftlern", "klimatisch", "thematisch",
	"profitieren", "staubig", "akkurat", "Lernende", "Studierende", "Mitarbeitende", "Vorsitzende",
	"Teilnehmende", "Lehrende", "festgehalten", "vollständig",
	// Misleading splits, kept whole by geschuetzt.txt or by a component left out
	"Hochzeit", "Buchstaben", "Bußgeld", "Plantage", "Rechteck", "oberhalb", "zugrunde", "Freitag",
	"Geologin", "Waldhorn",
	// Family names
	"Baumann", "Bergmann", "Neumann", "Zimmermann", "Hartmann", "Feldmann",
	// Everyday adjectives, adverbs and verbs
	"aktuell", "öffentlich", "gemeinsam", "wichtig", "notwendig", "zuständig", "zusätzlich",
	"verschieden", "möglich", "schwierig", "einfach", "besonders", "natürlich", "allerdings",
	"trotzdem", "deshalb", "außerdem", "inzwischen", "zunächst", "schließlich", "tatsächlich",
	"bereits", "weiterhin", "insgesamt", "beispielsweise", "grundsätzlich", "regelmäßig", "rechtzeitig",
	"gleichzeitig", "langfristig", "kurzfristig", "zukünftig", "sofort", "total", "digital", "zugleich",
	"vorhanden", "erstellen", "bearbeiten", "verwalten", "beantragen", "entscheiden", "unterstützen",
	"einführen", "anmelden", "verbessern", "vereinbaren", "beschließen", "beraten", "veröffentlichen",
	// Names of places and landscapes, without the catalog's names too
	"Kaiserslautern", "Zweibrücken", "Pirmasens", "Landau", "Neustadt", "Weinstraße", "Ludwigshafen",
	"Frankenthal", "Kreuznach", "Haßloch", "Germersheim", "Ahrweiler", "Westerwaldkreis",
	"Donnersbergkreis", "Südwestpfalz", "Westerwald", "Oberstein", "Lahnstein", "Landstuhl", "Ramstein",
	"Lauterecken", "Altenkirchen", "Grünstadt", "Schifferstadt", "Mannheim",
}

// stemmedParts returns the parts of the split of word, folded and stemmed as in the index,
// sorted; nil if word is not split.
func stemmedParts(d *decompounder, word string) []string {
	var out []string
	for _, p := range d.split(fold(word)) {
		out = append(out, stemTerm(p))
	}
	slices.Sort(out)
	return out
}

func TestLexiconCompounds(t *testing.T) {
	t.Parallel()
	d := newDecompounder(nil)
	for _, c := range lexiconCompounds {
		t.Run(c.word, func(t *testing.T) {
			var want []string
			for _, p := range strings.Fields(c.parts) {
				want = append(want, stemTerm(fold(p)))
			}
			slices.Sort(want)
			if got := stemmedParts(d, c.word); !slices.Equal(got, want) {
				t.Errorf("split(%q) = %q, want %q", c.word, got, want)
			}
		})
	}
}

func TestLexiconWholeWords(t *testing.T) {
	t.Parallel()
	d := newDecompounder(nil)
	for _, w := range lexiconWhole {
		t.Run(w, func(t *testing.T) {
			if got := d.split(fold(w)); got != nil {
				t.Errorf("split(%q) = %q, want no split", w, got)
			}
		})
	}
}

// TestLexiconDemoMunicipalities checks the words of the names of the demo catalog: none is
// split when the catalog's names are protected, as when an index is built, and none but
// the generic "Landkreis" is split by the bundled lists alone.
func TestLexiconDemoMunicipalities(t *testing.T) {
	t.Parallel()
	names := demoMunicipalityNames(t)
	if len(names) < 30 {
		t.Fatalf("demo catalog has %d municipalities, want at least 30", len(names))
	}
	bundled := newDecompounder(nil)
	withCatalog := newDecompounder(names)
	for _, name := range names {
		for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) {
			f := fold(w)
			if got := withCatalog.split(f); got != nil {
				t.Errorf("%s: split(%q) = %q with the catalog's names protected, want no split", name, w, got)
			}
			if f == fold("Landkreis") {
				continue
			}
			if got := bundled.split(f); got != nil {
				t.Errorf("%s: split(%q) = %q by the bundled lists, want no split", name, w, got)
			}
		}
	}
}

// demoMunicipalityNames returns the names of the municipalities of infra/demo/demo.jsonl.
func demoMunicipalityNames(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../../infra/demo/demo.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line struct {
			Type         string
			Municipality struct{ Name string }
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("demo.jsonl: %v", err)
		}
		if line.Type == "municipality" {
			names = append(names, line.Municipality.Name)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// TestLexiconCompoundList checks the form of komposita.txt: every component at least
// minPartLen letters, none with a hyphen (the tokenizer splits there, so it would never
// match), none twice after folding, and at least 4,000 of them.
func TestLexiconCompoundList(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile("lexicon/komposita.txt")
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]int{} // folded component → line
	for i, line := range strings.Split(string(text), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, w := range strings.Fields(line) {
			f := fold(w)
			switch {
			case strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }):
				t.Errorf("line %d: %q has a character that is no letter or digit", i+1, w)
			case utf8.RuneCountInString(f) < minPartLen:
				t.Errorf("line %d: %q is shorter than %d letters", i+1, w, minPartLen)
			case first[f] != 0:
				t.Errorf("line %d: %q is already in line %d", i+1, w, first[f])
			default:
				first[f] = i + 1
			}
		}
	}
	if len(first) < 4000 {
		t.Errorf("komposita.txt has %d components, want at least 4,000", len(first))
	}
}
