package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// maxAPIBodyBytes bounds the body of an API write.
const maxAPIBodyBytes = 1 << 20

// entryInput is the body of POST /api/v1/entries and PUT /api/v1/entries/{slug}: the
// fields of an entry as the API returns it, plus a comment for the version history and,
// on creation, whether to submit the entry for review at once. Control fields (id, slug,
// state, version, dates, authors, featured) are accepted, so that an entry read with GET
// can be sent back changed, and ignored.
type entryInput struct {
	wiki.Entry
	Comment string `json:"comment"`
	Submit  bool   `json:"submit"`
}

// content returns the entry of the input without its control fields, which the
// workflow sets (a client's submitted_by, for one, would redirect notifications).
func (in *entryInput) content() *wiki.Entry {
	e := in.Entry.Clone()
	e.ID, e.Slug, e.Version, e.PatrolledVersion = "", "", 0, 0
	e.State, e.StateComment, e.SubmittedBy, e.Featured = "", "", "", false
	e.CreatedAt, e.CreatedBy, e.UpdatedAt, e.UpdatedBy = time.Time{}, "", time.Time{}, ""
	return e
}

// transitionInput is the body of POST /api/v1/entries/{slug}/transitions.
type transitionInput struct {
	To      wiki.State `json:"to"`
	Comment string     `json:"comment"`
}

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

// apiFieldNames maps the field names of entry validation (those of the HTML form) to the
// names of the API's JSON.
var apiFieldNames = map[string]string{
	"partners":      "partner_municipalities",
	"contact_name":  "contact.name",
	"contact_role":  "contact.role",
	"contact_email": "contact.email",
}

// apiEntryError returns err with its field names as the API's JSON spells them.
func apiEntryError(err error) error {
	var e *wiki.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = make(map[string]string, len(e.Fields))
	for k, v := range e.Fields {
		if n, ok := apiFieldNames[k]; ok {
			k = n
		}
		c.Fields[k] = v
	}
	return &c
}

var ifMatchPattern = regexp.MustCompile(`^"([1-9][0-9]{0,8})"$`)

// ifMatchVersion reads the entry version from If-Match ("3", as the ETag sent it). Without
// the header it returns 0, or, if required, an error answered with 428.
func ifMatchVersion(r *http.Request, required bool) (int, error) {
	values := r.Header.Values("If-Match")
	if len(values) == 0 {
		if required {
			return 0, withStatus(http.StatusPreconditionRequired, wiki.Errorf(wiki.EINVALID,
				"Änderungen brauchen die Kopfzeile „If-Match“ mit der Version, auf der sie beruhen, z. B. If-Match: \"3\" (der ETag der letzten Antwort). So geht keine Änderung eines anderen verloren."))
		}
		return 0, nil
	}
	m := ifMatchPattern.FindStringSubmatch(strings.TrimSpace(strings.Join(values, ",")))
	if m == nil {
		return 0, wiki.Errorf(wiki.EINVALID, "If-Match muss genau eine Version in Anführungszeichen enthalten, z. B. If-Match: \"3\".")
	}
	n, _ := strconv.Atoi(m[1])
	return n, nil
}

// staleVersion is the answer to a write based on an old version.
func staleVersion() error {
	return withStatus(http.StatusPreconditionFailed, wiki.Errorf(wiki.ECONFLICT,
		"Der Eintrag wurde inzwischen geändert; nichts wurde gespeichert. Bitte lesen Sie ihn neu (GET liefert die aktuelle Version im ETag) und senden Sie Ihre Änderung mit diesem If-Match."))
}

// writeEntry answers with an entry, its ETag and the given status.
func (s *Server) writeEntry(w http.ResponseWriter, r *http.Request, status int, e *wiki.Entry) {
	w.Header().Set("ETag", etag(e.Version))
	writeJSON(w, status, s.entryForViewer(r, e))
}

func (s *Server) apiEntryCreate(w http.ResponseWriter, r *http.Request) {
	var in entryInput
	err := requireToken(r)
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	v := viewerOf(r)
	if in.Municipality == "" && v.IsMember() {
		in.Municipality = v.Municipality()
	}
	e, err := s.app.CreateEntry(r.Context(), v, in.content(), in.Comment, in.Submit)
	if err != nil {
		s.writeAPIError(w, r, apiEntryError(err))
		return
	}
	w.Header().Set("Location", "/api/v1/entries/"+e.Slug)
	s.writeEntry(w, r, http.StatusCreated, e)
}

func (s *Server) apiEntryUpdate(w http.ResponseWriter, r *http.Request) {
	var in entryInput
	version := 0
	err := requireToken(r)
	if err == nil {
		version, err = ifMatchVersion(r, true)
	}
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil && in.Submit {
		msg := "Beim Ändern wird nicht eingereicht; dazu dient POST /api/v1/entries/{slug}/transitions mit {\"to\": \"submitted\"}."
		err = &wiki.Error{Code: wiki.EINVALID, Message: msg, Fields: map[string]string{"submit": msg}}
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	e := in.content()
	e.Version = version // If-Match decides, not a version in the body
	saved, err := s.app.UpdateEntry(r.Context(), viewerOf(r), r.PathValue("slug"), e, in.Comment)
	if wiki.ErrorCode(err) == wiki.ECONFLICT {
		err = staleVersion() // the only conflict of an update: someone saved in between
	}
	if err != nil {
		s.writeAPIError(w, r, apiEntryError(err))
		return
	}
	s.writeEntry(w, r, http.StatusOK, saved)
}

// allowedTargets names the states of the transition API, for messages.
const allowedTargets = "submitted, published, changes_requested, archived oder draft"

func (s *Server) apiEntryTransition(w http.ResponseWriter, r *http.Request) {
	var in transitionInput
	err := requireToken(r)
	version := 0
	if err == nil {
		version, err = ifMatchVersion(r, false)
	}
	if err == nil {
		err = decodeJSON(w, r, &in)
	}
	if err == nil && !in.To.Valid() {
		msg := "Bitte geben Sie den Zielstand an: " + allowedTargets + "."
		err = &wiki.Error{Code: wiki.EINVALID, Message: msg, Fields: map[string]string{"to": msg}}
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	slug := r.PathValue("slug")
	e, err := s.app.Move(r.Context(), viewerOf(r), slug, version, in.To, in.Comment)
	if wiki.ErrorCode(err) == wiki.ECONFLICT && version != 0 {
		// A conflict is a stale If-Match or a move the workflow does not allow from the
		// current state; only the first is a failed precondition.
		if cur, cerr := s.app.Entry(r.Context(), viewerOf(r), slug); cerr == nil && cur.Version != version {
			err = staleVersion()
		}
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	s.writeEntry(w, r, http.StatusOK, e)
}

func (s *Server) apiMunicipalityShow(w http.ResponseWriter, r *http.Request) {
	m, err := s.app.Municipality(r.PathValue("ags"))
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) apiMunicipalityCreate(w http.ResponseWriter, r *http.Request) {
	s.saveMunicipality(w, r, "")
}

func (s *Server) apiMunicipalityUpdate(w http.ResponseWriter, r *http.Request) {
	s.saveMunicipality(w, r, r.PathValue("ags"))
}

// saveMunicipality creates a municipality (ags "") or changes the one with the given AGS.
func (s *Server) saveMunicipality(w http.ResponseWriter, r *http.Request, ags string) {
	var m wiki.Municipality
	err := requireToken(r)
	if err == nil {
		err = decodeJSON(w, r, &m)
	}
	if err == nil && ags != "" {
		if m.AGS != "" && m.AGS != ags {
			msg := "Der Gemeindeschlüssel im Inhalt passt nicht zur Adresse; er lässt sich nicht ändern."
			err = &wiki.Error{Code: wiki.EINVALID, Message: msg, Fields: map[string]string{"ags": msg}}
		}
		m.AGS = ags
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	saved, err := s.app.SaveMunicipality(r.Context(), viewerOf(r), m, ags == "")
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	status := http.StatusOK
	if ags == "" {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/municipalities/"+saved.AGS)
	}
	writeJSON(w, status, saved)
}

func (s *Server) apiTopicShow(w http.ResponseWriter, r *http.Request) {
	t, err := s.app.Topic(r.PathValue("slug"))
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) apiTopicCreate(w http.ResponseWriter, r *http.Request) {
	s.saveTopic(w, r, "")
}

func (s *Server) apiTopicUpdate(w http.ResponseWriter, r *http.Request) {
	s.saveTopic(w, r, r.PathValue("slug"))
}

// saveTopic creates a topic (slug "") or renames the one with the given slug.
func (s *Server) saveTopic(w http.ResponseWriter, r *http.Request, slug string) {
	var t wiki.Topic
	err := requireToken(r)
	if err == nil {
		err = decodeJSON(w, r, &t)
	}
	if err == nil && slug != "" {
		if t.Slug != "" && t.Slug != slug {
			msg := "Die Kurzadresse im Inhalt passt nicht zur Adresse; sie lässt sich nicht ändern."
			err = &wiki.Error{Code: wiki.EINVALID, Message: msg, Fields: map[string]string{"slug": msg}}
		}
		t.Slug = slug
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	saved, err := s.app.SaveTopic(r.Context(), viewerOf(r), t, slug == "")
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	status := http.StatusOK
	if slug == "" {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/v1/topics/"+saved.Slug)
	}
	writeJSON(w, status, saved)
}

// reviewQueuePerPage is the page size of the review queue (set by the app).
const reviewQueuePerPage = 20

func (s *Server) apiReviewQueue(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	f, err := s.reviewFilter(r)
	if aerr := auth.Require(v, auth.Review, nil); aerr != nil {
		err = aerr // who may not see the queue learns nothing about their parameters
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	res, err := s.app.ReviewQueue(r.Context(), v, f)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := apiPage[apiEntrySummary]{Total: res.Total, Page: max(f.Page, 1), PerPage: reviewQueuePerPage, Items: []apiEntrySummary{}}
	for _, it := range res.Items {
		e := it.Entry
		out.Items = append(out.Items, apiEntrySummary{Slug: e.Slug, Title: e.Title, Summary: e.Summary, Kind: string(e.Kind), ProjectStatus: string(e.ProjectStatus),
			Municipality: e.Municipality, Topics: nonNil(e.Topics), UpdatedAt: e.UpdatedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

// reviewFilter reads the parameters of the review queue: topic (slug), municipality (AGS
// or slug) and page.
func (s *Server) reviewFilter(r *http.Request) (app.ReviewFilter, error) {
	q := r.URL.Query()
	f := app.ReviewFilter{Topic: q.Get("topic")}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return f, wiki.Errorf(wiki.EINVALID, "Der Parameter page muss eine positive ganze Zahl sein.")
		}
		f.Page = n
	}
	if f.Topic != "" {
		if err := knownTopic(s.app, f.Topic); err != nil {
			return f, err
		}
	}
	if m := q.Get("municipality"); m != "" {
		ags, err := municipalityKey(s.app, m, true)
		if err != nil {
			return f, err
		}
		f.Municipality = ags
	}
	return f, nil
}

// apiAuditPage is the body of GET /api/v1/audit.
type apiAuditPage struct {
	Items []wiki.AuditEvent `json:"items"`
	// NextBefore is the value of before for the next (older) page; empty on the last page.
	NextBefore string `json:"next_before,omitempty"`
}

// auditIDPattern matches the ids of audit events (ULIDs), the cursor of the audit log.
var auditIDPattern = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)

// Limits of GET /api/v1/audit.
const (
	auditDefaultLimit = 100
	auditMaxLimit     = 1000
)

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	q := r.URL.Query()
	before, limit := q.Get("before"), auditDefaultLimit
	var err error
	if before != "" && !auditIDPattern.MatchString(before) {
		err = wiki.Errorf(wiki.EINVALID, "Der Parameter before ist die id eines Ereignisses (26 Zeichen, wie in next_before).")
	}
	if l := q.Get("limit"); l != "" && err == nil {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > auditMaxLimit {
			err = wiki.Errorf(wiki.EINVALID, "Der Parameter limit ist eine ganze Zahl von 1 bis %d.", auditMaxLimit)
		}
	}
	if aerr := auth.Require(v, auth.ReadAudit, nil); aerr != nil {
		err = aerr
	}
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	events, err := s.app.AuditLog(r.Context(), v, before, limit)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	out := apiAuditPage{Items: nonNil(events)}
	if len(events) == limit {
		out.NextBefore = events[len(events)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}
