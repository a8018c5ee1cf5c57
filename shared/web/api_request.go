package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/ikone-ds/wissensnetz/shared/text"
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
		return wiki.E(wiki.EUNAUTHORIZED, "api.token_required_browser")
	}
	return wiki.E(wiki.EUNAUTHORIZED, "api.token_required")
}

// decodeJSON reads the request body, which must be one JSON object of at most
// maxAPIBodyBytes with Content-Type application/json, into dst. Fields that dst lacks
// are refused by name.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" || (params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8")) {
		return withStatus(http.StatusUnsupportedMediaType, wiki.E(wiki.EINVALID, "api.json_content_type"))
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
	return wiki.E(wiki.EINVALID, "api.json_trailing")
}

// jsonError turns an error of the JSON decoder into a message for the client.
func jsonError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errorStatus(err) == http.StatusRequestEntityTooLarge:
		return err
	case errors.Is(err, io.EOF):
		return wiki.E(wiki.EINVALID, "api.json_empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return wiki.E(wiki.EINVALID, "api.json_incomplete")
	case errors.As(err, &syntax):
		return wiki.E(wiki.EINVALID, "api.json_syntax", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return wiki.E(wiki.EINVALID, "api.json_not_object")
		}
		field := clipField(jsonPath(typ.Field))
		return &wiki.Error{Code: wiki.EINVALID, Message: text.M("api.json_field_type", field),
			Fields: map[string]text.Message{field: text.M("api.json_type_expected", text.M(jsonTypeKey(typ.Type)))}}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unq, uerr := strconv.Unquote(name); uerr == nil {
			name = unq
		}
		field := clipField(name)
		return &wiki.Error{Code: wiki.EINVALID, Message: text.M("api.json_unknown_field", field),
			Fields: map[string]text.Message{field: text.M("api.json_no_such_field")}}
	}
	return wiki.E(wiki.EINVALID, "api.json_bad_value")
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
func jsonTypeKey(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "api.json_type.string"
	case reflect.Bool:
		return "api.json_type.bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "api.json_type.integer"
	case reflect.Float32, reflect.Float64:
		return "api.json_type.number"
	case reflect.Slice, reflect.Array:
		return "api.json_type.array"
	}
	return "api.json_type.object"
}
