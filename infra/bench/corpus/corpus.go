// Package corpus generates a synthetic but realistic corpus of German entries for
// benchmarks: municipal digitalisation projects of about 300 words, spread over the
// network's municipalities, topics, kinds, project states and the years 2015 to 2026. The
// same n and seed always give the same entries.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// bodyWords is the length of a generated body in words, roughly.
const bodyWords = 300

// Entries returns n synthetic entries generated from seed.
func Entries(n int, seed int64) []search.Document {
	g := generator{rnd: rand.New(rand.NewPCG(uint64(seed), 0x1c0e5d5))}
	docs := make([]search.Document, n)
	for i := range docs {
		docs[i] = g.entry(i)
	}
	return docs
}

// Municipalities returns the AGS of the municipalities the entries belong to.
func Municipalities() []string {
	out := make([]string, len(municipalities))
	for i, m := range municipalities {
		out[i] = m.ags
	}
	return out
}

// Topics returns the slugs of the topics the entries are about.
func Topics() []string {
	out := make([]string, len(topics))
	for i, t := range topics {
		out[i] = t.slug
	}
	return out
}

type generator struct {
	rnd *rand.Rand
}

// pick returns an element of list, earlier ones more often (roughly Zipf-like), so that some
// words are common and others rare, as in real texts.
func pick[T any](g *generator, list []T) T {
	i := g.rnd.IntN(len(list))
	if g.rnd.IntN(2) == 0 {
		i = g.rnd.IntN(i + 1)
	}
	return list[i]
}

// weighted returns one of values, chosen with the given weights.
func weighted[T any](g *generator, values []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	r := g.rnd.IntN(total)
	for i, w := range weights {
		if r < w {
			return values[i]
		}
		r -= w
	}
	return values[len(values)-1]
}

func (g *generator) entry(i int) search.Document {
	m := pick(g, municipalities)
	ts := []topic{pick(g, topics)}
	for len(ts) < 3 && g.rnd.IntN(3) == 0 {
		if t := topics[g.rnd.IntN(len(topics))]; !slices.ContainsFunc(ts, func(x topic) bool { return x.slug == t.slug }) {
			ts = append(ts, t)
		}
	}
	year := 2015 + g.rnd.IntN(12)
	thing := pick(g, ts[0].things)
	title := fmt.Sprintf(titlePatterns[g.rnd.IntN(len(titlePatterns))], upper(thing), m.name)

	d := search.Document{
		ID:               fmt.Sprintf("01BENCH%08d", i),
		Title:            title,
		Summary:          g.summary(m, ts[0], thing),
		Body:             g.body(m, ts, year),
		Municipality:     m.ags,
		MunicipalityName: m.name,
		Kind:             string(weighted(g, wiki.Kinds, []int{40, 20, 25, 10, 5})),
		ProjectStatus:    string(weighted(g, wiki.ProjectStatuses, []int{5, 10, 35, 40, 10})),
		State: string(weighted(g, []wiki.State{wiki.StatePublished, wiki.StateDraft, wiki.StateSubmitted, wiki.StateChangesRequested, wiki.StateArchived},
			[]int{80, 8, 5, 2, 5})),
		Visibility: string(weighted(g, []wiki.Visibility{wiki.Public, wiki.Internal}, []int{70, 30})),
		Year:       year,
	}
	if g.rnd.IntN(10) == 0 {
		d.Year = 0 // start unknown
	}
	d.Slug = wiki.Slugify(title)
	for _, t := range ts {
		d.Topics = append(d.Topics, t.slug)
		d.TopicNames = append(d.TopicNames, t.name)
	}
	for range 1 + g.rnd.IntN(4) {
		if tag := pick(g, ts[g.rnd.IntN(len(ts))].tags); !slices.Contains(d.Tags, tag) {
			d.Tags = append(d.Tags, tag)
		}
	}
	// Updated between the start of the project (2019 at the earliest) and late 2026.
	from := time.Date(max(year, 2019), 1, 1, 8, 0, 0, 0, time.UTC)
	to := time.Date(2026, 10, 31, 18, 0, 0, 0, time.UTC)
	d.Updated = from.Add(time.Duration(g.rnd.Int64N(int64(to.Sub(from)/time.Minute))) * time.Minute)
	return d
}

func (g *generator) summary(m municipality, t topic, thing string) string {
	return fmt.Sprintf("%s hat %s eingeführt, um %s. Der Steckbrief beschreibt Vorgehen, Kosten und Erfahrungen aus %s.",
		upper(pick(g, actors)), thing, pick(g, goals), m.name)
}

// body writes the sections an entry suggests (Ausgangslage, Lösung, Ergebnisse, Lessons
// Learned, Übertragbarkeit), each with sentences until it has its share of bodyWords.
func (g *generator) body(m municipality, ts []topic, year int) string {
	thing := func() string { return pick(g, ts[g.rnd.IntN(len(ts))].things) }
	sections := []struct {
		heading   string
		sentences []func() string
	}{
		{"Ausgangslage", []func() string{
			func() string {
				return fmt.Sprintf("In %s suchte %s nach einem Weg, %s.", m.name, pick(g, actors), pick(g, goals))
			},
			func() string {
				return fmt.Sprintf("Bisher fehlte es an %s, und viele Abläufe liefen auf Papier.", thing())
			},
			func() string {
				return fmt.Sprintf("Im Jahr %d fiel die Entscheidung für ein Projekt zu %s.", year, thing())
			},
			func() string { return fmt.Sprintf("Ziel war es außerdem, %s.", pick(g, goals)) },
		}},
		{"Lösung", []func() string{
			func() string {
				return fmt.Sprintf("Gemeinsam mit %s wurde %s in einer Pilotphase getestet.", pick(g, partners), thing())
			},
			func() string {
				return fmt.Sprintf("%s übernahm die Projektleitung, %s kümmerte sich um den Betrieb.", upper(pick(g, actors)), pick(g, actors))
			},
			func() string {
				return fmt.Sprintf("Für %s wurden Anforderungen beschrieben, Angebote eingeholt und eine Schnittstelle zu %s geschaffen.", thing(), thing())
			},
			func() string { return fmt.Sprintf("Technisch setzt die Lösung auf %s und %s.", thing(), thing()) },
		}},
		{"Ergebnisse", []func() string{
			func() string { return pick(g, results) },
			func() string {
				return fmt.Sprintf("Nach %d Monaten arbeiten %d Mitarbeitende mit der Lösung %s.", 2+g.rnd.IntN(22), 5+g.rnd.IntN(400), thing())
			},
			func() string { return fmt.Sprintf("Die Kosten lagen bei rund %d.000 Euro.", 5+g.rnd.IntN(495)) },
		}},
		{"Lessons Learned", []func() string{
			func() string {
				return fmt.Sprintf("Schwierig waren vor allem %s und %s.", pick(g, problems), pick(g, problems))
			},
			func() string { return pick(g, lessons) },
		}},
		{"Übertragbarkeit", []func() string{
			func() string { return pick(g, transfer) },
			func() string { return fmt.Sprintf("Ansprechpartner ist %s in %s.", pick(g, actors), m.name) },
		}},
	}
	var b strings.Builder
	for _, sec := range sections {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(sec.heading)
		b.WriteString(":")
		for words := 0; words < bodyWords/len(sections); {
			s := sec.sentences[g.rnd.IntN(len(sec.sentences))]()
			b.WriteByte(' ')
			b.WriteString(s)
			words += strings.Count(s, " ") + 1
		}
	}
	return b.String()
}

// upper returns s with its first letter in upper case.
func upper(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
