package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Berlin where the system has no time zone database (Lambda)

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/extract"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one parsed template set per page, each with the shared layout.
type pages struct {
	sets map[string]*template.Template
}

// view is what every page template receives.
type view struct {
	Title  string      // page title, before " – Wissensnetz"
	Q      string      // the search box's value
	Nav    string      // which main navigation item is current
	Data   any         // the page's own data
	Viewer auth.Viewer // who is looking
	// MyMunicipality is the signed-in person's municipality ("Meine Kommune"), or nil.
	MyMunicipality *wiki.Municipality
	// Storage is the state of the disk in local mode, for the banner signed-in people see
	// while content writes are refused.
	Storage app.Storage

	w http.ResponseWriter
	r *http.Request
}

// CSRF returns the form token for the page's forms (and sets the visitor's form cookie
// the first time a page with a form is shown).
func (v view) CSRF() string { return formToken(v.w, v.r) }

// berlin is the time zone of the dates on pages. The time zone database is in the binary
// (time/tzdata), so loading cannot fail for want of one on the system.
var berlin = mustLoadLocation("Europe/Berlin")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"t":        T,
		"asset":    assetURL,
		"date":     func(t time.Time) string { return t.In(berlin).Format("02.01.2006") },
		"datetime": func(t time.Time) string { return t.In(berlin).Format("02.01.2006, 15:04 Uhr") },
		"isodate":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"month":    monthName,
		"markdown": renderMarkdown,
		"kind":     func(k wiki.Kind) string { return k.Label() },
		"pstatus":  func(s wiki.ProjectStatus) string { return s.Label() },
		"kindOf":   func(s string) string { return wiki.Kind(s).Label() },
		"pstatusOf": func(s string) string {
			return wiki.ProjectStatus(s).Label()
		},
		"visibility": func(v wiki.Visibility) string { return v.Label() },
		"state":      func(s wiki.State) string { return s.Label() },
		"safe":       func(s string) template.HTML { return template.HTML(s) }, // only for HTML made by the search highlighter, which escapes
		"add":        func(a, b int) int { return a + b },
		"mib":        func(n uint64) string { return strconv.FormatUint(n>>20, 10) + " MiB" },
		"has": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
		"join": strings.Join,
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
		"fieldError": func(errs map[string]string, field string) string { return errs[field] },
		"query":      queryString,
		"bytes":      app.FormatBytes,
		"formatName": func(f string) string { return extract.Format(f).Name() },
		"fileURL":    fileURL,
	}
}

// queryString builds "?k=v&…" from pairs, leaving out empty values.
func queryString(pairs ...any) template.URL {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		k := fmt.Sprint(pairs[i])
		switch x := pairs[i+1].(type) {
		case string:
			if x != "" {
				v.Set(k, x)
			}
		case int:
			if x != 0 {
				v.Set(k, strconv.Itoa(x))
			}
		}
	}
	if len(v) == 0 {
		return "?"
	}
	return template.URL("?" + v.Encode())
}

// monthName turns "2023-04" into "April 2023".
func monthName(s string) string {
	if len(s) != 7 {
		return s
	}
	m, err := strconv.Atoi(s[5:])
	if err != nil || m < 1 || m > 12 {
		return s
	}
	return catalogue.Text("month.format", catalogue.Text("month."+strconv.Itoa(m)), s[:4])
}

func parsePages() (*pages, error) {
	partials, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	// The layout and the partials are parsed once; each page clones them and adds its own
	// "content".
	base, err := template.New("layout.html").Funcs(templateFuncs()).ParseFS(templateFS, append([]string{"templates/layout.html"}, partials...)...)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, name := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if page == "layout" || strings.HasPrefix(page, "_") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, name)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		p.sets[page] = t
	}
	return p, nil
}

// render writes a page completely or, if the template fails, an error page instead: the
// page is rendered into a buffer first.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t, ok := s.pages.sets[page]
	if !ok {
		logFor(r).Error("unknown page template", "page", page)
		http.Error(w, T("error.internal"), http.StatusInternalServerError)
		return
	}
	v.Viewer, v.w, v.r = viewerOf(r), w, r
	if m, err := s.catalog.Municipality(v.Viewer.Municipality()); err == nil {
		v.MyMunicipality = &m
	}
	if v.Viewer.SignedIn() {
		v.Storage = s.app.Storage()
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		logFor(r).Error("render page", "page", page, "err", err)
		http.Error(w, T("error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError shows the German error page with the status that belongs to err.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	err = diskFull(err)
	logIfInternal(r, err)
	setRetryAfter(w, err)
	status := errorStatus(err)
	title := T("error.title")
	if status == http.StatusNotFound {
		title = T("error.notfound.title")
	}
	s.render(w, r, status, "error", view{Title: title, Data: struct {
		Status  int
		Message string
	}{status, userMessage(err)}})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, errPageNotFound)
}

// staticHandler serves the files under static/. Asked for with the version assetURL links
// to, a file may be kept for a year: another release links to another version. Without it,
// or with an old one, for an hour. Any other name, a folder included, gets notFound: the
// file server would answer names that are not valid file names (invalid UTF-8) with a
// bare English 500.
func staticHandler(notFound http.Handler) http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if _, ok := assetVersions()[name]; !ok {
			notFound.ServeHTTP(w, r)
			return
		}
		if v := r.URL.Query().Get("v"); v != "" && v == assetVersions()[name] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=3600")
		}
		files.ServeHTTP(w, r)
	})
}

// assetURL returns the address of the file name under static/ with its version, for pages.
func assetURL(name string) (string, error) {
	v, ok := assetVersions()[name]
	if !ok {
		return "", fmt.Errorf("web: no static file %q", name)
	}
	return "/static/" + name + "?v=" + v, nil
}

// assetVersions holds the version of every file under static/, by its name there: the
// first 12 hexadecimal digits of the SHA-256 of its content.
var assetVersions = sync.OnceValue(func() map[string]string {
	versions := map[string]string{}
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		versions[strings.TrimPrefix(path, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		panic(err) // a bug: the files are embedded
	}
	return versions
})
