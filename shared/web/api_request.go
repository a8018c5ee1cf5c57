package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// maxAPIBodyBytes bounds the body of an API write.
const maxAPIBodyBytes = 1 << 20

// requireToken refuses API writes that do not come with an API token. Browsers use the
// forms, which carry a form token; the API has none, so a session cookie does not
// authorise writes here.
func requireToken(r *http.Request) error {
	rv := requestViewerOf(r)
	switch {
	case rv.api:
		return nil
	case rv.session != nil:
		return wiki.Errorf(wiki.EUNAUTHORIZED, "Schreibzugriffe über die API brauchen ein API-Token („Authorization: Bearer …“); die Anmeldung im Browser gilt dafür nicht. Im Browser nutzen Sie bitte die Formulare; ein API-Token erstellen Sie auf Ihrer Profilseite.")
	}
	return wiki.Errorf(wiki.EUNAUTHORIZED, "Schreibzugriffe über die API brauchen ein API-Token: „Authorization: Bearer …“.")
}

// decodeJSON reads the request body, which must be one JSON object of at most
// maxAPIBodyBytes with Content-Type application/json, into dst. Fields that dst lacks
// are refused by name.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" || (params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
		return withStatus(http.StatusUnsupportedMediaType, wiki.Errorf(wiki.EINVALID, "Bitte senden Sie den Inhalt als JSON in UTF-8 mit „Content-Type: application/json“."))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAPIBodyBytes)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
		return nil
	case errorStatus(err) == http.StatusRequestEntityTooLarge:
		return err
	}
	return wiki.Errorf(wiki.EINVALID, "Nach dem JSON-Objekt folgt weiterer Inhalt. Bitte senden Sie genau ein Objekt.")
}

// jsonError turns an error of the JSON decoder into a German message for the client.
func jsonError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errorStatus(err) == http.StatusRequestEntityTooLarge:
		return err
	case errors.Is(err, io.EOF):
		return wiki.Errorf(wiki.EINVALID, "Der Inhalt fehlt: erwartet wird ein JSON-Objekt.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return wiki.Errorf(wiki.EINVALID, "Der JSON-Inhalt ist unvollständig.")
	case errors.As(err, &syntax):
		return wiki.Errorf(wiki.EINVALID, "Der Inhalt ist kein gültiges JSON (Fehler bei Zeichen %d).", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return wiki.Errorf(wiki.EINVALID, "Der Inhalt muss ein JSON-Objekt sein.")
		}
		field := clipField(jsonPath(typ.Field))
		msg := "Falscher Typ: erwartet wird " + jsonTypeName(typ.Type) + "."
		return &wiki.Error{Code: wiki.EINVALID, Message: fmt.Sprintf("Das Feld „%s“ hat den falschen Typ.", field), Fields: map[string]string{field: msg}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unq, uerr := strconv.Unquote(name); uerr == nil {
			name = unq
		}
		field := clipField(name)
		return &wiki.Error{Code: wiki.EINVALID, Message: fmt.Sprintf("Unbekanntes Feld „%s“.", field), Fields: map[string]string{field: "Dieses Feld gibt es nicht."}}
	}
	return wiki.Errorf(wiki.EINVALID, "Der Inhalt passt nicht zu dieser Schnittstelle; ein Wert hat ein ungültiges Format.")
}

// jsonPath turns the decoder's path of a field into the client's: the decoder names
// embedded structs by their Go type (Entry.topics), which the JSON does not show. The
// API's own names are lower case.
func jsonPath(field string) string {
	var out []string
	for _, seg := range strings.Split(field, ".") {
		if seg != "" && (seg[0] < 'A' || seg[0] > 'Z') {
			out = append(out, seg)
		}
	}
	return strings.Join(out, ".")
}

// clipField shortens a field name from the client for messages.
func clipField(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// jsonTypeName names a Go type as the client sees it in JSON, in German.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "ein Text"
	case reflect.Bool:
		return "true oder false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "eine ganze Zahl"
	case reflect.Float32, reflect.Float64:
		return "eine Zahl"
	case reflect.Slice, reflect.Array:
		return "eine Liste"
	}
	return "ein Objekt"
}
