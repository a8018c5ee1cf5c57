package search

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Index is the search index of the entries. It is safe for concurrent use by many searches
// and one writer: Apply and Rebuild wait for each other.
type Index struct {
	dir  string // "" for an index in memory
	home string // the directory the index was opened with; "" for OpenMemory (see RebuildInMemory)

	write sync.Mutex // held by Apply and Rebuild: one writer at a time

	mu           sync.RWMutex  // guards the fields below; searches hold it for reading
	idx          bleve.Index   // nil once closed
	analyzer     *wordAnalyzer // the text analysis with compounds whole, for Similar
	words        *wordAnalyzer // the text analysis of the index, for snippets
	needsRebuild bool

	opts    Options
	version string         // mapping version and protected words of opts
	stored  string         // the version stored with the index searched; "" if none
	qa      *queryAnalyzer // analyses query texts as the index analyses entries
	syn     *synonyms
	// synExtra are the synonym groups of SetSynonyms, besides the bundled ones.
	synExtra string

	cacheMu sync.Mutex // guards caches
	caches  segmentCaches

	digestMu sync.Mutex // guards digests
	digests  fileDigests
}

// Batch is one atomic change of the index: the documents to add or replace, the ids to
// remove and the sequence number of the store the index reflects afterwards.
type Batch struct {
	Put    []Document
	Delete []string
	Seq    uint64
}

// Options configure an index.
type Options struct {
	// Protected are words never split into parts, in addition to those of
	// lexicon/geschuetzt.txt: the names of the municipalities of the catalog. Each word of
	// a name of several words counts on its own. An index built with other protected words
	// reports NeedsRebuild.
	Protected []string

	// WholeWords leaves compounds whole: the text is analysed by bleve's plain "de"
	// analyzer. For measuring what splitting them costs, not for use.
	WholeWords bool
}

// version returns what is stored with an index built with o: the mapping version and a
// digest of the protected words.
func (o Options) version() string {
	words := slices.Sorted(slices.Values(o.Protected))
	h := sha256.Sum256([]byte(strings.Join(words, "\n")))
	return mappingVersion + "/" + hex.EncodeToString(h[:8])
}

// Open opens the index in dir with no protected words but those bundled; see OpenWith.
func Open(dir string) (*Index, error) {
	return OpenWith(dir, Options{})
}

// OpenWith opens the index in dir, or creates an empty one there if dir does not exist or
// is empty. A new index, and one built with an older mapping or other Options, reports
// NeedsRebuild.
func OpenWith(dir string, opts Options) (*Index, error) {
	if dir == "" {
		return nil, errors.New("search: open: no directory")
	}
	// A swap interrupted between its two renames leaves the previous index at dir.old.
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if _, err := os.Stat(dir + oldSuffix); err == nil {
			if err := os.Rename(dir+oldSuffix, dir); err != nil {
				return nil, fmt.Errorf("search: open %s: restore previous index: %w", dir, err)
			}
		}
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) == 0 {
		if err := os.Remove(dir); err != nil {
			return nil, fmt.Errorf("search: open %s: %w", dir, err)
		}
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		idx, err := createIndex(dir, opts)
		if err != nil {
			return nil, err
		}
		return newIndex(dir, idx, true, opts)
	}
	idx, version, err := openExisting(dir)
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	ix, err := newIndex(dir, idx, version != opts.version(), opts)
	if err != nil {
		_ = idx.Close()
		return nil, err
	}
	ix.stored = version
	return ix, nil
}

// openExisting opens the index in dir and returns it with the mapping version stored in
// it, "" if none.
func openExisting(dir string) (bleve.Index, string, error) {
	idx, err := bleve.Open(dir)
	if err != nil {
		return nil, "", err
	}
	version, err := idx.GetInternal([]byte(keyMappingVersion))
	if err != nil {
		_ = idx.Close()
		return nil, "", fmt.Errorf("read mapping version: %w", err)
	}
	return idx, string(version), nil
}

// OpenMemory returns a new empty index held in memory, for tests and small tools. It reports
// NeedsRebuild until its first Rebuild.
func OpenMemory() (*Index, error) {
	return OpenMemoryWith(Options{})
}

// OpenMemoryWith is OpenMemory with options.
func OpenMemoryWith(opts Options) (*Index, error) {
	idx, err := createIndex("", opts)
	if err != nil {
		return nil, err
	}
	return newIndex("", idx, true, opts)
}

// OpenMemoryFor returns a new empty index held in memory that a Rebuild writes to dir: for
// a start on a full disk, where the index cannot be created in dir. It reports NeedsRebuild
// and InMemory.
func OpenMemoryFor(dir string, opts Options) (*Index, error) {
	ix, err := OpenMemoryWith(opts)
	if err != nil {
		return nil, err
	}
	ix.home = dir
	return ix, nil
}

// createIndex creates an empty scorch index in dir, or in memory if dir is "".
func createIndex(dir string, opts Options) (bleve.Index, error) {
	var (
		idx bleve.Index
		err error
	)
	if dir == "" {
		// bleve.NewMemOnly would use another engine (upsidedown); scorch without a path
		// keeps its segments in memory.
		idx, err = bleve.NewUsing("", newMapping(opts.Protected, opts.WholeWords), scorch.Name, scorch.Name, nil)
	} else {
		if err = os.MkdirAll(filepath.Dir(dir), 0o755); err == nil {
			idx, err = bleve.NewUsing(dir, newMapping(opts.Protected, opts.WholeWords), scorch.Name, scorch.Name, nil)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("search: create index %s: %w", dir, err)
	}
	return idx, nil
}

func newIndex(dir string, idx bleve.Index, needsRebuild bool, opts Options) (*Index, error) {
	qa, err := newQueryAnalyzer(newDecompounder(opts.Protected))
	if err != nil {
		return nil, err
	}
	words, whole, err := textAnalyzers(opts)
	if err != nil {
		return nil, err
	}
	return &Index{
		dir: dir, home: dir, idx: idx, analyzer: whole, words: words, needsRebuild: needsRebuild,
		opts: opts, version: opts.version(), qa: qa, syn: parseSynonyms(synonymsText, qa),
	}, nil
}

// textAnalyzers returns the analyzers of the text fields of an index with opts: the one
// the index uses, and the one that leaves compounds whole.
func textAnalyzers(opts Options) (words, whole *wordAnalyzer, err error) {
	m := newMapping(opts.Protected, opts.WholeWords)
	words, ok := m.AnalyzerNamed(textAnalyzerName(opts.WholeWords)).(*wordAnalyzer)
	if !ok {
		return nil, nil, errors.New("search: no text analyzer")
	}
	whole, ok = m.AnalyzerNamed(wholeAnalyzerName).(*wordAnalyzer)
	if !ok {
		return nil, nil, errors.New("search: no whole-words analyzer")
	}
	return words, whole, nil
}

// SetProtected replaces the words never split into parts besides the bundled ones (see
// Options.Protected), e.g. after the catalog of municipalities was loaded or changed. If
// the index was built with other words, it reports NeedsRebuild; the next Rebuild uses the
// new words. Queries use them at once.
func (ix *Index) SetProtected(words []string) error {
	opts := Options{Protected: slices.Clone(words), WholeWords: ix.opts.WholeWords}
	qa, err := newQueryAnalyzer(newDecompounder(opts.Protected))
	if err != nil {
		return err
	}
	text, _, err := textAnalyzers(opts)
	if err != nil {
		return err
	}
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.opts, ix.version, ix.qa, ix.syn, ix.words = opts, opts.version(), qa, ix.synonymsWith(qa), text
	// The version is stored by the last batch of a completed build only.
	ix.needsRebuild = ix.stored != ix.version
	return nil
}

// errClosed is returned by every method of a closed index.
var errClosed = errors.New("search: index closed")

// Apply writes b to the index in one atomic step: a search sees all of it or none of it.
// A document replaces the one with the same ID; deleting an unknown ID is not an error.
func (ix *Index) Apply(ctx context.Context, b Batch) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search: apply: %w", err)
	}
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return errClosed
	}
	batch := ix.idx.NewBatch()
	m := ix.idx.Mapping()
	for i := range b.Put {
		if err := indexDocument(batch, m, &b.Put[i]); err != nil {
			return fmt.Errorf("search: apply: %w", err)
		}
	}
	for _, id := range b.Delete {
		batch.Delete(id)
	}
	batch.SetInternal([]byte(keySeq), encodeSeq(b.Seq))
	if err := ix.idx.Batch(batch); err != nil {
		return fmt.Errorf("search: apply: %w", err)
	}
	return nil
}

// indexDocument adds d to batch as m maps it, its text analysed by textFields.
func indexDocument(batch *bleve.Batch, m mapping.IndexMapping, d *Document) error {
	if d.ID == "" {
		return errors.New("document without id")
	}
	doc := document.NewDocument(d.ID)
	if err := m.MapDocument(doc, d.fields()); err != nil {
		return fmt.Errorf("document %s: %w", d.ID, err)
	}
	withWordFields(doc)
	if len(d.Files) > 0 {
		// The files' text is analysed as the body is (see files.go).
		words, ok := m.AnalyzerNamed(m.AnalyzerNameForPath(fieldBody)).(*wordAnalyzer)
		if !ok {
			return fmt.Errorf("document %s: no analyzer for the text of files", d.ID)
		}
		doc.AddField(newFilesField(words, d.Files))
	}
	return batch.IndexAdvanced(doc)
}

// Seq returns the store sequence number written by the last Apply or Rebuild, 0 for a new
// index.
func (ix *Index) Seq() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return 0, errClosed
	}
	v, err := ix.idx.GetInternal([]byte(keySeq))
	if err != nil {
		return 0, fmt.Errorf("search: seq: %w", err)
	}
	if len(v) != 8 {
		return 0, nil
	}
	return binary.BigEndian.Uint64(v), nil
}

func encodeSeq(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// Count returns the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return 0, errClosed
	}
	n, err := ix.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}

// NeedsRebuild reports whether the index must be built anew from the store before it can be
// trusted: it was just created, a build never completed, or it was built with an older
// mapping. A completed Rebuild clears it.
func (ix *Index) NeedsRebuild() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.needsRebuild
}

// Close closes the index; searches still running finish first. Closing twice is not an error.
func (ix *Index) Close() error {
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.idx == nil {
		return nil
	}
	err := ix.idx.Close()
	ix.idx = nil
	if err != nil {
		return fmt.Errorf("search: close: %w", err)
	}
	return nil
}
