package app

import (
	"cmp"
	"context"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/search"
	"github.com/ikone-ds/wissensnetz/shared/text"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// Limits of Suggest and LookAlikes.
const (
	// MaxSuggestions is the number of titles, and of topics, Suggest returns at most.
	MaxSuggestions = 8
	// MaxLookAlikes is the number of entries LookAlikes returns at most.
	MaxLookAlikes = 10
	// MaxDraftTitle and MaxDraftSummary bound the texts LookAlikes compares, in
	// characters: what the entry form lets a person type.
	MaxDraftTitle   = 200
	MaxDraftSummary = 1000
)

// Suggestions are what a search box offers while someone types.
type Suggestions struct {
	Entries []search.Hit // ID, Slug and Title only
	Topics  []wiki.Topic
}

// Suggest returns up to n (at most MaxSuggestions) entries whose titles begin words with
// the words of text, as far as v may see them in lists, and up to n topics whose names do
// (see search.Index.Complete). A text too short to complete gives empty lists. Returns
// EINVALID for a text longer than search.MaxCompleteLength characters.
func (a *App) Suggest(ctx context.Context, v auth.Viewer, text string, n int) (Suggestions, error) {
	n = min(max(n, 1), MaxSuggestions)
	if err := a.fresh(ctx); err != nil {
		return Suggestions{}, err
	}
	scope := auth.ListScope(v, false)
	hits, err := a.index.Complete(ctx, text, search.Query{States: scope.States, Visibilities: scope.Visibilities}, n)
	if err != nil {
		return Suggestions{}, err
	}
	out := Suggestions{Entries: hits, Topics: []wiki.Topic{}}
	for _, t := range a.cat.topicList() { // every topic is public
		if len(out.Topics) == n {
			break
		}
		if search.Completes(text, t.Name) {
			out.Topics = append(out.Topics, t)
		}
	}
	return out, nil
}

// LookAlikes returns up to n (at most MaxLookAlikes) published entries that look like an
// entry with title and summary, as far as v may see them in lists, without the entry with
// the slug exclude (the one being edited; "" for a new one): what someone writing a new
// entry should read first. The entries sharing the most words of title and summary in their
// own titles and summaries come first (see rankLookAlikes). Returns EINVALID if title or
// summary is longer than MaxDraftTitle or MaxDraftSummary characters.
func (a *App) LookAlikes(ctx context.Context, v auth.Viewer, title, summary, exclude string, n int) ([]search.Hit, error) {
	n = min(max(n, 1), MaxLookAlikes)
	if utf8.RuneCountInString(title) > MaxDraftTitle {
		return nil, &wiki.Error{Code: wiki.EINVALID, Message: text.M("lookalikes.title_too_long"),
			Fields: map[string]text.Message{"title": text.M("lookalikes.at_most", MaxDraftTitle)}}
	}
	if utf8.RuneCountInString(summary) > MaxDraftSummary {
		return nil, &wiki.Error{Code: wiki.EINVALID, Message: text.M("lookalikes.summary_too_long"),
			Fields: map[string]text.Message{"summary": text.M("lookalikes.at_most", MaxDraftSummary)}}
	}
	hits, err := a.Related(ctx, v, &wiki.Entry{Title: title, Summary: summary}, search.MaxSimilar)
	if err != nil {
		return nil, err
	}
	hits = slices.DeleteFunc(hits, func(h search.Hit) bool { return exclude != "" && h.Slug == exclude })
	rankLookAlikes(hits, title, summary)
	return hits[:min(len(hits), n)], nil
}

// rankLookAlikes orders hits by the words of title and summary they share in their own
// titles and summaries: each shared word counts by where it stands in the draft (title 3,
// summary 2), where in the hit (title 2, summary 1) and how rare it is among the hits; ties
// are ordered newest first, then by slug.
//
// Similar ranks by the significant words of the whole draft, counted among the entries
// the viewer may see; while a title is being typed, what matters is which hits share its
// words in their own titles and summaries, and this order rests only on the hits
// themselves.
func rankLookAlikes(hits []search.Hit, title, summary string) {
	weight := map[string]float64{}
	for _, w := range search.Words(summary) {
		weight[w] = 2
	}
	for _, w := range search.Words(title) {
		weight[w] = 3
	}
	words := slices.Sorted(maps.Keys(weight)) // a fixed order of summation
	type hitWords struct{ title, summary []string }
	in := make([]hitWords, len(hits))
	df := map[string]int{}
	for i, h := range hits {
		in[i] = hitWords{search.Words(h.Title), search.Words(h.Summary)}
		for _, w := range words {
			if slices.Contains(in[i].title, w) || slices.Contains(in[i].summary, w) {
				df[w]++
			}
		}
	}
	score := make(map[string]float64, len(hits))
	for i, h := range hits {
		var s float64
		for _, w := range words {
			f := 0.0
			if slices.Contains(in[i].title, w) {
				f += 2
			}
			if slices.Contains(in[i].summary, w) {
				f++
			}
			if f > 0 {
				s += weight[w] * f * math.Log(1+float64(len(hits))/float64(df[w]))
			}
		}
		score[h.ID] = s
	}
	slices.SortStableFunc(hits, func(a, b search.Hit) int {
		return cmp.Or(cmp.Compare(score[b.ID], score[a.ID]), b.Updated.Compare(a.Updated), strings.Compare(a.Slug, b.Slug))
	})
}
