package corpus

import "github.com/ikone-ds/wissensnetz/shared/search"

// Queries returns fifty searches as people in the network type them, on the words of the
// generated entries: single words and phrases, plurals and other word forms, words no entry
// has, stop words, and some with the filters and restrictions of the search page.
func Queries() []search.Query {
	public := []string{"public"}
	published := []string{"published"}
	texts := []string{
		"Sensornetzwerk", "LoRaWAN Gateway", "Pegelsensoren", "Hochwasserschutz Warnsystem", "Krisenstab Lagebild",
		"Sirenennetz", "Kontaktnachverfolgung", "Videokonferenzsystem Schule", "Smart-City-Strategie Förderantrag",
		"Modellprojekt", "E-Akte", "digitaler Bauantrag", "Bürgerportal Servicekonto", "Onlinezugangsgesetz Umsetzung",
		"Online-Terminvergabe Bürgerbüro", "E-Rechnung", "mobiles Arbeiten Dienstvereinbarung", "Digitallotsen",
		"Open-Data-Portal", "Schnittstelle Datenplattform", "Dashboard", "Geodatenportal", "Bürgerhaushalt",
		"Mängelmelder", "Beteiligungsplattform Jugendbeteiligung", "Parkleitsystem", "Ladeinfrastruktur",
		"Radverkehrszählung", "Hitzeaktionsplan", "Baumkataster", "Energiemonitoring Photovoltaikkataster",
		"Schul-WLAN", "Lernplattform Tablets", "Medienentwicklungsplan", "Glasfaserausbau", "öffentliches WLAN",
		"Datenschutzfolgenabschätzung", "Vergabeverfahren Ausschreibung", "Fachkräftemangel", "IT-Sicherheitskonzept",
		"Koblenz", "Stadtverwaltung Mainz Pilotphase", "Kosten Euro", "Personalrat", "Zeppelin Hangar",
		"und der die", "Wie haben andere Kommunen die E-Akte eingeführt?",
	}
	qs := make([]search.Query, 0, 50)
	for _, t := range texts {
		qs = append(qs, search.Query{Text: t, States: published})
	}
	return append(qs,
		search.Query{Text: "Sensornetzwerk", Topic: "sensornetzwerke-iot", Visibilities: public, States: published},
		search.Query{Text: "Förderung", Municipality: "07315000", Kind: "project_result", Visibilities: public, States: published},
		search.Query{States: published, Visibilities: public, Topic: "verwaltungsdigitalisierung-ozg", Year: 2023},
	)
}
