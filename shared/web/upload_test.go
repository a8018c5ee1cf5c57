package web

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikone-ds/wissensnetz/shared/app"
	"github.com/ikone-ds/wissensnetz/shared/auth"
	"github.com/ikone-ds/wissensnetz/shared/wiki"
)

// textBlock is 64 KiB of German text lines, valid UTF-8 without delimiters, so that the
// server takes what is made of it for a TXT file.
var textBlock = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 64<<10; i++ {
		fmt.Fprintf(&b, "Zeile %06d: Die Füllstände der Zisternen werden alle fünfzehn Minuten gemeldet.\n", i)
	}
	return b.Bytes()[:64<<10]
})

// streamedUpload is a multipart body made while it is sent: fields, then a text file of
// size bytes, written through a pipe in blocks, never held whole.
type streamedUpload struct {
	body        *io.PipeReader
	contentType string
	done        chan error // the writer's end
}

func newStreamedUpload(fields [][2]string, fileField, fileName string, size int64, wait <-chan struct{}, after int64) *streamedUpload {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	s := &streamedUpload{body: pr, contentType: mw.FormDataContentType(), done: make(chan error, 1)}
	go func() {
		err := func() error {
			for _, f := range fields {
				if err := mw.WriteField(f[0], f[1]); err != nil {
					return err
				}
			}
			w, err := mw.CreateFormFile(fileField, fileName)
			if err != nil {
				return err
			}
			block := textBlock()
			for sent := int64(0); sent < size; {
				if wait != nil && sent >= after {
					<-wait // the server must answer before it has this
					return io.ErrClosedPipe
				}
				n := min(int64(len(block)), size-sent)
				if _, err := w.Write(block[:n]); err != nil {
					return err
				}
				sent += n
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
		s.done <- err
	}()
	return s
}

// heapWatch samples the heap while a request runs.
type heapWatch struct {
	before runtime.MemStats
	peak   atomic.Uint64
	stop   chan struct{}
	wg     sync.WaitGroup
}

func watchHeap() *heapWatch {
	h := &heapWatch{stop: make(chan struct{})}
	runtime.GC()
	runtime.ReadMemStats(&h.before)
	h.peak.Store(h.before.HeapInuse)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		var m runtime.MemStats
		for {
			select {
			case <-h.stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > h.peak.Load() {
				h.peak.Store(m.HeapInuse)
			}
		}
	}()
	return h
}

// end returns how far the heap in use rose above where it was, at its peak, and how much
// was allocated in all.
func (h *heapWatch) end() (peakRise, allocated uint64) {
	close(h.stop)
	h.wg.Wait()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if m.HeapInuse > h.peak.Load() {
		h.peak.Store(m.HeapInuse)
	}
	return h.peak.Load() - min(h.peak.Load(), h.before.HeapInuse), m.TotalAlloc - h.before.TotalAlloc
}

const mib = 1 << 20

// TestUploadMemoryBounded uploads a large file through the entry form and the API, made
// on the fly and sent as a stream: the process's heap must not grow with the file. (The
// client, in the same process, holds no more than a block of it either.) Not parallel:
// the figures are the whole process's.
func TestUploadMemoryBounded(t *testing.T) {
	const size = 32 * mib
	const bound = 16 * mib
	ts, a, dir := newFilesServer(t, app.Files{})
	_, token := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	c := newClient(t, ts)
	c.signIn(a, "mia@beispiel-kommune.de", wiki.RoleMember, "07312000")
	_, page := c.get("/eintraege/neu")
	csrf := csrfField.FindStringSubmatch(page)[1]

	send := func(t *testing.T, hc *http.Client, path string, header map[string]string, s *streamedUpload) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+path, s.body)
		req.Header.Set("Content-Type", s.contentType)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	t.Run("form", func(t *testing.T) {
		fields := [][2]string{{"csrf", csrf}}
		for _, p := range formParts(validForm()) {
			fields = append(fields, [2]string{p.name, p.value})
		}
		h := watchHeap()
		resp := send(t, c.http, "/eintraege", nil, newStreamedUpload(fields, "new_file_1", "gross.txt", size, nil, 0))
		peak, allocated := h.end()
		t.Logf("form: %d MiB uploaded; heap in use rose by at most %.1f MiB, %.1f MiB allocated", size/mib, float64(peak)/mib, float64(allocated)/mib)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", resp.StatusCode)
		}
		if peak > bound || allocated > bound {
			t.Errorf("the heap grew with the file: rose by %d MiB, %d MiB allocated; want both under %d MiB", peak/mib, allocated/mib, bound/mib)
		}
	})
	t.Run("API", func(t *testing.T) {
		h := watchHeap()
		resp := send(t, http.DefaultClient, "/api/v1/entries/lorawan-sensornetz-fuer-pegelstaende/files",
			map[string]string{"Authorization": "Bearer " + token, "If-Match": `"1"`}, newStreamedUpload(nil, "file", "gross.txt", size, nil, 0))
		peak, allocated := h.end()
		t.Logf("API: %d MiB uploaded; heap in use rose by at most %.1f MiB, %.1f MiB allocated", size/mib, float64(peak)/mib, float64(allocated)/mib)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d, want 201", resp.StatusCode)
		}
		if peak > bound || allocated > bound {
			t.Errorf("the heap grew with the file: rose by %d MiB, %d MiB allocated; want both under %d MiB", peak/mib, allocated/mib, bound/mib)
		}
	})
	e, _ := a.Entry(t.Context(), everyone, "lorawan-sensornetz-fuer-pegelstaende")
	if len(e.Attachments) != 1 || e.Attachments[0].Size != size || e.Attachments[0].Format != "txt" {
		t.Errorf("stored: %+v", e.Attachments)
	}
	noUploadsLeft(t, dir)
}

// TestAPIUploadStopsAtTheLimit: the API refuses a file over the limit as soon as it has
// read past it; the client is still sending, and never sends the rest.
func TestAPIUploadStopsAtTheLimit(t *testing.T) {
	t.Parallel()
	ts, a, dir := newFilesServer(t, app.Files{MaxFile: 1 * mib})
	_, token := apiUser(t, a, "max@beispiel-kommune.de", wiki.RoleMember, "07312000")
	wait := make(chan struct{})
	defer close(wait)
	s := newStreamedUpload([][2]string{{"title", "Zu groß"}}, "file", "riesig.txt", 1<<30, wait, 4*mib)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/entries/lorawan-sensornetz-fuer-pegelstaende/files", s.body)
	req.Header.Set("Content-Type", s.contentType)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("If-Match", `"1"`)
	result := make(chan *http.Response, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			result <- nil
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(b))
		result <- resp
	}()
	select {
	case resp := <-result:
		if resp == nil {
			return
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "„riesig.txt“ ist zu groß: Eine Datei darf höchstens 1 MB groß sein.") || !strings.Contains(string(b), `"too_large"`) {
			t.Errorf("status %d: %s", resp.StatusCode, b)
		}
	case <-time.After(time.Minute):
		t.Fatal("no answer while the client sends on: the server reads past the limit")
	}
	noUploadsLeft(t, dir)
}

// BenchmarkUpload sends a 100 MiB text file through the API as a stream and reports how
// far the heap in use rose at its peak and how much was allocated per upload; see
// docs/benchmarks.md.
//
//	go test ./shared/web -run '^$' -bench Upload -benchtime 3x
func BenchmarkUpload(b *testing.B) {
	const size = 100 * mib
	const slug = "lorawan-sensornetz-fuer-pegelstaende"
	a, err := openLocal(b.Context(), app.Local{DataDir: b.TempDir(), DemoAuthor: wiki.DemoAuthor, Demo: func() io.Reader {
		f, err := os.Open("testdata/fixture.jsonl")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		return f
	}}, app.Options{Files: app.Files{MaxEntry: 1 << 40}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	s, err := New(a, nil, UploadDir(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(s)
	b.Cleanup(ts.Close)
	u, err := a.CreateUser(b.Context(), auth.Visitor, app.NewUser{Email: "bench@ikone-ds.de", Name: "Bench", Role: wiki.RoleCoordinator, Password: testPassword})
	if err != nil {
		b.Fatal(err)
	}
	token, err := a.CreateAPIToken(b.Context(), auth.Viewer{User: u}, "Bench")
	if err != nil {
		b.Fatal(err)
	}
	var peaks, allocs uint64
	b.SetBytes(size)
	b.ResetTimer()
	for i := range b.N {
		e, err := a.Entry(b.Context(), everyone, slug)
		if err != nil {
			b.Fatal(err)
		}
		h := watchHeap()
		up := newStreamedUpload(nil, "file", fmt.Sprintf("gross-%d.txt", i), size, nil, 0)
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/entries/"+slug+"/files", up.body)
		req.Header.Set("Content-Type", up.contentType)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("If-Match", etag(e.Version))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		peak, allocated := h.end()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("status %d", resp.StatusCode)
		}
		peaks = max(peaks, peak)
		allocs += allocated
	}
	b.ReportMetric(float64(peaks)/mib, "peak-heap-MiB")
	b.ReportMetric(float64(allocs)/float64(b.N)/mib, "alloc-MiB/op")
}

// FuzzReadUpload feeds readUpload any body: it must not panic, must keep within its
// limits and must leave no temporary file once the upload is closed.
func FuzzReadUpload(f *testing.F) {
	valid, ct := encodeParts(f, []formPart{{name: "csrf", value: "x"}, {name: "title", value: "Titel"},
		filePart("new_file_1", "bericht.pdf", []byte("%PDF-1.7\n")), filePart("new_file_2", "", nil)})
	_, params, _ := mime.ParseMediaType(ct)
	boundary := params["boundary"]
	f.Add(valid.Bytes(), false)
	f.Add([]byte("--"+boundary+"\r\nContent-Disposition: form-data; name=\"a\"; filename*=UTF-8''%FF%00\r\n\r\nx\r\n--"+boundary+"--\r\n"), true)
	f.Add([]byte("--"+boundary+"\r\nContent-Disposition: form-data; name=\"a\r\n\r\n"), true)
	f.Fuzz(func(t *testing.T, body []byte, drain bool) {
		dir := t.TempDir()
		mb := &multipartBody{mr: multipart.NewReader(bytes.NewReader(body), boundary), values: url.Values{}}
		l := uploadLimits{perFile: 64, total: 100, files: 2, fields: 256, drain: drain, dir: dir}
		up, err := mb.readUpload(l)
		if up == nil {
			t.Fatalf("no upload (err %v)", err)
		}
		var total int64
		for _, f := range up.files {
			if f.size > l.perFile {
				t.Errorf("file of %d bytes over the limit of %d", f.size, l.perFile)
			}
			total += f.size
		}
		if total > l.total || len(up.files) > l.files || mb.fieldBytes > l.fields+1 {
			t.Errorf("over the limits: %d bytes in %d files, %d bytes of fields", total, len(up.files), mb.fieldBytes)
		}
		if err != nil && len(up.files) > 0 {
			t.Errorf("files kept after an error: %v", err)
		}
		up.Close()
		if left, _ := os.ReadDir(dir); len(left) > 0 {
			t.Errorf("%d temporary files left", len(left))
		}
	})
}
