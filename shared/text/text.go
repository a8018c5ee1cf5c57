// Package text is the catalogue of every text that Wissensnetz shows to people: page texts,
// error and validation messages, the labels of kinds and states, mails. Code names a text
// by a stable key ("entry.not_found") and the arguments for its verbs; the edge that talks
// to a person renders it in their language. Each language is one file of this package
// (de.go); another language is another file with the same keys.
package text

import (
	"fmt"
	"maps"
	"slices"
)

// Message is a text of the catalogue by key, with the arguments for its fmt verbs. Errors
// carry a Message instead of wording; an argument that is itself a Message is rendered in
// the same language.
type Message struct {
	Key  string
	Args []any
}

// M returns the message key with args.
func M(key string, args ...any) Message { return Message{Key: key, Args: args} }

// IsZero reports whether m names no text.
func (m Message) IsZero() bool { return m.Key == "" }

// Catalogue holds the texts of one language, by key. The zero Catalogue has no texts.
type Catalogue struct {
	lang  string
	texts map[string]string
}

// German is the catalogue of the German user interface.
var German = Catalogue{lang: "de", texts: de}

// Lang returns the language code of c, e.g. "de".
func (c Catalogue) Lang() string { return c.lang }

// Has reports whether c holds a text for key.
func (c Catalogue) Has(key string) bool {
	_, ok := c.texts[key]
	return ok
}

// Keys returns every key of c, sorted.
func (c Catalogue) Keys() []string { return slices.Sorted(maps.Keys(c.texts)) }

// Raw returns the text for key as written in the catalogue, verbs and all, and whether
// there is one.
func (c Catalogue) Raw(key string) (string, bool) {
	s, ok := c.texts[key]
	return s, ok
}

// Text returns the text for key with args put into its verbs by the rules of fmt. A text
// used without arguments is returned as written. A missing key comes back as itself,
// which a test of this package catches for every key in the code.
func (c Catalogue) Text(key string, args ...any) string {
	s, ok := c.texts[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return s
	}
	cloned := false
	for i, a := range args {
		if m, ok := a.(Message); ok {
			if !cloned {
				args, cloned = slices.Clone(args), true
			}
			args[i] = c.Render(m)
		}
	}
	return fmt.Sprintf(s, args...)
}

// Render returns m in the language of c; "" for the zero Message.
func (c Catalogue) Render(m Message) string {
	if m.IsZero() {
		return ""
	}
	return c.Text(m.Key, m.Args...)
}

// RenderFields renders a message per field; nil for none.
func (c Catalogue) RenderFields(fields map[string]Message) map[string]string {
	if len(fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(fields))
	for f, m := range fields {
		out[f] = c.Render(m)
	}
	return out
}
