package storetest

import (
	"fmt"
	"testing"

	"github.com/ikone-ds/wissensnetz/shared/store"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

func runMunicipalities(t *testing.T, open func(t *testing.T) store.Municipalities) {
	sample := []wiki.Municipality{
		{AGS: "07312000", Name: "Kaiserslautern", Type: "Stadt", Slug: "kaiserslautern"},
		{AGS: "07111000", Name: "Koblenz", Type: "Stadt", Slug: "koblenz"},
		{AGS: "07320000", Name: "Zweibrücken", Type: "Stadt", Slug: "zweibruecken"},
		{AGS: "07336000", Name: "Landkreis Kusel", Type: "Landkreis", Slug: "landkreis-kusel"},
		{AGS: "07132000", Name: "Landkreis Altenkirchen (Westerwald)", Type: "Landkreis", Slug: "landkreis-altenkirchen-westerwald"},
	}
	byAGS := []wiki.Municipality{sample[1], sample[4], sample[0], sample[2], sample[3]}
	put := func(t *testing.T, s store.Municipalities, m wiki.Municipality) {
		t.Helper()
		mustOK(t, fmt.Sprintf("PutMunicipality(%s)", m.AGS), s.PutMunicipality(t.Context(), &m))
	}
	wantList := func(t *testing.T, s store.Municipalities, want []wiki.Municipality) {
		t.Helper()
		got, err := s.Municipalities(t.Context())
		mustOK(t, "Municipalities", err)
		wantSame(t, "Municipalities", got, want)
	}

	t.Run("PutAndGet", func(t *testing.T) {
		s := open(t)
		for _, m := range sample {
			put(t, s, m)
		}
		for _, want := range sample {
			got, err := s.Municipality(t.Context(), want.AGS)
			mustOK(t, "Municipality("+want.AGS+")", err)
			wantSame(t, "Municipality("+want.AGS+")", got, &want)
		}
	})
	t.Run("Replace", func(t *testing.T) {
		s := open(t)
		put(t, s, sample[0])
		put(t, s, sample[1])
		renamed := wiki.Municipality{AGS: "07312000", Name: "Universitätsstadt Kaiserslautern", Type: "kreisfreie Stadt", Slug: "universitaetsstadt-kaiserslautern"}
		put(t, s, renamed)
		got, err := s.Municipality(t.Context(), renamed.AGS)
		mustOK(t, "Municipality", err)
		wantSame(t, "Municipality after replace", got, &renamed)
		wantList(t, s, []wiki.Municipality{sample[1], renamed})
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		put(t, s, sample[0])
		_, err := s.Municipality(t.Context(), "07111000")
		wantCode(t, "Municipality(07111000)", err, wiki.ENOTFOUND)
	})
	t.Run("ListByAGS", func(t *testing.T) {
		s := open(t)
		for _, m := range sample {
			put(t, s, m)
		}
		wantList(t, s, byAGS)
	})
	t.Run("ListEmpty", func(t *testing.T) {
		wantList(t, open(t), nil)
	})
	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		put(t, s, sample[0])
		put(t, s, sample[1])
		mustOK(t, "DeleteMunicipality", s.DeleteMunicipality(t.Context(), sample[0].AGS))
		_, err := s.Municipality(t.Context(), sample[0].AGS)
		wantCode(t, "Municipality after delete", err, wiki.ENOTFOUND)
		wantList(t, s, []wiki.Municipality{sample[1]})
		mustOK(t, "DeleteMunicipality of a missing one", s.DeleteMunicipality(t.Context(), sample[0].AGS))
		wantList(t, s, []wiki.Municipality{sample[1]})
	})
	t.Run("ReturnsCopies", func(t *testing.T) {
		s := open(t)
		m := sample[2]
		mustOK(t, "PutMunicipality", s.PutMunicipality(t.Context(), &m))
		m.Name = "Gekritzel"
		got, err := s.Municipality(t.Context(), m.AGS)
		mustOK(t, "Municipality", err)
		got.Name = "Gekritzel"
		list, err := s.Municipalities(t.Context())
		mustOK(t, "Municipalities", err)
		list[0].Name = "Gekritzel"
		wantList(t, s, []wiki.Municipality{sample[2]})
	})
}

func runTopics(t *testing.T, open func(t *testing.T) store.Topics) {
	sample := []wiki.Topic{
		{Slug: "sensornetzwerke-iot", Name: "Sensornetzwerke & IoT", Description: "LoRaWAN, Messstationen, Füllstände."},
		{Slug: "krisenmanagement-bevoelkerungsschutz", Name: "Krisenmanagement & Bevölkerungsschutz"},
		{Slug: "open-data-urbane-datenplattformen", Name: "Open Data & urbane Datenplattformen", Description: "Offene Daten, Schnittstellen und Plattformen."},
		{Slug: "buergerbeteiligung", Name: "Bürgerbeteiligung", Description: "Beteiligung online und vor Ort."},
		{Slug: "hemmnisse-der-digitalisierung", Name: "Hemmnisse der Digitalisierung"},
	}
	bySlug := []wiki.Topic{sample[3], sample[4], sample[1], sample[2], sample[0]}
	put := func(t *testing.T, s store.Topics, tp wiki.Topic) {
		t.Helper()
		mustOK(t, fmt.Sprintf("PutTopic(%s)", tp.Slug), s.PutTopic(t.Context(), &tp))
	}
	wantList := func(t *testing.T, s store.Topics, want []wiki.Topic) {
		t.Helper()
		got, err := s.Topics(t.Context())
		mustOK(t, "Topics", err)
		wantSame(t, "Topics", got, want)
	}

	t.Run("PutAndGet", func(t *testing.T) {
		s := open(t)
		for _, tp := range sample {
			put(t, s, tp)
		}
		for _, want := range sample {
			got, err := s.Topic(t.Context(), want.Slug)
			mustOK(t, "Topic("+want.Slug+")", err)
			wantSame(t, "Topic("+want.Slug+")", got, &want)
		}
	})
	t.Run("Replace", func(t *testing.T) {
		s := open(t)
		put(t, s, sample[0])
		put(t, s, sample[3])
		renamed := wiki.Topic{Slug: sample[0].Slug, Name: "Sensorik, IoT & LoRaWAN", Description: ""}
		put(t, s, renamed)
		got, err := s.Topic(t.Context(), renamed.Slug)
		mustOK(t, "Topic", err)
		wantSame(t, "Topic after replace", got, &renamed)
		wantList(t, s, []wiki.Topic{sample[3], renamed})
	})
	t.Run("NotFound", func(t *testing.T) {
		s := open(t)
		put(t, s, sample[0])
		_, err := s.Topic(t.Context(), "mobilitaet")
		wantCode(t, "Topic(mobilitaet)", err, wiki.ENOTFOUND)
	})
	t.Run("ListBySlug", func(t *testing.T) {
		s := open(t)
		for _, tp := range sample {
			put(t, s, tp)
		}
		wantList(t, s, bySlug)
	})
	t.Run("ListEmpty", func(t *testing.T) {
		wantList(t, open(t), nil)
	})
	t.Run("Delete", func(t *testing.T) {
		s := open(t)
		for _, tp := range sample {
			put(t, s, tp)
		}
		mustOK(t, "DeleteTopic("+sample[1].Slug+")", s.DeleteTopic(t.Context(), sample[1].Slug))
		_, err := s.Topic(t.Context(), sample[1].Slug)
		wantCode(t, "Topic after DeleteTopic", err, wiki.ENOTFOUND)
		wantList(t, s, []wiki.Topic{sample[3], sample[4], sample[2], sample[0]})
		got, err := s.Topic(t.Context(), sample[0].Slug)
		mustOK(t, "Topic("+sample[0].Slug+") after deleting another", err)
		wantSame(t, "Topic("+sample[0].Slug+") after deleting another", got, &sample[0])
		// A deleted topic can be created again.
		put(t, s, sample[1])
		wantList(t, s, bySlug)
	})
	t.Run("DeleteMissing", func(t *testing.T) {
		s := open(t)
		mustOK(t, "DeleteTopic in an empty store", s.DeleteTopic(t.Context(), "mobilitaet"))
		put(t, s, sample[0])
		mustOK(t, "DeleteTopic(mobilitaet)", s.DeleteTopic(t.Context(), "mobilitaet"))
		wantList(t, s, sample[:1])
		for i := range 2 {
			mustOK(t, fmt.Sprintf("DeleteTopic(%s), time %d", sample[0].Slug, i+1), s.DeleteTopic(t.Context(), sample[0].Slug))
		}
		wantList(t, s, nil)
	})
	t.Run("ReturnsCopies", func(t *testing.T) {
		s := open(t)
		tp := sample[3]
		mustOK(t, "PutTopic", s.PutTopic(t.Context(), &tp))
		tp.Name = "Gekritzel"
		got, err := s.Topic(t.Context(), tp.Slug)
		mustOK(t, "Topic", err)
		got.Name = "Gekritzel"
		list, err := s.Topics(t.Context())
		mustOK(t, "Topics", err)
		list[0].Name = "Gekritzel"
		wantList(t, s, []wiki.Topic{sample[3]})
	})
}
