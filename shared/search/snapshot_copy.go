package search

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The layout of a scorch index directory, as bleve v2.6 writes it: the index's metadata,
// and in store/ the bolt file with the root (the list of segments, their deletions and the
// internal values) and one immutable file per segment, named after the segment's id
// ("%012x.zap"). Publish copies exactly these; TestSnapshotLayout fails if bleve changes them.
const (
	metaFileName = "index_meta.json"
	rootFileName = "store/root.bolt"
	storeDir     = "store"
)

// publishSuffix names the directory beside the index in which Publish assembles its copy.
const publishSuffix = ".publish"

// What the copy relies on in bleve and scorch.
var (
	_ index.CopyIndex  = (*scorch.Scorch)(nil)
	_ index.CopyReader = (*scorch.IndexSnapshot)(nil)
	_ index.Directory  = (*copyDir)(nil)
)

// localCopy is a consistent copy of an index in a directory of its own.
type localCopy struct {
	dir     string
	idx     bleve.Index // the index copied
	files   []string    // slash-separated names relative to dir, sorted
	seq     uint64
	version string
	docs    uint64
}

// copyIndex copies the current state of the index into the directory ix.dir+".publish".
// Segment files already on disk are hard-linked (copied if that fails); segments still in
// memory are written out. Writers wait meanwhile; searches do not.
func (ix *Index) copyIndex(id string) (c *localCopy, err error) {
	ix.write.Lock()
	defer ix.write.Unlock()
	ix.mu.RLock()
	idx, dir := ix.idx, ix.dir
	ix.mu.RUnlock()
	switch {
	case idx == nil:
		return nil, errClosed
	case dir == "":
		return nil, errors.New("the index is in memory")
	}
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil, fmt.Errorf("index engine %T is not scorch", adv)
	}

	// The copy reader is the current root; until it is closed, scorch keeps its segment
	// files even if they are merged away meanwhile.
	cr, ok := s.CopyReader().(*scorch.IndexSnapshot)
	if !ok || cr == nil {
		return nil, errors.New("the index has no root to copy")
	}
	defer func() {
		if cerr := cr.CloseCopyReader(); cerr != nil && err == nil {
			err = cerr
		}
	}()

	c = &localCopy{dir: dir + publishSuffix, idx: idx}
	if err := os.RemoveAll(c.dir); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(c.dir)
		}
	}()
	if err := os.MkdirAll(filepath.Join(c.dir, storeDir), 0o755); err != nil {
		return nil, err
	}

	d := &copyDir{dst: c.dir, src: dir, onDisk: map[string]bool{}}
	for _, ss := range cr.Segments() {
		if ps, ok := ss.Segment().(segment.PersistedSegment); ok {
			d.onDisk[filepath.Base(ps.Path())] = true
		}
	}
	if err := cr.CopyTo(d); err != nil {
		return nil, fmt.Errorf("copy index: %w", err)
	}
	if err := linkOrCopy(filepath.Join(dir, metaFileName), filepath.Join(c.dir, metaFileName)); err != nil {
		return nil, fmt.Errorf("copy index: %w", err)
	}

	if v, err := cr.GetInternal([]byte(keySeq)); err != nil {
		return nil, err
	} else if len(v) == 8 {
		c.seq = binary.BigEndian.Uint64(v)
	}
	v, err := cr.GetInternal([]byte(keyMappingVersion))
	if err != nil {
		return nil, err
	}
	c.version = string(v)
	if c.docs, err = cr.DocCount(); err != nil {
		return nil, err
	}
	c.files, err = listFiles(c.dir)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// copyDir receives the files of scorch's copy of an index (IndexSnapshot.CopyTo) in the
// directory dst. A segment file that exists in the index directory src (onDisk) is linked
// from there instead of being copied: scorch skips the copy when given no writer.
type copyDir struct {
	dst, src string
	onDisk   map[string]bool // names of the segment files of the copied root that are on disk
}

// GetWriter returns the file to write name to, or nil if the file was linked from the index.
// The root bolt file must be an *os.File: scorch opens a bolt database at its name.
func (d *copyDir) GetWriter(name string) (io.WriteCloser, error) {
	name = filepath.Clean(name)
	if !filepath.IsLocal(name) {
		return nil, fmt.Errorf("copy index: file name %q outside the index", name)
	}
	dst := filepath.Join(d.dst, name)
	if filepath.Dir(name) == storeDir && d.onDisk[filepath.Base(name)] {
		// scorch then copies from the same path; a nil writer makes it skip the copy.
		if os.Link(filepath.Join(d.src, name), dst) == nil {
			return nil, nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(dst, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
}

// linkOrCopy makes dst a hard link of src, or a copy if linking fails.
func linkOrCopy(src, dst string) error {
	if os.Link(src, dst) == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// listFiles returns the regular files under dir as sorted slash-separated relative names.
func listFiles(dir string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	slices.Sort(names)
	return names, err
}

// fileDigests remembers the size and SHA-256 of the segment files of one open bleve index,
// so that Publish reads a file it already uploaded only once. Within one open index a
// segment's name always means the same content; another index (after Rebuild or Replace)
// may use the same names for other content, so the digests are kept per index.
type fileDigests struct {
	idx    bleve.Index
	byName map[string]fileDigest
}

type fileDigest struct {
	size int64
	sum  string
}

// fileDigest returns the SHA-256 and size of the file name of c, from what was remembered
// of c's index or by reading the file.
func (ix *Index) fileDigest(c *localCopy, name string) (string, int64, error) {
	ix.digestMu.Lock()
	d, ok := ix.digests.byName[name]
	ok = ok && ix.digests.idx == c.idx
	ix.digestMu.Unlock()
	if ok && name != rootFileName {
		return d.sum, d.size, nil
	}
	f, err := os.Open(filepath.Join(c.dir, filepath.FromSlash(name)))
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("digest %s: %w", name, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if name != rootFileName {
		ix.rememberDigest(c.idx, name, n, sum)
	}
	return sum, n, nil
}

// rememberDigest records the digest of the file name of idx.
func (ix *Index) rememberDigest(idx bleve.Index, name string, size int64, sum string) {
	ix.digestMu.Lock()
	defer ix.digestMu.Unlock()
	if ix.digests.idx != idx {
		ix.digests = fileDigests{idx: idx, byName: map[string]fileDigest{}}
	}
	ix.digests.byName[name] = fileDigest{size: size, sum: sum}
}

// forgetDigests drops the digests of files of idx that are not in names: merged away.
func (ix *Index) forgetDigests(idx bleve.Index, names []string) {
	ix.digestMu.Lock()
	defer ix.digestMu.Unlock()
	if ix.digests.idx != idx {
		return
	}
	for name := range ix.digests.byName {
		if _, found := slices.BinarySearch(names, name); !found {
			delete(ix.digests.byName, name)
		}
	}
}
