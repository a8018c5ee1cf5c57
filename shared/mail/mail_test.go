package mail

import (
	"testing"
	"time"
)

func TestOutbox(t *testing.T) {
	o, err := NewOutbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for i, subj := range []string{"Einladung", "Eintrag veröffentlicht", "Passwort"} {
		if err := o.Send(t.Context(), Message{To: "erika@beispiel-kommune.de", Subject: subj, Body: "Hallo", At: base.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := o.Messages(2)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Subject != "Passwort" || msgs[1].Subject != "Eintrag veröffentlicht" {
		t.Errorf("Messages(2) = %+v, want the two newest, newest first", msgs)
	}
}
