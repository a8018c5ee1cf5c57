package web

import "github.com/ikone-ds/wissensnetz/shared/text"

// catalogue is the language of the user interface: every text a page, an API answer or an
// error shows comes from it.
var catalogue = text.German

// T returns the text for key, or the key itself if it is missing (which a test catches).
func T(key string) string { return catalogue.Text(key) }
