package wiki

import "testing"

func TestCompare(t *testing.T) {
	a := &Entry{Title: "Sensornetz", Kind: KindSolution, Body: "Eins\nZwei\nDrei\n", Tags: []string{"LoRaWAN"}, Visibility: Internal, State: StatePublished}
	b := a.Clone()
	b.Title = "LoRaWAN-Sensornetz"
	b.Body = "Eins\nZwei geändert\nDrei\n"
	b.Tags = append(b.Tags, "IoT")

	changes := Compare(a, b, nil)
	var labels []string
	for _, c := range changes {
		labels = append(labels, c.Label)
	}
	if got, want := len(changes), 3; got != want {
		t.Fatalf("Compare: %d changes %v, want %d (Titel, Beschreibung, Schlagwörter)", got, labels, want)
	}
	body := changes[1]
	if body.Label != "Beschreibung" || len(body.Hunks) != 1 {
		t.Fatalf("body change = %+v, want one hunk for Beschreibung", body)
	}
	var ops string
	for _, l := range body.Hunks[0].Lines {
		ops += string(l.Op)
	}
	if ops != " -+ " {
		t.Errorf("body hunk ops = %q, want %q", ops, " -+ ")
	}
	if changes[2].Old != "LoRaWAN" || changes[2].New != "LoRaWAN, IoT" {
		t.Errorf("tags change = %q -> %q", changes[2].Old, changes[2].New)
	}
	if len(Compare(a, a.Clone(), nil)) != 0 {
		t.Error("Compare of equal entries reports changes")
	}
}
