package search

import (
	"cmp"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/document"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/klauspost/compress/zstd"
)

// The text of an entry's files in the index.
//
// The text, titles and names of all files of an entry are one field, fieldFiles, analysed
// like the body (German, compounds split) but without positions: it is searched word by
// word, weighted below the body (see fileLengthNorm), and quoted phrases are not looked
// for in it. Positions would take about as much room as the text itself, and files are
// long.
//
// A hit names the file and the place (page, slide, sheet) where words of the query were
// found that the entry itself does not show, with a snippet. That is worked out after the
// search, for the hits of the page only, from what the same field stores of each file
// (fileStore): its id, name, title and format, and its text cut into chunks of at most
// chunkBytes, each compressed on its own (zstd) and with a Bloom filter of its terms. A hit
// asks the filters which chunks have the query's terms, unpacks only the best one or few,
// and finds the words there as snippets of the body find theirs (wordAnalyzer.locate). So a
// page of hits reads a few kilobytes of file text per hit, whatever the size of the files;
// the snappy compression bleve applies to all stored fields of a hit when it is read runs
// over bytes it cannot compress, at about the speed of a copy.
//
// Only storedTextBudget bytes of text of an entry are kept for snippets, shared fairly
// between its files: a file of 2 MiB of text must not put megabytes into the index for each
// entry. Words beyond are found all the same; a hit found only by them names no file.

const (
	// chunkBytes bounds the text of one chunk: what a hit unpacks and reads for a snippet.
	chunkBytes = 8 << 10
	// storedTextBudget is how many bytes of file text of an entry are kept for snippets.
	storedTextBudget = 256 << 10
	// bloomBitsPerTerm and bloomHashes size the Bloom filters of chunks: about 1 % false
	// positives, which cost a chunk unpacked in vain (see fileMatches).
	bloomBitsPerTerm = 10
	bloomHashes      = 6
	// maxFileMatches is the number of files a hit names at most; maxChunkReads the number
	// of chunks unpacked at most to find them.
	maxFileMatches = 2
	maxChunkReads  = 4
	// fileStoreVersion starts the stored value of fieldFiles.
	fileStoreVersion = 1
)

// Flags of a stored chunk.
const (
	chunkContinued = 1 << iota // the chunk starts inside its part
	chunkContinues             // its part goes on after it
)

// FileMatch is a file of a hit in which words of the query were found.
type FileMatch struct {
	ID, Name, Title, Format string
	// Label names the place of the snippet as the file's text does: "Seite 12", "Folie 3",
	// a sheet's name; "" for formats without pages, or if only the title or name matched.
	Label string
	// Snippet is a piece of the file's text around the words found, as safe HTML like
	// Hit.Highlights; "" if only the file's title or name matched.
	Snippet string
}

// filesField is fieldFiles of a document: indexed, the terms of all text, titles and
// names of its files; stored, the fileStore of them, made by Analyze.
type filesField struct {
	words  *wordAnalyzer
	files  []File
	value  []byte
	length int
	freqs  index.TokenFrequencies
	size   int
}

// filesField is added to bleve's documents as one of their fields; scorch analyses it and
// zap stores it through these interfaces only.
var (
	_ document.Field = (*filesField)(nil)
	_ index.Field    = (*filesField)(nil)
)

func newFilesField(words *wordAnalyzer, files []File) *filesField {
	return &filesField{words: words, files: files}
}

func (f *filesField) Name() string                                     { return fieldFiles }
func (f *filesField) ArrayPositions() []uint64                         { return nil }
func (f *filesField) Options() index.FieldIndexingOptions              { return index.IndexField | index.StoreField }
func (f *filesField) Value() []byte                                    { return f.value }
func (f *filesField) EncodedFieldType() byte                           { return 't' }
func (f *filesField) AnalyzedLength() int                              { return f.length }
func (f *filesField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }
func (f *filesField) Size() int                                        { return 64 + len(f.value) + f.size }

func (f *filesField) NumPlainTextBytes() uint64 {
	n := 0
	for _, file := range f.files {
		for _, p := range file.Parts {
			n += len(p.Text)
		}
	}
	return uint64(n)
}

// Analyze counts the terms of the files' text and builds their fileStore: both from one
// pass over the words, which bleve runs in parallel for the documents of a batch.
func (f *filesField) Analyze() {
	total := 0
	for _, file := range f.files {
		for _, p := range file.Parts {
			total += len(p.Text)
		}
	}
	f.freqs = make(index.TokenFrequencies, total/32+1)
	var slab []index.TokenFreq
	count := func(t wordTerm) {
		f.length++
		tf := f.freqs[t.key]
		if tf == nil {
			if len(slab) == cap(slab) {
				slab = make([]index.TokenFreq, 0, max(16, total/64))
			}
			slab = append(slab, index.TokenFreq{Term: t.term})
			tf = &slab[len(slab)-1]
			f.freqs[t.key] = tf
		}
		tf.SetFrequency(tf.Frequency() + 1)
	}

	// Titles and names are searched as the text is.
	for _, file := range f.files {
		b := []byte(file.Title + " " + nameWords(file.Name))
		scanWords(b, func(ws, we int, _ runeKind) {
			for _, t := range f.words.wordTerms(b[ws:we]) {
				count(t)
			}
		})
	}
	shares := textShares(f.files, storedTextBudget)
	chunkTerms := map[string]struct{}{}
	enc := zstdEncoder()
	out := []byte{fileStoreVersion}
	out = binary.AppendUvarint(out, uint64(len(f.files)))
	for i, file := range f.files {
		for _, s := range []string{file.ID, file.Name, file.Title, file.Format} {
			out = appendString(out, s)
		}
		keep := shares[i]
		var labels []string
		var chunks []byte
		nchunks := 0
		for _, p := range file.Parts {
			text := p.Text
			for start := 0; start < len(text); {
				end := chunkEnd(text, start)
				chunk := text[start:end]
				stored := min(len(chunk), keep)
				for stored > 0 && stored < len(chunk) && !utf8.RuneStart(chunk[stored]) {
					stored--
				}
				keep -= stored
				clear(chunkTerms)
				b := []byte(chunk)
				scanWords(b, func(ws, we int, _ runeKind) {
					for _, t := range f.words.wordTerms(b[ws:we]) {
						count(t)
						if we <= stored {
							chunkTerms[t.key] = struct{}{}
						}
					}
				})
				if stored > 0 {
					if len(labels) == 0 || labels[len(labels)-1] != p.Label {
						labels = append(labels, p.Label)
					}
					flags := 0
					if start > 0 {
						flags |= chunkContinued
					}
					if start+stored < len(text) {
						flags |= chunkContinues
					}
					bloom := make([]byte, bloomBytes(len(chunkTerms)))
					for t := range chunkTerms {
						h1, h2 := bloomHash(t)
						bloomAdd(bloom, h1, h2)
					}
					chunks = binary.AppendUvarint(chunks, uint64(len(labels)-1))
					chunks = binary.AppendUvarint(chunks, uint64(flags))
					chunks = appendBytes(chunks, bloom)
					chunks = appendBytes(chunks, enc.EncodeAll(b[:stored], nil))
					nchunks++
				}
				start = end
			}
		}
		out = binary.AppendUvarint(out, uint64(len(labels)))
		for _, l := range labels {
			out = appendString(out, l)
		}
		out = binary.AppendUvarint(out, uint64(nchunks))
		out = append(out, chunks...)
	}
	f.value = out
	f.size = len(f.freqs) * (sizeOfTokenFreq + 16)
}

// chunkEnd returns where the chunk of text that begins at start ends: after at most
// chunkBytes, at the last line break or space before that if there is one in its second
// half, else at a character boundary.
func chunkEnd(text string, start int) int {
	if len(text)-start <= chunkBytes {
		return len(text)
	}
	end := start + chunkBytes
	for end > start && !utf8.RuneStart(text[end]) {
		end--
	}
	window := text[start+chunkBytes/2 : end]
	if i := strings.LastIndexByte(window, '\n'); i >= 0 {
		return start + chunkBytes/2 + i + 1
	}
	if i := strings.LastIndexByte(window, ' '); i >= 0 {
		return start + chunkBytes/2 + i + 1
	}
	return end
}

// textShares returns how many bytes of the text of each of files are kept for snippets, at
// most budget in all: every file as much as it has, up to an equal share of what the
// smaller ones leave.
func textShares(files []File, budget int) []int {
	sizes := make([]int, len(files))
	for i, f := range files {
		for _, p := range f.Parts {
			sizes[i] += len(p.Text)
		}
	}
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(sizes[a], sizes[b]) })
	out := make([]int, len(files))
	for j, i := range order {
		out[i] = min(sizes[i], budget/(len(files)-j))
		budget -= out[i]
	}
	return out
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// Bloom filters of the terms of a chunk: bloomHashes bits per term, by double hashing of
// a 64-bit FNV-1a hash. They are stored in the index: the hash must never change without
// a new mappingVersion.

func bloomBytes(terms int) int { return max(8, (terms*bloomBitsPerTerm+7)/8) }

func bloomHash(term string) (h1, h2 uint32) {
	h := uint64(14695981039346656037)
	for i := 0; i < len(term); i++ {
		h ^= uint64(term[i])
		h *= 1099511628211
	}
	return uint32(h), uint32(h>>32) | 1
}

func bloomAdd(b []byte, h1, h2 uint32) {
	m := uint32(len(b)) * 8
	for i := range uint32(bloomHashes) {
		bit := (h1 + i*h2) % m
		b[bit/8] |= 1 << (bit % 8)
	}
}

func bloomHas(b []byte, h1, h2 uint32) bool {
	m := uint32(len(b)) * 8
	if m == 0 {
		return false
	}
	for i := range uint32(bloomHashes) {
		bit := (h1 + i*h2) % m
		if b[bit/8]&(1<<(bit%8)) == 0 {
			return false
		}
	}
	return true
}

var (
	zstdEncoder = sync.OnceValue(func() *zstd.Encoder {
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderCRC(false), zstd.WithEncoderConcurrency(1))
		if err != nil {
			panic(err) // the options are fixed
		}
		return e
	})
	zstdDecoder = sync.OnceValue(func() *zstd.Decoder {
		d, err := zstd.NewReader(nil, zstd.WithDecoderMaxMemory(4*chunkBytes), zstd.WithDecoderConcurrency(0))
		if err != nil {
			panic(err)
		}
		return d
	})
)

// storedFile is a file as the fileStore of a hit holds it; its byte slices point into the
// stored value.
type storedFile struct {
	id, name, title, format []byte
	labels                  [][]byte
	chunks                  []storedChunk
}

type storedChunk struct {
	label int
	flags int
	bloom []byte
	text  []byte // zstd
}

var errFileStore = errors.New("search: damaged file store")

// decodeFiles reads the stored value of fieldFiles.
func decodeFiles(b []byte) ([]storedFile, error) {
	var d fileDecoder
	return d.decode(b)
}

// fileDecoder reads fileStores into buffers that it reuses: the files of one hit are
// read before those of the next.
type fileDecoder struct {
	files  []storedFile
	chunks []storedChunk
	labels [][]byte
}

// decode reads b. What it returns is valid until the next call.
func (d *fileDecoder) decode(b []byte) ([]storedFile, error) {
	if len(b) == 0 || b[0] != fileStoreVersion {
		return nil, errFileStore
	}
	r := reader{b: b[1:]}
	n := r.count()
	d.files, d.chunks, d.labels = d.files[:0], d.chunks[:0], d.labels[:0]
	for range n {
		f := storedFile{id: r.bytes(), name: r.bytes(), title: r.bytes(), format: r.bytes()}
		start := len(d.labels)
		for range r.count() {
			d.labels = append(d.labels, r.bytes())
		}
		f.labels = d.labels[start:len(d.labels):len(d.labels)]
		start = len(d.chunks)
		for range r.count() {
			c := storedChunk{label: int(r.uvarint()), flags: int(r.uvarint())}
			c.bloom, c.text = r.bytes(), r.bytes()
			if c.label < 0 || c.label >= len(f.labels) {
				r.err = errFileStore
			}
			d.chunks = append(d.chunks, c)
		}
		f.chunks = d.chunks[start:len(d.chunks):len(d.chunks)]
		if r.err != nil {
			return nil, r.err
		}
		d.files = append(d.files, f)
	}
	return d.files, r.err
}

// reader reads a fileStore; the first error sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > math.MaxInt32 {
		r.err = errFileStore
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads the number of the items that follow, each of at least one byte.
func (r *reader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.err = errFileStore
		return 0
	}
	return int(n)
}

func (r *reader) bytes() []byte {
	n := r.count()
	if r.err != nil {
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

// fileQuery is what finding the file matches of hits needs of a query: its terms as
// wordAnalyzer.locate takes them, and with their hashes for the Bloom filters.
type fileQuery struct {
	terms  map[string]bool
	hashed []hashedTerm
	seen   map[string][]string // for locate, shared by the hits of a result
	buf    []byte              // for unpacking chunks
	store  []byte              // for the stored value of a hit
	dec    fileDecoder
}

type hashedTerm struct {
	term   string
	h1, h2 uint32
	weight int // as matchWeight counts: whole words 2, parts of compounds 1
}

func newFileQuery(terms map[string]bool, seen map[string][]string) *fileQuery {
	fq := &fileQuery{terms: terms, seen: seen}
	for _, t := range slices.Sorted(maps.Keys(terms)) {
		h := hashedTerm{term: t, weight: 2}
		if strings.HasPrefix(t, partMarker) {
			h.weight = 1
		}
		h.h1, h.h2 = bloomHash(t)
		fq.hashed = append(fq.hashed, h)
	}
	return fq
}

// fileMatches returns the files of the stored value store in which terms of fq were found
// that the entry's own title, summary and body do not show (shown: the terms located
// there), at most maxFileMatches. A hit names a file to say why it was found, or what its
// files add to what it shows; when the entry shows every word, it names none.
//
// The places in the files' text come from the Bloom filters of their chunks: those with the
// most distinct terms (whole words counting twice as much as parts of compounds, as
// snippets count them) are unpacked first and their words located, at most
// maxChunkReads. A file's title or name counts as a place without label and snippet. The
// first place found in a file is the file's; the files come in the order of their places.
func (ix *Index) fileMatches(store []byte, fq *fileQuery, shown map[string]bool) []FileMatch {
	// A word is shown if the entry shows it whole or as a part of a compound.
	isShown := func(t string) bool {
		t = strings.TrimPrefix(t, partMarker)
		return shown[t] || shown[partMarker+t]
	}
	fresh := make([]bool, len(fq.hashed)) // by term: not shown by the entry
	anyFresh := false
	for i, h := range fq.hashed {
		fresh[i] = !isShown(h.term)
		anyFresh = anyFresh || fresh[i]
	}
	if !anyFresh {
		return nil
	}
	hasFresh := func(tlm bsearch.TermLocationMap) bool {
		for t := range tlm {
			if !isShown(t) {
				return true
			}
		}
		return false
	}
	files, err := fq.dec.decode(store)
	if err != nil {
		return nil
	}

	type place struct {
		file, chunk int // chunk -1: the title or name
		weight      int
	}
	var places []place
	for i, f := range files {
		for _, name := range []string{string(f.title), nameWords(string(f.name))} {
			if tlm := ix.words.locate(name, fq.terms, fq.seen); tlm != nil && hasFresh(tlm) {
				places = append(places, place{i, -1, matchWeight(tlm)})
				break
			}
		}
		for j, c := range f.chunks {
			w, isFresh := 0, false
			for k, h := range fq.hashed {
				if bloomHas(c.bloom, h.h1, h.h2) {
					w += h.weight
					isFresh = isFresh || fresh[k]
				}
			}
			if isFresh {
				places = append(places, place{i, j, w})
			}
		}
	}
	// Most terms first; on a tie the text before the name, for its snippet.
	slices.SortStableFunc(places, func(a, b place) int {
		return cmp.Or(cmp.Compare(b.weight, a.weight), cmp.Compare(min(b.chunk, 0), min(a.chunk, 0)))
	})
	var out []FileMatch
	named := map[int]bool{}
	reads := 0
	for _, p := range places {
		if len(out) == maxFileMatches {
			break
		}
		if named[p.file] {
			continue
		}
		f := &files[p.file]
		m := FileMatch{ID: string(f.id), Name: string(f.name), Title: string(f.title), Format: string(f.format)}
		if p.chunk >= 0 {
			if reads == maxChunkReads {
				continue
			}
			reads++
			var ok bool
			if m.Label, m.Snippet, ok = ix.chunkSnippet(f, p.chunk, fq, hasFresh); !ok {
				continue // the filter erred
			}
		}
		named[p.file] = true
		out = append(out, m)
	}
	return out
}

// chunkSnippet unpacks chunk c of f and returns its label and a snippet of the terms of fq
// in it; false if it has none that fresh accepts.
func (ix *Index) chunkSnippet(f *storedFile, c int, fq *fileQuery, fresh func(bsearch.TermLocationMap) bool) (label, snippet string, ok bool) {
	ch := &f.chunks[c]
	text, err := zstdDecoder().DecodeAll(ch.text, fq.buf[:0])
	if err != nil {
		return "", "", false
	}
	fq.buf = text
	tlm := ix.words.locate(string(text), fq.terms, fq.seen)
	if tlm == nil || !fresh(tlm) {
		return "", "", false
	}
	s := snippets(text, tlm, 1)
	if len(s) == 0 {
		return "", "", false
	}
	snippet = s[0]
	if ch.flags&chunkContinued != 0 && !strings.HasPrefix(snippet, ellipsis) {
		snippet = ellipsis + snippet
	}
	if ch.flags&chunkContinues != 0 && !strings.HasSuffix(snippet, ellipsis) {
		snippet += ellipsis
	}
	return string(f.labels[ch.label]), snippet, true
}

// nameWords returns a file name as words: "Abschlussbericht_2024.pdf" as
// "Abschlussbericht 2024 pdf". The tokenizer keeps "bericht.pdf" as one word.
func nameWords(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '.' {
			return ' '
		}
		return r
	}, name)
}
